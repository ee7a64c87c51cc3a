/* Departments: sections, the office and district leadership, external units. */
#include <stdio.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "identity.h"
#include "list.h"

bool admin_or_reply(req_t *r);
void name_constraint(const PGresult *res, problem_t *p);

static const char *const kinds[] = {"section", "office_leadership", "district_leadership",
                                    "external", NULL};

static const db_stmt Q_DEP_GET = {"identity_dep_get",
                                  "SELECT department_doc(d) FROM departments d WHERE d.id = $1"};

void h_departments_get(req_t *r)
{
    static const read_arg args[] = {READ_END};
    action_get_doc_as(r, &Q_DEP_GET, false, args);
}

static const db_stmt Q_DEP_LIST = {
    "identity_dep_list",
    "SELECT d.id, department_doc(d) FROM departments d"
    " WHERE " PAGE_BEFORE("d.id", "$1") " AND ($2::text IS NULL OR d.kind = $2)"
    " ORDER BY d.id DESC LIMIT $3"};

static const list_filter department_filters[] = {
    {.name = "kind", .kind = LIST_ENUM, .values = kinds},
    LIST_FILTERS_END,
};

static const list_t departments_list = {
    .stmt = &Q_DEP_LIST,
    .filters = department_filters,
    .params = {"@cursor", "kind", "@limit"},
};

void h_departments_list(req_t *r)
{
    list_handle(r, &departments_list);
}

typedef struct dep_in {
    const char *name, *kind;
    bool is_secretariat, has_printer, is_print_center;
    long long supervising_deputy_id;
} dep_in;

static const json_field dep_create_fields[] = {
    {.name = "name", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 100,
     .offset = offsetof(dep_in, name)},
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = kinds,
     .offset = offsetof(dep_in, kind)},
    {.name = "is_secretariat", .type = JF_BOOL, .offset = offsetof(dep_in, is_secretariat)},
    {.name = "has_printer", .type = JF_BOOL, .offset = offsetof(dep_in, has_printer)},
    {.name = "is_print_center", .type = JF_BOOL, .offset = offsetof(dep_in, is_print_center)},
    {.name = "supervising_deputy_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(dep_in, supervising_deputy_id)},
    JF_END,
};

static const json_field dep_patch_fields[] = {
    {.name = "name", .type = JF_STRING, .min = 1, .max = 100, .offset = offsetof(dep_in, name)},
    {.name = "kind", .type = JF_ENUM, .values = kinds, .offset = offsetof(dep_in, kind)},
    {.name = "is_secretariat", .type = JF_BOOL, .offset = offsetof(dep_in, is_secretariat)},
    {.name = "has_printer", .type = JF_BOOL, .offset = offsetof(dep_in, has_printer)},
    {.name = "is_print_center", .type = JF_BOOL, .offset = offsetof(dep_in, is_print_center)},
    {.name = "supervising_deputy_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(dep_in, supervising_deputy_id)},
    JF_END,
};

typedef struct dep_tx {
    req_t *r;
    long long id, if_match, deputy;
    const char *body;
    char *owned; /* body, when the create made it */
    char *doc;
} dep_tx;

static const db_stmt Q_IS_DEPUTY = {
    "identity_is_deputy",
    "SELECT 1 FROM users WHERE id = $1 AND position = 'deputy_director' AND active"};

/* R-ORG-1: a section's supervisor is a deputy director. */
static int check_deputy(db_conn *c, long long deputy, problem_t *p)
{
    if (!deputy)
        return 0;
    char b[24];
    const char *params[] = {db_int(b, deputy)};
    PGresult *res = db_exec(c, &Q_IS_DEPUTY, 1, params);
    bool ok = db_ok(res, p);
    bool is = ok && PQntuples(res) == 1;
    PQclear(res);
    if (!ok)
        return -1;
    if (!is) {
        problem_field(p, "supervising_deputy_id", "must be an active deputy director");
        p->rule = "R-ORG-1";
        return -1;
    }
    return 0;
}

static const db_stmt Q_DEP_INSERT = {
    "identity_dep_insert",
    "INSERT INTO departments(name, kind, is_secretariat, has_printer, is_print_center,"
    " supervising_deputy_id)"
    " SELECT j->>'name', j->>'kind', coalesce((j->>'is_secretariat')::boolean, false),"
    " coalesce((j->>'has_printer')::boolean, false),"
    " coalesce((j->>'is_print_center')::boolean, false),"
    " (j->>'supervising_deputy_id')::bigint"
    " FROM (SELECT $1::jsonb AS j) s RETURNING id, department_doc(departments)"};

static int dep_store(db_conn *c, create_tx *ct, problem_t *p)
{
    dep_tx *t = ct->ctx;
    if (check_deputy(c, t->deputy, p))
        return -1;
    const char *params[] = {t->body};
    PGresult *res = db_exec(c, &Q_DEP_INSERT, 1, params);
    if (!db_ok(res, p)) {
        name_constraint(res, p);
        PQclear(res);
        if (p->code == ERR_DUPLICATE)
            problem_field(p, "name", "is already used (or another section is the secretariat)");
        return -1;
    }
    ct->id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "department_doc"));
    PQclear(res);
    return 0;
}

static const db_stmt Q_DEP_LOCK = {
    "identity_dep_lock",
    "SELECT department_doc(d), d.version FROM departments d WHERE id = $1 FOR UPDATE"};

static const db_stmt Q_DEP_UPDATE = {
    "identity_dep_update",
    "UPDATE departments d SET"
    " name = CASE WHEN j ? 'name' THEN j->>'name' ELSE name END,"
    " kind = CASE WHEN j ? 'kind' THEN j->>'kind' ELSE kind END,"
    " is_secretariat = CASE WHEN j ? 'is_secretariat' THEN (j->>'is_secretariat')::boolean"
    "   ELSE is_secretariat END,"
    " has_printer = CASE WHEN j ? 'has_printer' THEN (j->>'has_printer')::boolean"
    "   ELSE has_printer END,"
    " is_print_center = CASE WHEN j ? 'is_print_center' THEN (j->>'is_print_center')::boolean"
    "   ELSE is_print_center END,"
    " supervising_deputy_id = CASE WHEN j ? 'supervising_deputy_id'"
    "   THEN (j->>'supervising_deputy_id')::bigint ELSE supervising_deputy_id END,"
    " version = version + 1, updated_at = now()"
    " FROM (SELECT $2::jsonb AS j) s WHERE d.id = $1 RETURNING department_doc(d)"};

static int dep_update_run(db_conn *c, void *arg, problem_t *p)
{
    dep_tx *t = arg;
    if (check_deputy(c, t->deputy, p))
        return -1;
    char id[24];
    const char *p1[] = {db_int(id, t->id)};
    PGresult *res = db_exec(c, &Q_DEP_LOCK, 1, p1);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such department");
    }
    long long version = db_col_ll(res, 0, "version");
    if (!if_match_accepts(t->r, t->if_match, version)) {
        PQclear(res);
        return problem_set(p, ERR_PRECONDITION, NULL, NULL,
                           "the department was changed: it is at version %lld", version);
    }
    char *before = strdup(db_col_str(res, 0, "department_doc"));
    PQclear(res);
    const char *p2[] = {id, t->body};
    res = db_exec(c, &Q_DEP_UPDATE, 2, p2);
    int rc = -1;
    if (db_ok(res, p)) {
        t->doc = strdup(db_col_str(res, 0, "department_doc"));
        rc = audit_write(c, &t->r->actor, "department", t->id, "update", before, t->doc, p);
    } else {
        name_constraint(res, p);
        if (p->code == ERR_DUPLICATE)
            problem_field(p, "name", "is already used (or another section is the secretariat)");
    }
    PQclear(res);
    free(before);
    return rc;
}

static void dep_patch(req_t *r, long long id)
{
    long long if_match = -1;
    if (if_match_or_reply(r, &if_match))
        return;
    dep_in in = {0};
    json_t *root = patch_body_or_reply(r, dep_patch_fields, &in, NULL);
    if (!root)
        return;
    char *body = json_dumps(root, JSON_COMPACT);
    dep_tx t = {.r = r, .id = id, .if_match = if_match, .deputy = in.supervising_deputy_id,
                .body = body};
    problem_t p = {0};
    int rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, dep_update_run, &t, &p);
    reply_doc(r, rc, &p, t.doc, 200);
    free(body);
    json_decref(root);
}

static int dep_check(create_tx *ct, problem_t *p)
{
    dep_tx *t = ct->ctx;
    t->deputy = ((const dep_in *)ct->in)->supervising_deputy_id;
    t->owned = json_dumps(ct->body, JSON_COMPACT);
    t->body = t->owned;
    return t->owned ? 0 : problem_oom(p);
}

static const create_t dep_create = {
    .entity = "department",
    .fields = dep_create_fields,
    .check = dep_check,
    .store = dep_store,
};

void h_departments_create(req_t *r)
{
    if (!admin_or_reply(r))
        return;
    dep_in in = {0};
    dep_tx t = {.r = r};
    create_handle(r, &dep_create, &in, &t);
    free(t.owned);
}

void h_departments_patch(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (id && admin_or_reply(r))
        dep_patch(r, id);
}
