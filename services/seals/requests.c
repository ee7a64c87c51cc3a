/* Seal-use requests: who may read them, and asking. The leader the seal and
 * matter require approves (R-SEAL-2), the custodian reviews and stamps or
 * refuses (R-SEAL-3), each stamp is one entry of the use log (R-SEAL-4):
 * those actions are request_actions.c. A new service's resource reads like
 * these two files: reads, a create, then a table of actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "seals.h"

static const char *const matters[] = {"general",      "finance",     "personnel",
                                      "state_assets", "other_major", NULL};
static const char *const states[] = {"pending", "approved", "rejected", "withdrawn",
                                     "stamped", "refused", NULL};

/* ---------- reads ---------- */

static const db_stmt Q_REQUEST_GET = {
    "seals_request_get",
    "SELECT" SEAL_REQUEST_DOC("q", "s") ", q.version"
    " FROM seal_requests q JOIN seals s ON s.id = q.seal_id"
    " WHERE q.id = $1 AND request_visible(q, s, $2, $3)"};

void h_requests_get(req_t *r)
{
    action_get_visible(r, &Q_REQUEST_GET, seals_privileged(r->caller));
}

static const db_stmt Q_REQUESTS_LIST = {
    "seals_request_list",
    "SELECT q.id," SEAL_REQUEST_DOC("q", "s")
    " FROM seal_requests q JOIN seals s ON s.id = q.seal_id"
    " WHERE " PAGE_BEFORE("q.id", "$1") " AND ($2::text IS NULL OR q.state = $2)"
    " AND ($3::bigint IS NULL OR q.seal_id = $3) AND (NOT $4 OR q.requester_id = $5)"
    " AND (NOT $6 OR (q.state = 'pending' AND q.requester_id <> $5"
    "      AND $5 = ANY (eligible_approvers(q.approver_role, s))))"
    " AND (NOT $7 OR (q.state = 'approved' AND s.custodian_id = $5))"
    " AND request_visible(q, s, $5, $8)"
    " ORDER BY q.id DESC LIMIT $9"};

static const list_filter request_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "seal_id", .kind = LIST_ID},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "to_approve", .kind = LIST_BOOL},
    {.name = "to_stamp", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t requests_list = {
    .stmt = &Q_REQUESTS_LIST,
    .filters = request_filters,
    .params = {"@cursor", "state", "seal_id", "mine", "@caller", "to_approve", "to_stamp",
               "@sees_all", "@limit"},
    .sees_all = seals_privileged,
};

void h_requests_list(req_t *r)
{
    list_handle(r, &requests_list);
}

/* ---------- create ---------- */

typedef struct request_in {
    long long seal_id, copies, document_id;
    const char *matter, *major_matter, *document_number, *content, *using_unit;
} request_in;

static const json_field request_fields[] = {
    {.name = "seal_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(request_in, seal_id)},
    {.name = "matter", .type = JF_ENUM, .flags = JF_REQUIRED, .values = matters,
     .offset = offsetof(request_in, matter)},
    {.name = "major_matter", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 200,
     .offset = offsetof(request_in, major_matter)},
    {.name = "document_number", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 100,
     .offset = offsetof(request_in, document_number)},
    {.name = "content", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(request_in, content)},
    {.name = "using_unit", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(request_in, using_unit)},
    {.name = "copies", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 10000,
     .offset = offsetof(request_in, copies)},
    {.name = "document_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(request_in, document_id)},
    JF_END,
};

/* The create's transaction body gets this. */
typedef struct request_tx {
    req_t *r;
    request_in in;
    char *approvers; /* who may approve, the requester left out: a bigint[] text */
    bool requester_eligible; /* the requester is one of those who may */
    char seal_name[SEAL_NAME_BYTES];
} request_tx;

/* The seal and, under the role its kind needs (R-SEAL-2: $3, $4 and $5 are
 * seal_approver_role's answers for each kind and this matter, so the rule
 * stays in seal_rules.c), who may approve, the requester ($2) excepted,
 * and whether the requester is one of them: the seal's look-up and the
 * first Q_ELIGIBLE in one round trip. */
static const db_stmt Q_SEAL_FOR_REQUEST = {
    "seals_seal_for_request_eligible",
    "SELECT s.kind, s.state, s.name, r.role,"
    " array_remove(e, $2::bigint)::text AS approvers, $2::bigint = ANY (e) AS eligible"
    " FROM seals s"
    " CROSS JOIN LATERAL (SELECT CASE s.kind WHEN 'district_government' THEN $3"
    "  WHEN 'government_office' THEN $4 WHEN 'other' THEN $5 END AS role) r,"
    " eligible_approvers(r.role, s) e WHERE s.id = $1"};

/* R-SEAL-2: who may approve, the requester ($3) excepted, and whether
 * the requester is one of them. */
static const db_stmt Q_ELIGIBLE = {
    "seals_eligible",
    "SELECT array_remove(e, $3::bigint)::text AS approvers, $3::bigint = ANY (e) AS eligible"
    " FROM seals s, eligible_approvers($2, s) e WHERE s.id = $1"};

/* The document needs the seal, which RETURNING cannot join: the new row
 * is joined to it in the outer statement. */
static const db_stmt Q_REQUEST_INSERT = {
    "seals_request_insert",
    "WITH q AS (INSERT INTO seal_requests(seal_id, requester_id, matter, document_number,"
    " content, using_unit, copies, document_id, approver_role, major_matter, document_sha256)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *)"
    " SELECT q.id," SEAL_REQUEST_DOC("q", "s") " FROM q JOIN seals s ON s.id = q.seal_id"};

/* R-DOC-6: the signed, numbered document named, from the view the
 * documents service publishes, whether it is the requester's department's
 * ($4: the drafting department prints and stamps its own copies), and
 * whether its signer is one of those who may approve this use ($2, the
 * requester already left out) and not the seal's custodian. */
static const db_stmt Q_SIGNED_DOCUMENT = {
    "seals_signed_document",
    "SELECT sd.doc_number, sd.signed_body_sha256, sd.signed_by,"
    " sd.signed_by = ANY ($2::bigint[]) AND sd.signed_by <> s.custodian_id AS approves"
    " FROM documents.signed_documents sd, seals s WHERE sd.document_id = $1 AND s.id = $3"
    " AND sd.department_id IS NOT DISTINCT FROM $4::bigint"};

/* The signature is the approval (R-DOC-6, R-SEAL-2). */
static const db_stmt Q_REQUEST_SIGNED = {
    "seals_request_signed",
    "UPDATE seal_requests q SET state = 'approved', approved_by = $2, approved_at = now(),"
    " approved_by_signature = true, decision_comment = $3, custodian_notified_id = s.custodian_id,"
    " version = q.version + 1, updated_at = now()"
    " FROM seals s WHERE q.id = $1 AND s.id = q.seal_id"
    " RETURNING" SEAL_REQUEST_DOC("q", "s") ", s.custodian_id"};

/* Reads what the signed, numbered document named by a request carries: its
 * SHA-256 into sha (65 bytes) and, when its signature approves this use,
 * the signer into *signer (0 otherwise). A document is stamped only once it
 * is signed and numbered, by its own drafting department (R-DOC-6): naming
 * any other (not signed, not numbered, another department's, or none at
 * all; one answer, so that nothing of another department's documents is
 * told) is refused with 422. 0, or -1 with p (400 when the request gives
 * another number than the document's). */
static int signed_document(db_conn *c, request_tx *t, char sha[65], long long *signer,
                           problem_t *p)
{
    char doc[24], sid[24], dep[24];
    const char *params[] = {db_int(doc, t->in.document_id), t->approvers,
                            db_int(sid, t->in.seal_id),
                            t->r->caller->department_id
                                ? db_int(dep, t->r->caller->department_id)
                                : NULL};
    PGresult *res;
    if (db_query(c, &Q_SIGNED_DOCUMENT, 4, params, &res, p))
        return -1;
    int rc = 0;
    if (PQntuples(res) == 0) {
        problem_set(p, ERR_SEAL_REQUEST_DOCUMENT_NOT_SIGNED, NULL, NULL,
                    "document %lld is not a signed, numbered document of your department: a "
                    "document's copies are stamped after its sign-off and number, by its "
                    "drafting department; leave document_id out for other papers",
                    t->in.document_id);
        rc = problem_field(p, "document_id", "names no signed, numbered document of yours");
    } else if (strcmp(db_col_str(res, 0, "doc_number"), t->in.document_number)) {
        p->rule = "R-DOC-6";
        rc = problem_field(p, "document_number", "must be the document's number, %s",
                           db_col_str(res, 0, "doc_number"));
    } else {
        snprintf(sha, 65, "%s", db_col_str(res, 0, "signed_body_sha256"));
        *signer = db_col_bool(res, 0, "approves") ? db_col_ll(res, 0, "signed_by") : 0;
    }
    PQclear(res);
    return rc;
}

/* R-SEAL-2: who approves this use under *role, into t->approvers (a
 * bigint[] text, the requester left out). Nobody approves their own
 * request: when the requester is the only one who could, it goes one level
 * up, and *role is the role that approves; NULL when nobody could. 0, or -1
 * with p. */
static int approvers_find(db_conn *c, request_tx *t, const char **role, problem_t *p)
{
    char sid[24], me[24];
    db_int(sid, t->in.seal_id);
    db_int(me, t->r->caller->id);
    /* The asked role's answer came with the seal (Q_SEAL_FOR_REQUEST). */
    bool first = true;
    for (; *role; *role = seal_approver_role_above(*role), first = false) {
        if (!first || !t->approvers) {
            const char *params[] = {sid, *role, me};
            PGresult *res;
            if (db_query(c, &Q_ELIGIBLE, 3, params, &res, p))
                return -1;
            free(t->approvers);
            t->approvers = strdup(db_col_str(res, 0, "approvers"));
            t->requester_eligible = db_col_bool(res, 0, "eligible");
            PQclear(res);
        }
        if (!t->approvers)
            return problem_oom(p);
        bool nobody = !strcmp(t->approvers, "{}");
        if (nobody && !t->requester_eligible)
            *role = NULL;
        if (!nobody || !t->requester_eligible)
            return 0;
    }
    return 0;
}

static int request_store(db_conn *c, create_tx *ct, problem_t *p)
{
    request_tx *t = ct->ctx;
    free(t->approvers);
    t->approvers = NULL;
    char sid[24], me[24], copies[24], doc_id[24];
    const char *p1[] = {db_int(sid, t->in.seal_id), db_int(me, ct->r->caller->id),
                        seal_approver_role("district_government", t->in.matter),
                        seal_approver_role("government_office", t->in.matter),
                        seal_approver_role("other", t->in.matter)};
    PGresult *res;
    if (db_query(c, &Q_SEAL_FOR_REQUEST, 5, p1, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_field(p, "seal_id", "no such seal");
    }
    const char *role = seal_approver_role(db_col_str(res, 0, "kind"), t->in.matter);
    bool active = !strcmp(db_col_str(res, 0, "state"), "active");
    snprintf(t->seal_name, sizeof t->seal_name, "%s", db_col_str(res, 0, "name"));
    /* The statement's role is the one just chosen, from the same answers. */
    if (role && !db_col_null(res, 0, "role") && !strcmp(role, db_col_str(res, 0, "role"))) {
        t->approvers = strdup(db_col_str(res, 0, "approvers"));
        t->requester_eligible = db_col_bool(res, 0, "eligible");
    }
    PQclear(res);
    if (!active)
        return problem_set(p, ERR_SEAL_NOT_ACTIVE, NULL, NULL,
                           "seal %lld is not in use (suspended, retired or lost)", t->in.seal_id);
    if (!role)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "no approval rule for this seal");
    const char *asked = role;
    if (approvers_find(c, t, &role, p))
        return -1;
    if (!role)
        return problem_set(p, ERR_SEAL_NO_APPROVER, NULL, NULL,
                           "nobody who may approve this use (%s) is available", asked);
    char sha[65] = "";
    long long signer = 0;
    if (t->in.document_id && signed_document(c, t, sha, &signer, p))
        return -1;
    const char *p3[] = {sid,
                        db_int(me, ct->r->caller->id),
                        t->in.matter,
                        t->in.document_number,
                        t->in.content,
                        t->in.using_unit,
                        db_int(copies, t->in.copies),
                        t->in.document_id ? db_int(doc_id, t->in.document_id) : NULL,
                        role,
                        t->in.major_matter,
                        sha[0] ? sha : NULL};
    if (db_query(c, &Q_REQUEST_INSERT, 11, p3, &res, p))
        return -1;
    ct->id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "seal_request_doc"));
    PQclear(res);
    char title[TITLE_BYTES];
    if (!ct->doc)
        return problem_oom(p);
    if (signer) {
        /* R-DOC-6: the leader who signed the document may approve this use:
         * the signature is the approval, and the custodian is asked to stamp. */
        char id[24], who[24];
        const char *p4[] = {db_int(id, ct->id), db_int(who, signer),
                            "签发即批准：the signature of the document is the approval (R-DOC-6)"};
        if (db_query(c, &Q_REQUEST_SIGNED, 3, p4, &res, p))
            return -1;
        free(ct->doc);
        ct->doc = strdup(db_col_str(res, 0, "seal_request_doc"));
        long long custodian = db_col_ll(res, 0, "custodian_id");
        PQclear(res);
        snprintf(title, sizeof title, "Review and stamp with the seal %s", t->seal_name);
        if (!ct->doc || notify(c, custodian, "seal_request_to_stamp", title, t->in.content,
                              "seal_request", ct->id, p))
            return -1;
    } else {
        snprintf(title, sizeof title, "Approve the use of the seal %s: %s", t->seal_name,
                 t->in.document_number);
        if (notify_all(c, t->approvers, "seal_request_to_approve", title, t->in.content,
                       "seal_request", ct->id, p))
            return -1;
    }
    return 0;
}

/* R-SEAL-2 (一.2 财政、人事、国有资产等重大事项): another major matter is
 * named, and only then. */
static int request_check(create_tx *ct, problem_t *p)
{
    const request_in *in = ct->in;
    bool other = !strcmp(in->matter, "other_major");
    if (other == (in->major_matter != NULL))
        return 0;
    problem_field(p, "major_matter",
                  other ? "names the major matter (matter other_major)"
                        : "is given only with matter other_major");
    p->rule = "R-SEAL-2";
    return -1;
}

static const create_t request_create = {
    .entity = "seal_request",
    .fields = request_fields,
    .check = request_check,
    .store = request_store,
};

void h_requests_create(req_t *r)
{
    if (r->caller->external) {
        reply_problem(r, ERR_SEAL_EXTERNAL_REQUESTER, NULL, NULL,
                      "users of external units cannot ask to use the office's seals");
        return;
    }
    request_tx t = {.r = r};
    create_handle(r, &request_create, &t.in, &t);
    free(t.approvers);
}
