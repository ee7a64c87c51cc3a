/* How every service uses glibc's malloc.
 *
 * glibc's defaults suit a short program, not a threaded server that runs
 * for months. By default each of the HTTP threads (16) soon gets an arena of
 * its own (up to 8 per core); memory freed in one stays resident in it,
 * and which thread serves which request is chance, so a service's resident
 * memory crept up for as long as it ran (7 to 17 % over a ten-minute soak)
 * though nothing leaked. And the mmap threshold moves: after a block of
 * 1 MB is freed (an upload, a large list), every later block up to that
 * size is taken from an arena instead, and the trim threshold doubles with
 * it, so big transient blocks then stay resident too.
 *
 * So: two arenas (the services are I/O-bound; tcache serves most small
 * blocks without the arena's lock), blocks of 128 KiB and more mmapped and
 * unmapped on free (fixed thresholds, which also stops them moving), and
 * every two seconds malloc_trim hands the free pages inside the arenas
 * back (a fraction of a millisecond on heaps this size): a large list or
 * export frees thousands of small blocks at once, megabytes that would
 * otherwise stay resident until the next such request reused them.
 *
 * Ulfius grows a request body with one realloc for each piece the socket
 * delivers (a few KiB): a 20 MiB upload is thousands of reallocs, each of
 * which may copy everything received so far (AddressSanitizer's realloc
 * always does; so does glibc's when the block cannot grow in place). Its
 * allocations go through orcania, so orcania's realloc is given
 * mem_realloc: a block of 64 KiB or more that must grow at least doubles,
 * and a later growth that fits in what it already has costs nothing. */
#include "memory.h"

#include <malloc.h>
#include <orcania.h>
#include <stdint.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "log.h"

enum { GROW_FROM = 64 * 1024 };

size_t mem_grow_size(size_t usable, size_t wanted)
{
    if (wanted <= usable)
        return 0;
    if (wanted < GROW_FROM || usable > SIZE_MAX / 2)
        return wanted;
    return wanted > 2 * usable ? wanted : 2 * usable;
}

void *mem_realloc(void *p, size_t n)
{
    if (!p || n == 0)
        return realloc(p, n);
    size_t size = mem_grow_size(malloc_usable_size(p), n);
    return size ? realloc(p, size) : p;
}

void mem_setup(void)
{
    o_set_alloc_funcs(malloc, mem_realloc, free);
    long arenas = 2;
    if (cfg_long("MALLOC_ARENAS", 2, 1, 64, &arenas))
        arenas = 2;
    mallopt(M_ARENA_MAX, (int)arenas);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
}

struct mem_trimmer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long seconds;
    bool stop;
};

static void *trim_loop(void *arg)
{
    mem_trimmer *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        struct timespec at;
        clock_gettime(CLOCK_MONOTONIC, &at);
        at.tv_sec += t->seconds;
        while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &at) == 0)
            ;
        if (t->stop)
            break;
        pthread_mutex_unlock(&t->mu);
        malloc_trim(0);
        pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

mem_trimmer *mem_trimmer_start(long seconds)
{
    if (seconds <= 0)
        return NULL;
    mem_trimmer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->seconds = seconds;
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&t->thread, NULL, trim_loop, t)) {
        log_msg(LOG_WARN, NULL, "no memory trimming thread; resident memory may creep up");
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        free(t);
        return NULL;
    }
    return t;
}

void mem_trimmer_stop(mem_trimmer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
