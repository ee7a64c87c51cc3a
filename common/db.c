#include "db.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"

#define PREP_SLOTS 512

struct db_conn {
    PGconn *pg;
    bool broken;
    const db_stmt *prepared[PREP_SLOTS];
    int nprepared;
    int index;
    /* Inside db_tx the connection is in libpq's pipeline mode: BEGIN and
     * the writes whose results nobody waits for (db_write) are sent without
     * a round trip of their own; their results are read, in order, before
     * the next statement's (pending counts them) or at COMMIT. failed holds
     * the first of them that failed, for the next reader to report. */
    bool pipeline;
    int pending;
    PGresult *failed;
};

struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *conninfo;
    char options[256];
    int size;
    db_conn *conns;
    int *free_stack;
    int nfree;
    int navail; /* connections handed to the pool so far */
    long waits, timeouts;
    pthread_t opener; /* connects all but the first, after start-up */
    bool opener_started;
    atomic_bool closing;
};

static void conn_forget_prepared(db_conn *c)
{
    memset(c->prepared, 0, sizeof c->prepared);
    c->nprepared = 0;
}

static PGconn *connect_with(const char *conninfo, const char *options)
{
    const char *keys[] = {"dbname", "options", "application_name", "connect_timeout", NULL};
    const char *vals[] = {conninfo, options, "oa", "3", NULL};
    return PQconnectdbParams(keys, vals, 1);
}

/* Hands connection i (connected or marked broken) to the pool. */
static void pool_add(db_pool *pool, int i)
{
    pthread_mutex_lock(&pool->mu);
    pool->free_stack[pool->nfree++] = i;
    pool->navail++;
    pthread_cond_signal(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
}

static void conn_open(db_pool *pool, db_conn *c)
{
    c->pg = connect_with(pool->conninfo, pool->options);
    c->broken = PQstatus(c->pg) != CONNECTION_OK;
}

/* A backend takes tens of milliseconds to start, so the connections are
 * opened here, while the service applies its migrations and starts; the
 * first one joins the pool as soon as it is up. */
static void *open_all(void *arg)
{
    db_pool *pool = arg;
    for (int i = 0; i < pool->size; i++) {
        db_conn *c = &pool->conns[i];
        if (atomic_load(&pool->closing))
            c->broken = true;
        else
            conn_open(pool, c);
        pool_add(pool, i);
    }
    return NULL;
}

db_pool *db_pool_open(const char *conninfo, const char *schema, int size,
                      long statement_timeout_ms, long lock_timeout_ms)
{
    db_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->conns = calloc((size_t)size, sizeof *pool->conns);
    pool->free_stack = calloc((size_t)size, sizeof *pool->free_stack);
    pool->conninfo = strdup(conninfo);
    if (!pool->conns || !pool->free_stack || !pool->conninfo) {
        db_pool_close(pool);
        return NULL;
    }
    snprintf(pool->options, sizeof pool->options,
             "-c search_path=%s -c statement_timeout=%ld -c lock_timeout=%ld "
             "-c TimeZone=Asia/Shanghai -c idle_in_transaction_session_timeout=60000",
             schema, statement_timeout_ms, lock_timeout_ms);
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    pool->size = size;
    for (int i = 0; i < size; i++)
        pool->conns[i].index = i;
    pool->opener_started = pthread_create(&pool->opener, NULL, open_all, pool) == 0;
    if (!pool->opener_started)
        open_all(pool);
    return pool;
}

void db_pool_close(db_pool *pool)
{
    if (!pool)
        return;
    atomic_store(&pool->closing, true);
    if (pool->opener_started)
        pthread_join(pool->opener, NULL);
    if (pool->conns)
        for (int i = 0; i < pool->size; i++)
            if (pool->conns[i].pg)
                PQfinish(pool->conns[i].pg);
    free(pool->conns);
    free(pool->free_stack);
    free(pool->conninfo);
    if (pool->size) {
        pthread_mutex_destroy(&pool->mu);
        pthread_cond_destroy(&pool->cv);
    }
    free(pool);
}

PGconn *db_pg(db_conn *c)
{
    return c->pg;
}

static bool conn_ready(db_pool *pool, db_conn *c)
{
    /* A server restart or a terminated backend shows only when the socket is
     * read: read what is pending (non-blocking) so that such a connection is
     * replaced now instead of failing the request. */
    if (!c->broken && PQconsumeInput(c->pg) && PQstatus(c->pg) == CONNECTION_OK)
        return true;
    conn_forget_prepared(c);
    if (c->pg)
        PQfinish(c->pg);
    c->pg = connect_with(pool->conninfo, pool->options);
    c->broken = PQstatus(c->pg) != CONNECTION_OK;
    if (c->broken)
        log_msg(LOG_WARN, NULL, "database connection failed: %s", PQerrorMessage(c->pg));
    return !c->broken;
}

db_conn *db_acquire(db_pool *pool, long timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&pool->mu);
    if (pool->nfree == 0)
        pool->waits++;
    while (pool->nfree == 0) {
        if (pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline) == ETIMEDOUT &&
            pool->nfree == 0) {
            pool->timeouts++;
            pthread_mutex_unlock(&pool->mu);
            return NULL;
        }
    }
    db_conn *c = &pool->conns[pool->free_stack[--pool->nfree]];
    pthread_mutex_unlock(&pool->mu);
    if (!conn_ready(pool, c)) {
        db_release(pool, c);
        return NULL;
    }
    return c;
}

void db_release(db_pool *pool, db_conn *c)
{
    if (!c)
        return;
    if (!c->broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
        if (PQstatus(c->pg) != CONNECTION_OK)
            c->broken = true;
    }
    pthread_mutex_lock(&pool->mu);
    pool->free_stack[pool->nfree++] = c->index;
    pthread_cond_signal(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
}

void db_pool_stats(db_pool *pool, int *size, int *in_use, long *waits, long *timeouts)
{
    pthread_mutex_lock(&pool->mu);
    *size = pool->size;
    *in_use = pool->navail - pool->nfree;
    *waits = pool->waits;
    *timeouts = pool->timeouts;
    pthread_mutex_unlock(&pool->mu);
}

static unsigned slot_of(const db_stmt *st)
{
    uintptr_t h = (uintptr_t)st;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (unsigned)(h >> 40) % PREP_SLOTS;
}

/* ---- pipeline mode (inside db_tx) ---- */

/* True when the server ends the session with this error (a terminated
 * backend, a shutdown): the connection is gone even while libpq, which has
 * not read the end of the socket yet, still calls it open. */
static bool ends_session(const PGresult *r)
{
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    return sev && (!strcmp(sev, "FATAL") || !strcmp(sev, "PANIC"));
}

/* Reads the result of the next command sent in pipeline mode and the NULL
 * that ends it. NULL when the connection failed (c is marked broken). */
static PGresult *pipe_read(db_conn *c)
{
    PGresult *r = PQgetResult(c->pg);
    if (!r) {
        c->broken = true;
        return NULL;
    }
    if (ends_session(r)) {
        c->broken = true;
        return r;
    }
    PGresult *end = PQgetResult(c->pg);
    if (end) {
        /* More than one result for one command: not a statement this file
         * sends. Treat the connection as unusable. */
        PQclear(end);
        c->broken = true;
    }
    if (PQstatus(c->pg) != CONNECTION_OK)
        c->broken = true;
    return r;
}

/* Reads the results of the commands sent without waiting, keeping the
 * first failure in c->failed. False when the connection failed. */
static bool pipe_read_pending(db_conn *c)
{
    while (c->pending > 0 && !c->broken) {
        c->pending--;
        PGresult *r = pipe_read(c);
        if (!r)
            return false;
        ExecStatusType st = PQresultStatus(r);
        if (!c->failed && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            c->failed = r;
        else
            PQclear(r);
    }
    if (c->broken)
        c->pending = 0;
    return !c->broken;
}

/* Reads up to and including the result of a pipeline sync. */
static void pipe_read_sync(db_conn *c)
{
    pipe_read_pending(c);
    int nulls = 0;
    while (!c->broken) {
        PGresult *r = PQgetResult(c->pg);
        if (!r) {
            /* One NULL ends each command's results; two in a row mean that
             * nothing more is coming, so the sync was lost. */
            if (++nulls > 1 || PQstatus(c->pg) != CONNECTION_OK)
                c->broken = true;
            continue;
        }
        nulls = 0;
        ExecStatusType st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            break;
        if (st == PGRES_FATAL_ERROR && PQstatus(c->pg) != CONNECTION_OK)
            c->broken = true;
    }
}

/* Hands the kept failure to the caller (who PQclear()s it). */
static PGresult *take_failed(db_conn *c)
{
    PGresult *r = c->failed;
    c->failed = NULL;
    return r;
}

/* Sends a command's flush request and the buffered output, so that its
 * result (and those of the commands before it) comes back now. */
static bool pipe_flush(db_conn *c)
{
    if (!PQsendFlushRequest(c->pg) || PQflush(c->pg) != 0) {
        c->broken = true;
        return false;
    }
    return true;
}

/* After a command was sent (sent is its PQsend* status) and flushed: the
 * pending results, then its own. A failure among the pending ones is
 * returned instead of this command's (which the server then skipped), so
 * that the caller reports the real error. */
static PGresult *pipe_result(db_conn *c, int sent)
{
    if (!sent || !pipe_flush(c)) {
        c->broken = true;
        return NULL;
    }
    if (!pipe_read_pending(c))
        return NULL;
    PGresult *r = pipe_read(c);
    if (r && c->failed) {
        PQclear(r);
        r = take_failed(c);
    }
    return r;
}

/* Prepares st on c. In pipeline mode the commands sent before it are read
 * first; when one of them failed, the server skipped the prepare and the
 * failure stays in c->failed for the caller to report. */
static bool prepare_on(db_conn *c, const db_stmt *st, int nparams)
{
    PGresult *r;
    if (c->pipeline) {
        if (!PQsendPrepare(c->pg, st->name, st->sql, nparams, NULL) || !pipe_flush(c) ||
            !pipe_read_pending(c)) {
            c->broken = true;
            return false;
        }
        r = pipe_read(c);
    } else {
        r = PQprepare(c->pg, st->name, st->sql, nparams, NULL);
    }
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
        if (!r || PQstatus(c->pg) != CONNECTION_OK)
            c->broken = true;
        else if (PQresultStatus(r) != PGRES_PIPELINE_ABORTED)
            log_msg(LOG_ERROR, NULL, "prepare %s failed: %s", st->name,
                    PQresultErrorMessage(r));
    }
    PQclear(r);
    return ok;
}

/* Returns true when st is (now) prepared on c. */
static bool ensure_prepared(db_conn *c, const db_stmt *st, int nparams)
{
    unsigned s = slot_of(st);
    for (unsigned i = 0; i < PREP_SLOTS; i++, s = (s + 1) % PREP_SLOTS) {
        if (c->prepared[s] == st)
            return true;
        if (!c->prepared[s])
            break;
    }
    if (c->nprepared >= PREP_SLOTS * 3 / 4) {
        log_msg(LOG_ERROR, NULL, "too many prepared statements");
        return false;
    }
    if (!prepare_on(c, st, nparams))
        return false;
    c->prepared[s] = st;
    c->nprepared++;
    return true;
}

PGresult *db_exec(db_conn *c, const db_stmt *st, int nparams, const char *const *params)
{
    if (c->broken)
        return NULL;
    /* Once the transaction has failed, that failure is the answer and
     * nothing more is sent; it may also come to light while a prepare
     * reads the results before its own. */
    if (c->pipeline && c->failed)
        return take_failed(c);
    bool prepared = ensure_prepared(c, st, 0);
    if (c->broken)
        return NULL;
    if (c->pipeline) {
        if (c->failed)
            return take_failed(c);
        if (!prepared)
            return pipe_result(c, PQsendQueryParams(c->pg, st->sql, nparams, NULL, params, NULL,
                                                    NULL, 0));
        return pipe_result(c, PQsendQueryPrepared(c->pg, st->name, nparams, params, NULL, NULL,
                                                  0));
    }
    /* Not prepared: let the server explain through a failed result. */
    PGresult *r = prepared ? PQexecPrepared(c->pg, st->name, nparams, params, NULL, NULL, 0)
                           : PQexecParams(c->pg, st->sql, nparams, NULL, params, NULL, NULL, 0);
    if (!r || PQstatus(c->pg) != CONNECTION_OK) {
        c->broken = true;
        PQclear(r);
        return NULL;
    }
    return r;
}

int db_query(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
             PGresult **out, problem_t *p)
{
    PGresult *res = db_exec(c, st, nparams, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        *out = NULL;
        return -1;
    }
    *out = res;
    return 0;
}

int db_write(db_conn *c, const db_stmt *st, int nparams, const char *const *params, problem_t *p)
{
    if (!c->pipeline) {
        PGresult *res = db_exec(c, st, nparams, params);
        bool ok = db_ok(res, p);
        PQclear(res);
        return ok ? 0 : -1;
    }
    if (c->broken)
        return db_ok(NULL, p) ? 0 : -1;
    if (c->failed)
        return 0; /* reported by the next statement or at COMMIT */
    if (!ensure_prepared(c, st, 0)) {
        if (c->failed)
            return 0;
        if (c->broken)
            return db_ok(NULL, p) ? 0 : -1;
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "an internal error occurred");
    }
    if (!PQsendQueryPrepared(c->pg, st->name, nparams, params, NULL, NULL, 0)) {
        c->broken = true;
        return db_ok(NULL, p) ? 0 : -1;
    }
    c->pending++;
    return 0;
}

const char *db_sqlstate(const PGresult *res)
{
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

bool db_conn_broken(const db_conn *c)
{
    return c->broken;
}

bool db_ok(const PGresult *res, problem_t *p)
{
    if (res) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
            return true;
    }
    if (!res) {
        problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not reachable");
        return false;
    }
    const char *state = db_sqlstate(res);
    if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
        problem_set(p, ERR_CONFLICT, "db.retry", NULL, "a concurrent change interfered; try again");
    else if (!strcmp(state, "23505"))
        problem_set(p, ERR_DUPLICATE, NULL, NULL, "a record with the same unique value exists");
    else if (!strcmp(state, "23503"))
        problem_set(p, ERR_VALIDATION, NULL, NULL, "a referenced record does not exist");
    else if (!strcmp(state, "55P03"))
        problem_set(p, ERR_CONFLICT, NULL, NULL, "the record is being changed by another request");
    else if (!strcmp(state, "23514") || !strcmp(state, "22P02") || !strcmp(state, "22007") ||
             !strcmp(state, "22008") || !strcmp(state, "22003"))
        problem_set(p, ERR_VALIDATION, NULL, NULL, "a value is out of range");
    else if (!strcmp(state, "57014") || !strncmp(state, "08", 2) || !strcmp(state, "57P01"))
        problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database did not answer in time");
    else {
        log_msg(LOG_ERROR, NULL, "database error %s: %s", state, PQresultErrorMessage(res));
        problem_set(p, ERR_INTERNAL, NULL, NULL, "an internal error occurred");
    }
    return false;
}

static bool is_retry(const problem_t *p)
{
    return p->name && !strcmp(p->name, "db.retry");
}

/* Sends a plain command (BEGIN, COMMIT, ROLLBACK) in pipeline mode. */
static bool pipe_send_plain(db_conn *c, const char *sql)
{
    if (!PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0)) {
        c->broken = true;
        return false;
    }
    return true;
}

/* Ends a transaction in pipeline mode: with commit, sends COMMIT and a sync
 * and returns true when everything sent succeeded (else p says why); then
 * rolls back whatever is left (a failed transaction) and leaves pipeline
 * mode. */
static bool pipe_end(db_conn *c, bool commit, problem_t *p)
{
    bool ok = false;
    PGresult *r = NULL;
    if (commit && !c->broken && pipe_send_plain(c, "COMMIT")) {
        if (PQpipelineSync(c->pg) && pipe_read_pending(c) && (r = pipe_read(c))) {
            /* A failure sent ahead is the cause; COMMIT was then skipped. */
            ok = db_ok(c->failed ? c->failed : r, p);
            pipe_read_sync(c);
        } else {
            c->broken = true;
        }
    } else if (!c->broken && PQpipelineSync(c->pg)) {
        pipe_read_sync(c);
    } else {
        c->broken = true;
    }
    PQclear(r);
    PQclear(c->failed);
    c->failed = NULL;
    c->pending = 0;
    if (!c->broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        if (pipe_send_plain(c, "ROLLBACK") && PQpipelineSync(c->pg)) {
            PQclear(pipe_read(c));
            pipe_read_sync(c);
        } else {
            c->broken = true;
        }
    }
    c->pipeline = false;
    if (!c->broken && !PQexitPipelineMode(c->pg))
        c->broken = true;
    if (commit && !ok && p->code == ERR_NONE)
        db_ok(NULL, p); /* the connection failed before COMMIT was answered */
    return ok;
}

int db_tx(db_pool *pool, long timeout_ms, const char *isolation, db_tx_fn fn, void *arg,
          problem_t *p)
{
    db_conn *c = db_acquire(pool, timeout_ms);
    if (!c)
        return problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
    static const char *begins[] = {"BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ",
                                   "BEGIN ISOLATION LEVEL SERIALIZABLE"};
    const char *begin = begins[0];
    if (isolation && !strcmp(isolation, "repeatable read"))
        begin = begins[1];
    else if (isolation && !strcmp(isolation, "serializable"))
        begin = begins[2];
    int rc = -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        problem_clear(p);
        if (c->broken) {
            /* The connection died before COMMIT was sent, so nothing of this
             * attempt was applied: take a fresh one and run it again. */
            db_release(pool, c);
            if (!(c = db_acquire(pool, timeout_ms)))
                return problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL,
                                   "the database is not available");
        }
        /* BEGIN goes out with the first statement: its result is read
         * with that statement's. */
        if (!PQenterPipelineMode(c->pg)) {
            c->broken = true;
            continue;
        }
        c->pipeline = true;
        if (!pipe_send_plain(c, begin)) {
            pipe_end(c, false, p);
            continue;
        }
        c->pending = 1;
        rc = fn(c, arg, p);
        if (rc != 0) {
            bool broken = c->broken;
            pipe_end(c, false, p);
            if (p->code == ERR_NONE)
                problem_set(p, ERR_INTERNAL, NULL, NULL, "an internal error occurred");
            if (is_retry(p) || broken)
                continue;
            break;
        }
        if (pipe_end(c, true, p))
            break;
        rc = -1;
        if (!is_retry(p))
            break;
    }
    db_release(pool, c);
    return rc == 0 ? 0 : -1;
}

const char *db_int(char *buf, long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

long long db_get_ll(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return 0;
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int exec_or_log(PGconn *pg, const char *sql, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    if (!ok)
        log_msg(LOG_ERROR, NULL, "migration %s failed: %s", what,
                r ? PQresultErrorMessage(r) : PQerrorMessage(pg));
    PQclear(r);
    return ok ? 0 : -1;
}

static int apply_file(PGconn *pg, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *sql = cfg_read_file("MIGRATIONS_DIR", path, NULL);
    if (!sql)
        return -1;
    const char *params[] = {name};
    PGresult *r = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
                               NULL, params, NULL, NULL, 0);
    int done = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    int failed = !r || PQresultStatus(r) != PGRES_TUPLES_OK;
    PQclear(r);
    int rc = 0;
    if (failed) {
        log_msg(LOG_ERROR, NULL, "cannot read schema_migrations: %s", PQerrorMessage(pg));
        rc = -1;
    } else if (!done) {
        rc = exec_or_log(pg, "BEGIN", name);
        if (!rc)
            rc = exec_or_log(pg, sql, name);
        if (!rc) {
            r = PQexecParams(pg, "INSERT INTO schema_migrations(version) VALUES ($1)", 1, NULL,
                             params, NULL, NULL, 0);
            rc = (r && PQresultStatus(r) == PGRES_COMMAND_OK) ? 0 : -1;
            PQclear(r);
        }
        rc = (exec_or_log(pg, rc ? "ROLLBACK" : "COMMIT", name) || rc) ? -1 : 0;
        if (!rc)
            log_msg(LOG_INFO, NULL, "applied migration %s", name);
    }
    free(sql);
    return rc;
}

int db_migrate(const char *conninfo, const char *schema, const char *dir)
{
    char options[200];
    snprintf(options, sizeof options, "-c search_path=%s -c TimeZone=Asia/Shanghai", schema);
    PGconn *pg = connect_with(conninfo, options);
    if (PQstatus(pg) != CONNECTION_OK) {
        log_msg(LOG_ERROR, NULL, "migrations: cannot connect: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return -1;
    }
    int rc = -1;
    char **names = NULL;
    size_t n = 0;
    const char *params[] = {schema};
    PGresult *r = PQexecParams(pg, "SELECT pg_advisory_lock(hashtext('oa.migrate.' || $1))", 1,
                               NULL, params, NULL, NULL, 0);
    bool locked = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!locked) {
        log_msg(LOG_ERROR, NULL, "migrations: advisory lock: %s", PQerrorMessage(pg));
        goto cleanup;
    }
    if (exec_or_log(pg,
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
                    "CREATE TABLE IF NOT EXISTS idempotency_keys ("
                    " user_id bigint NOT NULL, key text NOT NULL, route text NOT NULL,"
                    " status int NOT NULL, body text NOT NULL,"
                    " created_at timestamptz NOT NULL DEFAULT now(),"
                    " PRIMARY KEY (user_id, key));",
                    "bookkeeping"))
        goto cleanup;
    DIR *d = opendir(dir);
    if (!d) {
        log_msg(LOG_ERROR, NULL, "migrations: cannot open %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *names);
        if (!nn)
            break;
        names = nn;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = apply_file(pg, dir, names[i]);
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    PQfinish(pg); /* also releases the advisory lock */
    return rc;
}
