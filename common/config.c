#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int cfg_str(const char *var, const char *def, const char **out)
{
    const char *v = getenv(var);
    *out = (v && *v) ? v : def;
    return 0;
}

int cfg_long(const char *var, long def, long min, long max, long *out)
{
    const char *v = getenv(var);
    if (!v || !*v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < min || n > max) {
        fprintf(stderr, "configuration error: %s=%s is not a whole number from %ld to %ld\n",
                var, v, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

int cfg_bool(const char *var, bool def, bool *out)
{
    const char *v = getenv(var);
    if (!v || !*v) {
        *out = def;
        return 0;
    }
    if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no")) {
        *out = false;
        return 0;
    }
    fprintf(stderr, "configuration error: %s=%s is not a boolean (true/false)\n", var, v);
    return -1;
}

char *cfg_read_file(const char *var, const char *path, size_t *len)
{
    if (!path || !*path) {
        fprintf(stderr, "configuration error: %s is not set\n", var);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "configuration error: %s=%s: %s\n", var, path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

long cfg_cpu_max_cpus(const char *text)
{
    char quota[32];
    long period = 0;
    if (!text || sscanf(text, "%31s %ld", quota, &period) != 2 || period <= 0 ||
        !strcmp(quota, "max"))
        return 0;
    char *end;
    errno = 0;
    long q = strtol(quota, &end, 10);
    if (errno || *end || q <= 0)
        return 0;
    return q / period + (q % period != 0);
}

/* The cpu.max of a process's own cgroup (v2: the line "0::<path>" of its
 * /proc/<pid>/cgroup, `self_cgroup`, under the cgroup file system mounted
 * at `root`), or 0. Inside a container the path is "/". */
static long cgroup_cpus(const char *self_cgroup, const char *root)
{
    char line[512], path[1024], text[64];
    long cpus = 0;
    FILE *f = fopen(self_cgroup, "r");
    if (!f)
        return 0;
    path[0] = '\0';
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "0::", 3)) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(path, sizeof path, "%s%s/cpu.max", root, strcmp(line + 3, "/") ? line + 3 : "");
            break;
        }
    fclose(f);
    if (path[0] && (f = fopen(path, "r"))) {
        if (fgets(text, sizeof text, f))
            cpus = cfg_cpu_max_cpus(text);
        fclose(f);
    }
    return cpus;
}

long cfg_cpus_from(const char *self_cgroup, const char *root)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    long quota = cgroup_cpus(self_cgroup, root);
    if (quota > 0 && quota < n)
        n = quota;
    return n < 1 ? 1 : n;
}

long cfg_cpus(void)
{
    return cfg_cpus_from("/proc/self/cgroup", "/sys/fs/cgroup");
}

long cfg_default_threads(long cpus)
{
    if (cpus <= 2)
        return 4;
    return cpus >= 8 ? 16 : cpus * 2;
}
