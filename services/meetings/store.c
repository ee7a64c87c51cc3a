/* Database steps every meetings handler repeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "org.h"
#include "meetings.h"

int store_run(db_conn *c, const db_stmt *st, int n, const char *const *params, problem_t *p)
{
    PGresult *res;
    if (db_query(c, st, n, params, &res, p))
        return -1;
    PQclear(res);
    return 0;
}

int store_text(db_conn *c, const db_stmt *st, int n, const char *const *params, char **out,
               problem_t *p)
{
    PGresult *res;
    *out = NULL;
    if (db_query(c, st, n, params, &res, p))
        return -1;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        *out = strdup(PQgetvalue(res, 0, 0));
        if (!*out) {
            PQclear(res);
            return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
        }
    }
    PQclear(res);
    return 0;
}

/* One round trip for the whole list, through the function identity grants
 * to every service (as notify() uses). */
static const db_stmt Q_NOTIFY_ALL = {
    "mtg_notify_all",
    "SELECT count(identity.notify(x, $2, $3, $4, $5, $6))"
    " FROM (SELECT DISTINCT x FROM unnest($1::bigint[]) AS x WHERE x > 0) u"};

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
        return problem_field(p, field, "user %lld is not an active user", id);
    }
    if (!strcmp(who.department_kind, "external") || !who.department_id)
        return problem_field(p, field, "user %lld is not a member of the office", id);
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

static const db_stmt Q_IN_SECRETARIAT = {
    "mtg_in_secretariat",
    "SELECT EXISTS (SELECT 1 FROM identity.org_people p JOIN identity.org_departments d"
    " ON d.id = p.department_id WHERE p.id = $1 AND p.active AND d.is_secretariat"
    " AND NOT p.is_secretary)"};

int store_in_secretariat(db_conn *c, long long id, bool *out, problem_t *p)
{
    char u[24];
    const char *params[] = {db_int(u, id)};
    PGresult *res;
    if (db_query(c, &Q_IN_SECRETARIAT, 1, params, &res, p))
        return -1;
    *out = !strcmp(PQgetvalue(res, 0, 0), "t");
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
