/* The attendance service's route table and its OpenAPI paths agree: the
 * fragment api/attendance.paths.yaml always, and api/openapi.yaml once the
 * fragment has been merged into it. */
#include "spec_check.h"

extern route_t attendance_routes[];
extern const size_t attendance_nroutes;

static int count_for(const spec_op *ops, int n, const char *service)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += !strcmp(ops[i].service, service);
    return k;
}

START_TEST(routes_match_the_paths_fragment)
{
    const char *repo = getenv("REPO_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/api/attendance.paths.yaml", repo ? repo : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        return; /* merged into api/openapi.yaml: the other test checks it there */
    fclose(f);
    static spec_op ops[SPEC_MAX_OPS];
    int n = spec_load(path, ops);
    ck_assert_int_eq(count_for(ops, n, "attendance"), n);
    ck_assert_int_eq(n, (int)attendance_nroutes);
    for (size_t i = 0; i < attendance_nroutes; i++) {
        char key[1100];
        spec_route_key(&attendance_routes[i], key, sizeof key);
        bool found = false;
        for (int k = 0; k < n && !found; k++)
            found = !strcmp(ops[k].key, key);
        ck_assert_msg(found, "attendance registers %s, which %s does not document", key, path);
    }
}
END_TEST

START_TEST(routes_match_the_merged_spec)
{
    const char *repo = getenv("REPO_DIR");
    char path[1024], fragment[1024];
    snprintf(path, sizeof path, "%s/api/openapi.yaml", repo ? repo : ".");
    snprintf(fragment, sizeof fragment, "%s/api/attendance.paths.yaml", repo ? repo : ".");
    static spec_op ops[SPEC_MAX_OPS];
    int n = spec_load(path, ops);
    FILE *f = fopen(fragment, "r");
    bool has_fragment = f != NULL;
    if (f)
        fclose(f);
    /* Until the fragment is merged the spec may not know the service yet;
     * after, it must, and agree with the routes. */
    if (count_for(ops, n, "attendance") > 0 || !has_fragment)
        spec_check("attendance", attendance_routes, attendance_nroutes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_routes");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, routes_match_the_paths_fragment);
    tcase_add_test(tc, routes_match_the_merged_spec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
