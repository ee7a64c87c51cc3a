/* Every path of the API reaches the service that serves it through the
 * gateway: for each path of api/openapi.yaml (whose operations the route
 * tests hold equal to each service's routes.c), the first prefix of the
 * gateway's map that matches it names the path's x-service, and that
 * service has an upstream. */
#include <check.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_run.h"

#define MAX_PREFIXES 256
#define MAX_PATHS 512

typedef struct prefix {
    regex_t re;
    char pattern[256];
    char service[32];
} prefix;

typedef struct api_path {
    char path[512]; /* /api/v1/users/1 */
    char service[32];
} api_path;

static const char *repo(void)
{
    const char *r = getenv("REPO_DIR");
    return r ? r : ".";
}

static FILE *open_in_repo(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", repo(), rel);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    return f;
}

/* The lines "~^/api/v1/... service;" of the map that sets $oa_service, in
 * order, and the names of the upstream blocks. */
static int load_gateway(prefix *out, char upstreams[][32], int *nup)
{
    FILE *f = open_in_repo("deploy/nginx/gateway.conf.template");
    char line[1024];
    int n = 0;
    bool in_map = false;
    *nup = 0;
    while (fgets(line, sizeof line, f)) {
        char a[256], b[64];
        if (strstr(line, "map $uri $oa_service")) {
            in_map = true;
            continue;
        }
        if (in_map && strchr(line, '}')) {
            in_map = false;
            continue;
        }
        if (in_map && sscanf(line, " ~%255s %63[a-z_];", a, b) == 2 && n < MAX_PREFIXES) {
            snprintf(out[n].pattern, sizeof out[n].pattern, "%s", a);
            snprintf(out[n].service, sizeof out[n].service, "%.31s", b);
            ck_assert_msg(regcomp(&out[n].re, a, REG_EXTENDED | REG_NOSUB) == 0,
                          "the gateway's prefix %s is not a regular expression", a);
            n++;
        }
        if (sscanf(line, " upstream %63[a-z_] {", b) == 1 && *nup < 32)
            snprintf(upstreams[(*nup)++], 32, "%.31s", b);
    }
    fclose(f);
    return n;
}

/* The paths of the spec with their x-service, {parameters} made "1". */
static int load_paths(api_path *out)
{
    FILE *f = open_in_repo("api/openapi.yaml");
    char line[1024];
    int n = 0;
    bool in_paths = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!strcmp(line, "paths:")) {
            in_paths = true;
            continue;
        }
        if (in_paths && line[0] && line[0] != ' ')
            break;
        if (!in_paths)
            continue;
        if (!strncmp(line, "  /", 3) && line[strlen(line) - 1] == ':' && n < MAX_PATHS) {
            char *p = out[n].path;
            size_t cap = sizeof out[n].path, len = (size_t)snprintf(p, cap, "/api/v1");
            for (const char *s = line + 2; *s && *s != ':' && len + 2 < cap; s++) {
                if (*s == '{') {
                    p[len++] = '1';
                    while (*s && *s != '}')
                        s++;
                } else {
                    p[len++] = *s;
                }
            }
            p[len] = '\0';
            out[n].service[0] = '\0';
            n++;
        } else if (n > 0 && !strncmp(line, "    x-service: ", 15)) {
            snprintf(out[n - 1].service, sizeof out[n - 1].service, "%.31s", line + 15);
        }
    }
    fclose(f);
    return n;
}

START_TEST(every_path_of_the_api_reaches_its_service)
{
    static prefix prefixes[MAX_PREFIXES];
    static api_path paths[MAX_PATHS];
    char upstreams[32][32];
    int nup = 0;
    int np = load_gateway(prefixes, upstreams, &nup);
    int n = load_paths(paths);
    ck_assert_int_gt(np, 5);
    ck_assert_int_gt(n, 10);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const char *svc = paths[i].service;
        if (!svc[0]) {
            fprintf(stderr, "api/openapi.yaml: %s has no x-service\n", paths[i].path);
            bad++;
            continue;
        }
        const prefix *hit = NULL;
        for (int k = 0; k < np && !hit; k++)
            if (regexec(&prefixes[k].re, paths[i].path, 0, NULL, 0) == 0)
                hit = &prefixes[k];
        if (!hit || strcmp(hit->service, svc)) {
            fprintf(stderr, "%s (served by %s) reaches %s through the gateway\n", paths[i].path,
                    svc, hit ? hit->service : "no service");
            bad++;
            continue;
        }
        bool has_upstream = false;
        for (int u = 0; u < nup; u++)
            has_upstream |= !strcmp(upstreams[u], svc);
        if (!has_upstream) {
            fprintf(stderr, "the gateway has no upstream %s for %s\n", svc, paths[i].path);
            bad++;
        }
    }
    for (int k = 0; k < np; k++)
        regfree(&prefixes[k].re);
    ck_assert_msg(bad == 0, "%d paths do not reach their service (listed above)", bad);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gateway_routes");
    TCase *tc = tcase_create("gateway_routes");
    tcase_add_test(tc, every_path_of_the_api_reaches_its_service);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
