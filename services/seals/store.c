/* Database steps every seals handler repeats. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "org.h"
#include "seals.h"

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
    "seals_notify_all",
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

int check_office_person(db_conn *c, long long id, const char *field, problem_t *p)
{
    org_person who;
    if (org_person_get(c, id, &who, p)) {
        if (p->code != ERR_USER_NOT_FOUND)
            return -1;
        problem_clear(p);
        return problem_field(p, field, "is not an active user");
    }
    if (!strcmp(who.department_kind, "external") || !who.department_id)
        return problem_field(p, field, "must be a member of the office, not of an external unit");
    return 0;
}

char *store_id_array(json_t *ids)
{
    size_t n = json_array_size(ids);
    char *s = malloc(n * 21 + 3);
    if (!s)
        return NULL;
    size_t pos = 0;
    s[pos++] = '{';
    for (size_t i = 0; i < n; i++)
        pos += (size_t)sprintf(s + pos, i ? ",%lld" : "%lld",
                               (long long)json_integer_value(json_array_get(ids, i)));
    s[pos++] = '}';
    s[pos] = '\0';
    return s;
}
