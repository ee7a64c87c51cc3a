/* 谁不在岗: who of a section is away right now (R-ATT-1), read from the view
 * the service publishes (away_now): an approved leave or an outing that
 * covers the present moment. The section sees its own members, a
 * supervising deputy the sections in their charge, office leaders and
 * administrators every section. A leave shows only that the person is on
 * leave and until when (its reason stays with the leave request); an
 * outing also its matter, where and how to reach the person, which R-ATT-1
 * (请假制度 一) has the section told anyway. */
#include <stdint.h>
#include <string.h>

#include "attendance.h"

/* $1 the department, $2 sees all, $3 the caller's department, $4 the
 * caller. known: the department exists; allowed: the caller may see it;
 * doc: the answer. */
static const db_stmt Q_AWAY_NOW = {
    "att_away_now",
    "WITH dep AS (SELECT d.id, d.supervising_deputy_id FROM identity.org_departments d"
    "  WHERE d.id = $1),"
    " ok AS (SELECT EXISTS (SELECT 1 FROM dep) AS known,"
    "  ($2::boolean OR $1 = $3::bigint"
    "   OR EXISTS (SELECT 1 FROM dep WHERE dep.supervising_deputy_id = $4)) AS allowed)"
    " SELECT ok.known, ok.allowed, CASE WHEN ok.known AND ok.allowed THEN ("
    "  SELECT json_build_object('department_id', $1::bigint, 'items', coalesce(json_agg("
    "   json_build_object('user_id', a.user_id, 'display_name', p.display_name,"
    "    'position', p.position, 'kind', a.kind, 'source_id', a.source_id, 'until', a.until,"
    "    'matter', o.matter, 'destination', o.destination, 'contact', o.contact)"
    "   ORDER BY a.until, a.user_id, a.kind), '[]'::json))::text"
    "  FROM away_now a JOIN identity.org_people p ON p.id = a.user_id"
    "  LEFT JOIN outings o ON a.kind = 'outing' AND o.id = a.source_id"
    "  WHERE p.department_id = $1) END AS doc"
    " FROM ok"};

void h_away_now(req_t *r)
{
    long long dep = r->caller->department_id;
    bool has_dep = false;
    if (query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dep, &has_dep))
        return;
    if (!has_dep && !r->caller->department_id) {
        bad_query(r, "department_id", "is required for someone outside any section");
        return;
    }
    char d[24], cd[24], u[24];
    const char *params[] = {db_int(d, dep), sees_all(r->caller) ? "true" : "false",
                            r->caller->department_id ? db_int(cd, r->caller->department_id)
                                                     : NULL,
                            db_int(u, r->caller->id)};
    PGresult *res = db_read_or_reply(r, &Q_AWAY_NOW, 4, params);
    if (!res)
        return;
    bool known = db_col_bool(res, 0, "known");
    bool allowed = db_col_bool(res, 0, "allowed");
    if (!known) {
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "no such department");
    } else if (!allowed) {
        reply_problem(r, ERR_FORBIDDEN, NULL, "R-ATT-1",
                      "who is away is shown to the section, its supervising deputy and the "
                      "office's leaders");
    } else {
        const char *doc = db_col_str(res, 0, "doc");
        reply_raw(r, 200, doc, strlen(doc));
    }
    PQclear(res);
}
