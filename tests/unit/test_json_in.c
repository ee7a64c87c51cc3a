/* The declarative JSON validator. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "unit_run.h"

typedef struct in {
    const char *name, *kind, *day, *at, *note;
    long long count;
    bool flag;
    json_t *ids, *tags;
} in_t;

static const char *const kinds[] = {"public", "private", NULL};

static const json_field fields[] = {
    {"name", JF_STRING, JF_REQUIRED, 2, 5, NULL, offsetof(in_t, name)},
    {"kind", JF_ENUM, JF_REQUIRED, 0, 0, kinds, offsetof(in_t, kind)},
    {"day", JF_DATE, 0, 0, 0, NULL, offsetof(in_t, day)},
    {"at", JF_DATETIME, 0, 0, 0, NULL, offsetof(in_t, at)},
    {"note", JF_TEXT, JF_NULLABLE, 0, 10, NULL, offsetof(in_t, note)},
    {"count", JF_INT, 0, 1, 10, NULL, offsetof(in_t, count)},
    {"flag", JF_BOOL, 0, 0, 0, NULL, offsetof(in_t, flag)},
    {"ids", JF_ID_LIST, 0, 1, 3, NULL, offsetof(in_t, ids)},
    {"tags", JF_STRING_LIST, 0, 0, 2, NULL, offsetof(in_t, tags)},
    JF_END,
};

/* Validates text; returns the number of field errors (0 when valid). */
static int check_text(const char *text, in_t *out, problem_t *p, uint64_t *present)
{
    json_t *root = json_in_parse(text, strlen(text), p);
    if (!root)
        return -1;
    memset(out, 0, sizeof *out);
    int rc = json_in_validate(root, fields, out, present, p);
    int n = rc ? (int)json_array_size(p->errors) : 0;
    json_decref(root);
    return n;
}

static bool names_field(problem_t *p, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(p->errors, i, e) if (!strcmp(json_string_value(json_object_get(e, "field")),
                                                     field)) return true;
    return false;
}

START_TEST(valid_input_is_stored)
{
    in_t v;
    problem_t p = {0};
    uint64_t present;
    const char *text = "{\"name\":\"abc\",\"kind\":\"public\",\"day\":\"2024-02-29\","
                       "\"at\":\"2026-01-02T03:04:05+08:00\",\"count\":3,\"flag\":true,"
                       "\"ids\":[1,2],\"tags\":[\"x\"],\"note\":null}";
    json_t *root = json_in_parse(text, strlen(text), &p);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(json_in_validate(root, fields, &v, &present, &p), 0);
    ck_assert_str_eq(v.name, "abc");
    ck_assert_str_eq(v.kind, "public");
    ck_assert_int_eq(v.count, 3);
    ck_assert(v.flag);
    ck_assert_int_eq(json_array_size(v.ids), 2);
    ck_assert_ptr_null(v.note);
    ck_assert(present & (1u << 4)); /* note given as null */
    ck_assert(!(present & (1u << 0)) == 0);
    json_decref(root);
    problem_clear(&p);
}
END_TEST

START_TEST(absent_and_null_fields_are_zero_in_the_output)
{
    in_t v;
    memset(&v, 0x5a, sizeof v); /* what an uninitialised struct may hold */
    problem_t p = {0};
    uint64_t present;
    const char *text = "{\"name\":\"abc\",\"kind\":\"public\",\"note\":null}";
    json_t *root = json_in_parse(text, strlen(text), &p);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(json_in_validate(root, fields, &v, &present, &p), 0);
    ck_assert_str_eq(v.name, "abc");
    ck_assert_ptr_null(v.day);
    ck_assert_ptr_null(v.at);
    ck_assert_ptr_null(v.note);
    ck_assert_int_eq(v.count, 0);
    ck_assert(!v.flag);
    ck_assert_ptr_null(v.ids);
    ck_assert_ptr_null(v.tags);
    json_decref(root);
    problem_clear(&p);
}
END_TEST

START_TEST(every_bad_field_is_named)
{
    in_t v;
    problem_t p = {0};
    int n = check_text("{\"name\":\" \",\"kind\":\"other\",\"day\":\"2023-02-29\","
                       "\"at\":\"2026-01-02 03:04:05\",\"count\":11,\"flag\":1,"
                       "\"ids\":[1,1],\"tags\":[\"\"],\"extra\":1}",
                       &v, &p, NULL);
    ck_assert_int_eq(n, 9);
    const char *expect[] = {"name", "kind", "day", "at", "count", "flag", "ids", "tags", "extra"};
    for (int i = 0; i < 9; i++)
        ck_assert_msg(names_field(&p, expect[i]), "%s not named", expect[i]);
    ck_assert_int_eq(p.code, ERR_VALIDATION);
    problem_clear(&p);
}
END_TEST

START_TEST(required_and_null)
{
    in_t v;
    problem_t p = {0};
    ck_assert_int_eq(check_text("{\"name\":null}", &v, &p, NULL), 2);
    ck_assert(names_field(&p, "name"));
    ck_assert(names_field(&p, "kind"));
    problem_clear(&p);
    ck_assert_int_eq(check_text("{\"name\":\"ab\",\"kind\":\"public\",\"count\":null}", &v, &p,
                                NULL),
                     1);
    ck_assert(names_field(&p, "count"));
    problem_clear(&p);
}
END_TEST

START_TEST(string_length_counts_characters)
{
    in_t v;
    problem_t p = {0};
    /* five Chinese characters are five, not fifteen */
    ck_assert_int_eq(check_text("{\"name\":\"请假制度好\",\"kind\":\"public\"}", &v, &p, NULL), 0);
    ck_assert_int_eq(check_text("{\"name\":\"请假制度好吗\",\"kind\":\"public\"}", &v, &p, NULL),
                     1);
    problem_clear(&p);
    ck_assert_int_eq(check_text("{\"name\":\"a\",\"kind\":\"public\"}", &v, &p, NULL), 1);
    problem_clear(&p);
}
END_TEST

START_TEST(malformed_and_duplicates_refused)
{
    problem_t p = {0};
    ck_assert_ptr_null(json_in_parse("{\"a\":1,\"a\":2}", 13, &p));
    ck_assert_int_eq(p.code, ERR_BAD_JSON);
    problem_clear(&p);
    ck_assert_ptr_null(json_in_parse("{\"a\":", 5, &p));
    ck_assert_int_eq(p.code, ERR_BAD_JSON);
    problem_clear(&p);
    ck_assert_ptr_null(json_in_parse("[1]", 3, &p));
    problem_clear(&p);
    size_t depth = 3000;
    char *deep = malloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = '\0';
    ck_assert_ptr_null(json_in_parse(deep, depth * 2, &p));
    ck_assert_int_eq(p.code, ERR_BAD_JSON);
    problem_clear(&p);
    free(deep);
    json_t *empty = json_in_parse("", 0, &p);
    ck_assert(json_is_object(empty));
    json_decref(empty);
}
END_TEST

/* A body nested deeper than 32 is refused before jansson recurses into it
 * (thousands of levels took ~160 KiB of an HTTP thread's stack for good);
 * 32 levels, and brackets inside strings, are parsed as before. */
START_TEST(deep_nesting_refused_before_parsing)
{
    problem_t p = {0};
    char body[256];
    int o = sprintf(body, "{\"a\":");
    for (int i = 0; i < 31; i++)
        body[o++] = '[';
    for (int i = 0; i < 31; i++)
        body[o++] = ']';
    strcpy(body + o, "}");
    json_t *ok = json_in_parse(body, strlen(body), &p);
    ck_assert_ptr_nonnull(ok);
    json_decref(ok);
    o = sprintf(body, "{\"a\":");
    for (int i = 0; i < 32; i++)
        body[o++] = '[';
    for (int i = 0; i < 32; i++)
        body[o++] = ']';
    strcpy(body + o, "}");
    ck_assert_ptr_null(json_in_parse(body, strlen(body), &p));
    ck_assert_int_eq(p.code, ERR_BAD_JSON);
    ck_assert_ptr_nonnull(strstr(p.detail, "more than 32 deep (at position 36)"));
    problem_clear(&p);
    char text[128];
    o = sprintf(text, "{\"a\":\"");
    for (int i = 0; i < 40; i++)
        text[o++] = '[';
    strcpy(text + o, "\\\"\"}");
    ok = json_in_parse(text, strlen(text), &p);
    ck_assert_ptr_nonnull(ok);
    ck_assert_int_eq(strlen(json_string_value(json_object_get(ok, "a"))), 41);
    json_decref(ok);
}
END_TEST

START_TEST(dates_and_times)
{
    ck_assert(json_in_is_date("2024-02-29"));
    ck_assert(!json_in_is_date("2025-02-29"));
    ck_assert(!json_in_is_date("2025-13-01"));
    ck_assert(!json_in_is_date("2025-1-01"));
    ck_assert(!json_in_is_date("20250101"));
    ck_assert(json_in_is_datetime("2026-11-27T08:30:00+08:00"));
    ck_assert(json_in_is_datetime("2026-11-27T00:30:00.123Z"));
    ck_assert(!json_in_is_datetime("2026-11-27T08:30:00"));
    ck_assert(!json_in_is_datetime("2026-11-27T24:30:00Z"));
    ck_assert(!json_in_is_datetime("2026-11-27T08:30:00+8:00"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_in");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, valid_input_is_stored);
    tcase_add_test(tc, absent_and_null_fields_are_zero_in_the_output);
    tcase_add_test(tc, every_bad_field_is_named);
    tcase_add_test(tc, required_and_null);
    tcase_add_test(tc, string_length_counts_characters);
    tcase_add_test(tc, malformed_and_duplicates_refused);
    tcase_add_test(tc, deep_nesting_refused_before_parsing);
    tcase_add_test(tc, dates_and_times);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
