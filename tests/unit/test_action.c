/* What the action runner gives every service: ACTION_DECISION, the part of
 * an approve or reject row that all decisions share, and
 * action_lock_visible, the lock step of a row not every caller may see
 * (its $1 the row, $2 the caller, $3 sees_all). Uses the test cluster, in a
 * schema of its own. */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "log.h"
#include "scratch_db.h"
#include "unit_run.h"

static db_pool *pool;

static void setup(void)
{
    scratch_open("action");
    scratch_exec("CREATE TABLE t (id bigint PRIMARY KEY, owner_id bigint, state text,"
                 " version bigint); INSERT INTO t VALUES (1, 7, 'pending', 3)");
    pool = db_pool_open(scratch_url, scratch_schema, 1, 5000, 2000);
    ck_assert_ptr_nonnull(pool);
}

static void teardown(void)
{
    db_pool_close(pool);
    scratch_close();
}

static const db_stmt Q_LOCK = {
    "test_action_lock",
    "SELECT json_build_object('id', id, 'state', state)::text AS doc, version, state, owner_id,"
    " (owner_id = $2 OR $3::boolean) AS visible FROM t WHERE id = $1 FOR UPDATE"};

static const action_row_spec spec = {
    .doc = "doc",
    .visible = "visible",
    .missing = ERR_NOT_FOUND,
    .detail = "no such row",
};

/* One lock of row `id` by caller `who`, seeing all or not. */
typedef struct lock_try {
    long long id, who;
    bool sees_all;
    action_tx t;
    long long owner;
} lock_try;

static int lock_body(db_conn *c, void *arg, problem_t *p)
{
    lock_try *l = arg;
    PGresult *res;
    if (action_lock_visible(c, &l->t, &Q_LOCK, l->sees_all, &spec, &res, p))
        return -1;
    l->owner = db_col_ll(res, 0, "owner_id");
    PQclear(res);
    return 0;
}

static int lock(lock_try *l, problem_t *p)
{
    caller_t me = {.id = l->who};
    req_t r = {.caller = &me};
    l->t = (action_tx){.r = &r, .id = l->id};
    int rc = db_tx(pool, 1000, NULL, lock_body, l, p);
    l->t.r = NULL;
    return rc;
}

START_TEST(the_owner_locks_the_row_and_reads_its_document_version_and_state)
{
    lock_try l = {.id = 1, .who = 7};
    problem_t p = {0};
    ck_assert_int_eq(lock(&l, &p), 0);
    ck_assert_int_eq(l.owner, 7);
    ck_assert_int_eq(l.t.version, 3);
    ck_assert_str_eq(l.t.state, "pending");
    ck_assert_ptr_nonnull(l.t.before);
    ck_assert_ptr_nonnull(strstr(l.t.before, "\"pending\""));
    free(l.t.before);
}
END_TEST

START_TEST(another_caller_sees_no_row_unless_seeing_all)
{
    lock_try l = {.id = 1, .who = 8};
    problem_t p = {0};
    ck_assert_int_eq(lock(&l, &p), -1);
    ck_assert_int_eq(p.code, ERR_NOT_FOUND);
    ck_assert_str_eq(p.detail, "no such row");
    ck_assert_ptr_null(l.t.before);

    lock_try all = {.id = 1, .who = 8, .sees_all = true};
    problem_t q = {0};
    ck_assert_int_eq(lock(&all, &q), 0);
    ck_assert_int_eq(all.owner, 7);
    free(all.t.before);
}
END_TEST

START_TEST(a_missing_row_is_the_specs_404)
{
    lock_try l = {.id = 2, .who = 7, .sees_all = true};
    problem_t p = {0};
    ck_assert_int_eq(lock(&l, &p), -1);
    ck_assert_int_eq(p.code, ERR_NOT_FOUND);
}
END_TEST

static const action_t decision = {
    ACTION_DECISION("approve", "approved"),
    .rule = "R-TEST-1",
};

START_TEST(a_decision_row_takes_a_comment_and_is_refused_to_secretaries)
{
    ck_assert_str_eq(decision.verb, "approve");
    ck_assert_str_eq(decision.done, "approved");
    ck_assert_ptr_eq(decision.fields, comment_fields);
    ck_assert(decision.decides);
    ck_assert_str_eq(decision.rule, "R-TEST-1"); /* the row's own fields stay its own */
    ck_assert_ptr_null(decision.from_states);
}
END_TEST

int main(void)
{
    log_init("test");
    Suite *s = suite_create("action");
    TCase *rows = tcase_create("rows");
    tcase_add_test(rows, a_decision_row_takes_a_comment_and_is_refused_to_secretaries);
    suite_add_tcase(s, rows);
    TCase *tc = tcase_create("lock_visible");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, the_owner_locks_the_row_and_reads_its_document_version_and_state);
    tcase_add_test(tc, another_caller_sees_no_row_unless_seeing_all);
    tcase_add_test(tc, a_missing_row_is_the_specs_404);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
