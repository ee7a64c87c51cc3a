#ifndef OA_MEMORY_H
#define OA_MEMORY_H

/* How every service uses glibc's malloc (memory.c): set once at start-up,
 * before any thread, by http_run. */

/* Two arenas, fixed mmap and trim thresholds (MALLOC_ARENAS, 2). */
void mem_setup(void);

/* A thread that hands free memory back to the system every
 * MALLOC_TRIM_SECONDS (2; 0: never); mem_trimmer_stop ends it. */
typedef struct mem_trimmer mem_trimmer;
mem_trimmer *mem_trimmer_start(long seconds);
void mem_trimmer_stop(mem_trimmer *t);

#endif
