/* The seal regulations that need no database: who approves (R-SEAL-2,
 * R-LET-2), letter numbers (R-LET-1), the office date, the CSV export
 * (R-SEAL-4). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/seals/seals.h"
#include "unit_run.h"

START_TEST(test_R_SEAL_2_district_seal_general_needs_a_district_leader)
{
    ck_assert_str_eq(seal_approver_role("district_government", "general"), "district_leader");
    ck_assert(seal_approver_may("district_leader", "district_mayor", 1, NULL, 0));
    ck_assert(seal_approver_may("district_leader", "deputy_mayor", 1, NULL, 0));
    ck_assert(!seal_approver_may("district_leader", "office_director", 1, NULL, 0));
    ck_assert(!seal_approver_may("district_leader", "deputy_director", 1, NULL, 0));
    ck_assert(!seal_approver_may("district_leader", "staff", 1, NULL, 0));
}
END_TEST

START_TEST(test_R_SEAL_2_district_seal_major_matters_need_the_mayor)
{
    const char *major[] = {"finance", "personnel", "state_assets", "other_major"};
    for (int i = 0; i < 4; i++) {
        const char *role = seal_approver_role("district_government", major[i]);
        ck_assert_str_eq(role, "district_mayor");
        ck_assert(seal_approver_may(role, "district_mayor", 1, NULL, 0));
        ck_assert(!seal_approver_may(role, "deputy_mayor", 1, NULL, 0));
        ck_assert(!seal_approver_may(role, "office_director", 1, NULL, 0));
        ck_assert(!seal_approver_may(role, "section_chief", 1, NULL, 0));
    }
}
END_TEST

START_TEST(test_R_SEAL_2_office_seal_needs_the_director)
{
    const char *matters[] = {"general", "finance", "personnel", "state_assets", "other_major"};
    for (int i = 0; i < 5; i++) {
        const char *role = seal_approver_role("government_office", matters[i]);
        ck_assert_str_eq(role, "office_director");
        ck_assert(seal_approver_may(role, "office_director", 1, NULL, 0));
        ck_assert(!seal_approver_may(role, "deputy_director", 1, NULL, 0));
        ck_assert(!seal_approver_may(role, "district_mayor", 1, NULL, 0));
        ck_assert(!seal_approver_may(role, "deputy_mayor", 1, NULL, 0));
    }
}
END_TEST

START_TEST(test_R_SEAL_2_other_seal_uses_its_configured_approvers)
{
    const long long ids[] = {7, 9};
    const char *role = seal_approver_role("other", "finance");
    ck_assert_str_eq(role, "configured");
    ck_assert(seal_approver_may(role, "staff", 9, ids, 2));
    ck_assert(!seal_approver_may(role, "district_mayor", 8, ids, 2));
    ck_assert(!seal_approver_may(role, "staff", 7, ids, 0));
}
END_TEST

START_TEST(test_R_SEAL_2_own_request_goes_one_level_up)
{
    ck_assert_str_eq(seal_approver_role_above("configured"), "office_director");
    ck_assert_str_eq(seal_approver_role_above("office_director"), "district_leader");
    ck_assert_str_eq(seal_approver_role_above("district_leader"), "district_mayor");
    ck_assert_ptr_null(seal_approver_role_above("district_mayor"));
    ck_assert_ptr_null(seal_approver_role_above(NULL));
}
END_TEST

START_TEST(unknown_kinds_and_matters_have_no_rule)
{
    ck_assert_ptr_null(seal_approver_role("private", "general"));
    ck_assert_ptr_null(seal_approver_role("district_government", "party"));
    ck_assert_ptr_null(seal_approver_role(NULL, "general"));
    ck_assert(!seal_approver_may("nobody", "district_mayor", 1, NULL, 0));
    ck_assert(!seal_approver_may(NULL, "district_mayor", 1, NULL, 0));
}
END_TEST

START_TEST(test_R_LET_2_director_or_deputy_approves_letters)
{
    ck_assert(letter_approver_may("office_director"));
    ck_assert(letter_approver_may("deputy_director"));
    ck_assert(!letter_approver_may("district_mayor"));
    ck_assert(!letter_approver_may("section_chief"));
    ck_assert(!letter_approver_may("staff"));
    ck_assert(!letter_approver_may(NULL));
}
END_TEST

START_TEST(privileged_readers)
{
    caller_t c = {0};
    strcpy(c.position, "staff");
    ck_assert(!seals_privileged(&c));
    c.is_admin = true;
    ck_assert(seals_privileged(&c));
    c.is_admin = false;
    strcpy(c.position, "deputy_mayor");
    ck_assert(seals_privileged(&c));
    strcpy(c.position, "deputy_director");
    ck_assert(seals_privileged(&c));
    strcpy(c.position, "section_chief");
    ck_assert(!seals_privileged(&c));
}
END_TEST

START_TEST(test_R_LET_1_letter_numbers)
{
    char out[24];
    letter_number_format(2026, 7, out);
    ck_assert_str_eq(out, "2026-0007");
    letter_number_format(2026, 9999, out);
    ck_assert_str_eq(out, "2026-9999");
    letter_number_format(2027, 12345, out);
    ck_assert_str_eq(out, "2027-12345");
}
END_TEST

START_TEST(office_date_is_shanghai_time)
{
    char out[11];
    office_date(1767196799, out); /* 2025-12-31T15:59:59Z = 23:59:59 in Shanghai */
    ck_assert_str_eq(out, "2025-12-31");
    office_date(1767196800, out); /* 16:00Z = midnight in Shanghai */
    ck_assert_str_eq(out, "2026-01-01");
}
END_TEST

START_TEST(id_arrays)
{
    long long ids[4];
    ck_assert_int_eq(parse_id_array("{}", ids, 4), 0);
    ck_assert_int_eq(parse_id_array("{3}", ids, 4), 1);
    ck_assert_int_eq(ids[0], 3);
    ck_assert_int_eq(parse_id_array("{3,14,15}", ids, 4), 3);
    ck_assert_int_eq(ids[2], 15);
    ck_assert_int_eq(parse_id_array("{1,2,3,4,5}", ids, 4), -1);
    ck_assert_int_eq(parse_id_array("{1,}", ids, 4), -1);
    ck_assert_int_eq(parse_id_array("1,2", ids, 4), -1);
    ck_assert_int_eq(parse_id_array("{1}x", ids, 4), -1);
    ck_assert_int_eq(parse_id_array(NULL, ids, 4), -1);
}
END_TEST

START_TEST(test_R_SEAL_4_csv_quotes_and_defuses_formulas)
{
    csv_buf b = {0};
    csv_cell(&b, "plain");
    csv_cell(&b, NULL);
    csv_cell(&b, "a,b");
    csv_cell(&b, "say \"hi\"");
    csv_row_end(&b);
    csv_cell(&b, NULL);
    csv_cell(&b, "=SUM(A1)");
    csv_cell(&b, "line\nbreak");
    csv_cell(&b, "区政府公章");
    csv_row_end(&b);
    ck_assert(!b.failed);
    ck_assert_str_eq(b.s, "plain,,\"a,b\",\"say \"\"hi\"\"\"\r\n"
                          ",\"'=SUM(A1)\",\"line\nbreak\",区政府公章\r\n");
    csv_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_R_SEAL_2_district_seal_general_needs_a_district_leader);
    tcase_add_test(tc, test_R_SEAL_2_district_seal_major_matters_need_the_mayor);
    tcase_add_test(tc, test_R_SEAL_2_office_seal_needs_the_director);
    tcase_add_test(tc, test_R_SEAL_2_other_seal_uses_its_configured_approvers);
    tcase_add_test(tc, test_R_SEAL_2_own_request_goes_one_level_up);
    tcase_add_test(tc, unknown_kinds_and_matters_have_no_rule);
    tcase_add_test(tc, test_R_LET_2_director_or_deputy_approves_letters);
    tcase_add_test(tc, privileged_readers);
    tcase_add_test(tc, test_R_LET_1_letter_numbers);
    tcase_add_test(tc, office_date_is_shanghai_time);
    tcase_add_test(tc, id_arrays);
    tcase_add_test(tc, test_R_SEAL_4_csv_quotes_and_defuses_formulas);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
