#ifndef OA_MEMORY_H
#define OA_MEMORY_H

/* How every service uses glibc's malloc (memory.c): set once at start-up,
 * before any thread, by http_run. */

#include <stddef.h>

/* Two arenas, fixed mmap and trim thresholds (MALLOC_ARENAS, 2), and
 * mem_realloc for the HTTP library's allocations. */
void mem_setup(void);

/* realloc, except that a block of 64 KiB or more that must grow is given
 * at least twice what it has, and a size it already has room for returns
 * it unchanged: a buffer grown piece by piece is copied O(log n) times. */
void *mem_realloc(void *p, size_t n);

/* mem_realloc's policy: the size to allocate for a block with `usable`
 * bytes that must hold `wanted`, or 0 when it already can. */
size_t mem_grow_size(size_t usable, size_t wanted);

/* A thread that hands free memory back to the system every
 * MALLOC_TRIM_SECONDS (2; 0: never); mem_trimmer_stop ends it. */
typedef struct mem_trimmer mem_trimmer;
mem_trimmer *mem_trimmer_start(long seconds);
void mem_trimmer_stop(mem_trimmer *t);

#endif
