/* The meetings service's route table and api/openapi.yaml agree. */
#include "spec_check.h"

extern route_t meetings_routes[];
extern const size_t meetings_nroutes;

START_TEST(routes_match_the_spec)
{
    spec_check("meetings", meetings_routes, meetings_nroutes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_routes");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, routes_match_the_spec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
