#ifndef OA_CONFIG_H
#define OA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Configuration comes from environment variables only. Each getter returns 0
 * and stores the value (or the default when the variable is unset or empty);
 * on a malformed or out-of-range value it prints a start-up error naming the
 * variable to stderr and returns -1, so main() can exit(2). */
int cfg_str(const char *var, const char *def, const char **out);
int cfg_long(const char *var, long def, long min, long max, long *out);
int cfg_bool(const char *var, bool def, bool *out);

/* The CPUs this process may use: its affinity mask, lowered to the CPU
 * quota of its cgroup (cgroup v2 cpu.max, a container's limit) when there
 * is one. At least 1. */
long cfg_cpus(void);

/* cfg_cpus with the cgroup read from the file `self_cgroup` (as
 * /proc/self/cgroup) under the cgroup file system at `root` (as
 * /sys/fs/cgroup). */
long cfg_cpus_from(const char *self_cgroup, const char *root);

/* The whole CPUs a cgroup v2 cpu.max text allows ("150000 100000" -> 2,
 * rounded up), or 0 when it sets no limit ("max 100000") or cannot be
 * read. */
long cfg_cpu_max_cpus(const char *text);

/* The worker threads a service starts with for `cpus` CPUs when
 * HTTP_THREADS is not set: twice the CPUs, at least 4, at most 16. */
long cfg_default_threads(long cpus);

/* Reads a whole file into a NUL-terminated malloc'd buffer (caller frees).
 * NULL on error, with a message naming the variable that gave the path. */
char *cfg_read_file(const char *var, const char *path, size_t *len);

#endif
