/* The connection pool: connections handed out and taken back; a broken one
 * is set aside and opened again by one background thread with back-off, so
 * that no request thread ever waits on a connect, and while the database
 * is down every request is refused at once (503) instead of queueing. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "db_internal.h"
#include "log.h"

/* The reconnector's waits between failed attempts: doubling from the
 * first to the last. */
#define RECONNECT_FIRST_MS 50
#define RECONNECT_MAX_MS 2000

struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;     /* a connection was freed, or the database went down */
    pthread_cond_t fix_cv; /* a connection broke, or the pool is closing */
    char *conninfo;
    char options[256];
    int size;
    db_conn *conns;
    int *free_stack;
    int nfree;
    int *broken_stack; /* waiting for the reconnector */
    int nbroken;
    int nout;  /* handed out by db_acquire, not yet released */
    int nsick; /* set aside because they broke, not yet open again */
    bool db_down; /* the last connect failed and none has succeeded since */
    unsigned long breaks; /* connections found broken so far */
    long waits, timeouts, reconnects;
    pthread_t fixer;
    bool fixer_started;
    atomic_bool closing;
};

void db_conn_forget_prepared(db_conn *c)
{
    memset(c->prepared, 0, sizeof c->prepared);
    c->nprepared = 0;
}

PGconn *db_connect(const char *conninfo, const char *options)
{
    const char *keys[] = {"dbname", "options", "application_name", "connect_timeout", NULL};
    const char *vals[] = {conninfo, options, "oa", "3", NULL};
    return PQconnectdbParams(keys, vals, 1);
}

static void deadline_in(struct timespec *t, long ms)
{
    clock_gettime(CLOCK_REALTIME, t);
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

/* Sets a broken connection aside for the reconnector; under pool->mu. */
static void set_aside(db_pool *pool, db_conn *c)
{
    c->broken = true;
    if (!c->sick) {
        c->sick = true;
        pool->nsick++;
    }
    pool->breaks++;
    pool->broken_stack[pool->nbroken++] = c->index;
    pthread_cond_signal(&pool->fix_cv);
    /* Every connection broken and the database known down: the waiters
     * answer 503 now rather than at their deadline. */
    if (pool->db_down && pool->nbroken == pool->size)
        pthread_cond_broadcast(&pool->cv);
}

/* Opens c again; false when the database cannot be reached. */
static bool reopen(db_pool *pool, db_conn *c)
{
    db_conn_forget_prepared(c);
    if (c->pg)
        PQfinish(c->pg);
    PQclear(c->failed);
    c->failed = NULL;
    c->keep = NULL;
    c->pipeline = false;
    c->pending = 0;
    c->bulky = false;
    c->pg = db_connect(pool->conninfo, pool->options);
    return PQstatus(c->pg) == CONNECTION_OK;
}

/* The reconnector: opens every connection set aside, one at a time; after
 * a failure it waits (50 ms, doubling up to 2 s) before the next attempt. */
static void *reconnector(void *arg)
{
    db_pool *pool = arg;
    long delay = 0;
    pthread_mutex_lock(&pool->mu);
    while (!atomic_load(&pool->closing)) {
        if (pool->nbroken == 0) {
            pthread_cond_wait(&pool->fix_cv, &pool->mu);
            continue;
        }
        int i = pool->broken_stack[--pool->nbroken];
        pthread_mutex_unlock(&pool->mu);
        db_conn *c = &pool->conns[i];
        bool ok = reopen(pool, c);
        pthread_mutex_lock(&pool->mu);
        if (ok) {
            if (pool->db_down)
                log_msg(LOG_INFO, NULL, "database connection restored");
            pool->db_down = false;
            pool->reconnects++;
            delay = 0;
            c->broken = false;
            if (c->sick) {
                c->sick = false;
                pool->nsick--;
            }
            c->gen = pool->breaks;
            pool->free_stack[pool->nfree++] = i;
            pthread_cond_signal(&pool->cv);
            continue;
        }
        if (!pool->db_down)
            log_msg(LOG_WARN, NULL, "database connection failed (retrying in the background): %s",
                    PQerrorMessage(c->pg));
        pool->db_down = true;
        pool->broken_stack[pool->nbroken++] = i;
        if (pool->nbroken == pool->size)
            pthread_cond_broadcast(&pool->cv);
        delay = delay ? delay * 2 : RECONNECT_FIRST_MS;
        if (delay > RECONNECT_MAX_MS)
            delay = RECONNECT_MAX_MS;
        struct timespec t;
        deadline_in(&t, delay);
        while (!atomic_load(&pool->closing) &&
               pthread_cond_timedwait(&pool->fix_cv, &pool->mu, &t) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&pool->mu);
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
    pool->broken_stack = calloc((size_t)size, sizeof *pool->broken_stack);
    pool->conninfo = strdup(conninfo);
    if (!pool->conns || !pool->free_stack || !pool->broken_stack || !pool->conninfo) {
        db_pool_close(pool);
        return NULL;
    }
    /* jit=off: a plan whose estimated cost passes jit_above_cost (an
     * estimate at 10^6 rows, or a join with a never-analysed table) is
     * compiled with LLVM at every execution, 0.1-0.2 s of CPU before a
     * statement that reads a few index pages; no statement of a service is
     * long enough to win that back. */
    snprintf(pool->options, sizeof pool->options,
             "-c search_path=%s -c statement_timeout=%ld -c lock_timeout=%ld "
             "-c TimeZone=Asia/Shanghai -c idle_in_transaction_session_timeout=60000 "
             "-c jit=off",
             schema, statement_timeout_ms, lock_timeout_ms);
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    pthread_cond_init(&pool->fix_cv, NULL);
    pool->size = size;
    /* Every connection starts set aside: the reconnector opens them while
     * the service applies its migrations, and each joins the pool as soon
     * as it is up. Taken from the top, so connection 0 is opened first. */
    for (int i = 0; i < size; i++) {
        pool->conns[i].index = i;
        pool->conns[i].broken = true;
        pool->broken_stack[pool->nbroken++] = size - 1 - i;
    }
    pool->fixer_started = pthread_create(&pool->fixer, NULL, reconnector, pool) == 0;
    if (!pool->fixer_started) {
        db_pool_close(pool);
        return NULL;
    }
    return pool;
}

void db_pool_close(db_pool *pool)
{
    if (!pool)
        return;
    if (pool->fixer_started) {
        pthread_mutex_lock(&pool->mu);
        atomic_store(&pool->closing, true);
        pthread_cond_broadcast(&pool->fix_cv);
        pthread_mutex_unlock(&pool->mu);
        pthread_join(pool->fixer, NULL);
    }
    if (pool->conns)
        for (int i = 0; i < pool->size; i++) {
            if (pool->conns[i].pg)
                PQfinish(pool->conns[i].pg);
            PQclear(pool->conns[i].failed);
        }
    free(pool->conns);
    free(pool->free_stack);
    free(pool->broken_stack);
    free(pool->conninfo);
    if (pool->size) {
        pthread_mutex_destroy(&pool->mu);
        pthread_cond_destroy(&pool->cv);
        pthread_cond_destroy(&pool->fix_cv);
    }
    free(pool);
}

PGconn *db_pg(db_conn *c)
{
    return c->pg;
}

/* A server restart or a terminated backend shows only when the socket is
 * read: read what is pending (non-blocking) so that such a connection is
 * set aside now instead of failing the request. An idle connection in good
 * health has nothing to read, which one peek at the socket tells (one
 * system call a request instead of libpq's two reads); only when something
 * arrived (the server's farewell, a notice) or the stream ended does libpq
 * read it. */
static bool conn_alive(db_conn *c)
{
    if (c->broken)
        return false;
    char byte;
    ssize_t n = recv(PQsocket(c->pg), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return PQstatus(c->pg) == CONNECTION_OK;
    /* Twice: the first read may return only the server's farewell message,
     * the second then sees the end of the stream. */
    return PQconsumeInput(c->pg) && PQconsumeInput(c->pg) && PQstatus(c->pg) == CONNECTION_OK;
}

/* One round trip (an empty query). */
static bool conn_ping(db_conn *c)
{
    PGresult *r = PQexec(c->pg, "");
    bool ok = r && PQresultStatus(r) == PGRES_EMPTY_QUERY && PQstatus(c->pg) == CONNECTION_OK;
    PQclear(r);
    return ok;
}

/* db_acquire, and with busy set: NULL at once, *busy true, when no
 * connection is free, some are out serving requests and none has broken
 * since it was last opened (a break may be the database going away). */
static db_conn *acquire(db_pool *pool, long timeout_ms, bool *busy)
{
    struct timespec deadline;
    deadline_in(&deadline, timeout_ms);
    bool waited = false;
    pthread_mutex_lock(&pool->mu);
    for (;;) {
        while (pool->nfree > 0) {
            db_conn *c = &pool->conns[pool->free_stack[--pool->nfree]];
            unsigned long gen = pool->breaks;
            pool->nout++;
            pthread_mutex_unlock(&pool->mu);
            /* Since another connection broke (a server restart, backends
             * terminated), this one is asked once before it is trusted. */
            if (conn_alive(c) && (c->gen == gen || conn_ping(c))) {
                c->gen = gen;
                return c;
            }
            pthread_mutex_lock(&pool->mu);
            pool->nout--;
            set_aside(pool, c);
        }
        /* The database is down and no connection is out that could come
         * back working: refuse now, never hold the thread. */
        if (pool->db_down && pool->nbroken == pool->size)
            break;
        if (busy && pool->nout > 0 && pool->nsick == 0) {
            *busy = true;
            pthread_mutex_unlock(&pool->mu);
            return NULL;
        }
        if (!waited) {
            pool->waits++;
            waited = true;
        }
        if (pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline) == ETIMEDOUT &&
            pool->nfree == 0)
            break;
    }
    pool->timeouts++;
    pthread_mutex_unlock(&pool->mu);
    return NULL;
}

db_conn *db_acquire(db_pool *pool, long timeout_ms)
{
    return acquire(pool, timeout_ms, NULL);
}

db_conn *db_acquire_unless_busy(db_pool *pool, long timeout_ms, bool *busy)
{
    *busy = false;
    return acquire(pool, timeout_ms, busy);
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
    pool->nout--;
    if (c->broken) {
        set_aside(pool, c);
    } else if (c->bulky) {
        /* Not broken: opened afresh for its buffers' sake (db_internal.h),
         * without the checks that follow a break. */
        c->broken = true;
        pool->broken_stack[pool->nbroken++] = c->index;
        pthread_cond_signal(&pool->fix_cv);
    } else {
        pool->free_stack[pool->nfree++] = c->index;
        pthread_cond_signal(&pool->cv);
    }
    pthread_mutex_unlock(&pool->mu);
}

void db_pool_stats(db_pool *pool, int *size, int *in_use, long *waits, long *timeouts)
{
    pthread_mutex_lock(&pool->mu);
    *size = pool->size;
    *in_use = pool->size - pool->nfree - pool->nbroken;
    *waits = pool->waits;
    *timeouts = pool->timeouts;
    pthread_mutex_unlock(&pool->mu);
}

bool db_pool_down(db_pool *pool)
{
    pthread_mutex_lock(&pool->mu);
    bool down = pool->db_down;
    pthread_mutex_unlock(&pool->mu);
    return down;
}

bool db_conn_broken(const db_conn *c)
{
    return c->broken;
}
