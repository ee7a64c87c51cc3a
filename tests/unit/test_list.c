/* The list runner's reading of a query: each filter's kind and bounds, the
 * text an absent filter stands for, the statement's parameters in the
 * order a list names them, and the 400 of a bad parameter. No database:
 * these stop before the statement runs. */
#include <check.h>
#include <string.h>
#include <ulfius.h>

#include "list.h"
#include "page.h"
#include "unit_run.h"

static const char *const states[] = {"open", "closed", NULL};

static const list_filter filters[] = {
    {.name = "seal_id", .kind = LIST_ID},
    {.name = "year", .kind = LIST_INT, .min = 2000, .max = 2999},
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "unread", .kind = LIST_BOOL, .null_absent = true},
    {.name = "from", .kind = LIST_DATE, .absent = "-infinity"},
    {.name = "to", .kind = LIST_DATE, .absent = "infinity"},
    {.name = "q", .kind = LIST_TEXT},
    LIST_FILTERS_END,
};

static int asked;

static bool sees_all(const caller_t *c)
{
    asked++;
    return c->is_admin;
}

static const db_stmt st = {"test_list", "SELECT 1"};

static const list_t list = {
    .stmt = &st,
    .filters = filters,
    .params = {"@cursor", "seal_id", "year", "state", "mine", "unread", "from", "to", "q",
               "@caller", "@department", "@sees_all", "@limit"},
    .sees_all = sees_all,
    .period = true,
};

typedef struct fixture {
    struct _u_request u;
    struct _u_response resp;
    caller_t caller;
    req_t r;
} fixture;

/* A request of the query kv (name, value, ..., NULL) by user 42 of no
 * department. */
static void request(fixture *f, const char *const *kv)
{
    memset(f, 0, sizeof *f);
    ulfius_init_request(&f->u);
    ulfius_init_response(&f->resp);
    for (; kv && kv[0]; kv += 2)
        u_map_put(f->u.map_url, kv[0], kv[1]);
    f->caller.id = 42;
    f->r = (req_t){.u = &f->u, .resp = &f->resp, .caller = &f->caller, .rid = "t", .route = "/t"};
}

static void done(fixture *f)
{
    ulfius_clean_request(&f->u);
    ulfius_clean_response(&f->resp);
}

static void values(list_query *q, const char **out)
{
    for (int i = 0; list.params[i]; i++)
        out[i] = list_value(q, list.params[i]);
}

#define ck_assert_null_or_str(v, s)                                                        \
    do {                                                                                   \
        if (s)                                                                             \
            ck_assert_str_eq(v, s);                                                        \
        else                                                                               \
            ck_assert_ptr_null(v);                                                         \
    } while (0)

START_TEST(absent_filters)
{
    fixture f;
    request(&f, NULL);
    list_query q;
    ck_assert_int_eq(list_query_or_reply(&f.r, &list, &q), 0);
    const char *v[LIST_MAX_PARAMS];
    values(&q, v);
    const char *want[] = {NULL, NULL, NULL, NULL, "false", NULL, "-infinity", "infinity",
                          NULL, "42", NULL, "false", "21"};
    for (int i = 0; i < 13; i++)
        ck_assert_null_or_str(v[i], want[i]);
    ck_assert(!list_given(&q, "from"));
    ck_assert(!list_true(&q, "mine"));
    done(&f);
}
END_TEST

START_TEST(given_filters_in_the_statements_order)
{
    char cursor[PAGE_CURSOR_MAX];
    page_cursor_encode(99, cursor);
    const char *kv[] = {"cursor", cursor,       "limit",  "5",          "seal_id", "007",
                        "year",   "2027",       "state",  "closed",     "mine",    "1",
                        "unread", "false",      "from",   "2027-01-01", "to",      "2027-12-31",
                        "q",      "seal of the office", NULL};
    fixture f;
    request(&f, kv);
    f.caller.is_admin = true;
    f.caller.department_id = 3;
    asked = 0;
    list_query q;
    ck_assert_int_eq(list_query_or_reply(&f.r, &list, &q), 0);
    const char *v[LIST_MAX_PARAMS];
    values(&q, v);
    const char *want[] = {"99",         "7",          "2027",   "closed",
                          "true",       "false",      "2027-01-01", "2027-12-31",
                          "seal of the office", "42", "3",      "true", "6"};
    for (int i = 0; i < 13; i++)
        ck_assert_null_or_str(v[i], want[i]);
    /* Asked once however often the statements name it. */
    ck_assert_str_eq(list_value(&q, "@sees_all"), "true");
    ck_assert_int_eq(asked, 1);
    ck_assert(list_given(&q, "seal_id") && list_true(&q, "mine"));
    done(&f);
}
END_TEST

/* Each bad parameter is a 400 that names it, before any statement. */
START_TEST(bad_parameters)
{
    static const char *const bad[][4] = {
        {"seal_id", "0"},      {"seal_id", "x"},       {"year", "1999"},
        {"state", "shut"},     {"mine", "yes"},        {"from", "2027-13-01"},
        {"limit", "201"},      {"cursor", "nonsense"}, {"from", "2027-02-01", "to", "2027-01-31"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = {bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL};
        fixture f;
        request(&f, kv);
        list_query q;
        ck_assert_msg(list_query_or_reply(&f.r, &list, &q) == -1, "%s=%s accepted", bad[i][0],
                      bad[i][1]);
        ck_assert_int_eq(f.resp.status, 400);
        done(&f);
    }
}
END_TEST

static int looked_up;

/* A look-up that fails the first time (answered 503, as the database's
 * would be) and finds the caller in the secretariat the second. */
static int secretariat_or_reply(req_t *r, bool *all)
{
    if (looked_up++ == 0) {
        r->resp->status = 503;
        return -1;
    }
    *all = true;
    return 0;
}

START_TEST(sees_all_looked_up_or_answered)
{
    static const list_t looked = {
        .stmt = &st,
        .params = {"@sees_all"},
        .sees_all_or_reply = secretariat_or_reply,
    };
    fixture f;
    request(&f, NULL);
    list_query q;
    looked_up = 0;
    ck_assert_int_eq(list_query_or_reply(&f.r, &looked, &q), -1);
    ck_assert_int_eq(f.resp.status, 503);
    done(&f);
    request(&f, NULL);
    ck_assert_int_eq(list_query_or_reply(&f.r, &looked, &q), 0);
    ck_assert_str_eq(list_value(&q, "@sees_all"), "true");
    ck_assert_int_eq(looked_up, 2);
    done(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("list");
    TCase *tc = tcase_create("query");
    tcase_add_test(tc, absent_filters);
    tcase_add_test(tc, given_filters_in_the_statements_order);
    tcase_add_test(tc, bad_parameters);
    tcase_add_test(tc, sees_all_looked_up_or_answered);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
