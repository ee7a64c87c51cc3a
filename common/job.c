/* Background jobs (see job.h). */
#include "job.h"

#include <time.h>

#include "log.h"

static void *job_main(void *arg)
{
    job_t *j = arg;
    service_t *svc = j->svc;
    pthread_mutex_lock(&j->mu);
    while (!atomic_load(&svc->stopping)) {
        pthread_mutex_unlock(&j->mu);
        j->round(svc);
        pthread_mutex_lock(&j->mu);
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += j->seconds;
        if (!atomic_load(&svc->stopping))
            pthread_cond_timedwait(&j->cv, &j->mu, &t);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

int job_start(job_t *j, service_t *svc, const char *name, long seconds, job_round_fn round)
{
    j->svc = svc;
    j->round = round;
    j->seconds = seconds;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    j->started = pthread_create(&j->thread, NULL, job_main, j) == 0;
    if (!j->started)
        log_msg(LOG_ERROR, NULL, "cannot start the background job %s", name);
    return j->started ? 0 : -1;
}

void job_stop(job_t *j)
{
    if (!j->started)
        return;
    pthread_mutex_lock(&j->mu);
    atomic_store(&j->svc->stopping, true);
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    j->started = false;
}
