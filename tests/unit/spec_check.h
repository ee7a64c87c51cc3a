/* Checks that a service's route table and api/openapi.yaml agree: every
 * registered route is documented, and every operation the spec assigns to
 * the service (`x-service: <name>` on the path item) is registered. */
#ifndef SPEC_CHECK_H
#define SPEC_CHECK_H

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define SPEC_MAX_OPS 512

typedef struct spec_op {
    char key[1100]; /* "GET /users/{id}" */
    char service[32];
} spec_op;

static int spec_load(const char *path, spec_op *ops)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[1024], cur[1024] = "", svc[24] = "";
    int n = 0, first = 0;
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
        if (!strncmp(line, "  /", 3) && line[strlen(line) - 1] == ':') {
            snprintf(cur, sizeof cur, "%.*s", (int)strlen(line) - 3, line + 2);
            svc[0] = '\0';
            first = n;
            continue;
        }
        if (!strncmp(line, "    x-service: ", 15)) {
            snprintf(svc, sizeof svc, "%.23s", line + 15);
            for (int i = first; i < n; i++)
                snprintf(ops[i].service, sizeof ops[i].service, "%s", svc);
            continue;
        }
        static const char *verbs[] = {"get", "post", "put", "patch", "delete"};
        for (int v = 0; v < 5; v++) {
            size_t len = strlen(verbs[v]);
            if (!strncmp(line + 4, verbs[v], len) && line[4 + len] == ':' &&
                !strncmp(line, "    ", 4) && line[4] != ' ' && n < SPEC_MAX_OPS) {
                char up[8];
                for (size_t k = 0; k <= len; k++)
                    up[k] = (char)toupper((unsigned char)verbs[v][k]);
                snprintf(ops[n].key, sizeof ops[n].key, "%s %s", up, cur);
                snprintf(ops[n].service, sizeof ops[n].service, "%s", svc);
                n++;
            }
        }
    }
    fclose(f);
    return n;
}

/* "/users/:id" -> "/users/{id}" */
static void spec_route_key(const route_t *r, char *out, size_t cap)
{
    size_t o = (size_t)snprintf(out, cap, "%s ", r->method);
    for (const char *p = r->path; *p && o + 3 < cap;) {
        if (*p == ':') {
            out[o++] = '{';
            p++;
            while (*p && *p != '/' && o + 2 < cap)
                out[o++] = *p++;
            out[o++] = '}';
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static void spec_check(const char *service, const route_t *routes, size_t nroutes)
{
    const char *repo = getenv("REPO_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/api/openapi.yaml", repo ? repo : ".");
    static spec_op ops[SPEC_MAX_OPS];
    int n = spec_load(path, ops);
    ck_assert_int_gt(n, 0);
    for (size_t i = 0; i < nroutes; i++) {
        char key[1100];
        spec_route_key(&routes[i], key, sizeof key);
        bool found = false;
        for (int k = 0; k < n && !found; k++)
            found = !strcmp(ops[k].key, key) && !strcmp(ops[k].service, service);
        ck_assert_msg(found, "%s registers %s, which api/openapi.yaml does not document under "
                             "x-service: %s", service, key, service);
    }
    for (int k = 0; k < n; k++) {
        if (strcmp(ops[k].service, service))
            continue;
        bool found = false;
        for (size_t i = 0; i < nroutes && !found; i++) {
            char key[1100];
            spec_route_key(&routes[i], key, sizeof key);
            found = !strcmp(ops[k].key, key);
        }
        ck_assert_msg(found, "api/openapi.yaml documents %s for %s, which registers no such route",
                      ops[k].key, service);
    }
}

/* The whole test program of a service's route table: its routes and the
 * spec agree (one program a service, so that each links only its own
 * service). */
#define SPEC_CHECK_MAIN(svc)                                                                      \
    extern route_t svc##_routes[];                                                                \
    extern const size_t svc##_nroutes;                                                            \
    START_TEST(routes_match_the_spec)                                                             \
    {                                                                                             \
        spec_check(#svc, svc##_routes, svc##_nroutes);                                            \
    }                                                                                             \
    END_TEST                                                                                      \
    int main(void)                                                                                \
    {                                                                                             \
        Suite *s = suite_create(#svc "_routes");                                                  \
        TCase *tc = tcase_create("spec");                                                         \
        tcase_add_test(tc, routes_match_the_spec);                                                \
        suite_add_tcase(s, tc);                                                                   \
        SRunner *sr = srunner_create(s);                                                          \
        srunner_run_all(sr, CK_NORMAL);                                                           \
        int failed = srunner_ntests_failed(sr);                                                   \
        srunner_free(sr);                                                                         \
        return failed ? 1 : 0;                                                                    \
    }

#endif
