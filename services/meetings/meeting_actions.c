/* What is done to a meeting once convened: the row every action locks, who
 * may act (R-MTG-1 the chair, R-MTG-2 the recorder, R-MTG-3 the
 * secretariat, R-MTG-10 the leader and the leader's secretary), preparing
 * it (reschedule, cancel, publish the agenda, start) and the action table,
 * whose rows read like the regulation. The steps of the meeting held
 * (attendance, minutes, close) are in meeting_record.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "meetings.h"

/* ---------- the row and who may act ---------- */

const action_kind meeting_kind = {
    .entity = "meeting",
    .noun = "meeting",
    .wrong_state = ERR_MEETING_WRONG_STATE,
};


static const db_stmt Q_MEETING_LOCK = {
    "mtg_meeting_lock",
    "SELECT meeting_doc(m, $2) AS doc, m.version, m.state, m.kind, m.chair_id, m.recorder_id,"
    " m.title, m.reschedule_needed, coalesce(length(btrim(m.minutes)), 0) > 0 AS has_minutes,"
    " m.minutes_approved_at IS NOT NULL AS minutes_approved,"
    " meeting_visible(m, $2, $3) AS visible"
    " FROM meetings m WHERE m.id = $1 FOR NO KEY UPDATE"};

static const action_row_spec meeting_spec = {
    .doc = "doc",
    .visible = "visible",
    .missing = ERR_MEETING_NOT_FOUND,
    .detail = "no such meeting",
};

int meeting_lock(db_conn *c, action_tx *t, problem_t *p)
{
    meeting_row *m = t->row;
    memset(m, 0, sizeof *m);
    const caller_t *me = t->r->caller;
    bool privileged = me->is_admin || (!me->is_secretary && org_is_office_leader(me->position));
    if (!privileged && store_in_secretariat(c, me->id, &privileged, p))
        return -1;
    PGresult *res;
    if (action_lock_visible(c, t, &Q_MEETING_LOCK, privileged, &meeting_spec, &res, p))
        return -1;
    snprintf(m->kind, sizeof m->kind, "%s", db_col_str(res, 0, "kind"));
    m->chair = db_col_ll(res, 0, "chair_id");
    m->recorder = db_col_ll(res, 0, "recorder_id");
    snprintf(m->title, sizeof m->title, "%s", db_col_str(res, 0, "title"));
    m->reschedule_needed = db_col_bool(res, 0, "reschedule_needed");
    m->has_minutes = db_col_bool(res, 0, "has_minutes");
    m->minutes_approved = db_col_bool(res, 0, "minutes_approved");
    m->thematic = !strcmp(m->kind, "thematic");
    PQclear(res);
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


/* ---------- preparing the meeting ---------- */

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
    bool future;
    if (store_in_future(c, in->scheduled_at, &future, p))
        return -1;
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

/* ---------- the action table ---------- */

static const json_field reschedule_fields[] = {
    {.name = "scheduled_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(meeting_in, scheduled_at)},
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(meeting_in, comment)},
    JF_END,
};

static const json_field attendance_fields[] = {
    {.name = "user_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(meeting_in, user_id)},
    {.name = "present", .type = JF_BOOL, .flags = JF_REQUIRED,
     .offset = offsetof(meeting_in, present)},
    JF_END,
};

static const json_field minutes_fields[] = {
    {.name = "text", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 50000,
     .offset = offsetof(meeting_in, text)},
    JF_END,
};

static const char *const from_preparing[] = {"planned", "agenda_published", NULL};
static const char *const from_open[] = {"planned", "agenda_published", "in_progress", NULL};
static const char *const from_running[] = {"in_progress", NULL};

/* kind, verb, done, body, decides, from, rule, lock, authorise, perform */
static const action_t act_reschedule = {
    .kind = &meeting_kind,
    .verb = "reschedule",
    .done = "rescheduled",
    .fields = reschedule_fields,
    .from_states = from_preparing,
    .rule = "R-MTG-4",
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
    .rule = "R-MTG-1",
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
    .rule = "R-MTG-3",
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
    .rule = "R-MTG-4",
    .lock = meeting_lock,
    .authorise = authorise_recorder,
    .perform = meeting_perform_attendance,
};
static const action_t act_start = {
    .kind = &meeting_kind,
    .verb = "start",
    .done = "started",
    .fields = comment_fields,
    .from_states = from_preparing,
    .rule = "R-MTG-4",
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
    .rule = "R-MTG-2",
    .lock = meeting_lock,
    .authorise = authorise_recorder,
    .perform = meeting_perform_minutes,
};
static const action_t act_approve_minutes = {
    ACTION_DECISION("approve_minutes", "approved"),
    .kind = &meeting_kind,
    .from_states = from_running,
    .rule = "R-MTG-10",
    .lock = meeting_lock,
    .authorise = authorise_leader,
    .perform = meeting_perform_approve_minutes,
};
static const action_t act_close = {
    .kind = &meeting_kind,
    .verb = "close",
    .done = "closed",
    .fields = comment_fields,
    .from_states = from_running,
    .rule = "R-MTG-6",
    .lock = meeting_lock,
    .authorise = authorise_recorder_or_chair,
    .perform = meeting_perform_close,
};

void meeting_action_handle(req_t *r, const action_t *act)
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

