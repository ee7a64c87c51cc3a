/* The deactivated users: a thread re-reads identity.inactive_users every
 * AUTH_REFRESH_SECONDS and hands the ids to the token verifier, so that a
 * deactivated user's still-valid token is refused within that time. The
 * same thread sweeps expired Idempotency-Keys every
 * IDEMPOTENCY_SWEEP_SECONDS. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "http_internal.h"
#include "idem.h"

static const db_stmt Q_INACTIVE = {"common_inactive_users",
                                   "SELECT id FROM identity.inactive_users"};

static void refresh_inactive(service_t *svc)
{
    db_conn *c = db_acquire(svc->db, 1000);
    if (!c)
        return;
    PGresult *res = db_exec(c, &Q_INACTIVE, 0, NULL);
    db_release(svc->db, c);
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
        int n = PQntuples(res);
        long long *ids = malloc(((size_t)n + 1) * sizeof *ids);
        if (ids) {
            for (int i = 0; i < n; i++)
                ids[i] = db_col_ll(res, i, "id");
            auth_set_inactive(svc->auth, ids, (size_t)n);
            free(ids);
        }
    }
    PQclear(res);
}

struct auth_refresher {
    service_t *svc;
    long interval_s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

static void *refresher_main(void *arg)
{
    auth_refresher *rf = arg;
    struct timespec last_sweep = {0};
    pthread_mutex_lock(&rf->mu);
    while (!atomic_load(&rf->svc->stopping)) {
        pthread_mutex_unlock(&rf->mu);
        refresh_inactive(rf->svc);
        /* The same thread removes expired Idempotency-Keys. */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (last_sweep.tv_sec == 0 || now.tv_sec - last_sweep.tv_sec >= rf->svc->idem_sweep_s) {
            idem_sweep(rf->svc);
            last_sweep = now;
        }
        pthread_mutex_lock(&rf->mu);
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += rf->interval_s;
        if (!atomic_load(&rf->svc->stopping))
            pthread_cond_timedwait(&rf->cv, &rf->mu, &t);
    }
    pthread_mutex_unlock(&rf->mu);
    return NULL;
}

auth_refresher *auth_refresher_start(service_t *svc, long interval_s)
{
    auth_refresher *rf = calloc(1, sizeof *rf);
    if (!rf)
        return NULL;
    rf->svc = svc;
    rf->interval_s = interval_s;
    pthread_mutex_init(&rf->mu, NULL);
    pthread_cond_init(&rf->cv, NULL);
    if (pthread_create(&rf->thread, NULL, refresher_main, rf) != 0) {
        pthread_mutex_destroy(&rf->mu);
        pthread_cond_destroy(&rf->cv);
        free(rf);
        return NULL;
    }
    return rf;
}

void auth_refresher_stop(auth_refresher *rf)
{
    if (!rf)
        return;
    pthread_mutex_lock(&rf->mu);
    pthread_cond_broadcast(&rf->cv);
    pthread_mutex_unlock(&rf->mu);
    pthread_join(rf->thread, NULL);
    pthread_mutex_destroy(&rf->mu);
    pthread_cond_destroy(&rf->cv);
    free(rf);
}
