/* Absence from a mandatory office activity asked for beforehand (R-ATT-5):
 * a participant asks before the activity starts; the director decides (the
 * district mayor on the director's own request: no one decides their own
 * request); an approved request excuses the participant when attendance is
 * recorded (activities.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "activity.h"
#include "audit.h"
#include "list.h"

static const char *const request_states[] = {"pending", "approved", "rejected", NULL};

typedef struct absence_request_in {
    const char *reason;
} absence_request_in;

static const json_field absence_request_fields[] = {
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(absence_request_in, reason)},
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
        return problem_oom(p);
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

static const list_filter request_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = request_states},
    {.name = "activity_id", .kind = LIST_ID},
    {.name = "to_approve", .kind = LIST_BOOL},
    {.name = "mine", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t requests_list = {
    .stmt = &Q_REQUESTS_LIST,
    .filters = request_filters,
    .params = {"@cursor", "@caller", "@sees_all", "@position", "state", "activity_id",
               "to_approve", "mine", "@limit"},
    .sees_all = sees_all,
};

void h_activity_absence_list(req_t *r)
{
    list_handle(r, &requests_list);
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

/* R-ATT-5: the position the request names decides it; no one decides
 * their own request. */
static int authorise_decider(db_conn *c, action_tx *t, problem_t *p)
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

static const char *const from_pending[] = {"pending", NULL};

static const action_refusal already_decided[] = {
    {.code = ERR_ACTIVITY_ABSENCE_DECIDED, .detail = "the request was already decided"},
};

/* R-ATT-5: the director (the district mayor on the director's own request)
 * decides a pending absence request, once. */
static const action_t act_approve = {
    ACTION_DECISION("approve", "approved"),
    .kind = &request_kind, .rule = "R-ATT-5", .from_states = from_pending,
    .refusals = already_decided, .state_first = true,
    .lock = request_lock, .authorise = authorise_decider, .perform = request_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &request_kind, .rule = "R-ATT-5", .from_states = from_pending,
    .refusals = already_decided, .state_first = true,
    .lock = request_lock, .authorise = authorise_decider, .perform = request_reject,
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
