/* Database steps every meetings handler repeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "org.h"
#include "meetings.h"

static const db_stmt Q_IN_SECRETARIAT = {
    "mtg_in_secretariat",
    "SELECT EXISTS (SELECT 1 FROM identity.org_people p JOIN identity.org_departments d"
    " ON d.id = p.department_id WHERE p.id = $1 AND p.active AND d.is_secretariat"
    " AND NOT p.is_secretary) AS in_secretariat"};

int store_in_secretariat(db_conn *c, long long id, bool *out, problem_t *p)
{
    char u[24];
    const char *params[] = {db_int(u, id)};
    PGresult *res;
    if (db_query(c, &Q_IN_SECRETARIAT, 1, params, &res, p))
        return -1;
    *out = db_col_bool(res, 0, "in_secretariat");
    PQclear(res);
    return 0;
}

static const db_stmt Q_FUTURE = {"mtg_future", "SELECT $1::timestamptz > now() AS future"};

int store_in_future(db_conn *c, const char *when, bool *out, problem_t *p)
{
    const char *params[] = {when};
    PGresult *res;
    if (db_query(c, &Q_FUTURE, 1, params, &res, p))
        return -1;
    *out = db_col_bool(res, 0, "future");
    PQclear(res);
    return 0;
}

bool caller_in_secretariat(req_t *r)
{
    if (!r->caller || r->caller->external || r->caller->is_secretary)
        return false;
    db_conn *c = db_acquire(r->svc->db, r->svc->db_timeout_ms);
    if (!c)
        return false;
    problem_t p = {0};
    bool in = false;
    if (store_in_secretariat(c, r->caller->id, &in, &p))
        in = false;
    problem_clear(&p);
    db_release(r->svc->db, c);
    return in;
}

bool meetings_privileged(req_t *r)
{
    const caller_t *c = r->caller;
    if (c->is_admin || (!c->is_secretary && org_is_office_leader(c->position)))
        return true;
    return caller_in_secretariat(r);
}
