/* The meeting regulations that need no database: who convenes (R-MTG-1),
 * who presents a topic (R-MTG-3), who assigns tasks (R-SEC-1, R-SEC-3), who
 * reads the supervision report (R-MTG-9), the monthly reminder's day
 * (R-MTG-1). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/meetings/meetings.h"
#include "unit_run.h"

START_TEST(test_R_MTG_1_only_the_director_convenes)
{
    ck_assert(mtg_may_convene("office_director", false));
    ck_assert(!mtg_may_convene("office_director", true));
    const char *no[] = {"deputy_director", "district_mayor", "deputy_mayor", "section_chief",
                        "staff", "", NULL};
    for (int i = 0; no[i]; i++)
        ck_assert_msg(!mtg_may_convene(no[i], false), "%s", no[i]);
    ck_assert(!mtg_may_convene(NULL, false));
}
END_TEST

START_TEST(test_R_MTG_1_reminder_after_the_twentieth)
{
    ck_assert(!mtg_month_reminder_due("2026-05-01"));
    ck_assert(!mtg_month_reminder_due("2026-05-20"));
    ck_assert(mtg_month_reminder_due("2026-05-21"));
    ck_assert(mtg_month_reminder_due("2026-02-28"));
    ck_assert(!mtg_month_reminder_due("garbage"));
    ck_assert(!mtg_month_reminder_due(NULL));
}
END_TEST

START_TEST(test_R_MTG_3_presenter_is_a_deputy_or_section_chief)
{
    ck_assert(mtg_may_present("deputy_director"));
    ck_assert(mtg_may_present("section_chief"));
    ck_assert(!mtg_may_present("staff"));
    ck_assert(!mtg_may_present("deputy_mayor"));
    ck_assert(!mtg_may_present(NULL));
}
END_TEST

START_TEST(test_R_SEC_1_leaders_assign_tasks)
{
    const char *yes[] = {"district_mayor", "deputy_mayor", "office_director", "deputy_director",
                         NULL};
    for (int i = 0; yes[i]; i++)
        ck_assert_msg(mtg_may_assign_task(yes[i]), "%s", yes[i]);
    ck_assert(!mtg_may_assign_task("section_chief"));
    ck_assert(!mtg_may_assign_task("staff"));
    ck_assert(!mtg_may_assign_task(NULL));
}
END_TEST

START_TEST(test_R_MTG_9_supervision_readers)
{
    ck_assert(mtg_reads_supervision("office_director", false, false));
    ck_assert(mtg_reads_supervision("deputy_director", false, false));
    ck_assert(mtg_reads_supervision("staff", true, false));
    ck_assert(mtg_reads_supervision("none", false, true));
    ck_assert(!mtg_reads_supervision("staff", false, false));
    ck_assert(!mtg_reads_supervision("section_chief", false, false));
    ck_assert(!mtg_reads_supervision("district_mayor", false, false));
}
END_TEST

START_TEST(office_date_is_utc_plus_eight)
{
    char d[11];
    office_date(1767225600LL - 8 * 3600, d); /* 2026-01-01 00:00 in Shanghai */
    ck_assert_str_eq(d, "2026-01-01");
    office_date(1767225600LL - 8 * 3600 - 1, d);
    ck_assert_str_eq(d, "2025-12-31");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_R_MTG_1_only_the_director_convenes);
    tcase_add_test(tc, test_R_MTG_1_reminder_after_the_twentieth);
    tcase_add_test(tc, test_R_MTG_3_presenter_is_a_deputy_or_section_chief);
    tcase_add_test(tc, test_R_SEC_1_leaders_assign_tasks);
    tcase_add_test(tc, test_R_MTG_9_supervision_readers);
    tcase_add_test(tc, office_date_is_utc_plus_eight);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
