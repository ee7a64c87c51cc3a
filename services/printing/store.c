/* Database steps every printing handler repeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "printing.h"

int store_run(db_conn *c, const db_stmt *st, int n, const char *const *params, problem_t *p)
{
    PGresult *res;
    if (db_query(c, st, n, params, &res, p))
        return -1;
    PQclear(res);
    return 0;
}

/* One round trip for the whole list, through the function identity grants
 * to every service (as notify() uses). */
static const db_stmt Q_NOTIFY_ALL = {
    "printing_notify_all",
    "SELECT count(identity.notify(x, $2, $3, $4, $5, $6))"
    " FROM unnest($1::bigint[]) AS x WHERE x > 0"};

int store_notify_all(db_conn *c, const char *ids, const char *kind, const char *title,
                     const char *body, const char *entity_type, long long entity_id,
                     problem_t *p)
{
    char eid[24];
    const char *params[] = {ids, kind, title, body ? body : "", entity_type,
                            db_int(eid, entity_id)};
    return store_run(c, &Q_NOTIFY_ALL, 6, params, p);
}

static const db_stmt Q_NOTIFY_DEPARTMENT = {
    "printing_notify_department",
    "SELECT count(identity.notify(p.id, $2, $3, $4, $5, $6)) FROM identity.org_people p"
    " WHERE p.active AND p.department_id = $1"};

int notify_operators(db_conn *c, long long operator_dept, long long own_dept, const char *kind,
                     const char *title, long long job, problem_t *p)
{
    if (operator_dept == own_dept)
        return 0;
    char d[24], j[24];
    const char *params[] = {db_int(d, operator_dept), kind, title, "", "print_job",
                            db_int(j, job)};
    return store_run(c, &Q_NOTIFY_DEPARTMENT, 6, params, p);
}

void reply_outcome(req_t *r, int rc, problem_t *p, char *doc, int status)
{
    if (rc)
        reply_problem_t(r, p);
    else if (!doc)
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
    else
        reply_raw(r, status, doc, strlen(doc));
    free(doc);
}

int period_or_reply(req_t *r, const char *from, const char *to)
{
    if (!from || !to || strcmp(from, to) <= 0)
        return 0;
    problem_t p = {.code = ERR_BAD_QUERY};
    problem_field(&p, "to", "must not be before from");
    snprintf(p.detail, sizeof p.detail, "the period ends before it starts");
    reply_problem_t(r, &p);
    return -1;
}
