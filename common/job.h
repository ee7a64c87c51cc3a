#ifndef OA_JOB_H
#define OA_JOB_H

/* A service's background job (a sweep, a chase): one thread that runs a
 * round at once and then every `seconds`, until the service stops. Each
 * round does its own transactions and logs its own failures. */

#include <pthread.h>
#include <stdbool.h>

#include "service.h"

typedef void (*job_round_fn)(service_t *svc);

/* Lives in the service's ctx; filled by job_start. */
typedef struct job {
    service_t *svc;
    job_round_fn round;
    long seconds;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool started;
} job_t;

/* Starts the thread. 0, or -1 (logged under `name`) when it cannot start. */
int job_start(job_t *j, service_t *svc, const char *name, long seconds, job_round_fn round);

/* Sets svc->stopping, wakes the job and waits for its round to end. Does
 * nothing for a job that did not start. */
void job_stop(job_t *j);

#endif
