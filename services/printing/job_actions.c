/* Actions on a print job: the signers approve or reject in order (R-PRN-2,
 * R-PRN-3, R-PRN-4; never a secretary, R-SEC-3); office staff of the
 * section that runs it complete it with the real figures (R-PRN-1,
 * R-PRN-6), a large job enters the copy register and, done without its
 * signature, becomes a violation (R-PRN-3); the requester cancels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "printing.h"

static const action_kind job_kind = {
    .entity = "print_job",
    .noun = "print job",
    .wrong_state = ERR_PRINT_JOB_WRONG_STATE,
};

typedef struct job_in {
    const char *comment, *note;
    long long actual_pages, actual_copies, cost_fen;
} job_in;
_Static_assert(offsetof(job_in, comment) == 0, "comment_fields writes the first member");

/* The locked job, as the actions need it. */
typedef struct job_row {
    long long requester, department, operator_dept, pages, copies, threshold, step;
    long long me_department; /* the caller's, now (completion only) */
    bool duplex, is_large, me_eligible, me_active;
    char kind[16], rule[12], role[40], me_department_kind[24];
    char *approvers; /* of the first open step, a bigint[] text */
    char *next;      /* of the first open step the caller may not sign, NULL when none */
    char next_rule[12];
    char mine[64];   /* the open steps the caller may sign, an integer[] text */
    char title[832]; /* 200 characters */
} job_row;

/* The job as its last change left it (the before of the action's audit
 * event, kept with the row: migration 007; built here when it has none),
 * and its open steps with who may sign each today (eligible_approvers):
 * the signer's authority is asked of identity now, not read from the kept
 * document. Whether the caller sees the job is job_visible's test (read.sql)
 * written out over the open steps' signers found here, so that a signer
 * outside the job's departments costs one eligible_approvers an open step,
 * not two ($2 the caller, $3 the caller's department, $4 privileged). */
#define JOB_LOCK_COLUMNS                                                                     \
    "SELECT coalesce(j.doc, job_doc(j)::text) AS job_doc, j.version, j.state, j.requester_id," \
    " j.department_id, j.operator_department_id, j.pages, j.copies, j.large_threshold,"      \
    " j.duplex, j.is_large, j.kind, j.title,"                                                \
    " ($4::boolean OR $2::bigint = j.requester_id"                                           \
    "  OR $3::bigint IN (j.department_id, j.operator_department_id)"                         \
    "  OR $3::bigint IS NOT DISTINCT FROM j.for_unit_id OR coalesce(o.signer, false)"        \
    "  OR EXISTS (SELECT 1 FROM print_job_steps d WHERE d.job_id = j.id"                     \
    "             AND d.decided_by = $2::bigint)) AS job_visible,"                           \
    " o.open_steps"

/* The open steps of job j, each with who may sign it today, and whether
 * the caller ($2) is one of them. The signers are a function scan, called
 * once a step: as a column of a subquery the planner copied the call into
 * both of its uses. */
#define JOB_LOCK_OPEN_STEPS                                                                  \
    " CROSS JOIN LATERAL (SELECT coalesce(json_agg(json_build_object('step', s.step,"        \
    "   'rule', s.rule, 'role', s.role, 'approver_ids', e.ids) ORDER BY s.step), '[]')"      \
    "   AS open_steps, bool_or($2::bigint = ANY (e.ids)) AS signer"                          \
    "  FROM print_job_steps s CROSS JOIN LATERAL eligible_approvers(s.role, j.department_id)"  \
    "   AS e(ids) WHERE s.job_id = j.id AND s.decision IS NULL) o"

static const db_stmt Q_JOB_LOCK = {
    "printing_job_lock",
    JOB_LOCK_COLUMNS " FROM print_jobs j" JOB_LOCK_OPEN_STEPS
    " WHERE j.id = $1 FOR NO KEY UPDATE OF j"};

/* A completion's lock also reads the caller's department now, not from the
 * token (R-PRN-6, R-PRN-1): one statement where a look-up of the person
 * after the lock was another. */
static const db_stmt Q_JOB_LOCK_OPERATOR = {
    "printing_job_lock_operator",
    JOB_LOCK_COLUMNS ", coalesce(me.active, false) AS me_active,"
    " coalesce(me.department_id, 0) AS me_department,"
    " coalesce(me.department_kind, '') AS me_department_kind"
    " FROM print_jobs j" JOB_LOCK_OPEN_STEPS
    " LEFT JOIN identity.org_people me ON me.id = $2::bigint"
    " WHERE j.id = $1 FOR NO KEY UPDATE OF j"};

static const char *str_of(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? s : "";
}

/* The ids of a JSON array as a bigint[] text, malloc'd; NULL when memory
 * runs out. */
static char *id_array(const json_t *ids)
{
    size_t cap = json_array_size(ids) * 22 + 3, len = 1, k;
    char *a = malloc(cap);
    if (!a)
        return NULL;
    a[0] = '{';
    const json_t *id;
    json_array_foreach(ids, k, id) {
        len += (size_t)snprintf(a + len, cap - len, "%s%lld", k ? "," : "",
                                (long long)json_integer_value(id));
    }
    snprintf(a + len, cap - len, "}");
    return a;
}

/* From the array of a job's open steps (the lock's open_steps): the first
 * step still waiting for a signature (step 0 when none) with its rule,
 * role and who may sign it (a bigint[] text, malloc'd into *approvers) and
 * whether `me` may; into mine the open steps `me` may sign; and the first
 * open step `me` may not sign, who is asked next once `me` has signed
 * (its signers malloc'd into q->next, NULL when none: the job is then
 * ready). 0, or -1 when the steps cannot be read or memory runs out. */
static int open_steps(const char *text, long long me, job_row *q, char **approvers)
{
    json_t *steps = json_loads(text, 0, NULL);
    if (!json_is_array(steps)) {
        json_decref(steps);
        return -1;
    }
    q->step = 0;
    q->me_eligible = false;
    q->next = NULL;
    q->rule[0] = q->role[0] = '\0';
    *approvers = NULL;
    q->mine[0] = '{';
    size_t mine_len = 1;
    int rc = 0;
    size_t i;
    json_t *st;
    json_array_foreach(steps, i, st) {
        json_t *ids = json_object_get(st, "approver_ids");
        long long n = json_integer_value(json_object_get(st, "step"));
        bool mine = false;
        size_t k;
        json_t *id;
        json_array_foreach(ids, k, id) {
            if (json_integer_value(id) == me)
                mine = true;
        }
        if (mine && mine_len + 24 < sizeof q->mine)
            mine_len += (size_t)snprintf(q->mine + mine_len, sizeof q->mine - mine_len, "%s%lld",
                                         mine_len > 1 ? "," : "", n);
        if (!mine && !q->next) {
            snprintf(q->next_rule, sizeof q->next_rule, "%s", str_of(json_object_get(st, "rule")));
            if (!(q->next = id_array(ids))) {
                rc = -1;
                break;
            }
        }
        if (q->step)
            continue;
        q->step = n;
        q->me_eligible = mine;
        snprintf(q->rule, sizeof q->rule, "%s", str_of(json_object_get(st, "rule")));
        snprintf(q->role, sizeof q->role, "%s", str_of(json_object_get(st, "role")));
        if (!(*approvers = id_array(ids))) {
            rc = -1;
            break;
        }
    }
    snprintf(q->mine + mine_len, sizeof q->mine - mine_len, "}");
    json_decref(steps);
    if (!rc && !*approvers)
        *approvers = strdup("{}");
    return rc || !*approvers ? -1 : 0;
}

static const action_row_spec job_spec = {
    .doc = "job_doc",
    .visible = "job_visible",
    .missing = ERR_PRINT_JOB_NOT_FOUND,
    .detail = "no such print job",
};

static int perform_complete(db_conn *c, action_tx *t, problem_t *p);

static int job_lock(db_conn *c, action_tx *t, problem_t *p)
{
    job_row *q = t->row;
    free(q->approvers);
    free(q->next);
    memset(q, 0, sizeof *q);
    const caller_t *me = t->r->caller;
    char id[24], u[24], d[24];
    const char *params[] = {db_int(id, t->id), db_int(u, me->id),
                            me->department_id ? db_int(d, me->department_id) : NULL,
                            printing_privileged(me) ? "true" : "false"};
    bool operating = t->act->perform == perform_complete;
    PGresult *res;
    if (action_lock_row(c, t, operating ? &Q_JOB_LOCK_OPERATOR : &Q_JOB_LOCK, 4, params,
                        &job_spec, &res, p))
        return -1;
    if (operating) {
        q->me_active = db_col_bool(res, 0, "me_active");
        q->me_department = db_col_ll(res, 0, "me_department");
        snprintf(q->me_department_kind, sizeof q->me_department_kind, "%s",
                 db_col_str(res, 0, "me_department_kind"));
    }
    q->requester = db_col_ll(res, 0, "requester_id");
    q->department = db_col_ll(res, 0, "department_id");
    q->operator_dept = db_col_ll(res, 0, "operator_department_id");
    q->pages = db_col_ll(res, 0, "pages");
    q->copies = db_col_ll(res, 0, "copies");
    q->threshold = db_col_ll(res, 0, "large_threshold");
    q->duplex = db_col_bool(res, 0, "duplex");
    q->is_large = db_col_bool(res, 0, "is_large");
    snprintf(q->kind, sizeof q->kind, "%s", db_col_str(res, 0, "kind"));
    snprintf(q->title, sizeof q->title, "%s", db_col_str(res, 0, "title"));
    utf8_trim(q->title, sizeof q->title);
    int rc = open_steps(db_col_str(res, 0, "open_steps"), me->id, q, &q->approvers);
    PQclear(res);
    return rc ? problem_oom(p) : 0;
}

/* R-PRN-2, R-PRN-3, R-PRN-4: only who may sign the first open step. A job
 * that waits for no signature is refused by its state, after this. */
static int authorise_signer(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    (void)c;
    if (strcmp(t->state, "pending") || !q->step)
        return 0;
    if (!q->me_eligible)
        return problem_set(p, ERR_PRINT_JOB_APPROVER_MISMATCH, NULL, q->rule,
                           "this job needs the signature of %s", role_words(q->role));
    return 0;
}

/* The open steps the signer may sign ($4, from the locked job's document). */
static const db_stmt Q_STEPS_SIGN = {
    "printing_steps_sign",
    "UPDATE print_job_steps s SET decision = 'approved', decided_by = $2, decided_at = now(),"
    " comment = $3 WHERE s.job_id = $1 AND s.decision IS NULL AND s.step = ANY ($4::integer[])"};

/* After the signatures: ready when no step is open. The document is the
 * one the trigger kept (migration 007), built once, and comes back with
 * COMMIT (action_last). */
static const db_stmt Q_JOB_AFTER_SIGN = {
    "printing_job_after_sign",
    "UPDATE print_jobs j SET state = CASE WHEN EXISTS (SELECT 1 FROM print_job_steps s"
    "  WHERE s.job_id = j.id AND s.decision IS NULL) THEN 'pending' ELSE 'ready' END,"
    " decision_comment = $2, version = j.version + 1, updated_at = now()"
    " WHERE j.id = $1 RETURNING" AUDIT_DOC("j.doc") " AS doc"};

/* The signer signs every open step they may sign (the director signs a
 * large job for another department once); who is asked next is the first
 * open step's signers the lock found the signer could not sign for, or
 * when none is left (the job is ready) the requester and the section that
 * runs it. Nothing here waits for an answer: the whole approval goes to
 * the database with COMMIT. */
static int perform_approve(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    const job_in *in = t->in;
    char id[24], me[24], title[TITLE_BYTES];
    const char *p1[] = {db_int(id, t->id), db_int(me, t->r->caller->id), in->comment, q->mine};
    if (db_write(c, &Q_STEPS_SIGN, 4, p1, p))
        return -1;
    const char *p2[] = {id, in->comment};
    if (action_last(c, t, &Q_JOB_AFTER_SIGN, 2, p2, p))
        return -1;
    if (q->next) {
        snprintf(title, sizeof title, "Sign a %s job (%s): %s", q->kind, q->next_rule, q->title);
        utf8_trim(title, sizeof title);
        return notify_all(c, q->next, "print_job_to_approve", title, "", "print_job", t->id, p);
    }
    snprintf(title, sizeof title, "Your %s job was approved: %s", q->kind, q->title);
    utf8_trim(title, sizeof title);
    if (notify(c, q->requester, "print_job_approved", title, in->comment ? in->comment : "",
               "print_job", t->id, p))
        return -1;
    snprintf(title, sizeof title, "A %s job to run: %s", q->kind, q->title);
    utf8_trim(title, sizeof title);
    return notify_operators(c, q->operator_dept, q->department, "print_job_to_run", title, t->id,
                            p);
}

static const db_stmt Q_STEP_REJECT = {
    "printing_step_reject",
    "UPDATE print_job_steps s SET decision = 'rejected', decided_by = $3, decided_at = now(),"
    " comment = $4 WHERE s.job_id = $1 AND s.step = $2"};

static const db_stmt Q_JOB_REJECTED = {
    "printing_job_rejected",
    "UPDATE print_jobs j SET state = 'rejected', decision_comment = $2,"
    " version = j.version + 1, updated_at = now() WHERE j.id = $1 RETURNING j.doc AS job_doc"};

static int perform_reject(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    const job_in *in = t->in;
    char id[24], step[24], me[24], title[TITLE_BYTES];
    const char *p1[] = {db_int(id, t->id), db_int(step, q->step), db_int(me, t->r->caller->id),
                        in->comment};
    if (db_write(c, &Q_STEP_REJECT, 4, p1, p))
        return -1;
    const char *p2[] = {id, in->comment};
    PGresult *res;
    if (db_query(c, &Q_JOB_REJECTED, 2, p2, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "job_doc"));
    PQclear(res);
    snprintf(title, sizeof title, "Your %s job was not approved (%s): %s", q->kind, q->rule,
             q->title);
    utf8_trim(title, sizeof title);
    return notify(c, q->requester, "print_job_rejected", title, in->comment ? in->comment : "",
                  "print_job", t->id, p);
}

/* R-PRN-6: office staff operate the equipment; R-PRN-1: of the section
 * that runs the job. The department is the one the lock read now
 * (Q_JOB_LOCK_OPERATOR), not the token's. */
static int authorise_operator(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    (void)c;
    if (!q->me_active)
        return problem_set(p, ERR_USER_NOT_FOUND, NULL, NULL, "no active user %lld",
                           t->r->caller->id);
    if (!q->me_department || strcmp(q->me_department_kind, "section"))
        return problem_set(p, ERR_PRINT_JOB_NOT_OFFICE_STAFF, NULL, NULL,
                           "only the office's staff operate the printing and copying equipment");
    if (q->me_department != q->operator_dept)
        return problem_set(p, ERR_PRINT_JOB_NOT_OPERATOR, NULL, NULL,
                           "this job runs in department %lld; its staff complete it",
                           q->operator_dept);
    return 0;
}

/* The last statement of a completion: the document the trigger builds
 * (migration 007) names the register entry and the violation written
 * before it, and comes back with COMMIT (action_last). */
static const db_stmt Q_JOB_COMPLETE = {
    "printing_job_complete",
    "UPDATE print_jobs j SET state = 'completed', actual_pages = $2, actual_copies = $3,"
    " actual_sheets = $4, cost_fen = $5, completed_by = $6, completed_at = now(),"
    " completion_note = $7, version = j.version + 1, updated_at = now() WHERE j.id = $1"
    " RETURNING" AUDIT_DOC("j.doc") " AS doc"};

/* R-PRN-3: the real figures of a large job ($3 pages, $4 copies, $5
 * sheets: the job is updated after its entry), with who signed it for its
 * size (none: done without approval). */
static const db_stmt Q_REGISTER_INSERT = {
    "printing_register_insert",
    "INSERT INTO copy_register(job_id, department_id, department_name, requester_id,"
    " requester_name, operator_id, operator_name, kind, title, pages, copies, sheets,"
    " approver_id, approver_name, without_approval)"
    " SELECT j.id, j.department_id, coalesce(d.name, ''), j.requester_id,"
    " coalesce(rq.display_name, ''), $2, coalesce(op.display_name, ''), j.kind, j.title,"
    " $3::integer, $4::integer, $5::integer, a.decided_by, ap.display_name,"
    " a.decided_by IS NULL"
    " FROM print_jobs j LEFT JOIN print_job_steps a ON a.job_id = j.id AND a.rule = 'R-PRN-3'"
    "  AND a.decision = 'approved'"
    " LEFT JOIN identity.org_departments d ON d.id = j.department_id"
    " LEFT JOIN identity.org_people rq ON rq.id = j.requester_id"
    " LEFT JOIN identity.org_people op ON op.id = $2::bigint"
    " LEFT JOIN identity.org_people ap ON ap.id = a.decided_by"
    " WHERE j.id = $1 RETURNING id, without_approval, register_doc(copy_register)"};

static const db_stmt Q_VIOLATION_INSERT = {
    "printing_violation_insert",
    "INSERT INTO violations(job_id, register_id, department_id, requester_id, operator_id,"
    " sheets, threshold)"
    " SELECT j.id, $2, j.department_id, j.requester_id, $3, $4::integer, j.large_threshold"
    " FROM print_jobs j WHERE j.id = $1"
    " RETURNING id, violation_doc(violations),"
    " eligible_approvers('director', department_id)::text AS directors"};

static int record_violation(db_conn *c, action_tx *t, long long register_id, long long sheets,
                            problem_t *p)
{
    const job_row *q = t->row;
    char id[24], reg[24], me[24], sh[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), db_int(reg, register_id),
                            db_int(me, t->r->caller->id), db_int(sh, sheets)};
    PGresult *res;
    if (db_query(c, &Q_VIOLATION_INSERT, 4, params, &res, p))
        return -1;
    long long vid = db_col_ll(res, 0, "id");
    char *doc = strdup(db_col_str(res, 0, "violation_doc"));
    char *directors = strdup(db_col_str(res, 0, "directors"));
    PQclear(res);
    int rc = -1;
    if (!doc || !directors) {
        problem_oom(p);
        goto cleanup;
    }
    snprintf(title, sizeof title,
             "A large job (%lld sheets, over %lld) was done without approval: %s", sheets,
             q->threshold, q->title);
    utf8_trim(title, sizeof title);
    if (notify_all(c, directors, "print_violation_to_follow_up", title, "", "violation",
                         vid, p))
        goto cleanup;
    rc = audit_write(c, &t->r->actor, "violation", vid, "create", NULL, doc, p);
cleanup:
    free(doc);
    free(directors);
    return rc;
}

static int perform_complete(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    const job_in *in = t->in;
    if (in->cost_fen > 0 && strcmp(q->kind, "print_shop"))
        return problem_field(p, "cost_fen", "only a print-shop job has a cost");
    long long sheets = print_sheets(in->actual_pages, in->actual_copies, q->duplex);
    if (sheets > PRINT_MAX_SHEETS)
        return problem_field(p, "actual_copies", "over %lld sheets cannot be recorded",
                             PRINT_MAX_SHEETS);
    char id[24], pg[24], cp[24], sh[24], cost[24], me[24], title[TITLE_BYTES];
    const char *p1[] = {db_int(id, t->id),
                        db_int(pg, in->actual_pages),
                        db_int(cp, in->actual_copies),
                        db_int(sh, sheets),
                        in->cost_fen > 0 ? db_int(cost, in->cost_fen) : NULL,
                        db_int(me, t->r->caller->id),
                        in->note};
    /* The register entry and the violation first, so that the job's
     * update, last, builds its document once with both. */
    if (q->is_large || sheets > q->threshold) {
        const char *p2[] = {id, me, pg, cp, sh};
        PGresult *res;
        if (db_query(c, &Q_REGISTER_INSERT, 5, p2, &res, p))
            return -1;
        long long reg = db_col_ll(res, 0, "id");
        bool unapproved = db_col_bool(res, 0, "without_approval");
        char *entry = strdup(db_col_str(res, 0, "register_doc"));
        PQclear(res);
        if (!entry)
            return problem_oom(p);
        /* The entry's event goes out with the job's, in one statement;
         * with a violation, whose event comes between, on its own. */
        int rc = unapproved
                     ? audit_write(c, &t->r->actor, "copy_register", reg, "create", NULL, entry, p)
                     : action_audit_also(t, "copy_register", reg, "create", entry, p);
        free(entry);
        if (rc || (unapproved && record_violation(c, t, reg, sheets, p)))
            return -1;
    }
    /* The finished document comes back with COMMIT (action_last). */
    if (action_last(c, t, &Q_JOB_COMPLETE, 7, p1, p))
        return -1;
    snprintf(title, sizeof title, "Your %s job is done: %s", q->kind, q->title);
    utf8_trim(title, sizeof title);
    return notify(c, q->requester, "print_job_completed", title, "", "print_job", t->id, p);
}

static const db_stmt Q_JOB_CANCELLED = {
    "printing_job_cancelled",
    "UPDATE print_jobs j SET state = 'cancelled', cancelled_by = $2, cancelled_at = now(),"
    " decision_comment = coalesce($3, j.decision_comment),"
    " version = j.version + 1, updated_at = now() WHERE j.id = $1 RETURNING j.doc AS job_doc"};

static int authorise_requester(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->requester)
        return problem_set(p, ERR_FORBIDDEN, NULL, NULL, "only the requester cancels a job");
    return 0;
}

/* Whoever was waiting to act on it no longer needs to. */
static int perform_cancel(db_conn *c, action_tx *t, problem_t *p)
{
    const job_row *q = t->row;
    const job_in *in = t->in;
    char id[24], me[24], title[TITLE_BYTES];
    snprintf(title, sizeof title, "A %s job was cancelled: %s", q->kind, q->title);
    utf8_trim(title, sizeof title);
    if (!strcmp(t->state, "pending")) {
        if (notify_all(c, q->approvers, "print_job_cancelled", title, "", "print_job",
                             t->id, p))
            return -1;
    } else if (notify_operators(c, q->operator_dept, q->department, "print_job_cancelled", title,
                                t->id, p)) {
        return -1;
    }
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id), in->comment};
    PGresult *res;
    if (db_query(c, &Q_JOB_CANCELLED, 3, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "job_doc"));
    PQclear(res);
    return 0;
}

static const json_field complete_fields[] = {
    {.name = "actual_pages", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
         .offset = offsetof(job_in, actual_pages)},
    {.name = "actual_copies", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
         .offset = offsetof(job_in, actual_copies)},
    {.name = "cost_fen", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = 100000000000LL,
         .offset = offsetof(job_in, cost_fen)},
    {.name = "note", .type = JF_TEXT, .max = 1000, .offset = offsetof(job_in, note)},
    JF_END,
};

static const char *const from_pending[] = {"pending", NULL};
static const char *const from_ready[] = {"ready", NULL};
static const char *const from_open[] = {"pending", "ready", NULL};

/* The signers' rule is the open step's (R-PRN-2 the print shop, R-PRN-3
 * the sheet count, R-PRN-4 another department's work), so the refusals of
 * who may sign name it rather than the row. Cancelling is the
 * requester's, with no regulation. */
static const action_t act_approve = {
    ACTION_DECISION("approve", "approved"),
    .kind = &job_kind, .from_states = from_pending,
    .lock = job_lock, .authorise = authorise_signer, .perform = perform_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &job_kind, .from_states = from_pending,
    .lock = job_lock, .authorise = authorise_signer, .perform = perform_reject,
};
static const action_t act_complete = {
    .kind = &job_kind,
    .verb = "complete",
    .done = "completed",
    .fields = complete_fields,
    .from_states = from_ready,
    .rule = "R-PRN-6",
    .lock = job_lock,
    .authorise = authorise_operator,
    .perform = perform_complete,
};
static const action_t act_cancel = {
    .kind = &job_kind,
    .verb = "cancel",
    .done = "cancelled",
    .fields = comment_fields,
    .from_states = from_open,
    .lock = job_lock,
    .authorise = authorise_requester,
    .perform = perform_cancel,
};

static void job_action_handle(req_t *r, const action_t *act)
{
    job_in in = {0};
    job_row row = {0};
    action_handle(r, act, &in, &row);
    free(row.approvers);
    free(row.next);
}

void h_jobs_approve(req_t *r)
{
    job_action_handle(r, &act_approve);
}

void h_jobs_reject(req_t *r)
{
    job_action_handle(r, &act_reject);
}

void h_jobs_complete(req_t *r)
{
    job_action_handle(r, &act_complete);
}

void h_jobs_cancel(req_t *r)
{
    job_action_handle(r, &act_cancel);
}
