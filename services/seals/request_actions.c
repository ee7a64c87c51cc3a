/* What is done to a seal-use request once asked (requests.c): the leader
 * the seal and matter require approves or rejects it (R-SEAL-2), the seal's
 * custodian stamps it, writing the use log entry, or refuses it (R-SEAL-1,
 * R-SEAL-3, R-SEAL-4), and the requester may withdraw it until then. Each
 * action is a row of the table at the end: the states it starts from, who
 * may do it and what it does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "seals.h"

/* The bodies of the actions: a comment, the stamp's count, the refusal's
 * reason. */
typedef struct request_action_in {
    const char *comment; /* first: the common comment_fields write it */
    long long count;
    const char *reason;
} request_action_in;
_Static_assert(offsetof(request_action_in, comment) == 0,
               "comment_fields writes the first member");

static const action_kind request_kind = {
    .entity = "seal_request",
    .noun = "seal request",
    .wrong_state = ERR_SEAL_REQUEST_WRONG_STATE,
};

/* The locked request and its seal, as the actions need them; with
 * Q_REQUEST_LOCK also the caller as identity shows them now. */
typedef struct request_row {
    char *approvers; /* the seal's own approvers, a bigint[] text */
    long long requester, copies, custodian, approved_by, seal_id, notified_custodian;
    char seal_state[16], role[24], seal_name[SEAL_NAME_BYTES];
    char my_position[24];
    bool my_is_secretary, my_active;
} request_row;

static const db_stmt Q_REQUEST_LOCK = {
    "seals_request_lock",
    "SELECT" SEAL_REQUEST_DOC("q", "s") ", q.version, q.state, q.requester_id,"
    " q.approver_role, q.copies, s.custodian_id, s.state AS seal_state,"
    " s.approver_ids::text AS approvers, s.name AS seal_name,"
    " q.approved_by, q.seal_id, q.custodian_notified_id, request_visible(q, s, $2, $3),"
    " me.position AS my_position, me.is_secretary AS my_is_secretary,"
    " coalesce(me.active, false) AS my_active"
    " FROM seal_requests q JOIN seals s ON s.id = q.seal_id"
    " LEFT JOIN identity.org_people me ON me.id = $2 WHERE q.id = $1"
    " FOR NO KEY UPDATE OF q"};

/* The same, also holding the seal so that no handover completes between
 * the custodian check and the stamp or refusal (R-SEAL-1). */
static const db_stmt Q_REQUEST_LOCK_SEAL = {
    "seals_request_lock_seal",
    "SELECT" SEAL_REQUEST_DOC("q", "s") ", q.version, q.state, q.requester_id,"
    " q.approver_role, q.copies, s.custodian_id, s.state AS seal_state,"
    " s.approver_ids::text AS approvers, s.name AS seal_name,"
    " q.approved_by, q.seal_id, q.custodian_notified_id, request_visible(q, s, $2, $3)"
    " FROM seal_requests q JOIN seals s ON s.id = q.seal_id WHERE q.id = $1"
    " FOR NO KEY UPDATE OF q FOR SHARE OF s"};

static const action_row_spec request_spec = {
    .doc = "seal_request_doc",
    .visible = "request_visible",
    .missing = ERR_SEAL_REQUEST_NOT_FOUND,
    .detail = "no such seal request",
};

static int request_lock_with(db_conn *c, action_tx *t, const db_stmt *st, problem_t *p)
{
    request_row *q = t->row;
    free(q->approvers);
    memset(q, 0, sizeof *q);
    PGresult *res;
    if (action_lock_visible(c, t, st, seals_privileged(t->r->caller), &request_spec, &res, p))
        return -1;
    q->requester = db_col_ll(res, 0, "requester_id");
    snprintf(q->role, sizeof q->role, "%s", db_col_str(res, 0, "approver_role"));
    q->copies = db_col_ll(res, 0, "copies");
    q->custodian = db_col_ll(res, 0, "custodian_id");
    snprintf(q->seal_state, sizeof q->seal_state, "%s", db_col_str(res, 0, "seal_state"));
    q->approvers = strdup(db_col_str(res, 0, "approvers"));
    snprintf(q->seal_name, sizeof q->seal_name, "%s", db_col_str(res, 0, "seal_name"));
    q->approved_by = db_col_ll(res, 0, "approved_by");
    q->seal_id = db_col_ll(res, 0, "seal_id");
    q->notified_custodian = db_col_ll(res, 0, "custodian_notified_id");
    if (st == &Q_REQUEST_LOCK) {
        snprintf(q->my_position, sizeof q->my_position, "%s", db_col_str(res, 0, "my_position"));
        q->my_is_secretary = db_col_bool(res, 0, "my_is_secretary");
        q->my_active = db_col_bool(res, 0, "my_active");
    }
    PQclear(res);
    if (!q->approvers)
        return problem_oom(p);
    return 0;
}

static int request_lock(db_conn *c, action_tx *t, problem_t *p)
{
    return request_lock_with(c, t, &Q_REQUEST_LOCK, p);
}

static int request_lock_seal(db_conn *c, action_tx *t, problem_t *p)
{
    return request_lock_with(c, t, &Q_REQUEST_LOCK_SEAL, p);
}

/* R-SEAL-2 and R-SEAL-1: the leader the seal and matter require, and never
 * the seal's own custodian. The position is read now (with the lock, from
 * identity's view), not from the token. */
static int authorise_approver(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *q = t->row;
    (void)c;
    if (!q->my_active)
        return problem_set(p, ERR_USER_NOT_FOUND, NULL, NULL, "no active user %lld",
                           t->r->caller->id);
    long long me = t->r->caller->id;
    long long configured[64];
    int n = parse_id_array(q->approvers, configured, sizeof configured / sizeof configured[0]);
    if (n < 0)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "unreadable approver list");
    if (q->my_is_secretary ||
        !seal_approver_may(q->role, q->my_position, me, configured, (size_t)n))
        return problem_set(p, ERR_SEAL_APPROVER_MISMATCH, NULL, NULL,
                           "this use of seal %lld needs the approval of: %s", q->seal_id,
                           !strcmp(q->role, POS_DISTRICT_MAYOR) ? "the district mayor"
                           : !strcmp(q->role, "district_leader")
                               ? "the district mayor or a deputy mayor"
                           : !strcmp(q->role, POS_OFFICE_DIRECTOR) ? "the office director"
                                                                 : "the seal's own approvers");
    if (me == q->custodian)
        return problem_set(p, ERR_SEAL_CUSTODIAN_CANNOT_APPROVE, NULL, NULL,
                           "the custodian of a seal cannot approve its use");
    if (me == q->requester)
        return problem_set(p, ERR_SEAL_OWN_REQUEST, NULL, NULL,
                           "nobody approves or rejects their own request");
    return 0;
}

/* R-SEAL-1: only the current custodian stamps or refuses. */
static int authorise_custodian(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->custodian)
        return problem_set(p, ERR_SEAL_NOT_CUSTODIAN, NULL, NULL,
                           "only the current custodian of seal %lld stamps with it", q->seal_id);
    return 0;
}

static int authorise_requester(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->requester)
        return problem_set(p, ERR_FORBIDDEN, NULL, NULL, "only the requester withdraws a request");
    return 0;
}

/* The end of an update of request $1: its seal joined for the document.
 * The seal's columns share names with the request's, so the SET clauses
 * name q's. */
#define REQUEST_UPDATE_RETURNING                                                            \
    " FROM seals s WHERE q.id = $1 AND s.id = q.seal_id RETURNING" SEAL_REQUEST_DOC("q", "s")

static const db_stmt Q_REQUEST_DECIDE = {
    "seals_request_decide",
    "UPDATE seal_requests q SET state = $2,"
    " approved_by = CASE WHEN $2 = 'approved' THEN $3::bigint END,"
    " approved_at = CASE WHEN $2 = 'approved' THEN now() END,"
    " rejected_by = CASE WHEN $2 = 'rejected' THEN $3::bigint END,"
    " rejected_at = CASE WHEN $2 = 'rejected' THEN now() END,"
    " decision_comment = $4,"
    " custodian_notified_id = CASE WHEN $2 = 'approved' THEN $5::bigint END,"
    " version = q.version + 1, updated_at = now()"
    " FROM seals s WHERE q.id = $1 AND s.id = q.seal_id"
    " RETURNING" AUDIT_DOC(SEAL_REQUEST_DOC("q", "s")) " AS doc,"
    " identity.notify(q.requester_id, CASE WHEN $2 = 'approved' THEN 'seal_request_approved'"
    "  ELSE 'seal_request_rejected' END, $6, $7, 'seal_request', q.id) AS requester_notice,"
    " CASE WHEN $2 = 'approved' AND $5::bigint > 0 THEN identity.notify($5::bigint,"
    "  'seal_request_to_stamp', $8, '', 'seal_request', q.id) END AS custodian_notice"};

static int decide(db_conn *c, action_tx *t, const char *to, problem_t *p)
{
    const request_row *q = t->row;
    const request_action_in *in = t->in;
    char id[24], me[24], cust[24], title[TITLE_BYTES], stamp[TITLE_BYTES];
    snprintf(title, sizeof title, "Your request to use the seal %s was %s", q->seal_name, to);
    snprintf(stamp, sizeof stamp, "Review and stamp with the seal %s", q->seal_name);
    /* The requester's notice, then on approval the custodian's (the
     * approver was notified at creation), are written by the decision's own
     * statement, in that order. */
    const char *params[] = {db_int(id, t->id), to, db_int(me, t->r->caller->id), in->comment,
                            db_int(cust, q->custodian), title,
                            in->comment ? in->comment : "", stamp};
    /* The decided document comes back with COMMIT (action_last). */
    return action_last(c, t, &Q_REQUEST_DECIDE, 8, params, p);
}

static int perform_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "approved", p);
}

static int perform_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "rejected", p);
}

/* The use log entry and the stamped request in one statement: the entry is
 * made first (its time is the stamp's), then the request names it. The
 * request's document takes the entry's id from the insert, which the
 * statement's own snapshot does not show yet. The requester's notice ($5,
 * its title) is written by the same statement, as its one row is returned,
 * instead of a statement of its own. */
static const db_stmt Q_REQUEST_STAMP = {
    "seals_request_stamp",
    "WITH u AS (INSERT INTO seal_usages(seal_id, request_id, matter, document_number, content,"
    " using_unit, count, handler_id, handler_name, approver_id, approver_name, stamper_id,"
    " stamper_name, document_id)"
    " SELECT q.seal_id, q.id, q.matter, q.document_number, q.content, q.using_unit, $2,"
    " q.requester_id, coalesce(" PERSON_NAME("q.requester_id") ", ''),"
    " q.approved_by, coalesce(" PERSON_NAME("q.approved_by") ", ''),"
    " $3, coalesce(" PERSON_NAME("$3::bigint") ", ''), q.document_id"
    " FROM seal_requests q WHERE q.id = $1"
    " RETURNING id, stamped_at, usage_doc(seal_usages,"
    " (SELECT s.name FROM seals s WHERE s.id = seal_usages.seal_id)) AS usage_doc)"
    " UPDATE seal_requests q SET state = 'stamped', stamped_by = $3, stamped_at = u.stamped_at,"
    " stamped_count = $2, stamp_note = $4, version = q.version + 1, updated_at = now()"
    " FROM u, seals s WHERE q.id = $1 AND s.id = q.seal_id"
    " RETURNING u.id AS usage_id, u.usage_doc, seal_request_doc(q, s, u.id),"
    " identity.notify(q.requester_id, 'seal_request_stamped', $5, '', 'seal_request', q.id)"
    " AS notice_id"};

/* R-SEAL-3, R-SEAL-4: the real number of impressions, never more than
 * approved, written to the log with who handled, approved and stamped. */
static int perform_stamp(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *q = t->row;
    const request_action_in *in = t->in;
    if (strcmp(q->seal_state, "active"))
        return problem_set(p, ERR_SEAL_NOT_ACTIVE, NULL, NULL, "seal %lld is %s and cannot be used",
                           q->seal_id, q->seal_state);
    if (in->count > q->copies) {
        problem_set(p, ERR_SEAL_COUNT_EXCEEDS_APPROVAL, NULL, NULL,
                    "%lld impressions were approved; %lld cannot be made", q->copies, in->count);
        return problem_field(p, "count", "must be at most %lld, the approved number", q->copies);
    }
    char id[24], count[24], me[24], title[TITLE_BYTES];
    snprintf(title, sizeof title, "The seal %s was applied: %lld impression(s)", q->seal_name,
             in->count);
    const char *params[] = {db_int(id, t->id), db_int(count, in->count),
                            db_int(me, t->r->caller->id), in->comment, title};
    PGresult *res;
    if (db_query(c, &Q_REQUEST_STAMP, 5, params, &res, p))
        return -1;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "the stamp was not recorded");
    }
    long long usage_id = db_col_ll(res, 0, "usage_id");
    char *usage = strdup(db_col_str(res, 0, "usage_doc"));
    t->doc = strdup(db_col_str(res, 0, "seal_request_doc"));
    PQclear(res);
    int rc = -1;
    if (!usage || !t->doc) {
        problem_oom(p);
        goto cleanup;
    }
    /* The entry's event goes out with the request's, in one statement. */
    rc = action_audit_also(t, "seal_usage", usage_id, "create", usage, p);
cleanup:
    free(usage);
    return rc;
}

static const db_stmt Q_REQUEST_REFUSED = {
    "seals_request_refused",
    "UPDATE seal_requests q SET state = 'refused', refused_by = $2, refused_at = now(),"
    " refuse_reason = $3, version = q.version + 1, updated_at = now()"
    REQUEST_UPDATE_RETURNING};

/* R-SEAL-3: the custodian reviewed the content and will not stamp it. */
static int perform_refuse(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *q = t->row;
    const request_action_in *in = t->in;
    char id[24], me[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id), in->reason};
    PGresult *res;
    if (db_query(c, &Q_REQUEST_REFUSED, 3, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "seal_request_doc"));
    PQclear(res);
    snprintf(title, sizeof title, "The custodian of the seal %s refused to stamp", q->seal_name);
    if (notify(c, q->requester, "seal_request_refused", title, in->reason, "seal_request",
               t->id, p))
        return -1;
    return notify(c, q->approved_by, "seal_request_refused", title, in->reason,
                  "seal_request", t->id, p);
}

static const db_stmt Q_REQUEST_WITHDRAWN = {
    "seals_request_withdrawn",
    "UPDATE seal_requests q SET state = 'withdrawn', withdrawn_at = now(),"
    " version = q.version + 1, updated_at = now()" REQUEST_UPDATE_RETURNING};

static const db_stmt Q_REQUEST_APPROVERS = {
    "seals_request_approvers",
    "SELECT eligible_approvers(q.approver_role, s)::text AS approvers"
    " FROM seal_requests q JOIN seals s ON s.id = q.seal_id WHERE q.id = $1"};

/* Whoever was waiting to act on it no longer needs to: the approvers of a
 * pending request, the custodian of an approved one (today's, and the one
 * first asked when the seal has changed hands since). */
static int perform_withdraw(db_conn *c, action_tx *t, problem_t *p)
{
    const request_row *q = t->row;
    const request_action_in *in = t->in;
    char id[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id)};
    const char *note = in->comment ? in->comment : "";
    bool was_pending = !strcmp(t->state, "pending");
    PGresult *res;
    snprintf(title, sizeof title, "A request to use the seal %s was withdrawn", q->seal_name);
    if (was_pending) {
        if (db_query(c, &Q_REQUEST_APPROVERS, 1, params, &res, p))
            return -1;
        int rc = notify_all(c, db_col_str(res, 0, "approvers"), "seal_request_withdrawn",
                            title, note, "seal_request", t->id, p);
        PQclear(res);
        if (rc)
            return -1;
    } else {
        /* The seal's custodian now, who would stamp it, and the one asked to
         * stamp it at approval if the seal has changed hands since. */
        char told[64];
        if (q->notified_custodian > 0 && q->notified_custodian != q->custodian)
            snprintf(told, sizeof told, "{%lld,%lld}", q->custodian, q->notified_custodian);
        else
            snprintf(told, sizeof told, "{%lld}", q->custodian);
        if (notify_all(c, told, "seal_request_withdrawn", title, note, "seal_request", t->id,
                       p))
            return -1;
    }
    if (db_query(c, &Q_REQUEST_WITHDRAWN, 1, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "seal_request_doc"));
    PQclear(res);
    return 0;
}

static const json_field stamp_fields[] = {
    {.name = "count", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 10000,
     .offset = offsetof(request_action_in, count)},
    {.name = "comment", .type = JF_TEXT, .max = 1000,
     .offset = offsetof(request_action_in, comment)},
    JF_END,
};

static const json_field refuse_fields[] = {
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(request_action_in, reason)},
    JF_END,
};

static const char *const from_pending[] = {"pending", NULL};
static const char *const from_approved[] = {"approved", NULL};
static const char *const from_open[] = {"pending", "approved", NULL};

/* The actions, as the regulations give them: from which states, who may,
 * and what is done. */
static const action_t act_approve = {
    ACTION_DECISION("approve", "approved"),
    .kind = &request_kind, .from_states = from_pending, .rule = "R-SEAL-2",
    .lock = request_lock, .authorise = authorise_approver, .perform = perform_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &request_kind, .from_states = from_pending, .rule = "R-SEAL-2",
    .lock = request_lock, .authorise = authorise_approver, .perform = perform_reject,
};
static const action_t act_stamp = {
    .kind = &request_kind,
    .verb = "stamp",
    .done = "stamped",
    .fields = stamp_fields,
    .from_states = from_approved,
    .rule = "R-SEAL-3",
    .lock = request_lock_seal,
    .authorise = authorise_custodian,
    .perform = perform_stamp,
};
static const action_t act_refuse = {
    .kind = &request_kind,
    .verb = "refuse",
    .done = "refused",
    .fields = refuse_fields,
    .from_states = from_approved,
    .rule = "R-SEAL-3",
    .lock = request_lock_seal,
    .authorise = authorise_custodian,
    .perform = perform_refuse,
};
/* No regulation: the requester takes back a request before it is stamped. */
static const action_t act_withdraw = {
    .kind = &request_kind,
    .verb = "withdraw",
    .done = "withdrawn",
    .fields = comment_fields,
    .from_states = from_open,
    .lock = request_lock,
    .authorise = authorise_requester,
    .perform = perform_withdraw,
};

static void request_action_handle(req_t *r, const action_t *act)
{
    request_action_in in = {0};
    request_row row = {0};
    action_handle(r, act, &in, &row);
    free(row.approvers);
}

void h_requests_approve(req_t *r)
{
    request_action_handle(r, &act_approve);
}

void h_requests_reject(req_t *r)
{
    request_action_handle(r, &act_reject);
}

void h_requests_stamp(req_t *r)
{
    request_action_handle(r, &act_stamp);
}

void h_requests_refuse(req_t *r)
{
    request_action_handle(r, &act_refuse);
}

void h_requests_withdraw(req_t *r)
{
    request_action_handle(r, &act_withdraw);
}
