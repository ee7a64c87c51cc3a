/* The error registry and the cursor codec. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "page.h"
#include "problem.h"
#include "unit_run.h"

START_TEST(registry_statuses)
{
    ck_assert_int_eq(err_status(ERR_VALIDATION), 400);
    ck_assert_int_eq(err_status(ERR_UNAUTHENTICATED), 401);
    ck_assert_int_eq(err_status(ERR_FORBIDDEN), 403);
    ck_assert_int_eq(err_status(ERR_NOT_FOUND), 404);
    ck_assert_int_eq(err_status(ERR_WRONG_STATE), 409);
    ck_assert_int_eq(err_status(ERR_PRECONDITION), 412);
    ck_assert_int_eq(err_status(ERR_TOO_LARGE), 413);
    ck_assert_int_eq(err_status(ERR_RULE), 422);
    ck_assert_int_eq(err_status(ERR_LOCKED_OUT), 429);
    ck_assert_int_eq(err_status(ERR_DB_UNAVAILABLE), 503);
    ck_assert_int_eq(err_status((err_code)9999), 500);
}
END_TEST

START_TEST(registry_names_are_unique_and_found)
{
    for (int i = 0; i < ERR__COUNT; i++) {
        ck_assert_int_eq(err_lookup(err_name((err_code)i)), i);
        ck_assert(strlen(err_title((err_code)i)) > 0);
        int st = err_status((err_code)i);
        ck_assert(st >= 200 && st < 600);
    }
    ck_assert_int_eq(err_lookup("no.such.code"), ERR__COUNT);
}
END_TEST

START_TEST(cursor_round_trip)
{
    long long ids[] = {1, 9, 10, 12345, 99999999999LL, 4611686018427387903LL};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char c[PAGE_CURSOR_MAX];
        long long back = 0;
        page_cursor_encode(ids[i], c);
        ck_assert_msg(page_cursor_decode(c, &back), "cursor %s", c);
        ck_assert_int_eq(back, ids[i]);
        ck_assert(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                  strlen(c));
    }
}
END_TEST

START_TEST(cursor_tampering_refused)
{
    char c[PAGE_CURSOR_MAX];
    long long back;
    page_cursor_encode(42, c);
    c[3] = c[3] == 'A' ? 'B' : 'A';
    ck_assert(!page_cursor_decode(c, &back));
    ck_assert(!page_cursor_decode("", &back));
    ck_assert(!page_cursor_decode("!!!!", &back));
    ck_assert(!page_cursor_decode("42", &back));
    ck_assert(!page_cursor_decode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &back));
}
END_TEST

START_TEST(page_scan_limit_is_the_largest_page_plus_one)
{
    ck_assert_int_eq(atoi(PAGE_SCAN_LIMIT), PAGE_MAX_LIMIT + 1);
}
END_TEST

START_TEST(problem_detail_never_cuts_a_character)
{
    problem_t p = {0};
    char name[1200] = "";
    for (int i = 0; i < 300; i++)
        strcat(name, "印"); /* three bytes each */
    for (int shift = 0; shift < 3; shift++) {
        problem_set(&p, ERR_RULE, NULL, NULL, "%.*s%s", shift, "xx", name);
        size_t n = strlen(p.detail);
        ck_assert(n < sizeof p.detail);
        /* what is left is whole characters after the shift */
        ck_assert_int_eq((n - (size_t)shift) % 3, 0);
        json_t *valid = json_string(p.detail);
        ck_assert_ptr_nonnull(valid);
        json_decref(valid);
        problem_clear(&p);
    }
    problem_field(&p, "title", "%s", name);
    json_t *e = json_array_get(p.errors, 0);
    ck_assert_ptr_nonnull(json_object_get(e, "message"));
    ck_assert_int_eq(strlen(json_string_value(json_object_get(e, "message"))) % 3, 0);
    problem_clear(&p);
}
END_TEST

START_TEST(text_fmt_never_cuts_a_character)
{
    char buf[6];
    text_fmt(buf, sizeof buf, "%s", "ab\xe4\xb8\xad\xe6\x96\x87"); /* ab中文 */
    ck_assert_str_eq(buf, "ab\xe4\xb8\xad");
    text_fmt(buf, 5, "%s", "ab\xe4\xb8\xad");
    ck_assert_str_eq(buf, "ab");
    text_fmt(buf, sizeof buf, "%d-%s", 7, "x");
    ck_assert_str_eq(buf, "7-x");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("codecs");
    TCase *tc = tcase_create("codecs");
    tcase_add_test(tc, registry_statuses);
    tcase_add_test(tc, registry_names_are_unique_and_found);
    tcase_add_test(tc, cursor_round_trip);
    tcase_add_test(tc, cursor_tampering_refused);
    tcase_add_test(tc, page_scan_limit_is_the_largest_page_plus_one);
    tcase_add_test(tc, problem_detail_never_cuts_a_character);
    tcase_add_test(tc, text_fmt_never_cuts_a_character);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
