/* Mandatory office activities (R-ATT-5): labour, meetings and collective
 * events. A participant who cannot attend asks the director beforehand
 * (the director himself asks the district mayor: no one decides their own
 * request, activity_absences.c); a participant recorded absent without an
 * approved request gets absenteeism for the activity's working half-days
 * (at least one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "activity.h"
#include "audit.h"
#include "list.h"

/* An activity lasts at most a month. */
#define ACTIVITY_MAX_SECONDS (31LL * 86400)

static const char *const activity_kinds[] = {"labour", "meeting", "collective", NULL};

/* Visible to participants, the organiser, the secretariat, office leaders
 * and administrators, and to the district mayor when he decides an absence
 * request from it (the office director's, R-ATT-5). $2 viewer, $3 sees all
 * or secretariat. */
#define ACTIVITY_VISIBLE                                                                \
    " ($3::boolean OR a.created_by = $2"                                                \
    "  OR EXISTS (SELECT 1 FROM activity_participants p WHERE p.activity_id = a.id"      \
    "   AND p.user_id = $2)"                                                            \
    "  OR EXISTS (SELECT 1 FROM activity_absence_requests dq"                           \
    "   JOIN identity.org_people dm ON dm.id = $2 AND dm.position = dq.decider_role"     \
    "   AND NOT dm.is_secretary"                                                        \
    "   WHERE dq.activity_id = a.id AND dq.decider_role = 'district_mayor'))"

/* The document of activity a in a statement: activity_doc with its
 * participants aggregated here, so that the function is inlined and the
 * statement planned once (attendance migration 004). */
#define ACTIVITY_DOC                                                                    \
    " activity_doc(a, (SELECT coalesce(json_agg(activity_participant_doc(d)"             \
    " ORDER BY d.user_id), '[]'::json) FROM activity_participants d"                     \
    " WHERE d.activity_id = a.id))"

/* Whether the caller sees every activity: leaders, administrators and the
 * secretariat. */
static int activity_sees_all_or_reply(req_t *r, bool *all)
{
    bool sec = false;
    if (!sees_all(r->caller) && caller_in_secretariat_or_reply(r, &sec))
        return -1;
    *all = sees_all(r->caller) || sec;
    return 0;
}

/* The viewer parameters: the caller and whether they see every activity. */
static int activity_viewer_or_reply(req_t *r, char me[24], const char **see_all)
{
    bool all;
    if (activity_sees_all_or_reply(r, &all))
        return -1;
    db_int(me, r->caller->id);
    *see_all = all ? "true" : "false";
    return 0;
}

/* ---------- reads ---------- */

static const db_stmt Q_ACTIVITY_GET = {
    "att_activity_get",
    "SELECT" ACTIVITY_DOC ", a.version FROM activities a WHERE a.id = $1 AND" ACTIVITY_VISIBLE};

void h_activities_get(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    char b[24], me[24];
    const char *all;
    if (!id || activity_viewer_or_reply(r, me, &all))
        return;
    const char *params[] = {db_int(b, id), me, all};
    PGresult *res = db_read_or_reply(r, &Q_ACTIVITY_GET, 3, params);
    if (res)
        action_reply_versioned(r, res);
}

static const db_stmt Q_ACTIVITIES_LIST = {
    "att_activities_list",
    "SELECT a.id," ACTIVITY_DOC " FROM activities a"
    " WHERE " PAGE_BEFORE("a.id", "$1") " AND" ACTIVITY_VISIBLE
    " AND ($4::text IS NULL OR a.kind = $4)"
    " AND ($5::boolean IS NOT TRUE OR EXISTS (SELECT 1 FROM activity_participants p"
    "   WHERE p.activity_id = a.id AND p.user_id = $2))"
    " ORDER BY a.id DESC LIMIT $6"};

static const list_filter activity_filters[] = {
    {.name = "kind", .kind = LIST_ENUM, .values = activity_kinds},
    {.name = "mine", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t activities_list = {
    .stmt = &Q_ACTIVITIES_LIST,
    .filters = activity_filters,
    .params = {"@cursor", "@caller", "@sees_all", "kind", "mine", "@limit"},
    .sees_all_or_reply = activity_sees_all_or_reply,
};

void h_activities_list(req_t *r)
{
    list_handle(r, &activities_list);
}

/* ---------- create (director, secretariat) ---------- */

typedef struct activity_in {
    const char *title, *kind, *location, *starts_at, *ends_at;
    json_t *participant_ids;
} activity_in;

static const json_field activity_fields[] = {
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(activity_in, title)},
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = activity_kinds,
     .offset = offsetof(activity_in, kind)},
    {.name = "location", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 200,
     .offset = offsetof(activity_in, location)},
    {.name = "starts_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(activity_in, starts_at)},
    {.name = "ends_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(activity_in, ends_at)},
    {.name = "participant_ids", .type = JF_ID_LIST, .flags = JF_REQUIRED, .min = 1, .max = 500,
     .offset = offsetof(activity_in, participant_ids)},
    JF_END,
};

static const db_stmt Q_NOT_OFFICE = {
    "att_activity_not_office",
    "SELECT x.ord - 1 AS item, x.id FROM unnest($1::bigint[]) WITH ORDINALITY AS x(id, ord)"
    " LEFT JOIN identity.org_people p ON p.id = x.id AND p.active"
    "  AND p.department_kind IN ('section', 'office_leadership')"
    " WHERE p.id IS NULL ORDER BY x.ord LIMIT 1"};

static const db_stmt Q_ACTIVITY_INSERT = {
    "att_activity_insert",
    "WITH a AS (INSERT INTO activities(title, kind, location, starts_at, ends_at, created_by)"
    "  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id),"
    " p AS (INSERT INTO activity_participants(activity_id, user_id)"
    "  SELECT a.id, x FROM a, unnest($7::bigint[]) x)"
    " SELECT id FROM a"};

static const db_stmt Q_ACTIVITY_DOC = {
    "att_activity_doc", "SELECT" ACTIVITY_DOC " AS doc FROM activities a WHERE a.id = $1"};

static const db_stmt Q_ACTIVITY_NOTIFY = {
    "att_activity_notify",
    "SELECT identity.notify(p.user_id, 'activity_scheduled', $2, $3, 'activity', $1)"
    " FROM activity_participants p WHERE p.activity_id = $1"};

/* The ids as a PostgreSQL array literal (malloc'd), or NULL. */

static int activity_store(db_conn *c, create_tx *ct, problem_t *p)
{
    att_tx *t = ct->ctx;
    activity_in *in = t->in;
    bool sec = false;
    if (!caller_is_director(ct->r->caller) &&
        dept_is_secretariat(c, ct->r->caller->department_id, &sec, p))
        return -1;
    if (!caller_is_director(ct->r->caller) && !sec)
        return problem_set(p, ERR_ACTIVITY_NOT_ORGANISER, NULL, NULL,
                           "office activities are organised by the director or the secretariat");
    char *ids = db_id_array(in->participant_ids);
    if (!ids)
        return problem_oom(p);
    int rc = -1;
    PGresult *res;
    const char *pc[] = {ids};
    if (db_query(c, &Q_NOT_OFFICE, 1, pc, &res, p))
        goto cleanup;
    if (PQntuples(res) == 1) {
        problem_field(p, "participant_ids", "item %s (%s) is not an active member of the office",
                      db_col_str(res, 0, "item"), db_col_str(res, 0, "id"));
        PQclear(res);
        goto cleanup;
    }
    PQclear(res);
    char me[24];
    const char *pi[] = {in->title, in->kind, in->location, in->starts_at, in->ends_at,
                        db_int(me, ct->r->caller->id), ids};
    if (db_query(c, &Q_ACTIVITY_INSERT, 7, pi, &res, p))
        goto cleanup;
    ct->id = db_col_ll(res, 0, "id");
    PQclear(res);
    if (!(ct->doc = att_doc(c, &Q_ACTIVITY_DOC, ct->id, "activity", p)))
        goto cleanup;
    char id[24], title[300], body[400];
    text_fmt(title, sizeof title, "You are to take part in: %s", in->title);
    text_fmt(body, sizeof body,
             "%s to %s. Attendance is mandatory; an absence needs the office director's "
             "approval beforehand, otherwise it is absenteeism (R-ATT-5).",
             in->starts_at, in->ends_at);
    const char *pn[] = {db_int(id, ct->id), title, body};
    if (db_query(c, &Q_ACTIVITY_NOTIFY, 3, pn, &res, p))
        goto cleanup;
    PQclear(res);
    rc = 0;
cleanup:
    free(ids);
    return rc;
}

static int activity_check(create_tx *ct, problem_t *p)
{
    const activity_in *in = ct->in;
    long long from, to;
    if (time_parse(in->starts_at, &from) && time_parse(in->ends_at, &to)) {
        if (to <= from)
            return problem_field(p, "ends_at", "must be after starts_at");
        if (to - from > ACTIVITY_MAX_SECONDS)
            return problem_field(p, "ends_at", "must be within 31 days of starts_at");
    }
    return 0;
}

static const create_t activity_create = {
    .entity = "activity",
    .fields = activity_fields,
    .check = activity_check,
    .store = activity_store,
};

void h_activities_create(req_t *r)
{
    activity_in in = {0};
    att_tx t = {.r = r, .in = &in};
    create_handle(r, &activity_create, &in, &t);
}

/* ---------- the activity as its actions see it ---------- */

/* The activity locked, with its document, what the participant $4 has
 * recorded and whether the caller sees it. */
static const db_stmt Q_ACTIVITY_LOCK = {
    "att_activity_lock",
    "SELECT a.created_by, a.version, a.starts_at <= now() AS started, a.title," ACTIVITY_DOC
    " AS doc, (SELECT coalesce(p.attendance, '') FROM activity_participants p"
    "   WHERE p.activity_id = a.id AND p.user_id = $4) AS attendance,"
    " " ACTIVITY_VISIBLE " AS visible FROM activities a WHERE a.id = $1 FOR UPDATE"};

int activity_load(db_conn *c, req_t *r, long long id, long long who, activity_row *row,
                  char **before, problem_t *p)
{
    memset(row, 0, sizeof *row);
    char a[24], me[24], w[24];
    bool sec = false;
    if (!sees_all(r->caller) && r->caller->department_id) {
        org_person f;
        if (org_chain_get(c, r->caller->id, false, &f, p))
            return -1;
        sec = f.is_secretariat;
    }
    const char *params[] = {db_int(a, id), db_int(me, r->caller->id),
                            sees_all(r->caller) || sec ? "true" : "false", db_int(w, who)};
    PGresult *res;
    if (db_query(c, &Q_ACTIVITY_LOCK, 4, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "visible")) {
        PQclear(res);
        return problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such activity");
    }
    row->created_by = db_col_ll(res, 0, "created_by");
    row->version = db_col_ll(res, 0, "version");
    row->started = db_col_bool(res, 0, "started");
    snprintf(row->title, sizeof row->title, "%s", db_col_str(res, 0, "title"));
    row->participant = !db_col_null(res, 0, "attendance");
    snprintf(row->attendance, sizeof row->attendance, "%s", db_col_str(res, 0, "attendance"));
    if (before)
        *before = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (before && !*before)
        return problem_oom(p);
    return 0;
}


/* ---------- attendance (R-ATT-5) ---------- */

typedef struct attendance_in {
    long long user_id;
    bool present;
} attendance_in;

static const json_field attendance_fields[] = {
    {.name = "user_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(attendance_in, user_id)},
    {.name = "present", .type = JF_BOOL, .flags = JF_REQUIRED,
     .offset = offsetof(attendance_in, present)},
    JF_END,
};

static const db_stmt Q_REQUEST_STATE = {
    "att_activity_absence_state",
    "SELECT state FROM activity_absence_requests WHERE activity_id = $1 AND user_id = $2"
    " AND state IN ('pending', 'approved')"};

/* The activity's span as office-time half-day slots. */
static const db_stmt Q_ACTIVITY_SPAN = {
    "att_activity_span",
    "SELECT (starts_at AT TIME ZONE 'Asia/Shanghai')::date - DATE '1970-01-01' AS from_day,"
    " extract(hour FROM starts_at AT TIME ZONE 'Asia/Shanghai') >= 12 AS from_pm,"
    " ((ends_at - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date"
    "   - DATE '1970-01-01' AS to_day,"
    " extract(hour FROM (ends_at - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai') >= 12"
    " AS to_pm"
    " FROM activities WHERE id = $1"};

static const db_stmt Q_ATTENDANCE_SET = {
    "att_activity_attendance_set",
    "UPDATE activity_participants SET attendance = $3, recorded_by = $4, recorded_at = now(),"
    " absence_id = $5 WHERE activity_id = $1 AND user_id = $2"};

static const db_stmt Q_ACTIVITY_BUMP = {
    "att_activity_bump",
    "UPDATE activities SET version = version + 1, updated_at = now() WHERE id = $1"};

/* Records absenteeism for the activity's working half-days, at least one. */
static int activity_absence(db_conn *c, action_tx *t, long long user, long long *absence_id,
                            problem_t *p)
{
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_ACTIVITY_SPAN, 1, params, &res, p))
        return -1;
    long from = slot_of((long)db_col_ll(res, 0, "from_day"), db_col_bool(res, 0, "from_pm"));
    long to = slot_of((long)db_col_ll(res, 0, "to_day"), db_col_bool(res, 0, "to_pm"));
    PQclear(res);
    calendar cal = {0};
    int rc = cal_load(c, slot_day(from), slot_day(to), &cal, p);
    long halves = cal_working_halves(&cal, from, to);
    long first = cal_first_working_slot(&cal, from, to);
    cal_free(&cal);
    if (rc)
        return -1;
    absence_new a = {user,       slot_day(first >= 0 ? first : from),
                     halves > 0 ? halves : 1,
                     "activity_absence", "activity", t->id,
                     "absent from a mandatory activity without the director's approval"};
    return absence_add(c, &t->r->actor, &a, absence_id, p);
}

/* The lock step of recording attendance: the activity and the participant
 * the body names, into t->row (an activity_row). */
static int attendance_lock(db_conn *c, action_tx *t, problem_t *p)
{
    activity_row *row = t->row;
    const attendance_in *in = t->in;
    if (activity_load(c, t->r, t->id, in->user_id, row, &t->before, p))
        return -1;
    t->version = row->version;
    return 0;
}

/* The organiser, the director or the secretariat records attendance, never
 * their own: a participant marking themselves present would escape the
 * absenteeism of R-ATT-5. */
static int attendance_authorise(db_conn *c, action_tx *t, problem_t *p)
{
    const activity_row *row = t->row;
    if (((const attendance_in *)t->in)->user_id == t->r->caller->id)
        return problem_set(p, ERR_ACTIVITY_OWN_ATTENDANCE, NULL, NULL,
                           "nobody records their own attendance; the organiser, the director "
                           "or the secretariat records it");
    if (caller_is_director(t->r->caller) || row->created_by == t->r->caller->id)
        return 0;
    org_person f;
    if (org_chain_get(c, t->r->caller->id, false, &f, p))
        return -1;
    if (!f.is_secretariat)
        return problem_set(p, ERR_ACTIVITY_NOT_ORGANISER, NULL, NULL,
                           "attendance is recorded by the organiser, the director or the "
                           "secretariat");
    return 0;
}

static int attendance_record(db_conn *c, action_tx *t, problem_t *p)
{
    const attendance_in *in = t->in;
    const activity_row *row = t->row;
    PGresult *res;
    if (!row->participant)
        return problem_field(p, "user_id", "is not a participant of this activity");
    if (!row->started)
        return problem_set(p, ERR_ACTIVITY_NOT_STARTED, NULL, NULL,
                           "attendance is recorded once the activity has started");
    if (row->attendance[0])
        return problem_set(p, ERR_ACTIVITY_ATTENDANCE_RECORDED, NULL, NULL,
                           "attendance of this participant was already recorded as %s",
                           row->attendance);
    char id[24], uid[24], me[24], ab[24];
    const char *pq[] = {db_int(id, t->id), db_int(uid, in->user_id)};
    if (db_query(c, &Q_REQUEST_STATE, 2, pq, &res, p))
        return -1;
    const char *req_state = PQntuples(res) ? db_col_str(res, 0, "state") : "";
    bool excused = !strcmp(req_state, "approved"), pending = !strcmp(req_state, "pending");
    PQclear(res);
    const char *mark = in->present ? "present" : excused ? "excused" : "absent";
    long long absence_id = 0;
    if (!in->present && pending)
        return problem_set(p, ERR_ACTIVITY_ABSENCE_REQUEST_PENDING, NULL, NULL,
                           "the participant's absence request waits for its decision");
    if (!strcmp(mark, "absent") && activity_absence(c, t, in->user_id, &absence_id, p))
        return -1;
    const char *pu[] = {id, uid, mark, db_int(me, t->r->caller->id),
                        absence_id ? db_int(ab, absence_id) : NULL};
    if (db_query(c, &Q_ATTENDANCE_SET, 5, pu, &res, p))
        return -1;
    PQclear(res);
    if (db_query(c, &Q_ACTIVITY_BUMP, 1, pu, &res, p))
        return -1;
    PQclear(res);
    t->doc = att_doc(c, &Q_ACTIVITY_DOC, t->id, "activity", p);
    return t->doc ? 0 : -1;
}

static const action_kind activity_kind = {
    .entity = "activity",
    .noun = "activity",
    .wrong_state = ERR_WRONG_STATE,
};

/* R-ATT-5: the organiser, the director or the secretariat records a
 * participant's attendance once the activity has started, once. An
 * activity has no state of its own: what bars the recording (the person
 * not a participant, the activity not started, attendance recorded) is the
 * participant's, which the body names, checked in attendance_record. */
static const action_t act_attendance = {
    .kind = &activity_kind,
    .verb = "attendance",
    .done = "recorded",
    .fields = attendance_fields,
    .rule = "R-ATT-5",
    .lock = attendance_lock,
    .authorise = attendance_authorise,
    .perform = attendance_record,
};

void h_activities_attendance(req_t *r)
{
    attendance_in in = {0};
    activity_row row = {0};
    action_handle(r, &act_attendance, &in, &row);
}
