/* The printing regulations that need no database: sheets, where a job runs
 * (R-PRN-1) and which signatures it needs (R-PRN-2, R-PRN-3, R-PRN-4). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/printing/printing.h"
#include "unit_run.h"

static const char *rules_of(const char *kind, long long sheets, long long threshold,
                            bool for_other, bool self_funded)
{
    static char out[64];
    print_step steps[3];
    int n = print_required_steps(kind, sheets, threshold, for_other, self_funded, steps);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(out, ",");
        strcat(out, steps[i].rule);
    }
    return out;
}

START_TEST(sheets_are_pages_per_copy_times_copies)
{
    ck_assert_int_eq(print_sheets(3, 2, false), 6);
    ck_assert_int_eq(print_sheets(5, 2, true), 6);
    ck_assert_int_eq(print_sheets(1, 7, true), 7);
    ck_assert_int_eq(print_sheets(100000, 100000, false), 10000000000LL);
}
END_TEST

START_TEST(test_R_PRN_1_own_printer_else_the_designated_section)
{
    ck_assert_int_eq(print_operator_department("print", 4, true, true, 3), 4);
    ck_assert_int_eq(print_operator_department("typing", 4, true, true, 3), 4);
    ck_assert_int_eq(print_operator_department("print", 5, false, true, 3), 3);
    ck_assert_int_eq(print_operator_department("copy", 4, true, true, 3), 3);
    ck_assert_int_eq(print_operator_department("print_shop", 4, true, true, 3), 3);
    /* An external unit's work is done at the designated section. */
    ck_assert_int_eq(print_operator_department("print", 9, true, false, 3), 3);
    ck_assert_int_eq(print_operator_department("print", 5, false, true, 0), 0);
}
END_TEST

START_TEST(test_R_PRN_2_print_shop_needs_the_deputy_unless_self_funded)
{
    ck_assert_str_eq(rules_of("print_shop", 10, 200, false, false), "R-PRN-2");
    ck_assert_str_eq(rules_of("print_shop", 10, 200, false, true), "");
    ck_assert_str_eq(rules_of("print", 10, 200, false, false), "");
    print_step s[3];
    print_required_steps("print_shop", 10, 200, false, false, s);
    ck_assert_str_eq(s[0].role, "gov_affairs_deputy");
}
END_TEST

START_TEST(test_R_PRN_3_over_the_threshold_needs_a_signature)
{
    ck_assert_str_eq(rules_of("copy", 200, 200, false, false), "");
    ck_assert_str_eq(rules_of("copy", 201, 200, false, false), "R-PRN-3");
    ck_assert_str_eq(rules_of("print_shop", 201, 200, false, false), "R-PRN-2,R-PRN-3");
    ck_assert_str_eq(rules_of("print_shop", 201, 200, false, true), "R-PRN-3");
    print_step s[3];
    print_required_steps("copy", 500, 200, false, false, s);
    ck_assert_str_eq(s[0].role, "director_or_supervising_deputy");
}
END_TEST

START_TEST(test_R_PRN_4_another_departments_work_needs_the_director)
{
    ck_assert_str_eq(rules_of("typing", 5, 200, true, false), "R-PRN-4");
    ck_assert_str_eq(rules_of("copy", 5, 200, true, false), "R-PRN-4");
    ck_assert_str_eq(rules_of("copy", 500, 200, true, false), "R-PRN-3,R-PRN-4");
    /* A print shop's job is the print shop's; R-PRN-2 governs it. */
    ck_assert_str_eq(rules_of("print_shop", 5, 200, true, false), "R-PRN-2");
    print_step s[3];
    print_required_steps("typing", 5, 200, true, false, s);
    ck_assert_str_eq(s[0].role, "director");
}
END_TEST

START_TEST(office_staff_are_the_sections_and_the_leadership)
{
    ck_assert(printing_office_staff("section"));
    ck_assert(printing_office_staff("office_leadership"));
    ck_assert(!printing_office_staff("district_leadership"));
    ck_assert(!printing_office_staff("external"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("printing_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, sheets_are_pages_per_copy_times_copies);
    tcase_add_test(tc, test_R_PRN_1_own_printer_else_the_designated_section);
    tcase_add_test(tc, test_R_PRN_2_print_shop_needs_the_deputy_unless_self_funded);
    tcase_add_test(tc, test_R_PRN_3_over_the_threshold_needs_a_signature);
    tcase_add_test(tc, test_R_PRN_4_another_departments_work_needs_the_director);
    tcase_add_test(tc, office_staff_are_the_sections_and_the_leadership);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
