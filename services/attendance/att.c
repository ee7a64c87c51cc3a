/* What every attendance resource shares: who is asking, a person's place in
 * the office, the calendar loader, and the transaction-and-answer pattern. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "org.h"

attendance_ctx *attendance_of(req_t *r)
{
    return r->svc->ctx;
}

bool sees_all(const caller_t *c)
{
    return c->is_admin || org_is_office_leader(c->position);
}

bool caller_is_director(const caller_t *c)
{
    return !strcmp(c->position, POS_OFFICE_DIRECTOR);
}

static const db_stmt Q_IN_SECRETARIAT = {
    "att_in_secretariat",
    "SELECT 1 FROM identity.org_departments WHERE id = $1 AND is_secretariat"};

int dept_is_secretariat(db_conn *c, long long dept, bool *out, problem_t *p)
{
    *out = false;
    if (!dept)
        return 0;
    char d[24];
    const char *params[] = {db_int(d, dept)};
    PGresult *res;
    if (db_query(c, &Q_IN_SECRETARIAT, 1, params, &res, p))
        return -1;
    *out = PQntuples(res) == 1;
    PQclear(res);
    return 0;
}

int caller_in_secretariat_or_reply(req_t *r, bool *out)
{
    *out = false;
    if (!r->caller->department_id)
        return 0;
    char d[24];
    const char *params[] = {db_int(d, r->caller->department_id)};
    PGresult *res = db_read_or_reply(r, &Q_IN_SECRETARIAT, 1, params);
    if (!res)
        return -1;
    *out = PQntuples(res) == 1;
    PQclear(res);
    return 0;
}

static const db_stmt Q_PERSON_LOCK = {
    "att_person_lock",
    "SELECT pg_advisory_xact_lock(hashtext($1), ($2::bigint % 2147483647)::integer)"};

int person_lock(db_conn *c, const char *what, long long user_id, problem_t *p)
{
    char u[24];
    const char *params[] = {what, db_int(u, user_id)};
    /* Sent ahead with the statement that follows, which the server runs
     * after taking the lock; a lock timeout fails that one. */
    return db_write(c, &Q_PERSON_LOCK, 2, params, p);
}

static const db_stmt Q_CAL_RANGE = {
    "att_cal_range",
    "SELECT day - DATE '1970-01-01' AS day_no, kind = 'workday' AS workday FROM calendar_days"
    " WHERE day BETWEEN DATE '1970-01-01' + $1::integer AND DATE '1970-01-01' + $2::integer"
    " ORDER BY day"};

int cal_load(db_conn *c, long from_day, long to_day, calendar *out, problem_t *p)
{
    char a[24], b[24];
    const char *params[] = {db_int(a, from_day), db_int(b, to_day)};
    PGresult *res;
    if (db_query(c, &Q_CAL_RANGE, 2, params, &res, p))
        return -1;
    int rc = 0;
    for (int i = 0, n = PQntuples(res); i < n && rc == 0; i++)
        rc = cal_add(out, (long)db_col_ll(res, i, "day_no"), db_col_bool(res, i, "workday"));
    PQclear(res);
    if (rc)
        return problem_oom(p);
    return 0;
}

static void cal_keep(void *arg, const PGresult *res)
{
    cal_ahead *out = arg;
    out->read = true;
    for (int i = 0, n = PQntuples(res); i < n && !out->oom; i++)
        out->oom = cal_add(&out->cal, (long)db_col_ll(res, i, "day_no"),
                           db_col_bool(res, i, "workday")) != 0;
}

int cal_load_ahead(db_conn *c, long from_day, long to_day, cal_ahead *out, problem_t *p)
{
    char a[24], b[24];
    const char *params[] = {db_int(a, from_day), db_int(b, to_day)};
    return db_write_keep(c, &Q_CAL_RANGE, 2, params, cal_keep, out, p);
}

char *att_doc(db_conn *c, const db_stmt *st, long long id, const char *what, problem_t *p)
{
    char b[24];
    const char *params[] = {db_int(b, id)};
    PGresult *res;
    if (db_query(c, st, 1, params, &res, p))
        return NULL;
    char *doc = NULL;
    if (PQntuples(res) == 0 || db_col_null(res, 0, "doc"))
        problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such %s", what);
    else if (!(doc = strdup(db_col_str(res, 0, "doc"))))
        problem_oom(p);
    PQclear(res);
    return doc;
}

long long att_locked_owner(const PGresult *res, action_tx *t, const char *what, problem_t *p)
{
    if (PQntuples(res) == 0) {
        problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such %s", what);
        return 0;
    }
    snprintf(t->state, sizeof t->state, "%s", db_col_str(res, 0, "state"));
    t->version = db_col_ll(res, 0, "version");
    if (!(t->before = strdup(db_col_str(res, 0, "doc")))) {
        problem_oom(p);
        return 0;
    }
    return db_col_ll(res, 0, "owner_id");
}


