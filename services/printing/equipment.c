/* Equipment and its maintenance log (R-PRN-5). The secretariat (or an
 * administrator) registers equipment; office staff log its maintenance
 * (R-PRN-6: they operate and look after it). Everyone in the office reads
 * the register and the log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "printing.h"
#include "row_lock.h"

static const char *const kinds[] = {"printer", "copier", "duplicator", "typewriter",
                                    "scanner", "other", NULL};
static const char *const locations[] = {"copy_room", "section", NULL};
static const char *const states[] = {"in_service", "out_of_service", "retired", NULL};
static const char *const maintenance_kinds[] = {"maintenance", "repair", "cleaning",
                                                "inspection", "supplies", NULL};

static const db_stmt Q_EQUIPMENT_GET = {
    "printing_equipment_get", "SELECT equipment_doc(e), e.version FROM equipment e WHERE e.id = $1"};

void h_equipment_get(req_t *r)
{
    action_get(r, &Q_EQUIPMENT_GET);
}

static const db_stmt Q_EQUIPMENT_LIST = {
    "printing_equipment_list",
    "SELECT e.id, equipment_doc(e) FROM equipment e"
    " WHERE " PAGE_BEFORE("e.id", "$1") " AND ($2::bigint IS NULL OR e.department_id = $2)"
    " AND ($3::text IS NULL OR e.location = $3) AND ($4::text IS NULL OR e.kind = $4)"
    " AND ($5::text IS NULL OR e.state = $5) ORDER BY e.id DESC LIMIT $6"};

static const list_filter equipment_filters[] = {
    {.name = "department_id", .kind = LIST_ID},
    {.name = "location", .kind = LIST_ENUM, .values = locations},
    {.name = "kind", .kind = LIST_ENUM, .values = kinds},
    {.name = "state", .kind = LIST_ENUM, .values = states},
    LIST_FILTERS_END,
};

static const list_t equipment_list = {
    .stmt = &Q_EQUIPMENT_LIST,
    .filters = equipment_filters,
    .params = {"@cursor", "department_id", "location", "kind", "state", "@limit"},
};

void h_equipment_list(req_t *r)
{
    list_handle(r, &equipment_list);
}

typedef struct equipment_in {
    const char *name, *kind, *location, *model, *serial_number;
    long long department_id;
} equipment_in;

static const json_field equipment_fields[] = {
    {.name = "name", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 100,
         .offset = offsetof(equipment_in, name)},
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = kinds,
         .offset = offsetof(equipment_in, kind)},
    {.name = "department_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
         .offset = offsetof(equipment_in, department_id)},
    {.name = "location", .type = JF_ENUM, .flags = JF_REQUIRED, .values = locations,
         .offset = offsetof(equipment_in, location)},
    {.name = "model", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 100,
         .offset = offsetof(equipment_in, model)},
    {.name = "serial_number", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 100,
         .offset = offsetof(equipment_in, serial_number)},
    JF_END,
};

typedef struct equipment_tx {
    req_t *r;
    equipment_in in;
    char *doc;
} equipment_tx;

static const db_stmt Q_OFFICE_DEPARTMENT = {
    "printing_office_department",
    "SELECT d.kind FROM identity.org_departments d WHERE d.id = $1"};

static const db_stmt Q_EQUIPMENT_INSERT = {
    "printing_equipment_insert",
    "INSERT INTO equipment(name, kind, department_id, location, model, serial_number,"
    " registered_by) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " RETURNING id, equipment_doc(equipment)"};

/* R-PRN-5: the secretariat keeps the register of equipment. */
static int equipment_store(db_conn *c, create_tx *ct, problem_t *p)
{
    equipment_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    long long secretariat;
    if (org_secretariat(c, &secretariat, p))
        return -1;
    if (!me->is_admin && (!secretariat || me->department_id != secretariat))
        return problem_set(p, ERR_EQUIPMENT_NOT_REGISTRAR, NULL, NULL,
                           "the secretariat or an administrator registers equipment");
    char dep[24], me_id[24];
    const char *p1[] = {db_int(dep, t->in.department_id)};
    PGresult *res;
    if (db_query(c, &Q_OFFICE_DEPARTMENT, 1, p1, &res, p))
        return -1;
    bool office = PQntuples(res) == 1 && printing_office_staff(db_col_str(res, 0, "kind"));
    PQclear(res);
    if (!office)
        return problem_field(p, "department_id", "must be a section of the office");
    const char *p2[] = {t->in.name,  t->in.kind,          dep, t->in.location,
                        t->in.model, t->in.serial_number, db_int(me_id, me->id)};
    if (db_query(c, &Q_EQUIPMENT_INSERT, 7, p2, &res, p)) {
        if (p->code == ERR_DUPLICATE) {
            problem_clear(p);
            return problem_field(p, "serial_number", "is already registered");
        }
        return -1;
    }
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "equipment_doc"));
    PQclear(res);
    ct->id = id;
    return 0;
}

static const create_t equipment_create = {
    .entity = "equipment",
    .fields = equipment_fields,
    .store = equipment_store,
};

void h_equipment_create(req_t *r)
{
    equipment_tx t = {.r = r};
    create_handle(r, &equipment_create, &t.in, &t);
}

/* ---------- changes: name, model, place, in or out of service ---------- */

typedef struct equipment_patch_in {
    const char *name, *location, *model, *state;
} equipment_patch_in;

static const json_field equipment_patch_fields[] = {
    {.name = "name", .type = JF_STRING, .min = 1, .max = 100,
         .offset = offsetof(equipment_patch_in, name)},
    {.name = "location", .type = JF_ENUM, .values = locations,
         .offset = offsetof(equipment_patch_in, location)},
    {.name = "model", .type = JF_STRING, .min = 1, .max = 100,
         .offset = offsetof(equipment_patch_in, model)},
    {.name = "state", .type = JF_ENUM, .values = states,
         .offset = offsetof(equipment_patch_in, state)},
    JF_END,
};

typedef struct equipment_patch_tx {
    req_t *r;
    long long id, if_match;
    equipment_patch_in in;
    char *doc;
} equipment_patch_tx;

static const db_stmt Q_EQUIPMENT_FOR_UPDATE = {
    "printing_equipment_for_update",
    "SELECT equipment_doc(e), e.version, e.state FROM equipment e WHERE e.id = $1 FOR UPDATE"};

static const db_stmt Q_EQUIPMENT_UPDATE = {
    "printing_equipment_update",
    "UPDATE equipment e SET name = coalesce($2, e.name), location = coalesce($3, e.location),"
    " model = coalesce($4, e.model), state = coalesce($5, e.state),"
    " version = e.version + 1, updated_at = now() WHERE e.id = $1 RETURNING equipment_doc(e)"};

/* R-PRN-5: the secretariat keeps the register; retired equipment stays in
 * it, as it was, with its log. */
static int equipment_patch_run(db_conn *c, void *arg, problem_t *p)
{
    equipment_patch_tx *t = arg;
    const caller_t *me = t->r->caller;
    free(t->doc);
    t->doc = NULL;
    row_locked row;
    if (row_lock(c, &Q_EQUIPMENT_FOR_UPDATE, t->id, "equipment_doc", ERR_EQUIPMENT_NOT_FOUND,
                 "no such equipment", &row, p))
        return -1;
    char *before = row.before;
    long long version = row.version;
    bool retired = !strcmp(row.state, "retired");
    PQclear(row.res);
    int rc = -1;
    long long secretariat;
    if (org_secretariat(c, &secretariat, p))
        goto cleanup;
    if (!me->is_admin && (!secretariat || me->department_id != secretariat)) {
        problem_set(p, ERR_EQUIPMENT_NOT_REGISTRAR, NULL, NULL,
                    "the secretariat or an administrator keeps the equipment register");
        goto cleanup;
    }
    if (action_check_version(t->r, t->if_match, version, "equipment", p))
        goto cleanup;
    if (retired) {
        problem_set(p, ERR_EQUIPMENT_RETIRED, NULL, NULL,
                    "equipment %lld is retired; its entry is kept as it was", t->id);
        goto cleanup;
    }
    char id[24];
    PGresult *res;
    const char *p2[] = {db_int(id, t->id), t->in.name, t->in.location, t->in.model, t->in.state};
    if (db_query(c, &Q_EQUIPMENT_UPDATE, 5, p2, &res, p))
        goto cleanup;
    t->doc = strdup(db_col_str(res, 0, "equipment_doc"));
    PQclear(res);
    if (!t->doc) {
        problem_oom(p);
        goto cleanup;
    }
    rc = audit_write(c, &t->r->actor, "equipment", t->id, "update", before, t->doc, p);
cleanup:
    free(before);
    return rc;
}

void h_equipment_patch(req_t *r)
{
    equipment_patch_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id || if_match_or_reply(r, &t.if_match))
        return;
    json_t *root = patch_body_or_reply(r, equipment_patch_fields, &t.in, NULL);
    if (!root)
        return;
    problem_t p = {0};
    int rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, equipment_patch_run, &t, &p);
    reply_doc(r, rc, &p, t.doc, 200);
    json_decref(root);
}

/* ---------- the maintenance log ---------- */

static const db_stmt Q_MAINTENANCE_LIST = {
    "printing_maintenance_list",
    "SELECT m.id, maintenance_doc(m) FROM maintenance_log m"
    " WHERE m.equipment_id = $1 AND " PAGE_BEFORE("m.id", "$2")
    " ORDER BY m.id DESC LIMIT $3"};

static const db_stmt Q_EQUIPMENT_EXISTS = {
    "printing_equipment_exists", "SELECT e.state FROM equipment e WHERE e.id = $1"};

void h_maintenance_list(req_t *r)
{
    reply_page_of(r, &Q_EQUIPMENT_EXISTS, ERR_EQUIPMENT_NOT_FOUND, "no such equipment",
                  &Q_MAINTENANCE_LIST);
}

typedef struct maintenance_in {
    const char *kind, *note;
} maintenance_in;

static const json_field maintenance_fields[] = {
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = maintenance_kinds,
         .offset = offsetof(maintenance_in, kind)},
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
         .offset = offsetof(maintenance_in, note)},
    JF_END,
};

typedef struct maintenance_tx {
    req_t *r;
    long long equipment_id;
    maintenance_in in;
    char *doc;
} maintenance_tx;

static const db_stmt Q_EQUIPMENT_LOCK = {
    "printing_equipment_lock",
    "SELECT e.state FROM equipment e WHERE e.id = $1 FOR SHARE"};

static const db_stmt Q_MAINTENANCE_INSERT = {
    "printing_maintenance_insert",
    "INSERT INTO maintenance_log(equipment_id, kind, note, performed_by)"
    " VALUES ($1, $2, $3, $4) RETURNING id, maintenance_doc(maintenance_log)"};

/* R-PRN-5, R-PRN-6: office staff log the upkeep of the equipment. */
static int maintenance_store(db_conn *c, create_tx *ct, problem_t *p)
{
    maintenance_tx *t = ct->ctx;
    char eq[24], me_id[24];
    const char *p1[] = {db_int(eq, t->equipment_id)};
    PGresult *res;
    if (db_query(c, &Q_EQUIPMENT_LOCK, 1, p1, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_EQUIPMENT_NOT_FOUND, NULL, NULL, "no such equipment");
    }
    bool retired = !strcmp(db_col_str(res, 0, "state"), "retired");
    PQclear(res);
    org_person me;
    if (org_person_get(c, ct->r->caller->id, &me, p))
        return -1;
    if (!me.department_id || strcmp(me.department_kind, "section"))
        return problem_set(p, ERR_EQUIPMENT_NOT_OFFICE_STAFF, NULL, NULL,
                           "only the office's staff look after the printing and copying equipment");
    if (retired)
        return problem_set(p, ERR_EQUIPMENT_RETIRED, NULL, NULL, "equipment %lld is retired",
                           t->equipment_id);
    const char *p2[] = {eq, t->in.kind, t->in.note, db_int(me_id, me.id)};
    if (db_query(c, &Q_MAINTENANCE_INSERT, 4, p2, &res, p))
        return -1;
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "maintenance_doc"));
    PQclear(res);
    ct->id = id;
    return 0;
}

static const create_t maintenance_create = {
    .entity = "maintenance",
    .fields = maintenance_fields,
    .store = maintenance_store,
};

void h_maintenance_create(req_t *r)
{
    maintenance_tx t = {.r = r, .equipment_id = path_id_or_reply(r, "id")};
    if (t.equipment_id)
        create_handle(r, &maintenance_create, &t.in, &t);
}
