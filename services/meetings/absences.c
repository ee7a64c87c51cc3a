/* Leave from a meeting: asked of the director before the meeting starts
 * (R-MTG-6); a deputy director's approved absence means the meeting is
 * rescheduled, since it starts only with every director present (R-MTG-4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "meetings.h"

/* ---------- reads ---------- */

/* The requester, the meeting's chair and recorder, and the privileged. */
#define ABSENCE_VISIBLE                                                                     \
    " ($3 OR a.user_id = $2 OR m.chair_id = $2 OR m.recorder_id = $2)"

static const db_stmt Q_ABSENCE_GET = {
    "mtg_absence_get",
    "SELECT absence_doc(a), a.version FROM meeting_absence_requests a"
    " JOIN meetings m ON m.id = a.meeting_id WHERE a.id = $1 AND" ABSENCE_VISIBLE};

void h_absences_get(req_t *r)
{
    action_get_visible(r, &Q_ABSENCE_GET, meetings_privileged(r));
}

static const db_stmt Q_ABSENCES_LIST = {
    "mtg_absence_list",
    "SELECT a.id, absence_doc(a) FROM meeting_absence_requests a"
    " JOIN meetings m ON m.id = a.meeting_id WHERE a.meeting_id = $1"
    " AND " PAGE_BEFORE("a.id", "$4") " AND" ABSENCE_VISIBLE
    " ORDER BY a.id DESC LIMIT $5"};

static const list_t absences_list = {
    .stmt = &Q_ABSENCES_LIST,
    .path_id = true,
    .params = {"@id", "@caller", "@sees_all", "@cursor", "@limit"},
    .sees_all_of = meetings_privileged,
};

void h_absences_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &absences_list, &q) || !meeting_seen_or_reply(r, q.id))
        return;
    list_reply(&q);
}

/* ---------- create ---------- */

typedef struct absence_in {
    const char *reason, *comment;
} absence_in;

static const json_field absence_fields[] = {
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(absence_in, reason)},
    JF_END,
};

typedef struct absence_tx {
    req_t *r;
    absence_in in;
    long long meeting;
    char *doc;
} absence_tx;

static const db_stmt Q_MEETING_FOR_ABSENCE = {
    "mtg_meeting_for_absence",
    "SELECT m.state, m.scheduled_at > now() AS ahead, m.chair_id, m.title,"
    " (SELECT x.role FROM meeting_participants x WHERE x.meeting_id = m.id AND x.user_id = $2)"
    " AS role FROM meetings m WHERE m.id = $1 FOR SHARE"};

static const db_stmt Q_ABSENCE_INSERT = {
    "mtg_absence_insert",
    "INSERT INTO meeting_absence_requests(meeting_id, user_id, reason) VALUES ($1, $2, $3)"
    " RETURNING id, absence_doc(meeting_absence_requests)"};

static int absence_store(db_conn *c, create_tx *ct, problem_t *p)
{
    absence_tx *t = ct->ctx;
    char mid[24], u[24], title[TITLE_BYTES];
    const char *pm[] = {db_int(mid, t->meeting), db_int(u, ct->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_MEETING_FOR_ABSENCE, 2, pm, &res, p))
        return -1;
    if (PQntuples(res) == 0 || db_col_null(res, 0, "role")) {
        PQclear(res);
        return problem_set(p, ERR_MEETING_NOT_FOUND, NULL, NULL, "no such meeting among yours");
    }
    char state[24], role[16];
    snprintf(state, sizeof state, "%s", db_col_str(res, 0, "state"));
    snprintf(role, sizeof role, "%s", db_col_str(res, 0, "role"));
    bool before = db_col_bool(res, 0, "ahead");
    long long chair = db_col_ll(res, 0, "chair_id");
    snprintf(title, sizeof title, "Leave from the meeting %s asked", db_col_str(res, 0, "title"));
    PQclear(res);
    if (!strcmp(role, "chair"))
        return problem_set(p, ERR_MEETING_ABSENCE_CHAIR, NULL, NULL,
                           "the chair convenes the meeting; reschedule or cancel it instead");
    if (!strcmp(role, "attendee"))
        return problem_set(p, ERR_MEETING_ABSENCE_ATTENDEE, NULL, NULL,
                           "a non-voting attendee (列席) need not ask for leave");
    if (!before || (strcmp(state, "planned") && strcmp(state, "agenda_published")))
        return problem_set(p, ERR_MEETING_ABSENCE_TOO_LATE, NULL, NULL,
                           "leave from a meeting is asked of the director before the meeting");
    const char *pi[] = {mid, u, t->in.reason};
    if (db_query(c, &Q_ABSENCE_INSERT, 3, pi, &res, p)) {
        if (p->code == ERR_DUPLICATE) {
            problem_clear(p);
            return problem_set(p, ERR_MEETING_ABSENCE_EXISTS, NULL, NULL,
                               "you already asked for leave from this meeting");
        }
        return -1;
    }
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "absence_doc"));
    PQclear(res);
    if (!ct->doc)
        return problem_oom(p);
    if (notify(c, chair, "meeting_absence_to_approve", title, t->in.reason,
               "meeting_absence_request", id, p))
        return -1;
    ct->id = id;
    return 0;
}

static const create_t absence_create = {
    .entity = "meeting_absence_request",
    .fields = absence_fields,
    .store = absence_store,
};

void h_absences_create(req_t *r)
{
    absence_tx t = {.r = r, .meeting = path_id_or_reply(r, "id")};
    if (t.meeting)
        create_handle(r, &absence_create, &t.in, &t);
}

/* ---------- approve, reject ---------- */

static const action_kind absence_kind = {
    .entity = "meeting_absence_request",
    .noun = "meeting absence request",
    .wrong_state = ERR_MEETING_ABSENCE_WRONG_STATE,
};

typedef struct absence_row {
    long long meeting, user, chair;
    char meeting_state[24], position[24], kind[16], title[800];
} absence_row;

static const db_stmt Q_ABSENCE_LOCK = {
    "mtg_absence_lock",
    "SELECT absence_doc(a), a.version, a.state, a.meeting_id, a.user_id, m.chair_id,"
    " m.state AS meeting_state,"
    " coalesce((SELECT p.position FROM identity.org_people p WHERE p.id = a.user_id), '')"
    " AS position, m.kind, m.title, " ABSENCE_VISIBLE " AS visible"
    " FROM meeting_absence_requests a JOIN meetings m ON m.id = a.meeting_id WHERE a.id = $1"
    " FOR NO KEY UPDATE OF a, m"};

static const action_row_spec absence_spec = {
    .doc = "absence_doc",
    .visible = "visible",
    .missing = ERR_MEETING_ABSENCE_NOT_FOUND,
    .detail = "no such meeting absence request",
};

static int absence_lock(db_conn *c, action_tx *t, problem_t *p)
{
    absence_row *a = t->row;
    memset(a, 0, sizeof *a);
    const caller_t *me = t->r->caller;
    bool privileged = me->is_admin || (!me->is_secretary && org_is_office_leader(me->position));
    if (!privileged && store_in_secretariat(c, me->id, &privileged, p))
        return -1;
    PGresult *res;
    if (action_lock_visible(c, t, &Q_ABSENCE_LOCK, privileged, &absence_spec, &res, p))
        return -1;
    a->meeting = db_col_ll(res, 0, "meeting_id");
    a->user = db_col_ll(res, 0, "user_id");
    a->chair = db_col_ll(res, 0, "chair_id");
    snprintf(a->meeting_state, sizeof a->meeting_state, "%s", db_col_str(res, 0, "meeting_state"));
    snprintf(a->position, sizeof a->position, "%s", db_col_str(res, 0, "position"));
    snprintf(a->kind, sizeof a->kind, "%s", db_col_str(res, 0, "kind"));
    snprintf(a->title, sizeof a->title, "%s", db_col_str(res, 0, "title"));
    PQclear(res);
    return 0;
}

/* R-MTG-6: the director (the meeting's chair) grants leave. */
static int authorise_chair(db_conn *c, action_tx *t, problem_t *p)
{
    const absence_row *a = t->row;
    (void)c;
    if (t->r->caller->id != a->chair)
        return problem_set(p, ERR_MEETING_ABSENCE_NOT_DIRECTOR, NULL, NULL,
                           "leave from a meeting is granted by the director who chairs it");
    if (strcmp(a->meeting_state, "planned") && strcmp(a->meeting_state, "agenda_published"))
        return problem_set(p, ERR_MEETING_ABSENCE_MEETING_STARTED, NULL, NULL,
                           "the meeting is %s; leave is decided before it", a->meeting_state);
    return 0;
}

static const db_stmt Q_ABSENCE_DECIDE = {
    "mtg_absence_decide",
    "UPDATE meeting_absence_requests a SET state = $2, decided_by = $3, decided_at = now(),"
    " comment = $4, version = a.version + 1, updated_at = now() WHERE a.id = $1"
    " RETURNING absence_doc(a)"};

static const db_stmt Q_NEEDS_RESCHEDULE = {
    "mtg_needs_reschedule",
    "UPDATE meetings SET reschedule_needed = true, version = version + 1, updated_at = now()"
    " WHERE id = $1"};

static const db_stmt Q_NOTIFY_RESCHEDULE = {
    "mtg_notify_reschedule",
    "SELECT identity.notify_many(ARRAY(SELECT x.user_id FROM meeting_participants x"
    "  WHERE x.meeting_id = $1), 'meeting_reschedule_needed', $2, '', 'meeting', $1)"};

static int decide(db_conn *c, action_tx *t, const char *to, problem_t *p)
{
    const absence_row *a = t->row;
    const comment_in *in = t->in;
    char id[24], u[24], mid[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), to, db_int(u, t->r->caller->id), in->comment};
    if (db_text(c, &Q_ABSENCE_DECIDE, 4, params, &t->doc, p))
        return -1;
    snprintf(title, sizeof title, "Your leave from the meeting %s was %s", a->title, to);
    if (notify(c, a->user, "meeting_absence_decided", title, in->comment ? in->comment : "",
               "meeting_absence_request", t->id, p))
        return -1;
    /* R-MTG-4: without this deputy director the meeting cannot be held. */
    if (!strcmp(to, "approved") && !strcmp(a->position, POS_DEPUTY_DIRECTOR) &&
        strcmp(a->kind, "thematic")) {
        const char *pm[] = {db_int(mid, a->meeting), title};
        snprintf(title, sizeof title,
                 "The meeting %s must be rescheduled: a deputy director cannot attend", a->title);
        if (db_run(c, &Q_NEEDS_RESCHEDULE, 1, pm, p) ||
            db_run(c, &Q_NOTIFY_RESCHEDULE, 2, pm, p))
            return -1;
    }
    return 0;
}

static int perform_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "approved", p);
}

static int perform_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "rejected", p);
}

static const char *const from_pending[] = {"pending", NULL};

static const action_t act_approve = {
    ACTION_DECISION("approve", "approved"),
    .kind = &absence_kind, .from_states = from_pending, .rule = "R-MTG-6",
    .lock = absence_lock, .authorise = authorise_chair, .perform = perform_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &absence_kind, .from_states = from_pending, .rule = "R-MTG-6",
    .lock = absence_lock, .authorise = authorise_chair, .perform = perform_reject,
};

void h_absences_approve(req_t *r)
{
    comment_in in = {0};
    absence_row row = {0};
    action_handle(r, &act_approve, &in, &row);
}

void h_absences_reject(req_t *r)
{
    comment_in in = {0};
    absence_row row = {0};
    action_handle(r, &act_reject, &in, &row);
}
