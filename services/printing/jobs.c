/* Print, copy, typing and print-shop jobs: where a job runs (R-PRN-1) and
 * who must sign it (R-PRN-2, R-PRN-3, R-PRN-4) are computed when it is
 * asked for; reads show a job to its requester, its department, the
 * department that runs it or that it is done for, its signers, and the
 * office leaders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "printing.h"

static const char *const kinds[] = {"print", "copy", "print_shop", "typing", NULL};
static const char *const states[] = {"pending", "ready", "rejected", "cancelled", "completed",
                                     NULL};

/* ---------- reads ---------- */

static const db_stmt Q_JOB_GET = {
    "printing_job_get",
    "SELECT job_doc(j), j.version FROM print_jobs j"
    " WHERE j.id = $1 AND job_visible(j, $2, $3, $4)"};

void h_jobs_get(req_t *r)
{
    static const read_arg args[] = {READ_USER, READ_DEPARTMENT, READ_SEES_ALL, READ_END};
    action_get_as(r, &Q_JOB_GET, printing_privileged(r->caller), args);
}

/* The role of the first step still waiting for a signature. */
#define FIRST_OPEN_ROLE                                                                     \
    "(SELECT s.role FROM print_job_steps s WHERE s.job_id = j.id AND s.decision IS NULL"    \
    " ORDER BY s.step LIMIT 1)"

static const db_stmt Q_JOBS_LIST = {
    "printing_job_list",
    "SELECT j.id, job_doc(j) FROM print_jobs j"
    " WHERE " PAGE_BEFORE("j.id", "$1") " AND ($2::text IS NULL OR j.state = $2)"
    " AND ($3::text IS NULL OR j.kind = $3) AND (NOT $4 OR j.requester_id = $5)"
    " AND (NOT $6 OR (j.state = 'pending'"
    "      AND $5 = ANY (eligible_approvers(" FIRST_OPEN_ROLE ", j.department_id))))"
    " AND (NOT $7 OR (j.state = 'ready' AND j.operator_department_id = $8))"
    " AND ($9::bigint IS NULL OR j.department_id = $9)"
    " AND ($10::bigint IS NULL OR j.document_id = $10)"
    " AND job_visible(j, $5, $8, $11)"
    " ORDER BY j.id DESC LIMIT $12"};

static const list_filter job_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "kind", .kind = LIST_ENUM, .values = kinds},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "to_approve", .kind = LIST_BOOL},
    {.name = "to_run", .kind = LIST_BOOL},
    {.name = "department_id", .kind = LIST_ID},
    {.name = "document_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

static const list_t jobs_list = {
    .stmt = &Q_JOBS_LIST,
    .filters = job_filters,
    .params = {"@cursor", "state", "kind", "mine", "@caller", "to_approve", "to_run",
               "@department", "department_id", "document_id", "@sees_all", "@limit"},
    .sees_all = printing_privileged,
};

void h_jobs_list(req_t *r)
{
    list_handle(r, &jobs_list);
}

/* ---------- create ---------- */

typedef struct job_in {
    const char *kind, *title;
    long long pages, copies, for_unit_id, document_id;
    bool duplex, self_funded;
} job_in;

static const json_field job_fields[] = {
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = kinds,
         .offset = offsetof(job_in, kind)},
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
         .offset = offsetof(job_in, title)},
    {.name = "pages", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
         .offset = offsetof(job_in, pages)},
    {.name = "copies", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
         .offset = offsetof(job_in, copies)},
    {.name = "duplex", .type = JF_BOOL, .offset = offsetof(job_in, duplex)},
    {.name = "for_unit_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
         .offset = offsetof(job_in, for_unit_id)},
    {.name = "document_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
         .offset = offsetof(job_in, document_id)},
    {.name = "self_funded", .type = JF_BOOL, .offset = offsetof(job_in, self_funded)},
    JF_END,
};

typedef struct job_tx {
    req_t *r;
    job_in in;
    long long id;
    char *doc;
    char *signers; /* of the first step left to sign, a bigint[] text */
} job_tx;

/* The requester's department, whether it has a printer, and the
 * designated print section (R-PRN-1); and the new job's id, taken now so
 * that its insert and its steps' go out without waiting for an answer
 * (one round trip less; an id taken by a create that then fails is a gap,
 * as a failed insert's is). */
static const db_stmt Q_DEPARTMENT = {
    "printing_department",
    "SELECT d.kind, d.has_printer,"
    " (SELECT c.id FROM identity.org_departments c WHERE c.is_print_center ORDER BY c.id LIMIT 1)"
    " AS center, nextval('print_jobs_id_seq') AS job_id"
    " FROM identity.org_departments d WHERE d.id = $1"};

static const db_stmt Q_DEPARTMENT_EXISTS = {
    "printing_department_exists", "SELECT 1 FROM identity.org_departments d WHERE d.id = $1"};

static const db_stmt Q_ELIGIBLE = {
    "printing_eligible",
    "SELECT a::text AS signers, $3 = ANY (a) AS eligible FROM eligible_approvers($1, $2) a"};

static const db_stmt Q_JOB_INSERT = {
    "printing_job_insert",
    "INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, duplex,"
    " sheets, for_unit_id, document_id, operator_department_id, large_threshold, is_large,"
    " cost_charged_to, state, id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"};

/* A step the requester holds the office to sign is signed as the job is
 * asked for: the director's own large job carries his signature. */
static const db_stmt Q_STEP_INSERT = {
    "printing_step_insert",
    "INSERT INTO print_job_steps(job_id, step, rule, role, decision, decided_by, decided_at,"
    " comment)"
    " VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN 'approved' END,"
    " CASE WHEN $5 THEN $6::bigint END, CASE WHEN $5 THEN now() END,"
    " CASE WHEN $5 THEN 'signed by the requester' END)"};

/* The new job's document, after its steps: kept with the row as the
 * before of its first action (migration 007) and for its audit event
 * (create_last). */
static const db_stmt Q_JOB_DOC = {
    "printing_job_doc",
    "UPDATE print_jobs j SET doc = job_doc(j)::text WHERE j.id = $1"
    " RETURNING" AUDIT_DOC("j.doc") " AS doc"};

static int job_store(db_conn *c, create_tx *ct, problem_t *p)
{
    job_tx *t = ct->ctx;
    const job_in *in = &t->in;
    const caller_t *me = ct->r->caller;
    const printing_ctx *cfg = ct->r->svc->ctx;
    free(t->signers);
    t->signers = NULL;
    if (!me->department_id)
        return problem_set(p, ERR_PRINT_JOB_NO_DEPARTMENT, NULL, NULL,
                           "only a member of a department asks for printing or copying");
    char dep[24], unit[24], uid[24];
    const char *p1[] = {db_int(dep, me->department_id)};
    db_int(uid, me->id);
    PGresult *res;
    if (db_query(c, &Q_DEPARTMENT, 1, p1, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_PRINT_JOB_NO_DEPARTMENT, NULL, NULL,
                           "your department is not known");
    }
    char dept_kind[24];
    snprintf(dept_kind, sizeof dept_kind, "%s", db_col_str(res, 0, "kind"));
    bool has_printer = db_col_bool(res, 0, "has_printer");
    long long center = db_col_ll(res, 0, "center");
    ct->id = db_col_ll(res, 0, "job_id");
    PQclear(res);
    if (in->for_unit_id && in->for_unit_id != me->department_id) {
        const char *p2[] = {db_int(unit, in->for_unit_id)};
        if (db_query(c, &Q_DEPARTMENT_EXISTS, 1, p2, &res, p))
            return -1;
        int n = PQntuples(res);
        PQclear(res);
        if (n == 0)
            return problem_field(p, "for_unit_id", "no such department");
    }
    bool office = printing_office_staff(dept_kind);
    bool for_other = !office || (in->for_unit_id && in->for_unit_id != me->department_id);
    long long sheets = print_sheets(in->pages, in->copies, in->duplex);
    if (sheets > PRINT_MAX_SHEETS)
        return problem_field(p, "copies", "the job would take over %lld sheets", PRINT_MAX_SHEETS);
    long long operator =
        print_operator_department(in->kind, me->department_id, has_printer, office, center);
    if (!operator)
        return problem_set(p, ERR_PRINT_JOB_NO_PRINT_SECTION, NULL, NULL,
                           "your section has no printer and no section is designated for printing");
    if (in->self_funded && strcmp(in->kind, "print_shop"))
        return problem_field(p, "self_funded", "only a print-shop job is paid by its requester");

    print_step steps[3];
    int n = print_required_steps(in->kind, sheets, cfg->large_sheets, for_other,
                                 in->self_funded, steps);
    bool signed_by_me[3] = {false};
    int first_open = -1;
    for (int i = 0; i < n; i++) {
        const char *pe[] = {steps[i].role, dep, uid};
        if (db_query(c, &Q_ELIGIBLE, 3, pe, &res, p))
            return -1;
        bool nobody = !strcmp(db_col_str(res, 0, "signers"), "{}");
        signed_by_me[i] = db_col_bool(res, 0, "eligible");
        if (!signed_by_me[i] && first_open < 0) {
            first_open = i;
            t->signers = strdup(db_col_str(res, 0, "signers"));
        }
        PQclear(res);
        if (nobody)
            return problem_set(p, ERR_PRINT_JOB_NO_APPROVER, NULL, steps[i].rule,
                               "nobody who may sign this job (%s) is available",
                               role_words(steps[i].role));
        if (first_open == i && !t->signers)
            return problem_oom(p);
    }
    bool open = first_open >= 0;

    char pages[24], copies[24], sh[24], doc[24], op[24], thr[24], jid[24];
    const char *p3[] = {uid,
                        dep,
                        in->kind,
                        in->title,
                        db_int(pages, in->pages),
                        db_int(copies, in->copies),
                        in->duplex ? "true" : "false",
                        db_int(sh, sheets),
                        in->for_unit_id ? db_int(unit, in->for_unit_id) : NULL,
                        in->document_id ? db_int(doc, in->document_id) : NULL,
                        db_int(op, operator),
                        db_int(thr, cfg->large_sheets),
                        sheets > cfg->large_sheets ? "true" : "false",
                        in->self_funded ? "requester" : "office",
                        open ? "pending" : "ready",
                        db_int(jid, ct->id)};
    if (db_write(c, &Q_JOB_INSERT, 16, p3, p))
        return -1;
    char step[24];
    for (int i = 0; i < n; i++) {
        const char *ps[] = {jid,           db_int(step, i + 1), steps[i].rule, steps[i].role,
                            signed_by_me[i] ? "true" : "false", uid};
        if (db_write(c, &Q_STEP_INSERT, 6, ps, p))
            return -1;
    }
    /* The document comes back with COMMIT (create_last). */
    const char *pd[] = {jid};
    if (create_last(c, ct, &Q_JOB_DOC, 1, pd, p))
        return -1;

    char title[TITLE_BYTES];
    if (open) {
        snprintf(title, sizeof title, "Sign a %s job (%s): %s", in->kind, steps[first_open].rule,
                 in->title);
        utf8_trim(title, sizeof title);
        if (notify_all(c, t->signers, "print_job_to_approve", title, "", "print_job", ct->id,
                             p))
            return -1;
    } else {
        snprintf(title, sizeof title, "A %s job to run: %s", in->kind, in->title);
        utf8_trim(title, sizeof title);
        if (notify_operators(c, operator, me->department_id, "print_job_to_run", title, ct->id, p))
            return -1;
    }
    return 0;
}

static const create_t job_create = {
    .entity = "print_job",
    .fields = job_fields,
    .store = job_store,
};

void h_jobs_create(req_t *r)
{
    job_tx t = {.r = r};
    create_handle(r, &job_create, &t.in, &t);
    free(t.signers);
}
