/* The fuzz corpora of the seals service's targets (its JSON field specs,
 * the approver rules), replayed: every input that once found a crash stays
 * a regression test (tests/fuzz). */
#include <check.h>

#include "../fuzz/fuzz_seals.c"
#include "../fuzz/replay.h"
#include "unit_run.h"

START_TEST(json_in_corpus) { ck_assert_int_gt(fuzz_replay("json_in", fuzz_json_in), 0); }
END_TEST
START_TEST(seal_approver_corpus) { ck_assert_int_gt(fuzz_replay("seal_approver", fuzz_seal_approver), 0); }
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_fuzz_replay");
    TCase *tc = tcase_create("corpus");
    tcase_add_test(tc, json_in_corpus);
    tcase_add_test(tc, seal_approver_corpus);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
