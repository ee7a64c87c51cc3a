#include "org.h"

#include <stdio.h>
#include <string.h>

const char *const org_positions[] = {POS_DISTRICT_MAYOR, POS_DEPUTY_MAYOR, POS_OFFICE_DIRECTOR,
                                     POS_DEPUTY_DIRECTOR, POS_SECTION_CHIEF, POS_STAFF,
                                     POS_NONE, NULL};

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

/* Runs a query of one row whose column `id` is the answer; 0 when no row or
 * NULL. */
static int one_id(db_conn *c, const db_stmt *st, int n, const char *const *params,
                  long long *out, problem_t *p)
{
    PGresult *res = db_exec(c, st, n, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    *out = PQntuples(res) ? db_col_ll(res, 0, "id") : 0;
    PQclear(res);
    return 0;
}

static const db_stmt Q_PERSON = {
    "org_person",
    "SELECT id, username, display_name, position, coalesce(department_id, 0) AS department_id,"
    " coalesce(department_kind, '') AS department_kind, is_secretary,"
    " coalesce(serves_leader_id, 0) AS serves_leader_id, is_admin, gov_affairs, active"
    " FROM identity.org_people WHERE id = $1"};

/* Row 0 of a result with Q_PERSON's columns. */
static void person_read(const PGresult *res, org_person *out)
{
    memset(out, 0, sizeof *out);
    out->id = db_col_ll(res, 0, "id");
    snprintf(out->username, sizeof out->username, "%s", db_col_str(res, 0, "username"));
    snprintf(out->display_name, sizeof out->display_name, "%s",
             db_col_str(res, 0, "display_name"));
    snprintf(out->position, sizeof out->position, "%s", db_col_str(res, 0, "position"));
    out->department_id = db_col_ll(res, 0, "department_id");
    snprintf(out->department_kind, sizeof out->department_kind, "%s",
             db_col_str(res, 0, "department_kind"));
    out->is_secretary = db_col_bool(res, 0, "is_secretary");
    out->serves_leader_id = db_col_ll(res, 0, "serves_leader_id");
    out->is_admin = db_col_bool(res, 0, "is_admin");
    out->gov_affairs = db_col_bool(res, 0, "gov_affairs");
    out->active = db_col_bool(res, 0, "active");
}

int org_person_get(db_conn *c, long long id, org_person *out, problem_t *p)
{
    char b[24];
    const char *params[] = {db_int(b, id)};
    PGresult *res = db_exec(c, &Q_PERSON, 1, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "active")) {
        PQclear(res);
        return problem_set(p, ERR_USER_NOT_FOUND, NULL, NULL, "no active user %lld", id);
    }
    person_read(res, out);
    PQclear(res);
    return 0;
}

/* section_size is counted up to 2: the leave rules only ask whether the
 * person is alone in the section, and a full count read every member of the
 * section each time. */
static const db_stmt Q_CHAIN = {
    "org_chain",
    "SELECT p.id, p.username, p.display_name, p.position,"
    " coalesce(p.department_id, 0) AS department_id,"
    " coalesce(p.department_kind, '') AS department_kind, p.is_secretary,"
    " coalesce(p.serves_leader_id, 0) AS serves_leader_id, p.is_admin, p.gov_affairs, p.active,"
    " coalesce(d.chief_id, 0) AS chief_id, coalesce(d.supervising_deputy_id, 0) AS deputy_id,"
    " coalesce((SELECT id FROM identity.org_people WHERE position = '" POS_OFFICE_DIRECTOR "'"
    "   AND active ORDER BY id LIMIT 1), 0) AS director_id,"
    " coalesce((SELECT id FROM identity.org_people WHERE position = '" POS_DISTRICT_MAYOR "'"
    "   AND active ORDER BY id LIMIT 1), 0) AS mayor_id,"
    " (SELECT count(*) FROM (SELECT 1 FROM identity.org_people q"
    "   WHERE q.department_id = p.department_id AND q.active LIMIT 2) q) AS section_size,"
    " coalesce(d.is_secretariat, false) AS is_secretariat"
    " FROM identity.org_people p"
    " LEFT JOIN identity.org_departments d ON d.id = p.department_id WHERE p.id = $1"};

int org_chain_get(db_conn *c, long long id, bool inactive_too, org_person *out, problem_t *p)
{
    char b[24];
    const char *params[] = {db_int(b, id)};
    PGresult *res;
    if (db_query(c, &Q_CHAIN, 1, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || (!inactive_too && !db_col_bool(res, 0, "active"))) {
        PQclear(res);
        return problem_set(p, ERR_USER_NOT_FOUND, NULL, NULL, "no active user %lld", id);
    }
    person_read(res, out);
    out->chief_id = db_col_ll(res, 0, "chief_id");
    out->deputy_id = db_col_ll(res, 0, "deputy_id");
    out->director_id = db_col_ll(res, 0, "director_id");
    out->mayor_id = db_col_ll(res, 0, "mayor_id");
    out->section_size = db_col_ll(res, 0, "section_size");
    out->is_secretariat = db_col_bool(res, 0, "is_secretariat");
    PQclear(res);
    return 0;
}

static const db_stmt Q_SUPERIOR_FACTS = {
    "org_superior_facts",
    "SELECT p.position, coalesce(d.chief_id, 0) AS chief_id,"
    " coalesce(d.supervising_deputy_id, 0) AS deputy_id,"
    " coalesce((SELECT id FROM identity.org_people WHERE position = 'office_director'"
    "  AND active ORDER BY id LIMIT 1), 0) AS director_id,"
    " coalesce((SELECT id FROM identity.org_people WHERE position = 'district_mayor'"
    "  AND active ORDER BY id LIMIT 1), 0) AS mayor_id"
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
    *out = org_superior_rule(db_col_str(res, 0, "position"), user_id,
                             db_col_ll(res, 0, "chief_id"), db_col_ll(res, 0, "deputy_id"),
                             db_col_ll(res, 0, "director_id"), db_col_ll(res, 0, "mayor_id"));
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
