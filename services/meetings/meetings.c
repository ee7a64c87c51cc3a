/* The director's office meetings and the leaders' thematic meetings:
 * convened and chaired by the director with the secretariat chief recording
 * (R-MTG-1, R-MTG-2), the agenda published to the participants (R-MTG-3),
 * started only with the director and every deputy director present
 * (R-MTG-4), closed by publishing the minutes and decisions and telling the
 * absent (R-MTG-6); thematic meetings prepared by the leader's secretary,
 * their minutes published after the leader approves them (R-MTG-10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "meetings.h"

static const char *const kinds[] = {"regular", "urgent", "thematic", NULL};
static const char *const states[] = {"planned", "agenda_published", "in_progress", "closed",
                                     "cancelled", NULL};

/* ---------- reads ---------- */

static const db_stmt Q_MEETING_GET = {
    "mtg_meeting_get",
    "SELECT meeting_doc(m, $2), m.version FROM meetings m"
    " WHERE m.id = $1 AND meeting_visible(m, $2, $3)"};

void h_meetings_get(req_t *r)
{
    action_get_visible(r, &Q_MEETING_GET, meetings_privileged(r));
}

static const db_stmt Q_MEETING_SEEN = {
    "mtg_meeting_seen",
    "SELECT 1 FROM meetings m WHERE m.id = $1 AND meeting_visible(m, $2, $3)"};

bool meeting_seen_or_reply(req_t *r, long long id)
{
    char m[24], u[24];
    const char *seen[] = {db_int(m, id), db_int(u, r->caller->id),
                          meetings_privileged(r) ? "true" : "false"};
    PGresult *res = db_read_or_reply(r, &Q_MEETING_SEEN, 3, seen);
    if (!res)
        return false;
    int n = PQntuples(res);
    PQclear(res);
    if (n == 0)
        reply_problem(r, ERR_MEETING_NOT_FOUND, NULL, NULL, "no such meeting");
    return n > 0;
}

static const db_stmt Q_MEETINGS_LIST = {
    "mtg_meeting_list",
    "SELECT m.id, meeting_doc(m, $5) FROM meetings m"
    " WHERE " PAGE_BEFORE("m.id", "$1") " AND ($2::text IS NULL OR m.kind = $2)"
    " AND ($3::text IS NULL OR m.state = $3) AND (NOT $4 OR is_participant(m.id, $5))"
    " AND meeting_visible(m, $5, $6)"
    " ORDER BY m.id DESC LIMIT $7"};

void h_meetings_list(req_t *r)
{
    long limit;
    long long after;
    bool mine = false;
    const char *kind = NULL, *state = NULL;
    if (page_or_reply(r, &limit, &after) || query_enum_or_reply(r, "kind", kinds, &kind) ||
        query_enum_or_reply(r, "state", states, &state) ||
        query_bool_or_reply(r, "mine", &mine, NULL))
        return;
    char a[24], u[24], l[24];
    const char *params[] = {after ? db_int(a, after) : NULL,
                            kind,
                            state,
                            mine ? "true" : "false",
                            db_int(u, r->caller->id),
                            meetings_privileged(r) ? "true" : "false",
                            db_int(l, limit + 1)};
    PGresult *res = db_read_or_reply(r, &Q_MEETINGS_LIST, 7, params);
    if (res)
        reply_page(r, res, limit);
}

/* ---------- notifications ---------- */

static const db_stmt Q_NOTIFY_PARTICIPANTS = {
    "mtg_notify_participants",
    "SELECT count(identity.notify(x.user_id, $2, $3, $4, 'meeting', $1))"
    " FROM meeting_participants x WHERE x.meeting_id = $1 AND x.user_id <> $5"
    " AND (NOT $6 OR x.role <> 'attendee')"};

/* Tells every participant but `except` (0: none); must_attend_only leaves
 * out the non-voting attendees. */
static int notify_participants(db_conn *c, long long meeting, const char *kind,
                               const char *title, const char *body, long long except,
                               bool must_attend_only, problem_t *p)
{
    char m[24], e[24];
    const char *params[] = {db_int(m, meeting), kind, title, body ? body : "",
                            db_int(e, except), must_attend_only ? "true" : "false"};
    return db_run(c, &Q_NOTIFY_PARTICIPANTS, 6, params, p);
}

/* ---------- create ---------- */

typedef struct meeting_in {
    const char *comment; /* first: the common comment_fields write it */
    const char *title, *kind, *scheduled_at, *location, *text;
    json_t *participant_ids, *attendee_ids;
    long long user_id;
    bool present;
} meeting_in;
_Static_assert(offsetof(meeting_in, comment) == 0, "comment_fields writes the first member");

static const json_field meeting_fields[] = {
    {"title", JF_STRING, JF_REQUIRED, 1, 200, NULL, offsetof(meeting_in, title)},
    {"kind", JF_ENUM, JF_REQUIRED, 0, 0, kinds, offsetof(meeting_in, kind)},
    {"scheduled_at", JF_DATETIME, JF_REQUIRED, 0, 0, NULL, offsetof(meeting_in, scheduled_at)},
    {"location", JF_STRING, JF_REQUIRED, 1, 200, NULL, offsetof(meeting_in, location)},
    {"participant_ids", JF_ID_LIST, JF_REQUIRED, 0, 100, NULL,
     offsetof(meeting_in, participant_ids)},
    {"attendee_ids", JF_ID_LIST, 0, 0, 100, NULL, offsetof(meeting_in, attendee_ids)},
    JF_END,
};

typedef struct meeting_tx {
    req_t *r;
    meeting_in in;
    char *members, *attendees, *doc;
} meeting_tx;

static const db_stmt Q_FUTURE = {"mtg_future", "SELECT $1::timestamptz > now() AS future"};

static const db_stmt Q_SECRETARIAT_CHIEF = {
    "mtg_secretariat_chief",
    "SELECT d.chief_id FROM identity.org_departments d WHERE d.is_secretariat"
    " AND d.chief_id IS NOT NULL ORDER BY d.id LIMIT 1"};

/* The first id of $1 that is not an active person (of the office, unless $2). */
static const db_stmt Q_FIRST_STRANGER = {
    "mtg_first_stranger",
    "SELECT x AS user_id FROM unnest($1::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM"
    " identity.org_people p WHERE p.id = x AND p.active AND ($2 OR (p.department_id IS NOT NULL"
    " AND p.department_kind NOT IN ('external', 'bureau', 'township', 'other')))) LIMIT 1"};

static const db_stmt Q_MEETING_INSERT = {
    "mtg_meeting_insert",
    "INSERT INTO meetings(kind, title, scheduled_at, location, chair_id, recorder_id, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};

/* R-MTG-1: the chair, the recorder, every deputy director (director's
 * meetings), the members named and the attendees (列席). */
static const db_stmt Q_PARTICIPANTS_INSERT = {
    "mtg_participants_insert",
    "INSERT INTO meeting_participants(meeting_id, user_id, role)"
    " SELECT DISTINCT ON (u) $1::bigint, u, role FROM ("
    "   SELECT $2::bigint AS u, 'chair' AS role, 1 AS o UNION ALL SELECT $3::bigint, 'recorder', 2"
    "   UNION ALL SELECT p.id, 'member', 3 FROM identity.org_people p"
    "     WHERE $6 AND p.active AND p.position = 'deputy_director'"
    "   UNION ALL SELECT x, 'member', 4 FROM unnest($4::bigint[]) AS x"
    "   UNION ALL SELECT x, 'attendee', 5 FROM unnest($5::bigint[]) AS x) s ORDER BY u, o"};

static const db_stmt Q_MEETING_DOC = {
    "mtg_meeting_doc", "SELECT meeting_doc(m, $2) FROM meetings m WHERE m.id = $1"};

static const db_stmt Q_PROPOSE_OVERDUE = {"mtg_propose_overdue",
                                          "SELECT propose_overdue_topics()"};

static int check_people(db_conn *c, const char *ids, bool anyone, const char *field,
                        problem_t *p)
{
    const char *params[] = {ids, anyone ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_FIRST_STRANGER, 2, params, &res, p))
        return -1;
    int rc = 0;
    if (PQntuples(res) > 0)
        rc = problem_field(p, field, anyone ? "user %s is not an active user"
                                            : "user %s is not an active member of the office",
                           db_col_str(res, 0, "user_id"));
    PQclear(res);
    return rc;
}

static int meeting_store(db_conn *c, create_tx *ct, problem_t *p)
{
    meeting_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    bool thematic = !strcmp(t->in.kind, "thematic");
    long long chair, recorder;
    if (thematic) {
        /* R-MTG-10: the secretary prepares the meeting of the leader served. */
        if (!me->is_secretary || me->serves_leader_id <= 0)
            return problem_set(p, ERR_MEETING_NOT_LEADERS_SECRETARY, NULL, NULL,
                               "a thematic meeting is prepared by the secretary of the district "
                               "leader who holds it");
        chair = me->serves_leader_id;
        recorder = me->id;
    } else {
        org_person who;
        if (org_person_get(c, me->id, &who, p))
            return -1;
        if (!mtg_may_convene(who.position, who.is_secretary))
            return problem_set(p, ERR_MEETING_NOT_DIRECTOR, NULL, NULL,
                               "only the office director convenes and chairs a director's "
                               "meeting");
        chair = me->id;
        PGresult *res;
        if (db_query(c, &Q_SECRETARIAT_CHIEF, 0, NULL, &res, p))
            return -1;
        recorder = PQntuples(res) ? db_col_ll(res, 0, "chief_id") : 0;
        PQclear(res);
        if (!recorder)
            return problem_set(p, ERR_MEETING_NO_RECORDER, NULL, NULL,
                               "the secretariat has no chief to record the meeting");
    }
    const char *pf[] = {t->in.scheduled_at};
    PGresult *res;
    if (db_query(c, &Q_FUTURE, 1, pf, &res, p))
        return -1;
    bool future = db_col_bool(res, 0, "future");
    PQclear(res);
    if (!future)
        problem_field(p, "scheduled_at", "must be in the future");
    if (check_people(c, t->members, false, "participant_ids", p) ||
        check_people(c, t->attendees, true, "attendee_ids", p) || p->errors)
        return -1;
    char ch[24], rec[24], cr[24], id[24];
    const char *pi[] = {t->in.kind, t->in.title,  t->in.scheduled_at, t->in.location,
                        db_int(ch, chair), db_int(rec, recorder), db_int(cr, me->id)};
    if (db_query(c, &Q_MEETING_INSERT, 7, pi, &res, p))
        return -1;
    long long mid = db_col_ll(res, 0, "id");
    PQclear(res);
    db_int(id, mid);
    const char *pp[] = {id, ch, rec, t->members, t->attendees, thematic ? "false" : "true"};
    if (db_run(c, &Q_PARTICIPANTS_INSERT, 6, pp, p))
        return -1;
    if (!thematic && !strcmp(t->in.kind, "regular") &&
        db_run(c, &Q_PROPOSE_OVERDUE, 0, NULL, p))
        return -1;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "Meeting convened: %s (%s)", t->in.title, t->in.scheduled_at);
    if (notify_participants(c, mid, "meeting_convened", title, t->in.location, me->id, false, p))
        return -1;
    const char *pd[] = {id, cr};
    if (db_text(c, &Q_MEETING_DOC, 2, pd, &ct->doc, p))
        return -1;
    ct->id = mid;
    return 0;
}

/* A person is a member or an attendee, not both. */
static int meeting_check(create_tx *ct, problem_t *p)
{
    meeting_tx *t = ct->ctx;
    for (size_t i = 0; i < json_array_size(t->in.attendee_ids); i++)
        for (size_t k = 0; k < json_array_size(t->in.participant_ids); k++)
            if (json_integer_value(json_array_get(t->in.attendee_ids, i)) ==
                json_integer_value(json_array_get(t->in.participant_ids, k))) {
                problem_field(p, "attendee_ids", "user %lld is already a participant",
                              (long long)json_integer_value(json_array_get(t->in.attendee_ids, i)));
                i = k = SIZE_MAX - 1;
            }
    if (p->errors) {
        snprintf(p->detail, sizeof p->detail, "the meeting's people are listed twice");
        return -1;
    }
    t->members = db_id_array(t->in.participant_ids);
    t->attendees = db_id_array(t->in.attendee_ids);
    if (!t->members || !t->attendees)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    return 0;
}

static const create_t meeting_create = {
    .entity = "meeting",
    .fields = meeting_fields,
    .check = meeting_check,
    .store = meeting_store,
};

void h_meetings_create(req_t *r)
{
    meeting_tx t = {.r = r};
    create_handle(r, &meeting_create, &t.in, &t);
    free(t.members);
    free(t.attendees);
}

/* ---------- actions ---------- */

static const action_kind meeting_kind = {
    .entity = "meeting",
    .noun = "meeting",
    .wrong_state = ERR_MEETING_WRONG_STATE,
};

typedef struct meeting_row {
    char kind[16], title[800];
    long long chair, recorder;
    bool reschedule_needed, has_minutes, minutes_approved, thematic;
} meeting_row;

static const db_stmt Q_MEETING_LOCK = {
    "mtg_meeting_lock",
    "SELECT meeting_doc(m, $2) AS doc, m.version, m.state, m.kind, m.chair_id, m.recorder_id,"
    " m.title, m.reschedule_needed, coalesce(length(btrim(m.minutes)), 0) > 0 AS has_minutes,"
    " m.minutes_approved_at IS NOT NULL AS minutes_approved,"
    " meeting_visible(m, $2, $3) AS visible"
    " FROM meetings m WHERE m.id = $1 FOR NO KEY UPDATE"};

static int meeting_lock(db_conn *c, action_tx *t, problem_t *p)
{
    meeting_row *m = t->row;
    memset(m, 0, sizeof *m);
    const caller_t *me = t->r->caller;
    bool privileged = me->is_admin || (!me->is_secretary && org_is_office_leader(me->position));
    if (!privileged && store_in_secretariat(c, me->id, &privileged, p))
        return -1;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, me->id), privileged ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_MEETING_LOCK, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "visible")) {
        PQclear(res);
        return problem_set(p, ERR_MEETING_NOT_FOUND, NULL, NULL, "no such meeting");
    }
    t->before = strdup(db_col_str(res, 0, "doc"));
    t->version = db_col_ll(res, 0, "version");
    snprintf(t->state, sizeof t->state, "%s", db_col_str(res, 0, "state"));
    snprintf(m->kind, sizeof m->kind, "%s", db_col_str(res, 0, "kind"));
    m->chair = db_col_ll(res, 0, "chair_id");
    m->recorder = db_col_ll(res, 0, "recorder_id");
    snprintf(m->title, sizeof m->title, "%s", db_col_str(res, 0, "title"));
    m->reschedule_needed = db_col_bool(res, 0, "reschedule_needed");
    m->has_minutes = db_col_bool(res, 0, "has_minutes");
    m->minutes_approved = db_col_bool(res, 0, "minutes_approved");
    m->thematic = !strcmp(m->kind, "thematic");
    PQclear(res);
    if (!t->before)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    return 0;
}

/* R-MTG-1: the director convenes and chairs, so only the chair reschedules,
 * cancels and starts a director's meeting; a thematic meeting's secretary
 * prepares it for the leader (R-MTG-10). */
static int authorise_chair(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    (void)c;
    long long me = t->r->caller->id;
    if (me == m->chair || (m->thematic && me == m->recorder))
        return 0;
    return problem_set(p, ERR_MEETING_NOT_CHAIR, NULL, m->thematic ? "R-MTG-10" : "R-MTG-1",
                       "only the meeting's chair (or for a thematic meeting the leader's "
                       "secretary) does this");
}

/* R-MTG-2: the recorder marks attendance and writes the minutes. */
static int authorise_recorder(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    (void)c;
    if (t->r->caller->id == m->recorder)
        return 0;
    return problem_set(p, ERR_MEETING_NOT_RECORDER, NULL, m->thematic ? "R-MTG-10" : "R-MTG-2",
                       "only the meeting's recorder does this");
}

static int authorise_recorder_or_chair(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    (void)c;
    if (t->r->caller->id == m->recorder || t->r->caller->id == m->chair)
        return 0;
    return problem_set(p, ERR_MEETING_NOT_RECORDER, NULL, m->thematic ? "R-MTG-10" : "R-MTG-2",
                       "only the meeting's recorder or chair closes it");
}

/* R-MTG-3: the secretariat publishes the agenda (a thematic meeting's is
 * published by the leader's secretary). */
static int authorise_secretariat(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    if (m->thematic)
        return authorise_chair(c, t, p);
    bool in = false;
    if (store_in_secretariat(c, t->r->caller->id, &in, p))
        return -1;
    if (!in)
        return problem_set(p, ERR_MEETING_NOT_SECRETARIAT, NULL, NULL,
                           "the secretariat (文秘科) publishes the agenda");
    return 0;
}

static int meeting_doc_after(db_conn *c, action_tx *t, problem_t *p)
{
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id)};
    if (db_text(c, &Q_MEETING_DOC, 2, params, &t->doc, p))
        return -1;
    return t->doc ? 0 : problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
}

/* reschedule */

static const db_stmt Q_MEETING_RESCHEDULE = {
    "mtg_meeting_reschedule",
    "UPDATE meetings SET scheduled_at = $2, reschedule_needed = false,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* The leave asked for the old time does not carry to the new one. */
static const db_stmt Q_ABSENCES_LAPSE = {
    "mtg_absences_lapse",
    "UPDATE meeting_absence_requests SET state = 'lapsed', version = version + 1,"
    " updated_at = now() WHERE meeting_id = $1 AND state IN ('pending', 'approved')"};

static const db_stmt Q_ATTENDANCE_RESET = {
    "mtg_attendance_reset",
    "UPDATE meeting_participants SET present = NULL, marked_at = NULL WHERE meeting_id = $1"};

static int perform_reschedule(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_in *in = t->in;
    const meeting_row *m = t->row;
    const char *pf[] = {in->scheduled_at};
    PGresult *res;
    if (db_query(c, &Q_FUTURE, 1, pf, &res, p))
        return -1;
    bool future = db_col_bool(res, 0, "future");
    PQclear(res);
    if (!future)
        return problem_field(p, "scheduled_at", "must be in the future");
    char id[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), in->scheduled_at};
    if (db_run(c, &Q_MEETING_RESCHEDULE, 2, params, p) ||
        db_run(c, &Q_ABSENCES_LAPSE, 1, params, p) ||
        db_run(c, &Q_ATTENDANCE_RESET, 1, params, p))
        return -1;
    snprintf(title, sizeof title, "Meeting rescheduled: %s, now %s", m->title, in->scheduled_at);
    if (notify_participants(c, t->id, "meeting_rescheduled", title,
                            in->comment ? in->comment : "", t->r->caller->id, false, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* cancel */

static const db_stmt Q_MEETING_CANCEL = {
    "mtg_meeting_cancel",
    "UPDATE meetings SET state = 'cancelled', cancelled_at = now(), version = version + 1,"
    " updated_at = now() WHERE id = $1"};

static int perform_cancel(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_in *in = t->in;
    const meeting_row *m = t->row;
    char id[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id)};
    if (db_run(c, &Q_MEETING_CANCEL, 1, params, p))
        return -1;
    snprintf(title, sizeof title, "Meeting cancelled: %s", m->title);
    if (notify_participants(c, t->id, "meeting_cancelled", title, in->comment ? in->comment : "",
                            t->r->caller->id, false, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* publish-agenda */

static const db_stmt Q_APPROVED_TOPICS = {
    "mtg_approved_topics",
    "SELECT count(*) FILTER (WHERE state = 'approved') AS approved,"
    " count(*) FILTER (WHERE state = 'proposed') AS waiting"
    " FROM topics WHERE meeting_id = $1"};

static const db_stmt Q_MEETING_PUBLISH = {
    "mtg_meeting_publish",
    "UPDATE meetings SET state = 'agenda_published', agenda_published_at = now(),"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static int perform_publish(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    char id[24], title[TITLE_BYTES], body[200];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_APPROVED_TOPICS, 1, params, &res, p))
        return -1;
    long long approved = db_col_ll(res, 0, "approved"), waiting = db_col_ll(res, 0, "waiting");
    PQclear(res);
    if (approved == 0)
        return problem_set(p, ERR_MEETING_NO_APPROVED_TOPIC, NULL, NULL,
                           "no topic of this meeting is approved by its supervising deputy "
                           "(%lld waiting); the agenda would be empty",
                           waiting);
    if (db_run(c, &Q_MEETING_PUBLISH, 1, params, p))
        return -1;
    snprintf(title, sizeof title, "Agenda and materials published: %s", m->title);
    snprintf(body, sizeof body, "%lld topic(s) on the agenda", approved);
    if (notify_participants(c, t->id, "meeting_agenda_published", title, body,
                            t->r->caller->id, false, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* attendance */

static const db_stmt Q_MARK_ATTENDANCE = {
    "mtg_mark_attendance",
    "UPDATE meeting_participants SET present = $3, marked_at = now()"
    " WHERE meeting_id = $1 AND user_id = $2 RETURNING role"};

static const db_stmt Q_MEETING_TOUCH = {
    "mtg_meeting_touch",
    "UPDATE meetings SET version = version + 1, updated_at = now() WHERE id = $1"};

static int perform_attendance(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_in *in = t->in;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, in->user_id),
                            in->present ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_MARK_ATTENDANCE, 3, params, &res, p))
        return -1;
    int n = PQntuples(res);
    PQclear(res);
    if (n == 0)
        return problem_field(p, "user_id", "user %lld is not a participant of this meeting",
                             in->user_id);
    if (db_run(c, &Q_MEETING_TOUCH, 1, params, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* start */

/* R-MTG-4: the director (the chair) and every active deputy director not
 * marked present. */
static const db_stmt Q_QUORUM_MISSING = {
    "mtg_quorum_missing",
    "SELECT string_agg(p.display_name || ' (' || p.username || ')', ', ' ORDER BY p.id) AS missing"
    " FROM (SELECT q.id, q.display_name, q.username FROM identity.org_people q"
    "   WHERE q.active AND q.position IN ('office_director', 'deputy_director')"
    "   UNION SELECT q.id, q.display_name, q.username FROM identity.org_people q"
    "   WHERE q.id = $2) p"
    " WHERE NOT EXISTS (SELECT 1 FROM meeting_participants x WHERE x.meeting_id = $1"
    "   AND x.user_id = p.id AND x.present)"};

static const db_stmt Q_MEETING_START = {
    "mtg_meeting_start",
    "UPDATE meetings SET state = 'in_progress', started_at = now(), version = version + 1,"
    " updated_at = now() WHERE id = $1"};

static int perform_start(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    char id[24], ch[24];
    const char *params[] = {db_int(id, t->id), db_int(ch, m->chair)};
    if (!m->thematic) {
        if (strcmp(t->state, "agenda_published"))
            return problem_set(p, ERR_MEETING_AGENDA_NOT_PUBLISHED, NULL, NULL,
                               "the agenda must be published to the participants before the "
                               "meeting starts");
        if (m->reschedule_needed)
            return problem_set(p, ERR_MEETING_RESCHEDULE_NEEDED, NULL, NULL,
                               "a deputy director's absence was approved: the meeting must be "
                               "rescheduled so that every director can attend");
        PGresult *res;
        if (db_query(c, &Q_QUORUM_MISSING, 2, params, &res, p))
            return -1;
        if (!db_col_null(res, 0, "missing")) {
            problem_set(p, ERR_MEETING_NO_QUORUM, NULL, NULL,
                        "the meeting starts only when the director and every deputy director "
                        "are present; not present: %s",
                        db_col_str(res, 0, "missing"));
            PQclear(res);
            return -1;
        }
        PQclear(res);
    }
    if (db_run(c, &Q_MEETING_START, 1, params, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* minutes */

static const db_stmt Q_MEETING_MINUTES = {
    "mtg_meeting_minutes",
    "UPDATE meetings SET minutes = $2, minutes_approved_by = NULL, minutes_approved_at = NULL,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static int perform_minutes(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_in *in = t->in;
    const meeting_row *m = t->row;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->text};
    if (db_run(c, &Q_MEETING_MINUTES, 2, params, p))
        return -1;
    if (m->thematic) {
        char title[TITLE_BYTES];
        snprintf(title, sizeof title, "Approve the minutes of your thematic meeting: %s",
                 m->title);
        if (notify(c, m->chair, "minutes_to_approve", title, "", "meeting", t->id, p))
            return -1;
    }
    return meeting_doc_after(c, t, p);
}

/* approve-minutes */

static const db_stmt Q_MINUTES_APPROVE = {
    "mtg_minutes_approve",
    "UPDATE meetings SET minutes_approved_by = $2, minutes_approved_at = now(),"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* R-MTG-10: the leader who holds the thematic meeting approves its minutes;
 * the secretary never does (R-SEC-3, refused before this). */
static int authorise_leader(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    (void)c;
    if (!m->thematic)
        return problem_set(p, ERR_MEETING_NOT_THEMATIC, NULL, NULL,
                           "only a thematic meeting's minutes are approved by its leader; a "
                           "director's meeting publishes them when it closes");
    if (t->r->caller->id != m->chair)
        return problem_set(p, ERR_MEETING_NOT_LEADER, NULL, NULL,
                           "only the leader who holds the thematic meeting approves its minutes");
    return 0;
}

static int perform_approve_minutes(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    if (!m->has_minutes)
        return problem_set(p, ERR_MEETING_MINUTES_MISSING, NULL, NULL,
                           "the secretary has not drafted the minutes yet");
    char id[24], u[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id)};
    if (db_run(c, &Q_MINUTES_APPROVE, 2, params, p))
        return -1;
    snprintf(title, sizeof title, "The minutes of %s are approved: publish them", m->title);
    if (notify(c, m->recorder, "minutes_approved", title, "", "meeting", t->id, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* close */

/* Must-attend participants whose attendance is not recorded and who have no
 * approved leave. */
static const db_stmt Q_UNMARKED = {
    "mtg_unmarked",
    "SELECT string_agg(person_name(x.user_id), ', ' ORDER BY x.user_id) AS unmarked"
    " FROM meeting_participants x WHERE x.meeting_id = $1 AND x.role <> 'attendee'"
    " AND x.present IS NULL AND NOT EXISTS (SELECT 1 FROM meeting_absence_requests a"
    "   WHERE a.meeting_id = x.meeting_id AND a.user_id = x.user_id AND a.state = 'approved')"};

static const db_stmt Q_MARK_EXCUSED = {
    "mtg_mark_excused",
    "UPDATE meeting_participants SET present = false, marked_at = now()"
    " WHERE meeting_id = $1 AND present IS NULL"};

/* R-MTG-7: the new decisions are published, and the ones they change
 * become superseded. */
static const db_stmt Q_DECISIONS_PUBLISH = {
    "mtg_decisions_publish",
    "WITH pub AS (UPDATE decisions SET state = 'published', published_at = now(),"
    "   version = version + 1, updated_at = now()"
    "   WHERE meeting_id = $1 AND state = 'draft' RETURNING id, supersedes_id, responsible_id),"
    " old AS (UPDATE decisions o SET state = 'superseded', version = o.version + 1,"
    "   updated_at = now() FROM pub WHERE o.id = pub.supersedes_id RETURNING o.id)"
    " SELECT count(identity.notify(pub.responsible_id, 'decision_assigned',"
    "   'A meeting decision names you responsible', '', 'decision', pub.id)),"
    " (SELECT count(*) FROM old) FROM pub"};

/* R-MTG-6: the recorder tells each absent must-attend participant the
 * decisions. */
static const db_stmt Q_NOTIFY_ABSENT = {
    "mtg_notify_absent",
    "SELECT count(identity.notify(x.user_id, 'meeting_decisions_for_absent', $2,"
    "  (SELECT coalesce(string_agg(d.id || ': ' || d.text, E'\\n' ORDER BY d.id), '')"
    "   FROM decisions d WHERE d.meeting_id = $1 AND d.state <> 'draft'),"
    "  'meeting', $1))"
    " FROM meeting_participants x WHERE x.meeting_id = $1 AND x.role <> 'attendee'"
    " AND NOT x.present"};

static const db_stmt Q_MEETING_CLOSE = {
    "mtg_meeting_close",
    "UPDATE meetings SET state = 'closed', closed_at = now(), version = version + 1,"
    " updated_at = now() WHERE id = $1"};

static int perform_close(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    if (!m->has_minutes)
        return problem_set(p, ERR_MEETING_MINUTES_MISSING, NULL, "R-MTG-2",
                           "the recorder has not written the minutes yet");
    if (m->thematic && !m->minutes_approved)
        return problem_set(p, ERR_MEETING_MINUTES_NOT_APPROVED, NULL, NULL,
                           "the minutes of a thematic meeting are published only after the "
                           "leader approves them");
    char id[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), title};
    PGresult *res;
    if (db_query(c, &Q_UNMARKED, 1, params, &res, p))
        return -1;
    if (!db_col_null(res, 0, "unmarked")) {
        problem_set(p, ERR_MEETING_ATTENDANCE_INCOMPLETE, NULL, NULL,
                    "record the attendance of every participant before closing; not recorded: %s",
                    db_col_str(res, 0, "unmarked"));
        PQclear(res);
        return -1;
    }
    PQclear(res);
    snprintf(title, sizeof title, "Decisions of the meeting you missed: %s", m->title);
    if (db_run(c, &Q_MARK_EXCUSED, 1, params, p) ||
        db_run(c, &Q_DECISIONS_PUBLISH, 1, params, p) ||
        db_run(c, &Q_MEETING_CLOSE, 1, params, p) ||
        db_run(c, &Q_NOTIFY_ABSENT, 2, params, p))
        return -1;
    snprintf(title, sizeof title, "Minutes published: %s", m->title);
    if (notify_participants(c, t->id, "meeting_minutes_published", title, "", t->r->caller->id,
                            false, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* ---------- the action table ---------- */

static const json_field reschedule_fields[] = {
    {"scheduled_at", JF_DATETIME, JF_REQUIRED, 0, 0, NULL, offsetof(meeting_in, scheduled_at)},
    {"comment", JF_TEXT, 0, 0, 1000, NULL, offsetof(meeting_in, comment)},
    JF_END,
};

static const json_field attendance_fields[] = {
    {"user_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, NULL, offsetof(meeting_in, user_id)},
    {"present", JF_BOOL, JF_REQUIRED, 0, 0, NULL, offsetof(meeting_in, present)},
    JF_END,
};

static const json_field minutes_fields[] = {
    {"text", JF_STRING, JF_REQUIRED, 1, 50000, NULL, offsetof(meeting_in, text)},
    JF_END,
};

static const char *const from_preparing[] = {"planned", "agenda_published", NULL};
static const char *const from_open[] = {"planned", "agenda_published", "in_progress", NULL};
static const char *const from_running[] = {"in_progress", NULL};

/* kind, verb, done, body, decides, from, lock, authorise, perform */
static const action_t act_reschedule = {
    .kind = &meeting_kind,
    .verb = "reschedule",
    .done = "rescheduled",
    .fields = reschedule_fields,
    .from_states = from_preparing,
    .lock = meeting_lock,
    .authorise = authorise_chair,
    .perform = perform_reschedule,
};
static const action_t act_cancel = {
    .kind = &meeting_kind,
    .verb = "cancel",
    .done = "cancelled",
    .fields = comment_fields,
    .from_states = from_preparing,
    .lock = meeting_lock,
    .authorise = authorise_chair,
    .perform = perform_cancel,
};
static const action_t act_publish = {
    .kind = &meeting_kind,
    .verb = "publish_agenda",
    .done = "published",
    .fields = comment_fields,
    .from_states = from_preparing,
    .lock = meeting_lock,
    .authorise = authorise_secretariat,
    .perform = perform_publish,
};
static const action_t act_attendance = {
    .kind = &meeting_kind,
    .verb = "attendance",
    .done = "marked",
    .fields = attendance_fields,
    .from_states = from_open,
    .lock = meeting_lock,
    .authorise = authorise_recorder,
    .perform = perform_attendance,
};
static const action_t act_start = {
    .kind = &meeting_kind,
    .verb = "start",
    .done = "started",
    .fields = comment_fields,
    .from_states = from_preparing,
    .lock = meeting_lock,
    .authorise = authorise_chair,
    .perform = perform_start,
};
static const action_t act_minutes = {
    .kind = &meeting_kind,
    .verb = "minutes",
    .done = "given minutes",
    .fields = minutes_fields,
    .from_states = from_running,
    .lock = meeting_lock,
    .authorise = authorise_recorder,
    .perform = perform_minutes,
};
static const action_t act_approve_minutes = {
    .kind = &meeting_kind,
    .verb = "approve_minutes",
    .done = "approved",
    .fields = comment_fields,
    .decides = true,
    .from_states = from_running,
    .lock = meeting_lock,
    .authorise = authorise_leader,
    .perform = perform_approve_minutes,
};
static const action_t act_close = {
    .kind = &meeting_kind,
    .verb = "close",
    .done = "closed",
    .fields = comment_fields,
    .from_states = from_running,
    .lock = meeting_lock,
    .authorise = authorise_recorder_or_chair,
    .perform = perform_close,
};

static void meeting_action_handle(req_t *r, const action_t *act)
{
    meeting_in in = {0};
    meeting_row row = {0};
    action_handle(r, act, &in, &row);
}

void h_meetings_reschedule(req_t *r)
{
    meeting_action_handle(r, &act_reschedule);
}

void h_meetings_cancel(req_t *r)
{
    meeting_action_handle(r, &act_cancel);
}

void h_meetings_publish_agenda(req_t *r)
{
    meeting_action_handle(r, &act_publish);
}

void h_meetings_attendance(req_t *r)
{
    meeting_action_handle(r, &act_attendance);
}

void h_meetings_start(req_t *r)
{
    meeting_action_handle(r, &act_start);
}

void h_meetings_minutes(req_t *r)
{
    meeting_action_handle(r, &act_minutes);
}

void h_meetings_approve_minutes(req_t *r)
{
    meeting_action_handle(r, &act_approve_minutes);
}

void h_meetings_close(req_t *r)
{
    meeting_action_handle(r, &act_close);
}
