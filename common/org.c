#include "org.h"

#include <stdio.h>
#include <string.h>

const char *const org_positions[] = {POS_DISTRICT_MAYOR, POS_DEPUTY_MAYOR, POS_OFFICE_DIRECTOR,
                                     POS_DEPUTY_DIRECTOR, POS_SECTION_CHIEF, POS_STAFF,
                                     POS_NONE, NULL};

bool org_is(const char *position, const char *pos)
{
    return position && !strcmp(position, pos);
}

long long org_superior_rule(const char *position, long long self_id, long long chief_id,
                            long long supervising_deputy_id, long long director_id,
                            long long mayor_id)
{
    if (!strcmp(position, POS_DISTRICT_MAYOR))
        return 0;
    if (!strcmp(position, POS_DEPUTY_MAYOR) || !strcmp(position, POS_OFFICE_DIRECTOR))
        return mayor_id;
    if (!strcmp(position, POS_DEPUTY_DIRECTOR))
        return director_id;
    if (!strcmp(position, POS_STAFF) && chief_id && chief_id != self_id)
        return chief_id;
    if (supervising_deputy_id && supervising_deputy_id != self_id)
        return supervising_deputy_id;
    return director_id != self_id ? director_id : 0;
}

bool org_is_district_leader(const char *position)
{
    return !strcmp(position, POS_DISTRICT_MAYOR) || !strcmp(position, POS_DEPUTY_MAYOR);
}

bool org_is_office_leader(const char *position)
{
    return !strcmp(position, POS_OFFICE_DIRECTOR) || !strcmp(position, POS_DEPUTY_DIRECTOR);
}

/* Runs a one-row, one-column id query; 0 when no row or NULL. */
static int one_id(db_conn *c, const db_stmt *st, int n, const char *const *params,
                  long long *out, problem_t *p)
{
    PGresult *res = db_exec(c, st, n, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    *out = PQntuples(res) ? db_get_ll(res, 0, 0) : 0;
    PQclear(res);
    return 0;
}

static const db_stmt Q_PERSON = {
    "org_person",
    "SELECT id, username, display_name, position, coalesce(department_id, 0),"
    " coalesce(department_kind, ''), is_secretary, coalesce(serves_leader_id, 0), is_admin,"
    " gov_affairs, active FROM identity.org_people WHERE id = $1"};

int org_person_get(db_conn *c, long long id, org_person *out, problem_t *p)
{
    char b[24];
    const char *params[] = {db_int(b, id)};
    PGresult *res = db_exec(c, &Q_PERSON, 1, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 10), "t")) {
        PQclear(res);
        return problem_set(p, ERR_USER_NOT_FOUND, NULL, NULL, "no active user %lld", id);
    }
    memset(out, 0, sizeof *out);
    out->id = db_get_ll(res, 0, 0);
    snprintf(out->username, sizeof out->username, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->display_name, sizeof out->display_name, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->position, sizeof out->position, "%s", PQgetvalue(res, 0, 3));
    out->department_id = db_get_ll(res, 0, 4);
    snprintf(out->department_kind, sizeof out->department_kind, "%s", PQgetvalue(res, 0, 5));
    out->is_secretary = !strcmp(PQgetvalue(res, 0, 6), "t");
    out->serves_leader_id = db_get_ll(res, 0, 7);
    out->is_admin = !strcmp(PQgetvalue(res, 0, 8), "t");
    out->gov_affairs = !strcmp(PQgetvalue(res, 0, 9), "t");
    out->active = true;
    PQclear(res);
    return 0;
}

static const db_stmt Q_SUPERIOR_FACTS = {
    "org_superior_facts",
    "SELECT p.position, coalesce(d.chief_id, 0), coalesce(d.supervising_deputy_id, 0),"
    " coalesce((SELECT id FROM identity.org_people WHERE position = 'office_director'"
    "  AND active ORDER BY id LIMIT 1), 0),"
    " coalesce((SELECT id FROM identity.org_people WHERE position = 'district_mayor'"
    "  AND active ORDER BY id LIMIT 1), 0)"
    " FROM identity.org_people p LEFT JOIN identity.org_departments d ON d.id = p.department_id"
    " WHERE p.id = $1"};

int org_superior_of(db_conn *c, long long user_id, long long *out, problem_t *p)
{
    char b[24];
    const char *params[] = {db_int(b, user_id)};
    PGresult *res = db_exec(c, &Q_SUPERIOR_FACTS, 1, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_USER_NOT_FOUND, NULL, NULL, "no user %lld", user_id);
    }
    *out = org_superior_rule(PQgetvalue(res, 0, 0), user_id, db_get_ll(res, 0, 1),
                             db_get_ll(res, 0, 2), db_get_ll(res, 0, 3), db_get_ll(res, 0, 4));
    PQclear(res);
    return 0;
}

static const db_stmt Q_GOV = {"org_gov_affairs_deputy",
                              "SELECT id FROM identity.org_people WHERE gov_affairs AND active"
                              " ORDER BY id LIMIT 1"};

int org_gov_affairs_deputy(db_conn *c, long long *out, problem_t *p)
{
    return one_id(c, &Q_GOV, 0, NULL, out, p);
}

static const db_stmt Q_DIRECTOR = {"org_director",
                                   "SELECT id FROM identity.org_people WHERE position ="
                                   " 'office_director' AND active ORDER BY id LIMIT 1"};

int org_director(db_conn *c, long long *out, problem_t *p)
{
    return one_id(c, &Q_DIRECTOR, 0, NULL, out, p);
}

static const db_stmt Q_MAYOR = {"org_district_mayor",
                                "SELECT id FROM identity.org_people WHERE position ="
                                " 'district_mayor' AND active ORDER BY id LIMIT 1"};

int org_district_mayor(db_conn *c, long long *out, problem_t *p)
{
    return one_id(c, &Q_MAYOR, 0, NULL, out, p);
}

static const db_stmt Q_SECRETARIAT = {"org_secretariat",
                                      "SELECT id FROM identity.org_departments"
                                      " WHERE is_secretariat ORDER BY id LIMIT 1"};

int org_secretariat(db_conn *c, long long *department_id, problem_t *p)
{
    return one_id(c, &Q_SECRETARIAT, 0, NULL, department_id, p);
}

int org_office_member(db_conn *c, long long id, const char *field, problem_t *p)
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
