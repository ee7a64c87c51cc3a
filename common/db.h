#ifndef OA_DB_H
#define OA_DB_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "problem.h"

/* A named SQL statement. Declare it `static const` next to its only caller;
 * each pooled connection prepares it on first use (and again after a
 * reconnect), keyed by the statement's address. Parameters are `$n`, text. */
typedef struct db_stmt {
    const char *name;
    const char *sql;
} db_stmt;

typedef struct db_conn db_conn;
typedef struct db_pool db_pool;

/* A pool of `size` connections with conninfo (a URL or key=value string),
 * with search_path set to schema. statement_timeout and lock_timeout (ms)
 * and the time zone Asia/Shanghai are put in the connection options. The
 * connections are opened by a background thread and join the pool one by
 * one (acquire waits for them as for busy ones), so that a service's
 * start-up overlaps with backend start-up and waits for one backend, not
 * for `size` of them.
 * A connection that breaks is set aside and opened again by that thread,
 * with back-off (50 ms doubling to 2 s), so a service starts even when
 * the database is down and recovers by itself when it is back. Returns
 * NULL only on allocation failure. */
db_pool *db_pool_open(const char *conninfo, const char *schema, int size,
                      long statement_timeout_ms, long lock_timeout_ms);
void db_pool_close(db_pool *pool);

/* Takes a connection, waiting up to timeout_ms. NULL (answer 503) when none
 * is free in time, and at once when the database is down (every connection
 * set aside and the last connect failed). Never connects itself. */
db_conn *db_acquire(db_pool *pool, long timeout_ms);
/* As db_acquire, but when no connection is free, some are out serving
 * requests and none is set aside broken, returns NULL at once with *busy
 * true: the database answered each of them when it was taken (a readiness
 * probe under load, or while the background jobs hold the first
 * connections at start-up). */
db_conn *db_acquire_unless_busy(db_pool *pool, long timeout_ms, bool *busy);
/* Returns c to the pool; a connection left inside a transaction is rolled
 * back; a broken one goes to the reconnector. c may be NULL. */
void db_release(db_pool *pool, db_conn *c);

/* Pool gauges for /metrics. */
void db_pool_stats(db_pool *pool, int *size, int *in_use, long *waits, long *timeouts);
/* True while the database cannot be reached (the last connect failed). */
bool db_pool_down(db_pool *pool);

PGconn *db_pg(db_conn *c);

/* True once c has lost its server connection (it is replaced on release and
 * the next acquire). */
bool db_conn_broken(const db_conn *c);

/* Runs a prepared statement (preparing it first if this connection has not).
 * Returns the result, which the caller PQclear()s, or NULL when the
 * connection itself failed (it is then marked broken). */
PGresult *db_exec(db_conn *c, const db_stmt *st, int nparams, const char *const *params);

/* Runs st and checks the result: on success *out holds it (the caller
 * PQclear()s) and 0 is returned; otherwise -1 with p filled (as db_ok) and
 * nothing to clear. */
int db_query(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
             PGresult **out, problem_t *p);

/* Runs a statement whose result the caller does not need (an audit event,
 * a notification). Inside db_tx it is sent without waiting for its result,
 * which is read with the next statement's or at COMMIT: a failure then fails
 * that statement or the COMMIT, with the same problem, and the transaction
 * rolls back. Outside a transaction it is db_exec and db_ok. Returns 0, or
 * -1 with p filled when the failure is known now. */
int db_write(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
             problem_t *p);

/* Called with the result of a statement sent by db_write_keep, once it has
 * succeeded; res is cleared after the call. */
typedef void (*db_keep_fn)(void *arg, const PGresult *res);

/* db_write for a statement whose result is still wanted, but not before
 * the transaction goes on: inside db_tx it goes out without a round trip
 * of its own, and keep(arg, res) is called when its result is read (with
 * the next statement's or at COMMIT, before COMMIT's own), only if it
 * succeeded. One such statement at a time on a connection. Outside a
 * transaction it runs at once. Returns 0, or -1 with p filled when the
 * failure is known now. */
int db_write_keep(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
                  db_keep_fn keep, void *arg, problem_t *p);

/* True when res is a success (tuples or command ok). When false, fills p from
 * the SQLSTATE: serialization failure / deadlock -> ERR_DB_RETRY (the
 * transaction runner retries those), unique violation ->
 * ERR_DUPLICATE, lock timeout -> ERR_CONFLICT, check violation ->
 * ERR_VALIDATION, statement timeout or lost connection -> ERR_DB_UNAVAILABLE,
 * anything else -> ERR_INTERNAL (and logged with the SQL error, which never
 * reaches the client). res may be NULL. */
bool db_ok(const PGresult *res, problem_t *p);

/* SQLSTATE of a failed result, or "" */
const char *db_sqlstate(const PGresult *res);

/* A transaction body: returns 0 to commit, non-zero to roll back (with p
 * filled). It must not commit or roll back itself. */
typedef int (*db_tx_fn)(db_conn *c, void *arg, problem_t *p);

/* BEGIN (at the given isolation, NULL = read committed), fn, COMMIT; retries
 * the whole transaction up to 5 times on serialization failures and
 * deadlocks, and on a connection lost before COMMIT (then on a new one).
 * Returns 0 when committed; -1 with p filled otherwise (503 when no
 * connection could be had within timeout_ms).
 * The connection is in libpq's pipeline mode meanwhile: BEGIN is sent with
 * fn's first statement, and db_write statements with the next one or with
 * COMMIT, so a transaction costs a round trip per statement whose result
 * fn reads, plus one. fn uses db_exec, db_query and db_write only. */
int db_tx(db_pool *pool, long timeout_ms, const char *isolation, db_tx_fn fn, void *arg,
          problem_t *p);

/* Applies the numbered migrations (NNN_name.sql) of dir in order, each in its
 * own transaction, recorded in <schema>.schema_migrations, under an advisory
 * lock so that copies starting together apply each file once. Returns 0, or
 * -1 after logging what failed. */
int db_migrate(const char *conninfo, const char *schema, const char *dir);

/* Everything a service's sql/read.sql defines in schema $1, as one text:
 * every function's definition, settings, comment, grants and owner, every
 * view's definition, comment, grants and owner. db_migrate keeps its
 * digest; the read_sql tests compare it before and after a start. */
#define DB_SCHEMA_DEFINITIONS                                                                \
    "SELECT string_agg(d, E'\\n' ORDER BY d) FROM ("                                         \
    " SELECT p.oid::regprocedure::text || E'\\n' || pg_get_functiondef(p.oid)"               \
    "  || ' config ' || coalesce(array_to_string(p.proconfig, ','), '')"                     \
    "  || ' comment ' || coalesce(obj_description(p.oid, 'pg_proc'), '')"                    \
    "  || ' acl ' || coalesce(p.proacl::text, '') || ' owner ' || p.proowner::regrole::text" \
    "  AS d FROM pg_proc p WHERE p.pronamespace = $1::regnamespace AND p.prokind = 'f'"     \
    " UNION ALL"                                                                             \
    " SELECT c.relname || E'\\n' || pg_get_viewdef(c.oid)"                                   \
    "  || ' comment ' || coalesce(obj_description(c.oid, 'pg_class'), '')"                   \
    "  || ' acl ' || coalesce(c.relacl::text, '') || ' owner ' || c.relowner::regrole::text" \
    " FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v') x"

/* db_query for a statement whose result is not read: 0, or -1 with p. */
int db_run(db_conn *c, const db_stmt *st, int n, const char *const *params, problem_t *p);

/* db_query for one text value (row 0, column 0): *out is a malloc'd copy,
 * or NULL when there is no row or the value is NULL. 0, or -1 with p. */
int db_text(db_conn *c, const db_stmt *st, int n, const char *const *params, char **out,
            problem_t *p);

/* A JSON array of integers as a PostgreSQL array literal ("{1,2,3}"),
 * malloc'd; NULL when memory ran out. */
char *db_id_array(json_t *ids);

/* Formats v into buf (at least 24 bytes) and returns buf. */
const char *db_int(char *buf, long long v);

/* Reading a row by the column's name (the SELECT's name or alias), so that a
 * reordered SELECT cannot swap fields. A name the result does not have is a
 * mistake in the code: it is logged and read as NULL. */
const char *db_col_str(const PGresult *res, int row, const char *col); /* "" when NULL */
long long db_col_ll(const PGresult *res, int row, const char *col);    /* 0 when NULL */
bool db_col_bool(const PGresult *res, int row, const char *col);       /* true for 't' */
bool db_col_null(const PGresult *res, int row, const char *col);

/* Value of column `col` of row 0 as a long long (0 when NULL). */
long long db_get_ll(const PGresult *res, int row, int col);

#endif
