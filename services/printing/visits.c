/* Copy-room visits (R-PRN-6): people who are not office staff enter the
 * copy room only when their work requires it, and each visit is registered
 * with its reason, by the visitor or by the office staff who let them in.
 * Office staff and leaders, administrators and the visitor read them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "printing.h"

/* Office staff (and administrators) read every visit; others their own. */
#define VISIT_VISIBLE " ($2 OR v.visitor_id = $3)"

static bool reads_all_visits(const caller_t *c)
{
    return printing_privileged(c) || (c->department_id && !c->external &&
                                      strcmp(c->position, POS_DISTRICT_MAYOR) &&
                                      strcmp(c->position, POS_DEPUTY_MAYOR));
}

static const db_stmt Q_VISIT_GET = {
    "printing_visit_get",
    "SELECT visit_doc(v) FROM copy_room_visits v WHERE v.id = $1 AND" VISIT_VISIBLE};

void h_visits_get(req_t *r)
{
    static const read_arg args[] = {READ_SEES_ALL, READ_USER, READ_END};
    action_get_doc_as(r, &Q_VISIT_GET, reads_all_visits(r->caller), args);
}

static const db_stmt Q_VISITS_LIST = {
    "printing_visit_list",
    "SELECT v.id, visit_doc(v) FROM copy_room_visits v"
    " WHERE " PAGE_BEFORE("v.id", "$1") " AND" VISIT_VISIBLE
    " AND v.visited_at >= $4::date AND v.visited_at < $5::date + 1"
    " AND ($6::bigint IS NULL OR v.visitor_id = $6)"
    " ORDER BY v.id DESC LIMIT $7"};

static const list_filter visit_filters[] = {
    {.name = "from", .kind = LIST_DATE, .absent = "-infinity"},
    {.name = "to", .kind = LIST_DATE, .absent = "infinity"},
    {.name = "visitor_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

static const list_t visits_list = {
    .stmt = &Q_VISITS_LIST,
    .filters = visit_filters,
    .params = {"@cursor", "@sees_all", "@caller", "from", "to", "visitor_id", "@limit"},
    .sees_all = reads_all_visits,
    .period = true,
};

void h_visits_list(req_t *r)
{
    list_handle(r, &visits_list);
}

typedef struct visit_in {
    long long visitor_id;
    const char *reason, *visited_at;
} visit_in;

static const json_field visit_fields[] = {
    {.name = "visitor_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
         .offset = offsetof(visit_in, visitor_id)},
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
         .offset = offsetof(visit_in, reason)},
    {.name = "visited_at", .type = JF_DATETIME, .flags = JF_NULLABLE,
         .offset = offsetof(visit_in, visited_at)},
    JF_END,
};

typedef struct visit_tx {
    req_t *r;
    visit_in in;
    char *doc;
} visit_tx;

static const db_stmt Q_VISIT_INSERT = {
    "printing_visit_insert",
    "INSERT INTO copy_room_visits(visitor_id, visitor_name, department_id, reason, visited_at,"
    " registered_by)"
    " SELECT $1, p.display_name, p.department_id, $2, coalesce($3::timestamptz, now()), $4"
    " FROM identity.org_people p WHERE p.id = $1"
    " AND coalesce($3::timestamptz, now()) <= now() + interval '5 minutes'"
    " RETURNING id, visit_doc(copy_room_visits)"};

/* R-PRN-6: the visitor is not office staff (who work in the room and need
 * no registration); someone else's visit is registered by office staff. */
static int visit_store(db_conn *c, create_tx *ct, problem_t *p)
{
    visit_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    long long visitor_id = t->in.visitor_id ? t->in.visitor_id : me->id;
    if (visitor_id != me->id) {
        org_person self;
        if (org_person_get(c, me->id, &self, p))
            return -1;
        if (!self.department_id || strcmp(self.department_kind, "section"))
            return problem_set(p, ERR_COPY_ROOM_VISIT_NOT_OFFICE_STAFF, NULL, NULL,
                               "office staff register someone else's visit to the copy room");
    }
    org_person visitor;
    if (org_person_get(c, visitor_id, &visitor, p)) {
        if (p->code != ERR_USER_NOT_FOUND)
            return -1;
        problem_clear(p);
        return problem_field(p, "visitor_id", "is not an active user");
    }
    if (visitor.department_id && printing_office_staff(visitor.department_kind))
        return problem_set(
            p, ERR_COPY_ROOM_VISIT_OFFICE_STAFF, NULL, NULL,
            "%s is office staff, who work in the copy room without a registered visit",
            visitor.username);
    char v[24], u[24];
    const char *params[] = {db_int(v, visitor_id), t->in.reason, t->in.visited_at,
                            db_int(u, me->id)};
    PGresult *res;
    if (db_query(c, &Q_VISIT_INSERT, 4, params, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_field(p, "visited_at", "must not be in the future");
    }
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "visit_doc"));
    PQclear(res);
    ct->id = id;
    return 0;
}

static const create_t visit_create = {
    .entity = "copy_room_visit",
    .fields = visit_fields,
    .store = visit_store,
};

void h_visits_create(req_t *r)
{
    visit_tx t = {.r = r};
    create_handle(r, &visit_create, &t.in, &t);
}
