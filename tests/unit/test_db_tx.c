/* The transaction runner (db_tx) and its pipeline: statements whose results
 * nobody reads (db_write) fail the transaction where they are read, with
 * the problem of their own SQLSTATE; a failed transaction leaves nothing
 * behind and the connection fit for the next; a connection whose backend
 * was terminated is replaced and the transaction run again. Uses the test
 * cluster, in a schema of its own. */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "scratch_db.h"
#include "unit_run.h"

static db_pool *pool;

static long long count_rows(void)
{
    return scratch_ll("SELECT count(*) FROM t");
}

static void setup(void)
{
    scratch_open("dbtx");
    scratch_exec("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL CHECK (v > 0))");
    /* One connection, so that every transaction meets the same one. */
    pool = db_pool_open(scratch_url, scratch_schema, 1, 5000, 2000);
    ck_assert_ptr_nonnull(pool);
}

static void teardown(void)
{
    db_pool_close(pool);
    scratch_close();
}

static const db_stmt Q_PUT = {"test_dbtx_put", "INSERT INTO t(id, v) VALUES ($1, $2)"};
static const db_stmt Q_COUNT = {"test_dbtx_count", "SELECT count(*) FROM t"};
static const db_stmt Q_PID = {"test_dbtx_pid", "SELECT pg_backend_pid()"};

/* What a transaction body does: rows to write with db_write (v <= 0 fails
 * its CHECK), then optionally a read, then optionally a refusal. */
typedef struct plan {
    int nrows;
    int ids[4], vs[4];
    bool read_after;
    bool refuse;
    long long seen; /* the count the read saw */
    int pid;        /* the backend that ran the body */
} plan;

static int body(db_conn *c, void *arg, problem_t *p)
{
    plan *pl = arg;
    PGresult *res;
    if (db_query(c, &Q_PID, 0, NULL, &res, p))
        return -1;
    pl->pid = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    for (int i = 0; i < pl->nrows; i++) {
        char id[24], v[24];
        const char *params[] = {db_int(id, pl->ids[i]), db_int(v, pl->vs[i])};
        if (db_write(c, &Q_PUT, 2, params, p))
            return -1;
    }
    if (pl->read_after) {
        if (db_query(c, &Q_COUNT, 0, NULL, &res, p))
            return -1;
        pl->seen = db_get_ll(res, 0, 0);
        PQclear(res);
    }
    if (pl->refuse)
        return problem_set(p, ERR_CONFLICT, "test.refused", NULL, "refused by the body");
    return 0;
}

START_TEST(writes_are_committed_and_read_back_inside)
{
    plan pl = {.nrows = 2, .ids = {1, 2}, .vs = {5, 6}, .read_after = true};
    problem_t p = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &pl, &p), 0);
    ck_assert_int_eq(pl.seen, 2); /* the unread writes ran before the read */
    ck_assert_int_eq(count_rows(), 2);
}
END_TEST

START_TEST(a_failing_write_fails_the_commit_with_its_own_problem)
{
    plan pl = {.nrows = 2, .ids = {1, 2}, .vs = {5, -1}};
    problem_t p = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &pl, &p), -1);
    ck_assert_int_eq(p.code, ERR_VALIDATION); /* 23514, not a generic error */
    ck_assert_int_eq(count_rows(), 0);        /* the good row went too */

    plan ok = {.nrows = 1, .ids = {3}, .vs = {7}};
    problem_t q = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &ok, &q), 0);
    ck_assert_int_eq(count_rows(), 1);
}
END_TEST

START_TEST(a_failing_write_fails_the_next_read)
{
    plan pl = {.nrows = 2, .ids = {1, 1}, .vs = {5, 5}, .read_after = true};
    problem_t p = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &pl, &p), -1);
    ck_assert_int_eq(p.code, ERR_DUPLICATE); /* 23505 of the second insert */
    ck_assert_int_eq(pl.seen, 0);            /* the read did not succeed */
    ck_assert_int_eq(count_rows(), 0);
}
END_TEST

START_TEST(a_refusal_rolls_back_the_unread_writes)
{
    plan pl = {.nrows = 2, .ids = {1, 2}, .vs = {5, 6}, .refuse = true};
    problem_t p = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &pl, &p), -1);
    ck_assert_str_eq(p.name, "test.refused");
    ck_assert_int_eq(count_rows(), 0);

    plan again = {.nrows = 2, .ids = {1, 2}, .vs = {5, 6}, .read_after = true};
    problem_t q = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &again, &q), 0);
    ck_assert_int_eq(again.seen, 2);
    ck_assert_int_eq(count_rows(), 2);
}
END_TEST

static const db_stmt Q_SETTINGS = {
    "test_dbtx_settings",
    "SELECT current_setting('jit') AS jit, current_setting('TimeZone') AS tz,"
    " current_setting('search_path') AS path"};

START_TEST(pooled_connections_have_the_services_settings)
{
    db_conn *c = db_acquire(pool, 1000);
    ck_assert_ptr_nonnull(c);
    PGresult *res;
    problem_t p = {0};
    ck_assert_int_eq(db_query(c, &Q_SETTINGS, 0, NULL, &res, &p), 0);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "off"); /* no LLVM compile of a large estimate */
    ck_assert_str_eq(PQgetvalue(res, 0, 1), "Asia/Shanghai");
    ck_assert_str_eq(PQgetvalue(res, 0, 2), scratch_schema);
    PQclear(res);
    db_release(pool, c);
}
END_TEST

START_TEST(a_terminated_backend_is_replaced_and_the_transaction_run_again)
{
    plan first = {.nrows = 1, .ids = {1}, .vs = {5}};
    problem_t p = {0};
    ck_assert_int_eq(db_tx(pool, 1000, NULL, body, &first, &p), 0);
    char q[120];
    snprintf(q, sizeof q, "SELECT pg_terminate_backend(%d)", first.pid);
    scratch_exec(q);
    usleep(200 * 1000); /* the backend's farewell reaches the socket */

    plan second = {.nrows = 1, .ids = {2}, .vs = {6}, .read_after = true};
    problem_t p2 = {0};
    ck_assert_msg(db_tx(pool, 1000, NULL, body, &second, &p2) == 0, "%s", p2.detail);
    ck_assert_int_ne(second.pid, first.pid);
    ck_assert_int_eq(second.seen, 2);
    ck_assert_int_eq(count_rows(), 2);
}
END_TEST

/* A readiness probe on a busy pool: free, the connection is handed out;
 * out serving a request, the pool is "busy" at once, not after a wait;
 * broken and set aside, the probe is not told "busy" but waits for the
 * reconnect. */
START_TEST(a_pool_whose_connections_are_all_out_is_busy_until_one_breaks)
{
    bool busy = true;
    db_conn *probe = db_acquire_unless_busy(pool, 1000, &busy);
    ck_assert_ptr_nonnull(probe);
    ck_assert(!busy);
    db_release(pool, probe);

    db_conn *out = db_acquire(pool, 1000);
    ck_assert_ptr_nonnull(out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_ptr_null(db_acquire_unless_busy(pool, 1000, &busy));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert(busy);
    /* at once: far below the 1 s the probe may wait */
    ck_assert_int_lt((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000, 500);

    PGresult *res = db_exec(out, &Q_PID, 0, NULL);
    ck_assert_ptr_nonnull(res);
    char q[120];
    snprintf(q, sizeof q, "SELECT pg_terminate_backend(%s)", PQgetvalue(res, 0, 0));
    PQclear(res);
    scratch_exec(q);
    usleep(200 * 1000); /* the backend's farewell reaches the socket */
    PQclear(db_exec(out, &Q_PID, 0, NULL)); /* fails: the connection is broken */
    ck_assert(db_conn_broken(out));
    db_release(pool, out);
    probe = db_acquire_unless_busy(pool, 2000, &busy);
    ck_assert(!busy);
    ck_assert_ptr_nonnull(probe);
    db_release(pool, probe);
}
END_TEST

int main(void)
{
    log_init("test");
    Suite *s = suite_create("db_tx");
    TCase *tc = tcase_create("db_tx");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, writes_are_committed_and_read_back_inside);
    tcase_add_test(tc, a_failing_write_fails_the_commit_with_its_own_problem);
    tcase_add_test(tc, a_failing_write_fails_the_next_read);
    tcase_add_test(tc, a_refusal_rolls_back_the_unread_writes);
    tcase_add_test(tc, a_terminated_backend_is_replaced_and_the_transaction_run_again);
    tcase_add_test(tc, pooled_connections_have_the_services_settings);
    tcase_add_test(tc, a_pool_whose_connections_are_all_out_is_busy_until_one_breaks);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
