/* The seal register: admins register, change and retire seals; everyone
 * reads them and their custody history (R-SEAL-1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "row_lock.h"
#include "seals.h"

static const char *const kinds[] = {"district_government", "government_office", "other", NULL};
static const char *const states[] = {"active", "suspended", "retired", "lost", NULL};
/* Retiring is its own action; a PATCH moves between these. */
static const char *const patch_states[] = {"active", "suspended", "lost", NULL};

static bool admin_or_reply(req_t *r)
{
    if (r->caller->is_admin)
        return true;
    reply_problem(r, ERR_FORBIDDEN, NULL, NULL, "only an administrator may register or change seals");
    return false;
}

/* ---------- reads ---------- */

static const db_stmt Q_SEAL_GET = {
    "seals_seal_get", "SELECT" SEAL_DOC("s") ", s.version FROM seals s WHERE s.id = $1"};

void h_seals_get(req_t *r)
{
    action_get(r, &Q_SEAL_GET);
}

static const db_stmt Q_SEALS_LIST = {
    "seals_seal_list",
    "SELECT s.id," SEAL_DOC("s") " FROM seals s"
    " WHERE " PAGE_BEFORE("s.id", "$1") " AND ($2::text IS NULL OR s.state = $2)"
    " AND ($3::text IS NULL OR s.kind = $3) AND ($4::bigint IS NULL OR s.custodian_id = $4)"
    " ORDER BY s.id DESC LIMIT $5"};

static const list_filter seal_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "kind", .kind = LIST_ENUM, .values = kinds},
    {.name = "custodian_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

static const list_t seals_list = {
    .stmt = &Q_SEALS_LIST,
    .filters = seal_filters,
    .params = {"@cursor", "state", "kind", "custodian_id", "@limit"},
};

void h_seals_list(req_t *r)
{
    list_handle(r, &seals_list);
}

static const db_stmt Q_CUSTODY_LIST = {
    "seals_custody_list",
    "SELECT k.id," CUSTODY_DOC("k") " FROM seal_custodians k"
    " WHERE k.seal_id = $1 AND " PAGE_BEFORE("k.id", "$2")
    " ORDER BY k.id DESC LIMIT $3"};

static const db_stmt Q_SEAL_EXISTS = {"seals_seal_exists", "SELECT 1 FROM seals WHERE id = $1"};

/* R-SEAL-1: the custodians of a seal with their dates, newest first. */
void h_seals_custodians(req_t *r)
{
    reply_page_of(r, &Q_SEAL_EXISTS, ERR_SEAL_NOT_FOUND, "no such seal", &Q_CUSTODY_LIST);
}

/* ---------- writes ---------- */

typedef struct seal_in {
    const char *name, *kind, *state, *comment;
    long long custodian_id;
    json_t *approver_ids;
} seal_in;

static const json_field seal_create_fields[] = {
    {.name = "name", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 100,
     .offset = offsetof(seal_in, name)},
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = kinds,
     .offset = offsetof(seal_in, kind)},
    {.name = "custodian_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(seal_in, custodian_id)},
    {.name = "approver_ids", .type = JF_ID_LIST, .max = 20,
     .offset = offsetof(seal_in, approver_ids)},
    JF_END,
};

static const json_field seal_patch_fields[] = {
    {.name = "name", .type = JF_STRING, .min = 1, .max = 100, .offset = offsetof(seal_in, name)},
    {.name = "state", .type = JF_ENUM, .values = patch_states, .offset = offsetof(seal_in, state)},
    {.name = "approver_ids", .type = JF_ID_LIST, .max = 20,
     .offset = offsetof(seal_in, approver_ids)},
    JF_END,
};

static const json_field retire_fields[] = {
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(seal_in, comment)},
    JF_END,
};

typedef struct seal_tx {
    req_t *r;
    seal_in in;
    long long id, if_match;
    char *approvers; /* bigint[] text or NULL */
    char *doc;
} seal_tx;

/* Of the ids in $1: how many are active users, how many of those are
 * secretaries, and how many are not members of the office (external units,
 * or no department at all, like the system administrator). */
static const db_stmt Q_APPROVER_COUNTS = {
    "seals_approver_counts",
    "SELECT count(*) FILTER (WHERE active) AS active,"
    " count(*) FILTER (WHERE active AND is_secretary) AS secretaries,"
    " count(*) FILTER (WHERE active AND (department_id IS NULL"
    "  OR department_kind IS NOT DISTINCT FROM 'external')) AS outsiders"
    " FROM identity.org_people WHERE id = ANY ($1::bigint[])"};

/* R-SEAL-2: an other seal's approvers are active members of the office who
 * may decide: never a secretary (R-SEC-3), who assists but never approves. */
static int check_approvers(db_conn *c, seal_tx *t, problem_t *p)
{
    if (!t->approvers)
        return 0;
    const char *params[] = {t->approvers};
    PGresult *res;
    if (db_query(c, &Q_APPROVER_COUNTS, 1, params, &res, p))
        return -1;
    bool all = db_col_ll(res, 0, "active") == (long long)json_array_size(t->in.approver_ids);
    long long secretaries = db_col_ll(res, 0, "secretaries");
    long long outsiders = db_col_ll(res, 0, "outsiders");
    PQclear(res);
    if (!all)
        return problem_field(p, "approver_ids", "every approver must be an active user");
    if (secretaries) {
        problem_field(p, "approver_ids", "a secretary cannot approve seal uses");
        p->rule = "R-SEC-3";
        return -1;
    }
    if (outsiders)
        return problem_field(p, "approver_ids",
                             "every approver must be a member of the office, not of an external unit");
    return 0;
}

static const db_stmt Q_SEAL_INSERT = {
    "seals_seal_insert",
    "INSERT INTO seals AS s (name, kind, custodian_id, approver_ids)"
    " VALUES ($1, $2, $3, coalesce($4::bigint[], '{}')) RETURNING s.id," SEAL_DOC("s")};

static const db_stmt Q_CUSTODY_OPEN = {
    "seals_custody_open",
    "INSERT INTO seal_custodians(seal_id, custodian_id, handover_id) VALUES ($1, $2, $3)"};

static int seal_store(db_conn *c, create_tx *ct, problem_t *p)
{
    seal_tx *t = ct->ctx;
    if (org_office_member(c, t->in.custodian_id, "custodian_id", p) || check_approvers(c, t, p))
        return -1;
    char cust[24], id[24];
    const char *params[] = {t->in.name, t->in.kind, db_int(cust, t->in.custodian_id),
                            t->approvers};
    PGresult *res = db_exec(c, &Q_SEAL_INSERT, 4, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        if (p->code == ERR_DUPLICATE)
            problem_field(p, "name", "another seal has this name");
        return -1;
    }
    ct->id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "seal_doc"));
    PQclear(res);
    const char *p2[] = {db_int(id, ct->id), cust, NULL};
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "You keep the seal %s", t->in.name);
    return db_run(c, &Q_CUSTODY_OPEN, 3, p2, p) ||
           notify(c, t->in.custodian_id, "seal_custody", title,
                  "You are its custodian: only you stamp with it (R-SEAL-1).", "seal", ct->id, p);
}

/* R-SEAL-2: only an other seal carries its own approvers, and it needs some. */
static int seal_check(create_tx *ct, problem_t *p)
{
    seal_tx *t = ct->ctx;
    bool other = !strcmp(t->in.kind, "other");
    bool given = ct->present & (1u << 3);
    if (other && (!given || json_array_size(t->in.approver_ids) == 0))
        problem_field(p, "approver_ids", "an other seal needs at least one approver");
    else if (!other && given && json_array_size(t->in.approver_ids) > 0)
        problem_field(p, "approver_ids",
                      "only an other seal has its own approvers; this kind's approvers are set by R-SEAL-2");
    if (p->code != ERR_NONE) {
        p->rule = "R-SEAL-2";
        return -1;
    }
    if (t->in.approver_ids && json_array_size(t->in.approver_ids) &&
        !(t->approvers = db_id_array(t->in.approver_ids)))
        return problem_oom(p);
    return 0;
}

static const create_t seal_create = {
    .entity = "seal",
    .fields = seal_create_fields,
    .check = seal_check,
    .store = seal_store,
};

void h_seals_create(req_t *r)
{
    if (!admin_or_reply(r))
        return;
    seal_tx t = {.r = r};
    create_handle(r, &seal_create, &t.in, &t);
    free(t.approvers);
}

static const db_stmt Q_SEAL_LOCK = {
    "seals_seal_lock",
    "SELECT" SEAL_DOC("s") ", s.version, s.state, s.kind, s.custodian_id, s.name"
    " FROM seals s WHERE s.id = $1 FOR UPDATE"};

static const db_stmt Q_SEAL_UPDATE = {
    "seals_seal_update",
    "UPDATE seals s SET name = coalesce($2, name), state = coalesce($3, state),"
    " approver_ids = coalesce($4::bigint[], approver_ids),"
    " version = version + 1, updated_at = now() WHERE s.id = $1 RETURNING" SEAL_DOC("s")};

static const db_stmt Q_SEAL_RETIRE = {
    "seals_seal_retire",
    "UPDATE seals s SET state = 'retired', retired_at = now(),"
    " version = version + 1, updated_at = now() WHERE s.id = $1 RETURNING" SEAL_DOC("s")};

/* A retired seal's pending handover dies with it: each one cancelled is
 * answered with its id, receiver and before/after documents. */
static const db_stmt Q_HANDOVERS_VOID = {
    "seals_handovers_void",
    "WITH old AS (SELECT h.id, handover_doc(h) AS doc FROM seal_handovers h"
    "  WHERE h.seal_id = $1 AND h.state = 'pending' FOR UPDATE)"
    " UPDATE seal_handovers h SET state = 'cancelled', cancelled_at = now(), cancelled_by = $2,"
    " version = version + 1, updated_at = now() FROM old WHERE h.id = old.id"
    " RETURNING h.id, h.to_user_id, old.doc, handover_doc(h)"};

/* Audits each handover voided by a retirement and tells its receiver, who
 * was waiting to confirm it (R-SEAL-1). */
static int handovers_void(db_conn *c, seal_tx *t, const char *seal_name, problem_t *p)
{
    char id[24], who[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), db_int(who, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_HANDOVERS_VOID, 2, params, &res, p))
        return -1;
    snprintf(title, sizeof title, "The seal %s was retired: its handover is cancelled",
             seal_name);
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && !rc; i++) {
        long long h = db_col_ll(res, i, "id");
        rc = notify(c, db_col_ll(res, i, "to_user_id"), "seal_handover_cancelled", title,
                    t->in.comment ? t->in.comment : "", "seal_handover", h, p) ||
             audit_write(c, &t->r->actor, "seal_handover", h, "cancel", db_col_str(res, i, "doc"),
                         db_col_str(res, i, "handover_doc"), p);
    }
    PQclear(res);
    return rc ? -1 : 0;
}

/* PATCH (retire = false) or retire: lock, check, change, audit, tell the
 * custodian. */
static int seal_change(db_conn *c, seal_tx *t, bool retire, problem_t *p)
{
    free(t->doc); /* a retried transaction starts again */
    t->doc = NULL;
    row_locked row;
    if (row_lock(c, &Q_SEAL_LOCK, t->id, "seal_doc", ERR_SEAL_NOT_FOUND, "no such seal", &row, p))
        return -1;
    char *before = row.before;
    long long version = row.version;
    long long custodian = db_col_ll(row.res, 0, "custodian_id");
    bool retired = !strcmp(row.state, "retired");
    bool other = !strcmp(db_col_str(row.res, 0, "kind"), "other");
    char name[SEAL_NAME_BYTES];
    snprintf(name, sizeof name, "%s", db_col_str(row.res, 0, "name"));
    PQclear(row.res);
    char id[24];
    const char *p1[] = {db_int(id, t->id)};
    PGresult *res;
    int rc = -1;
    if (action_check_version(t->r, t->if_match, version, "seal", p))
        goto cleanup;
    if (retired) {
        problem_set(p, ERR_SEAL_RETIRED, NULL, NULL, "a retired seal cannot change");
        goto cleanup;
    }
    if (!retire && t->approvers && !other) {
        problem_field(p, "approver_ids",
                      "only an other seal has its own approvers; this kind's approvers are set by R-SEAL-2");
        p->rule = "R-SEAL-2";
        goto cleanup;
    }
    if (!retire && check_approvers(c, t, p))
        goto cleanup;
    if (retire) {
        if (handovers_void(c, t, name, p) || db_query(c, &Q_SEAL_RETIRE, 1, p1, &res, p))
            goto cleanup;
    } else {
        const char *p2[] = {id, t->in.name, t->in.state, t->approvers};
        res = db_exec(c, &Q_SEAL_UPDATE, 4, p2);
        if (!db_ok(res, p)) {
            PQclear(res);
            if (p->code == ERR_DUPLICATE)
                problem_field(p, "name", "another seal has this name");
            goto cleanup;
        }
    }
    t->doc = strdup(db_col_str(res, 0, "seal_doc"));
    PQclear(res);
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, retire ? "The seal %s was retired" : "The seal %s was changed",
             name);
    if (notify(c, custodian, "seal_changed", title, t->in.comment ? t->in.comment : "", "seal",
               t->id, p))
        goto cleanup;
    rc = audit_write(c, &t->r->actor, "seal", t->id, retire ? "retire" : "update", before, t->doc, p);
cleanup:
    free(before);
    return rc;
}

static int seal_patch_run(db_conn *c, void *arg, problem_t *p)
{
    return seal_change(c, arg, false, p);
}

static int seal_retire_run(db_conn *c, void *arg, problem_t *p)
{
    return seal_change(c, arg, true, p);
}

static void seal_write(req_t *r, bool retire)
{
    seal_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id || !admin_or_reply(r) || if_match_or_reply(r, &t.if_match))
        return;
    uint64_t present = 0;
    json_t *root = retire ? body_or_reply(r, retire_fields, &t.in, &present)
                          : patch_body_or_reply(r, seal_patch_fields, &t.in, &present);
    if (!root)
        return;
    problem_t p = {0};
    int rc = 0;
    if (!retire && (present & (1u << 2))) {
        if (json_array_size(t.in.approver_ids) == 0) {
            problem_field(&p, "approver_ids", "an other seal needs at least one approver");
            p.rule = "R-SEAL-2";
            rc = -1;
        } else if (!(t.approvers = db_id_array(t.in.approver_ids))) {
            rc = problem_oom(&p);
        }
    }
    if (!rc)
        rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL,
                   retire ? seal_retire_run : seal_patch_run, &t, &p);
    reply_doc(r, rc, &p, t.doc, 200);
    free(t.approvers);
    json_decref(root);
}

void h_seals_patch(req_t *r)
{
    seal_write(r, false);
}

void h_seals_retire(req_t *r)
{
    seal_write(r, true);
}
