/* R-ORG-1: who is whose direct superior, as a pure rule. */
#include <check.h>

#include "org.h"
#include "unit_run.h"

enum { SELF = 10, CHIEF = 20, DEPUTY = 30, DIRECTOR = 40, MAYOR = 50 };

START_TEST(test_R_ORG_1_staff_reports_to_chief)
{
    ck_assert_int_eq(org_superior_rule("staff", SELF, CHIEF, DEPUTY, DIRECTOR, MAYOR), CHIEF);
}
END_TEST

START_TEST(test_R_ORG_1_staff_without_chief_reports_to_deputy)
{
    ck_assert_int_eq(org_superior_rule("staff", SELF, 0, DEPUTY, DIRECTOR, MAYOR), DEPUTY);
    ck_assert_int_eq(org_superior_rule("staff", SELF, 0, 0, DIRECTOR, MAYOR), DIRECTOR);
}
END_TEST

START_TEST(test_R_ORG_1_chief_reports_to_supervising_deputy)
{
    ck_assert_int_eq(org_superior_rule("section_chief", CHIEF, CHIEF, DEPUTY, DIRECTOR, MAYOR),
                     DEPUTY);
    ck_assert_int_eq(org_superior_rule("section_chief", CHIEF, CHIEF, 0, DIRECTOR, MAYOR),
                     DIRECTOR);
}
END_TEST

START_TEST(test_R_ORG_1_deputy_reports_to_director)
{
    ck_assert_int_eq(org_superior_rule("deputy_director", DEPUTY, 0, 0, DIRECTOR, MAYOR),
                     DIRECTOR);
}
END_TEST

START_TEST(test_R_ORG_1_director_and_district_leaders)
{
    ck_assert_int_eq(org_superior_rule("office_director", DIRECTOR, 0, 0, DIRECTOR, MAYOR), MAYOR);
    ck_assert_int_eq(org_superior_rule("deputy_mayor", 60, 0, 0, DIRECTOR, MAYOR), MAYOR);
    ck_assert_int_eq(org_superior_rule("district_mayor", MAYOR, 0, 0, DIRECTOR, MAYOR), 0);
}
END_TEST

START_TEST(position_classes)
{
    ck_assert(org_is_district_leader("district_mayor"));
    ck_assert(org_is_district_leader("deputy_mayor"));
    ck_assert(!org_is_district_leader("office_director"));
    ck_assert(org_is_office_leader("office_director"));
    ck_assert(org_is_office_leader("deputy_director"));
    ck_assert(!org_is_office_leader("section_chief"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("org");
    TCase *tc = tcase_create("superior");
    tcase_add_test(tc, test_R_ORG_1_staff_reports_to_chief);
    tcase_add_test(tc, test_R_ORG_1_staff_without_chief_reports_to_deputy);
    tcase_add_test(tc, test_R_ORG_1_chief_reports_to_supervising_deputy);
    tcase_add_test(tc, test_R_ORG_1_deputy_reports_to_director);
    tcase_add_test(tc, test_R_ORG_1_director_and_district_leaders);
    tcase_add_test(tc, position_classes);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
