/* The seals service's route table and its OpenAPI description agree: every
 * route is documented in api/seals.paths.yaml and every operation there is
 * registered; once the fragment is merged into api/openapi.yaml, the same
 * holds there. */
#include "spec_check.h"

extern route_t seals_routes[];
extern const size_t seals_nroutes;

/* Compares the routes with the operations `path` documents for seals.
 * Returns how many operations it documents for seals. */
static int check_against(const char *path)
{
    static spec_op ops[SPEC_MAX_OPS];
    int n = spec_load(path, ops), mine = 0;
    for (int k = 0; k < n; k++)
        mine += !strcmp(ops[k].service, "seals");
    if (mine == 0)
        return 0;
    for (size_t i = 0; i < seals_nroutes; i++) {
        char key[sizeof ops[0].key];
        spec_route_key(&seals_routes[i], key, sizeof key);
        bool found = false;
        for (int k = 0; k < n && !found; k++)
            found = !strcmp(ops[k].key, key) && !strcmp(ops[k].service, "seals");
        ck_assert_msg(found, "seals registers %s, which %s does not document", key, path);
    }
    for (int k = 0; k < n; k++) {
        if (strcmp(ops[k].service, "seals"))
            continue;
        bool found = false;
        for (size_t i = 0; i < seals_nroutes && !found; i++) {
            char key[sizeof ops[0].key];
            spec_route_key(&seals_routes[i], key, sizeof key);
            found = !strcmp(ops[k].key, key);
        }
        ck_assert_msg(found, "%s documents %s, which seals does not register", path, ops[k].key);
    }
    return mine;
}

START_TEST(routes_match_the_spec)
{
    (void)spec_check; /* the whole-spec check, for services already merged */
    const char *repo = getenv("REPO_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/api/seals.paths.yaml", repo ? repo : ".");
    ck_assert_int_eq(check_against(path), (int)seals_nroutes);
    snprintf(path, sizeof path, "%s/api/openapi.yaml", repo ? repo : ".");
    check_against(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_routes");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, routes_match_the_spec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
