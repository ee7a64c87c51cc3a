/* The fuzz corpora of the attendance service's targets (the working-day
 * calculator, the leave chain), replayed: every input that once found a
 * crash stays a regression test (tests/fuzz). */
#include <check.h>

#include "../fuzz/fuzz_attendance.c"
#include "../fuzz/replay.h"
#include "unit_run.h"

START_TEST(workdays_corpus) { ck_assert_int_gt(fuzz_replay("workdays", fuzz_workdays), 0); }
END_TEST
START_TEST(leave_chain_corpus) { ck_assert_int_gt(fuzz_replay("leave_chain", fuzz_leave_chain), 0); }
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_fuzz_replay");
    TCase *tc = tcase_create("corpus");
    tcase_add_test(tc, workdays_corpus);
    tcase_add_test(tc, leave_chain_corpus);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
