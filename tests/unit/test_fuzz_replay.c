/* The fuzz corpora of the common library's targets, replayed: every input
 * that once found a crash stays a regression test (tests/fuzz). */
#include <check.h>

#include "../fuzz/fuzz_common.c"
#include "../fuzz/replay.h"
#include "unit_run.h"

START_TEST(token_corpus) { ck_assert_int_gt(fuzz_replay("token", fuzz_token), 0); }
END_TEST
START_TEST(cursor_corpus) { ck_assert_int_gt(fuzz_replay("cursor", fuzz_cursor), 0); }
END_TEST
START_TEST(if_match_corpus) { ck_assert_int_gt(fuzz_replay("if_match", fuzz_if_match), 0); }
END_TEST
START_TEST(csv_corpus) { ck_assert_int_gt(fuzz_replay("csv", fuzz_csv), 0); }
END_TEST
START_TEST(query_corpus) { ck_assert_int_gt(fuzz_replay("query", fuzz_query), 0); }
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("corpus");
    tcase_add_test(tc, token_corpus);
    tcase_add_test(tc, cursor_corpus);
    tcase_add_test(tc, if_match_corpus);
    tcase_add_test(tc, csv_corpus);
    tcase_add_test(tc, query_corpus);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
