/* The connection pool: connections opened in the background, handed out
 * and taken back, replaced when broken. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "log.h"

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
    c->pg = db_connect(pool->conninfo, pool->options);
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
    db_conn_forget_prepared(c);
    if (c->pg)
        PQfinish(c->pg);
    c->pg = db_connect(pool->conninfo, pool->options);
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

bool db_conn_broken(const db_conn *c)
{
    return c->broken;
}
