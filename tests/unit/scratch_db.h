/* A schema of its own in the test cluster, for the unit tests that need
 * PostgreSQL (make test sets ADMIN_DATABASE_URL): scratch_open makes it,
 * scratch_close drops it. Every statement runs as the admin on a connection
 * of its own with the scratch schema first on its search path, so a test
 * names its tables unqualified. */
#ifndef OA_SCRATCH_DB_H
#define OA_SCRATCH_DB_H

#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char scratch_schema[64];
static const char *scratch_url;

/* Runs q (one or more statements) and returns the last result, checked to
 * be a success; the caller clears it. */
static inline PGresult *scratch_query(const char *q)
{
    char options[160];
    snprintf(options, sizeof options, "-c search_path=%s -c client_min_messages=warning",
             scratch_schema);
    const char *keys[] = {"dbname", "options", NULL};
    const char *vals[] = {scratch_url, options, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r = PQexec(c, q);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", q, PQerrorMessage(c));
    PQfinish(c);
    return r;
}

static inline void scratch_exec(const char *q)
{
    PQclear(scratch_query(q));
}

/* The number in the first column of the first row of q's answer. */
static inline long long scratch_ll(const char *q)
{
    PGresult *r = scratch_query(q);
    ck_assert_int_ge(PQntuples(r), 1);
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Makes the schema <prefix>_<pid>. */
static inline void scratch_open(const char *prefix)
{
    scratch_url = getenv("ADMIN_DATABASE_URL");
    ck_assert_msg(scratch_url != NULL, "ADMIN_DATABASE_URL is not set (run through make test)");
    snprintf(scratch_schema, sizeof scratch_schema, "%s_%d", prefix, (int)getpid());
    char q[128];
    snprintf(q, sizeof q, "CREATE SCHEMA %s", scratch_schema);
    scratch_exec(q);
}

static inline void scratch_close(void)
{
    char q[128];
    snprintf(q, sizeof q, "DROP SCHEMA IF EXISTS %s CASCADE", scratch_schema);
    scratch_exec(q);
}

#endif
