#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
