/* Mandatory office activities (R-ATT-5): labour, meetings and collective
 * events. A participant who cannot attend asks the director beforehand
 * (the director himself asks the district mayor: no one decides their own
 * request); a participant recorded absent without an approved request gets
 * absenteeism for the activity's working half-days (at least one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"

/* An activity lasts at most a month. */
#define ACTIVITY_MAX_SECONDS (31LL * 86400)

static const char *const activity_kinds[] = {"labour", "meeting", "collective", NULL};
static const char *const request_states[] = {"pending", "approved", "rejected", NULL};

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

/* The viewer parameters: the caller and whether they see every activity. */
static int activity_viewer_or_reply(req_t *r, char me[24], const char **see_all)
{
    bool sec = false;
    if (!sees_all(r->caller) && caller_in_secretariat_or_reply(r, &sec))
        return -1;
    db_int(me, r->caller->id);
    *see_all = sees_all(r->caller) || sec ? "true" : "false";
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

void h_activities_list(req_t *r)
{
    long limit;
    long long after;
    bool mine = false;
    const char *kind = NULL, *all;
    char a[24], me[24], l[24];
    if (page_or_reply(r, &limit, &after) || query_enum_or_reply(r, "kind", activity_kinds, &kind) ||
        query_bool_or_reply(r, "mine", &mine, NULL) || activity_viewer_or_reply(r, me, &all))
        return;
    const char *params[] = {after ? db_int(a, after) : NULL, me, all, kind,
                            mine ? "true" : "false", db_int(l, limit + 1)};
    PGresult *res = db_read_or_reply(r, &Q_ACTIVITIES_LIST, 6, params);
    if (res)
        reply_page(r, res, limit);
}

/* ---------- create (director, secretariat) ---------- */

typedef struct activity_in {
    const char *title, *kind, *location, *starts_at, *ends_at;
    json_t *participant_ids;
} activity_in;

static const json_field activity_fields[] = {
    {"title", JF_STRING, JF_REQUIRED, 1, 200, NULL, offsetof(activity_in, title)},
    {"kind", JF_ENUM, JF_REQUIRED, 0, 0, activity_kinds, offsetof(activity_in, kind)},
    {"location", JF_STRING, JF_NULLABLE, 1, 200, NULL, offsetof(activity_in, location)},
    {"starts_at", JF_DATETIME, JF_REQUIRED, 0, 0, NULL, offsetof(activity_in, starts_at)},
    {"ends_at", JF_DATETIME, JF_REQUIRED, 0, 0, NULL, offsetof(activity_in, ends_at)},
    {"participant_ids", JF_ID_LIST, JF_REQUIRED, 1, 500, NULL,
     offsetof(activity_in, participant_ids)},
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
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
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

/* ---------- absence requests (R-ATT-5) ---------- */

typedef struct activity_row {
    long long created_by, version;
    bool participant, started;
    char attendance[16]; /* "" when not recorded */
    char title[1024];
} activity_row;

/* Locks activity `id` and reads what the actions need about it and the
 * participant `who`; with `before`, also its document (malloc'd, the caller
 * frees it). 404 when the caller may not see it. */
static const db_stmt Q_ACTIVITY_LOCK = {
    "att_activity_lock",
    "SELECT a.created_by, a.version, a.starts_at <= now() AS started, a.title," ACTIVITY_DOC
    " AS doc, (SELECT coalesce(p.attendance, '') FROM activity_participants p"
    "   WHERE p.activity_id = a.id AND p.user_id = $4) AS attendance,"
    " " ACTIVITY_VISIBLE " AS visible FROM activities a WHERE a.id = $1 FOR UPDATE"};

static int activity_load(db_conn *c, req_t *r, long long id, long long who, activity_row *row,
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
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    return 0;
}

typedef struct absence_request_in {
    const char *reason;
} absence_request_in;

static const json_field absence_request_fields[] = {
    {"reason", JF_STRING, JF_REQUIRED, 1, 1000, NULL, offsetof(absence_request_in, reason)},
    JF_END,
};

static const db_stmt Q_REQUEST_INSERT = {
    "att_activity_absence_insert",
    "INSERT INTO activity_absence_requests(activity_id, user_id, reason, decider_role)"
    " VALUES ($1, $2, $3, $4) RETURNING id, activity_absence_doc(activity_absence_requests) AS doc"};

static int absence_request_store(db_conn *c, create_tx *ct, problem_t *p)
{
    att_tx *t = ct->ctx;
    long long me = ct->r->caller->id;
    activity_row row;
    if (activity_load(c, ct->r, t->id, me, &row, NULL, p))
        return -1;
    PGresult *res;
    if (!row.participant)
        return problem_set(p, ERR_ACTIVITY_NOT_PARTICIPANT, NULL, NULL,
                           "only a participant asks to be excused");
    if (row.started || row.attendance[0])
        return problem_set(p, ERR_ACTIVITY_STARTED, NULL, NULL,
                           "an absence is asked for before the activity starts");
    /* R-ATT-5: the director decides, and the director's own request goes
     * one level up to the district mayor. */
    org_person f;
    if (org_chain_get(c, me, false, &f, p))
        return -1;
    const char *role = decider_role_for(f.position);
    long long decider = !strcmp(role, POS_DISTRICT_MAYOR) ? f.mayor_id : f.director_id;
    if (!decider || decider == me)
        return problem_set(p, ERR_ACTIVITY_NO_DECIDER, NULL, NULL,
                           "no %s is appointed to decide this request",
                           !strcmp(role, POS_DISTRICT_MAYOR) ? "district mayor" : "office director");
    char aid[24], uid[24];
    const char *pi[] = {db_int(aid, t->id), db_int(uid, me),
                        ((absence_request_in *)t->in)->reason, role};
    if (db_query(c, &Q_REQUEST_INSERT, 4, pi, &res, p)) {
        if (p->code == ERR_DUPLICATE)
            problem_set(p, ERR_ACTIVITY_ABSENCE_REQUESTED, NULL, NULL,
                        "you already asked to be excused from this activity");
        return -1;
    }
    long long rid = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!ct->doc)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    char body[1400];
    text_fmt(body, sizeof body, "%s: %s (R-ATT-5)", row.title,
             ((absence_request_in *)t->in)->reason);
    if (notify(c, decider, "activity_absence_to_approve",
               !strcmp(role, POS_DISTRICT_MAYOR)
                   ? "The office director asks to be excused from an activity"
                   : "A participant asks to be excused from an activity",
               body, "activity_absence_request", rid, p))
        return -1;
    ct->id = rid;
    return 0;
}

static const create_t absence_request_create = {
    .entity = "activity_absence_request",
    .fields = absence_request_fields,
    .store = absence_request_store,
};

void h_activity_absence_create(req_t *r)
{
    absence_request_in in = {0};
    att_tx t = {.r = r, .in = &in, .id = path_id_or_reply(r, "id")};
    if (t.id)
        create_handle(r, &absence_request_create, &in, &t);
}

/* Visible to the requester, whoever holds the position that decides it
 * (the district mayor for the director's own request), office leaders and
 * administrators. $2 viewer, $3 sees all, $4 the viewer's position. */
#define REQUEST_VISIBLE " ($3::boolean OR q.user_id = $2 OR q.decider_role = $4)"

static const db_stmt Q_REQUEST_GET = {
    "att_activity_absence_get",
    "SELECT activity_absence_doc(q), q.version FROM activity_absence_requests q"
    " WHERE q.id = $1 AND" REQUEST_VISIBLE};

void h_activity_absence_get(req_t *r)
{
    action_get_visible_by_position(r, &Q_REQUEST_GET, sees_all(r->caller));
}

static const db_stmt Q_REQUESTS_LIST = {
    "att_activity_absence_list",
    "SELECT q.id, activity_absence_doc(q) FROM activity_absence_requests q"
    " WHERE " PAGE_BEFORE("q.id", "$1") " AND" REQUEST_VISIBLE
    " AND ($5::text IS NULL OR q.state = $5) AND ($6::bigint IS NULL OR q.activity_id = $6)"
    " AND ($7::boolean IS NOT TRUE OR (q.state = 'pending' AND q.decider_role = $4"
    "  AND q.user_id <> $2))"
    " AND ($8::boolean IS NOT TRUE OR q.user_id = $2)"
    " ORDER BY q.id DESC LIMIT $9"};

void h_activity_absence_list(req_t *r)
{
    long limit;
    long long after, activity = 0;
    bool has_activity = false, to_approve = false, mine = false;
    const char *state = NULL;
    if (page_or_reply(r, &limit, &after) ||
        query_enum_or_reply(r, "state", request_states, &state) ||
        query_ll_or_reply(r, "activity_id", 1, INT64_MAX / 2, &activity, &has_activity) ||
        query_bool_or_reply(r, "to_approve", &to_approve, NULL) ||
        query_bool_or_reply(r, "mine", &mine, NULL))
        return;
    char a[24], me[24], ac[24], l[24];
    const char *params[] = {after ? db_int(a, after) : NULL,
                            db_int(me, r->caller->id),
                            sees_all(r->caller) ? "true" : "false",
                            r->caller->position,
                            state,
                            has_activity ? db_int(ac, activity) : NULL,
                            to_approve ? "true" : "false",
                            mine ? "true" : "false",
                            db_int(l, limit + 1)};
    PGresult *res = db_read_or_reply(r, &Q_REQUESTS_LIST, 9, params);
    if (res)
        reply_page(r, res, limit);
}

static const db_stmt Q_REQUEST_LOCK = {
    "att_activity_absence_lock",
    "SELECT q.user_id AS owner_id, q.state, q.version, activity_absence_doc(q) AS doc,"
    " q.decider_role"
    " FROM activity_absence_requests q WHERE q.id = $1 AND" REQUEST_VISIBLE " FOR UPDATE"};

static const db_stmt Q_REQUEST_DECIDE = {
    "att_activity_absence_decide",
    "UPDATE activity_absence_requests q SET state = $2, decided_by = $3, decided_at = now(),"
    " comment = $4, version = version + 1, updated_at = now() WHERE q.id = $1"
    " RETURNING activity_absence_doc(q) AS doc"};

static const action_kind request_kind = {
    .entity = "activity_absence_request",
    .noun = "absence request",
    .wrong_state = ERR_WRONG_STATE,
};

/* The locked absence request, as its decision needs it. */
typedef struct request_row {
    long long requester;
    char decider_role[24];
} request_row;

/* The lock step of an absence request's decision, into t->row (a
 * request_row). 404 when the caller may not see the request. */
static int request_lock(db_conn *c, action_tx *t, problem_t *p)
{
    request_row *row = t->row;
    char id[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id),
                            sees_all(t->r->caller) ? "true" : "false", t->r->caller->position};
    PGresult *res;
    if (db_query(c, &Q_REQUEST_LOCK, 4, params, &res, p))
        return -1;
    row->requester = att_locked_owner(res, t, "absence request", p);
    if (row->requester)
        snprintf(row->decider_role, sizeof row->decider_role, "%s", db_col_str(res, 0, "decider_role"));
    PQclear(res);
    return row->requester ? 0 : -1;
}

/* R-ATT-5: the position the request names decides it, once (a decided
 * request is refused before the If-Match is looked at); no one decides
 * their own request. */
static int request_authorise(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *row = t->row;
    (void)c;
    if (row->requester == t->r->caller->id)
        return problem_set(p, ERR_ACTIVITY_OWN_REQUEST, NULL, NULL,
                           "no one decides their own absence request; the office director's "
                           "is decided by the district mayor");
    if (strcmp(t->r->caller->position, row->decider_role)) {
        if (!strcmp(row->decider_role, POS_DISTRICT_MAYOR))
            return problem_set(p, ERR_ACTIVITY_NOT_DECIDER, NULL, NULL,
                               "the office director's absence from an office activity is "
                               "approved by the district mayor");
        return problem_set(p, ERR_ACTIVITY_NOT_DIRECTOR, NULL, NULL,
                           "an absence from an office activity is approved by the office director");
    }
    if (strcmp(t->state, "pending"))
        return problem_set(p, ERR_ACTIVITY_ABSENCE_DECIDED, NULL, NULL,
                           "the request was already decided");
    return 0;
}

static int request_decide(db_conn *c, action_tx *t, bool approve, problem_t *p)
{
    const request_row *row = t->row;
    char id[24], me[24];
    const char *pu[] = {db_int(id, t->id), approve ? "approved" : "rejected",
                        db_int(me, t->r->caller->id), ((comment_in *)t->in)->comment};
    PGresult *res;
    if (db_query(c, &Q_REQUEST_DECIDE, 4, pu, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    const char *who = !strcmp(row->decider_role, POS_DISTRICT_MAYOR) ? "district mayor"
                                                                    : "office director";
    char body[200];
    if (approve)
        snprintf(body, sizeof body, "The %s approved your absence (R-ATT-5)", who);
    else
        snprintf(body, sizeof body,
                 "The %s did not approve your absence; take part, or the absence is "
                 "absenteeism (R-ATT-5)",
                 who);
    return notify(c, row->requester,
                  approve ? "activity_absence_approved" : "activity_absence_rejected",
                  approve ? "You are excused from the activity"
                          : "Your absence from the activity was not approved",
                  body, "activity_absence_request", t->id, p);
}

static int request_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return request_decide(c, t, true, p);
}

static int request_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return request_decide(c, t, false, p);
}

static const action_t act_approve = {
    .kind = &request_kind,
    .verb = "approve",
    .done = "approved",
    .fields = comment_fields,
    .decides = true,
    .lock = request_lock,
    .authorise = request_authorise,
    .perform = request_approve,
};
static const action_t act_reject = {
    .kind = &request_kind,
    .verb = "reject",
    .done = "rejected",
    .fields = comment_fields,
    .decides = true,
    .lock = request_lock,
    .authorise = request_authorise,
    .perform = request_reject,
};

void h_activity_absence_approve(req_t *r)
{
    comment_in in = {0};
    request_row row = {0};
    action_handle(r, &act_approve, &in, &row);
}

void h_activity_absence_reject(req_t *r)
{
    comment_in in = {0};
    request_row row = {0};
    action_handle(r, &act_reject, &in, &row);
}

/* ---------- attendance (R-ATT-5) ---------- */

typedef struct attendance_in {
    long long user_id;
    bool present;
} attendance_in;

static const json_field attendance_fields[] = {
    {"user_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, NULL, offsetof(attendance_in, user_id)},
    {"present", JF_BOOL, JF_REQUIRED, 0, 0, NULL, offsetof(attendance_in, present)},
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

static const action_t act_attendance = {
    .kind = &activity_kind,
    .verb = "attendance",
    .done = "recorded",
    .fields = attendance_fields,
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
