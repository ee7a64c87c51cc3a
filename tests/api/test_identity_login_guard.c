/* Login lock-outs and delays against the attacks they are for: parallel
 * guesses, locking another person out, telling real usernames from unknown
 * ones by their 429, and one address flooding the login. The test runner's
 * own address is exempt from the gateway's login limit and is its trusted
 * proxy: a request with X-Forwarded-For stands for a client at that
 * address. The test configuration locks for 5 seconds. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MAX_FAILURES 5 /* LOGIN_MAX_FAILURES */
#define DELAY_AFTER 10 /* LOGIN_DELAY_AFTER_FAILURES */
#define LOCKOUT_S 5    /* LOGIN_LOCKOUT_SECONDS in tests */

static long long new_user(char *name, size_t cap)
{
    static int seq;
    snprintf(name, cap, "g%d_%ld_%d", (int)getpid(), (long)time(NULL) % 100000, seq++);
    resp_t *r = h_post("/api/v1/users", h_token("admin"),
                       h_fmt("{\"username\":\"%s\",\"display_name\":\"测试用户\","
                             "\"password\":\"secret-pass-1\",\"position\":\"staff\","
                             "\"department_id\":%lld}",
                             name, h_sql_ll("SELECT id FROM identity.departments WHERE name='综合科'",
                                            0, NULL)));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* A login from addr (NULL: the test runner itself). */
static resp_t *login_from(const char *addr, const char *user, const char *password)
{
    const char *xff[] = {addr ? h_fmt("X-Forwarded-For: %s", addr) : NULL, NULL};
    return h_req("POST", "/api/v1/auth/login", NULL,
                 h_fmt("{\"username\":\"%s\",\"password\":\"%s\"}", user, password),
                 addr ? xff : NULL);
}

static long long audit_count(const char *entity_type, long long id, const char *action)
{
    char e[24];
    snprintf(e, sizeof e, "%lld", id);
    const char *params[] = {entity_type, e, action};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type = $1"
                    " AND entity_id = $2::bigint AND action = $3",
                    3, params);
}

typedef struct guess {
    const char *user;
    long status;
} guess;

static void *guess_once(void *arg)
{
    guess *g = arg;
    resp_t *r = login_from(NULL, g->user, "wrong-password");
    g->status = r->status;
    h_free(r);
    return NULL;
}

START_TEST(test_login_lockout_holds_against_50_parallel_guesses)
{
    char name[64];
    long long id = new_user(name, sizeof name);
    enum { N = 50 };
    guess g[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        g[i] = (guess){.user = name};
        ck_assert_int_eq(pthread_create(&th[i], NULL, guess_once, &g[i]), 0);
    }
    int wrong = 0, locked = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        wrong += g[i].status == 401;
        locked += g[i].status == 429;
    }
    /* every attempt was counted before its password was checked: no more
     * passwords were checked than the lock-out allows */
    ck_assert_msg(wrong <= MAX_FAILURES, "%d wrong passwords were checked", wrong);
    ck_assert_int_eq(wrong + locked, N);
    ck_assert_int_le(audit_count("user", id, "login_failed"), MAX_FAILURES);
    ck_assert_int_ge(audit_count("user", id, "login_locked"), 1);
    /* the right password is refused until the lock ends */
    resp_t *r = login_from(NULL, name, "secret-pass-1");
    ck_assert(h_problem(r, 429, "auth.locked_out", NULL, NULL));
    ck_assert_ptr_nonnull(h_header(r, "Retry-After"));
    h_free(r);
    sleep(LOCKOUT_S + 1);
    r = login_from(NULL, name, "secret-pass-1");
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_login_lockout_by_an_attacker_spares_the_owner_elsewhere)
{
    char name[64];
    new_user(name, sizeof name);
    for (int i = 0; i < MAX_FAILURES; i++) {
        resp_t *r = login_from("203.0.113.10", name, "wrong-password");
        ck_status(r, 401);
        h_free(r);
    }
    resp_t *r = login_from("203.0.113.10", name, "secret-pass-1");
    ck_status(r, 429);
    h_free(r);
    /* the owner, from his own address, is not locked out */
    r = login_from("198.51.100.20", name, "secret-pass-1");
    ck_status(r, 200);
    h_free(r);
}
END_TEST

/* The detail with its digits taken out. */
static char *undigit(const char *s)
{
    char *out = strdup(s ? s : "");
    char *w = out;
    for (const char *p = out; *p; p++)
        if (*p < '0' || *p > '9')
            *w++ = *p;
    *w = '\0';
    return out;
}

START_TEST(test_login_429_for_an_unknown_username_looks_like_a_real_ones)
{
    char real[64], unknown[80];
    long long id = new_user(real, sizeof real);
    snprintf(unknown, sizeof unknown, "nobody_%s", real);
    resp_t *last[2] = {NULL, NULL};
    const char *names[2] = {real, unknown}, *addrs[2] = {"203.0.113.12", "203.0.113.13"};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < MAX_FAILURES; i++) {
            resp_t *r = login_from(addrs[k], names[k], "wrong-password");
            ck_assert(h_problem(r, 401, "auth.bad_credentials", NULL, NULL));
            h_free(r);
        }
        last[k] = login_from(addrs[k], names[k], "wrong-password");
        ck_assert(h_problem(last[k], 429, "auth.locked_out", NULL, NULL));
    }
    ck_assert_str_eq(h_str(last[0], "title"), h_str(last[1], "title"));
    char *a = undigit(h_str(last[0], "detail")), *b = undigit(h_str(last[1], "detail"));
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    ck_assert_ptr_nonnull(h_header(last[0], "Retry-After"));
    ck_assert_ptr_nonnull(h_header(last[1], "Retry-After"));
    h_free(last[0]);
    h_free(last[1]);
    /* both are in the audit trail, the unknown name by name */
    ck_assert_int_eq(audit_count("user", id, "login_failed"), MAX_FAILURES);
    ck_assert_int_ge(audit_count("user", id, "login_locked"), 1);
    const char *params[] = {unknown};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type = 'login_name'"
                              " AND action = 'login_failed' AND after->>'username' = $1"
                              " AND after->>'address' = '203.0.113.13'",
                              1, params),
                     MAX_FAILURES);
}
END_TEST

START_TEST(test_login_many_failures_delay_new_addresses_but_not_a_known_one)
{
    char name[64];
    new_user(name, sizeof name);
    resp_t *r = login_from("198.51.100.30", name, "secret-pass-1");
    ck_status(r, 200);
    h_free(r);
    /* a guess from each of many addresses: none is locked out, but the
     * username slows down */
    int first_delay = -1;
    for (int i = 0; i < DELAY_AFTER + 4; i++) {
        r = login_from(h_fmt("203.0.113.%d", 100 + i), name, "wrong-password");
        ck_assert_msg(r->status == 401 || r->status == 429, "%ld %s", r->status, r->body);
        if (r->status == 429 && first_delay < 0)
            first_delay = i;
        h_free(r);
    }
    ck_assert_msg(first_delay < 0 || first_delay >= DELAY_AFTER, "delayed after %d failures",
                  first_delay);
    r = login_from("203.0.113.200", name, "secret-pass-1");
    ck_assert(h_problem(r, 429, "auth.locked_out", NULL, NULL));
    h_free(r);
    /* the owner's usual address is not delayed */
    r = login_from("198.51.100.30", name, "secret-pass-1");
    ck_status(r, 200);
    h_free(r);
    /* and his success ends the delay everywhere */
    r = login_from("203.0.113.201", name, "secret-pass-1");
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_login_flood_from_one_address_is_limited_at_the_gateway)
{
    int limited = 0;
    for (int i = 0; i < 20; i++) {
        resp_t *r = h_req("POST", "/api/v1/auth/login", NULL, "{\"username\":\"zonghe1\"}",
                          (const char *const[]){"X-Forwarded-For: 192.0.2.50", NULL});
        if (r->status == 429) {
            ck_assert(h_problem(r, 429, "request.rate_limited", NULL, NULL));
            ck_assert_ptr_nonnull(h_header(r, "Retry-After"));
            limited++;
        } else {
            ck_status(r, 400);
        }
        h_free(r);
    }
    ck_assert_int_gt(limited, 0);
    /* another address is not limited by it */
    resp_t *r = h_req("POST", "/api/v1/auth/login", NULL, "{\"username\":\"zonghe1\"}",
                      (const char *const[]){"X-Forwarded-For: 192.0.2.51", NULL});
    ck_status(r, 400);
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_login_guard");
    TCase *tc = tcase_create("login_guard");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_login_lockout_holds_against_50_parallel_guesses);
    tcase_add_test(tc, test_login_lockout_by_an_attacker_spares_the_owner_elsewhere);
    tcase_add_test(tc, test_login_429_for_an_unknown_username_looks_like_a_real_ones);
    tcase_add_test(tc, test_login_many_failures_delay_new_addresses_but_not_a_known_one);
    tcase_add_test(tc, test_login_flood_from_one_address_is_limited_at_the_gateway);
    suite_add_tcase(s, tc);
    return h_run(s);
}
