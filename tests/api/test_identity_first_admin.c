/* A fresh production start has no demo office: the first administrator
 * comes from a secret file (ADMIN_INITIAL_PASSWORD_FILE), created only when
 * no active administrator exists. A second copy of identity stands for the
 * fresh start; the demo's administrators are set aside meanwhile. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

static pid_t start_identity(int port, const char *user, const char *pwfile)
{
    const char *admin = getenv("ADMIN_DATABASE_URL"), *repo = getenv("REPO_DIR");
    const char *pw = getenv("DB_IDENTITY_PASSWORD");
    ck_assert_ptr_nonnull(admin);
    ck_assert_ptr_nonnull(repo);
    ck_assert_ptr_nonnull(pw);
    const char *at = strchr(admin, '@');
    ck_assert_ptr_nonnull(at);
    const char *url = h_fmt("postgresql://identity:%s%s", pw, at);
    const char *bin = getenv("BIN_DIR") ? h_fmt("%s/identity", getenv("BIN_DIR"))
                                        : h_fmt("%s/build/asan/bin/identity", repo);
    const char *port_s = h_fmt("%d", port);
    const char *log = h_fmt("%s/logs/identity-first-admin.log",
                            getenv("STATE_DIR") ? getenv("STATE_DIR") : "/tmp");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setenv("DATABASE_URL", url, 1);
        setenv("PORT", port_s, 1);
        setenv("BIND_ADDR", "127.0.0.1", 1);
        setenv("ADMIN_INITIAL_USERNAME", user, 1);
        setenv("ADMIN_INITIAL_PASSWORD_FILE", pwfile, 1);
        setenv("LOG_LEVEL", "warn", 1);
        unsetenv("MIGRATIONS_DIR");
        if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        resp_t *r = h_get(h_fmt("http://127.0.0.1:%d/readyz", port), NULL);
        long st = r->status;
        h_free(r);
        if (st == 200)
            return pid;
        usleep(100000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ck_abort_msg("the second copy of identity did not become ready");
    return -1;
}

static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
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
    int port = free_port();
    pid_t pid = start_identity(port, user, pwfile);
    stop(pid);
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
    stop(pid);
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
