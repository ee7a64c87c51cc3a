/* A fresh production start has no demo office: the first administrator
 * comes from a secret file (ADMIN_INITIAL_PASSWORD_FILE), created only when
 * no active administrator exists. A second copy of identity stands for the
 * fresh start; the demo's administrators are set aside meanwhile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A second copy of identity, told the first administrator's name and secret
 * file, as a fresh start would be. */
static pid_t start_identity(int port, const char *user, const char *pwfile)
{
    const char *env[] = {h_fmt("ADMIN_INITIAL_USERNAME=%s", user),
                         h_fmt("ADMIN_INITIAL_PASSWORD_FILE=%s", pwfile), NULL};
    return h_start_copy("identity", port, "identity-first-admin.log", env);
}

START_TEST(first_admin_comes_from_a_secret_only_when_there_is_none)
{
    const char *user = h_fmt("root%d", (int)getpid());
    const char *pwfile = h_fmt("%s/first-admin-%d.password",
                               getenv("STATE_DIR") ? getenv("STATE_DIR") : "/tmp", (int)getpid());
    FILE *f = fopen(pwfile, "w");
    ck_assert_ptr_nonnull(f);
    fputs("a-long-first-secret\n", f);
    fclose(f);
    const char *p[] = {user};
    /* an administrator exists: nobody is created */
    int port = h_free_port();
    pid_t pid = start_identity(port, user, pwfile);
    h_stop_copy(pid);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.users WHERE username = $1", 1, p), 0);
    /* none is active: the first one is created from the secret, and logs in */
    char *set_aside = h_sql_str("WITH u AS (UPDATE identity.users SET active = false"
                                " WHERE is_admin AND active RETURNING id)"
                                " SELECT string_agg(id::text, ',') FROM u",
                                0, NULL);
    ck_assert_ptr_nonnull(set_aside);
    pid = start_identity(port, user, pwfile);
    resp_t *r = h_post(h_fmt("http://127.0.0.1:%d/api/v1/auth/login", port), NULL,
                       h_fmt("{\"username\":\"%s\",\"password\":\"a-long-first-secret\"}", user));
    long status = r->status;
    h_free(r);
    h_stop_copy(pid);
    const char *back[] = {set_aside};
    h_sql_ll("WITH u AS (UPDATE identity.users SET active = true"
             " WHERE id = ANY (string_to_array($1, ',')::bigint[]) RETURNING 1)"
             " SELECT count(*) FROM u",
             1, back);
    free(set_aside);
    h_sql(h_fmt("UPDATE identity.users SET active = false WHERE username = '%s'", user));
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.users WHERE username = $1"
                              " AND is_admin",
                              1, p),
                     1);
    ck_assert_int_eq(status, 200);
    unlink(pwfile);
    sleep(2); /* the services see admin active again */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_first_admin");
    TCase *tc = tcase_create("first_admin");
    tcase_set_timeout(tc, 90);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, first_admin_comes_from_a_secret_only_when_there_is_none);
    suite_add_tcase(s, tc);
    return h_run(s);
}
