/* Login, lock-out, the token negative matrix, refresh rotation, logout. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* A fresh user (created by the admin) so that lock-outs and deactivations
 * touch nobody else. Returns its id; the name is written to name. */
static long long new_user(char *name, size_t cap)
{
    static int seq;
    snprintf(name, cap, "t%d_%ld_%d", (int)getpid(), (long)time(NULL) % 100000, seq++);
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

static resp_t *login(const char *user, const char *password)
{
    return h_post("/api/v1/auth/login", NULL,
                  h_fmt("{\"username\":\"%s\",\"password\":\"%s\"}", user, password));
}

START_TEST(login_success_shape)
{
    resp_t *r = login("zonghe1", "demo123");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "token_type"), "Bearer");
    ck_assert_int_eq(h_int(r, "expires_in"), 900);
    ck_assert(strlen(h_str(r, "access_token")) > 100);
    ck_assert(strlen(h_str(r, "refresh_token")) >= 40);
    ck_assert_ptr_nonnull(h_header(r, "X-Request-Id"));
    resp_t *me = h_get("/api/v1/me", h_str(r, "access_token"));
    ck_status(me, 200);
    ck_assert_str_eq(h_str(me, "username"), "zonghe1");
    ck_assert_ptr_null(json_object_get(me->json, "password_hash"));
    h_free(me);
    h_free(r);
}
END_TEST

START_TEST(login_failure_shapes_are_the_same)
{
    resp_t *a = login("zonghe2", "wrong-password");
    resp_t *b = login("no_such_user_xyz", "demo123");
    ck_assert(h_problem(a, 401, "auth.bad_credentials", NULL, NULL));
    ck_assert(h_problem(b, 401, "auth.bad_credentials", NULL, NULL));
    ck_assert_str_eq(h_str(a, "detail"), h_str(b, "detail"));
    ck_assert_ptr_null(json_object_get(a->json, "access_token"));
    h_free(a);
    h_free(b);
    resp_t *c = h_post("/api/v1/auth/login", NULL, "{\"username\":\"zonghe2\"}");
    ck_assert(h_problem(c, 400, "request.invalid", NULL, "password"));
    h_free(c);
}
END_TEST

START_TEST(lockout_after_repeated_failures)
{
    char name[64];
    new_user(name, sizeof name);
    for (int i = 0; i < 5; i++) {
        resp_t *r = login(name, "wrong-password");
        ck_status(r, 401);
        h_free(r);
    }
    /* locked: even the right password is refused, with Retry-After */
    resp_t *r = login(name, "secret-pass-1");
    ck_assert(h_problem(r, 429, "auth.locked_out", NULL, NULL));
    const char *ra = h_header(r, "Retry-After");
    ck_assert_ptr_nonnull(ra);
    ck_assert_int_gt(atoi(ra), 0);
    h_free(r);
    /* the test configuration locks for 5 seconds */
    sleep(6);
    r = login(name, "secret-pass-1");
    ck_status(r, 200);
    h_free(r);
}
END_TEST

/* ---- the token negative matrix: each refused with the same 401 body ---- */

static void expect_401(const char *token, const char *what)
{
    resp_t *r = h_get("/api/v1/me", token);
    ck_assert_msg(h_problem(r, 401, "auth.unauthenticated", NULL, NULL), "%s: %ld %s", what,
                  r->status, r->body);
    ck_assert_str_eq(h_str(r, "detail"), "a valid access token is required");
    ck_assert_str_eq(h_str(r, "title"), "Authentication required");
    h_free(r);
}

static char *claims(long long exp_delta, long long nbf_delta, const char *iss, const char *aud,
                    const char *alg)
{
    long long now = (long long)time(NULL);
    return h_sign(h_fmt("{\"sub\":\"%lld\",\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%lld,"
                        "\"nbf\":%lld,\"username\":\"zonghe1\",\"position\":\"staff\"}",
                        h_user_id("zonghe1"), iss, aud, now + exp_delta, now + nbf_delta),
                  alg);
}

START_TEST(token_matrix_valid_forged_token_accepted)
{
    /* the control: our forging works, so the refusals below mean something */
    char *t = claims(300, -5, "oa-identity", "oa-api", "RS256");
    resp_t *r = h_get("/api/v1/me", t);
    ck_status(r, 200);
    h_free(r);
    free(t);
}
END_TEST

START_TEST(token_matrix_refusals)
{
    expect_401(NULL, "no token");
    char *t;
    t = claims(300, -5, "oa-identity", "oa-api", "none");
    expect_401(t, "alg none");
    free(t);
    /* HS256 keyed with the public key text */
    {
        const char *pem = h_public_pem();
        ck_assert_ptr_nonnull(pem);
        jwt_t *jwt;
        jwt_new(&jwt);
        long long now = (long long)time(NULL);
        jwt_add_grants_json(jwt, h_fmt("{\"sub\":\"%lld\",\"iss\":\"oa-identity\","
                                       "\"aud\":\"oa-api\",\"exp\":%lld}",
                                       h_user_id("zonghe1"), now + 300));
        jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)pem, (int)strlen(pem));
        t = jwt_encode_str(jwt);
        jwt_free(jwt);
        expect_401(t, "HS256 with the public key");
        free(t);
    }
    /* beyond the 30 s clock-skew allowance */
    t = claims(-40, -100, "oa-identity", "oa-api", "RS256");
    expect_401(t, "expired");
    free(t);
    t = claims(600, 300, "oa-identity", "oa-api", "RS256");
    expect_401(t, "nbf in the future");
    free(t);
    t = claims(300, -5, "evil-issuer", "oa-api", "RS256");
    expect_401(t, "wrong iss");
    free(t);
    t = claims(300, -5, "oa-identity", "other-api", "RS256");
    expect_401(t, "wrong aud");
    free(t);
    t = claims(300, -5, "oa-identity", "oa-api", "RS256");
    size_t n = strlen(t);
    t[n - 3] = t[n - 3] == 'x' ? 'y' : 'x';
    expect_401(t, "changed signature");
    free(t);
    char *big = malloc(16 * 1024 + 1);
    memset(big, 'A', 16 * 1024);
    big[16 * 1024] = '\0';
    expect_401(big, "16 KB token");
    free(big);
    expect_401("not-a-token", "garbage");
}
END_TEST

START_TEST(token_matrix_deactivated_user)
{
    char name[64];
    long long id = new_user(name, sizeof name);
    resp_t *r = login(name, "secret-pass-1");
    ck_status(r, 200);
    char *access = strdup(h_str(r, "access_token"));
    char *refresh = strdup(h_str(r, "refresh_token"));
    h_free(r);
    r = h_get("/api/v1/me", access);
    ck_status(r, 200);
    h_free(r);
    r = h_patch(h_fmt("/api/v1/users/%lld", id), h_token("admin"), "{\"active\":false}");
    ck_status(r, 200);
    h_free(r);
    /* the services refresh the deactivated set every second in tests */
    sleep(3);
    expect_401(access, "deactivated user");
    r = h_post("/api/v1/auth/refresh", NULL, h_fmt("{\"refresh_token\":\"%s\"}", refresh));
    ck_assert(h_problem(r, 401, "auth.bad_refresh_token", NULL, NULL));
    h_free(r);
    r = login(name, "secret-pass-1");
    ck_status(r, 401);
    h_free(r);
    free(access);
    free(refresh);
}
END_TEST

START_TEST(refresh_rotates_and_reuse_revokes_family)
{
    resp_t *r = login("zonghe2", "demo123");
    ck_status(r, 200);
    char *first = strdup(h_str(r, "refresh_token"));
    h_free(r);
    r = h_post("/api/v1/auth/refresh", NULL, h_fmt("{\"refresh_token\":\"%s\"}", first));
    ck_status(r, 200);
    char *second = strdup(h_str(r, "refresh_token"));
    ck_assert_str_ne(first, second);
    ck_assert(strlen(h_str(r, "access_token")) > 100);
    h_free(r);
    /* the first token again: reuse, so the whole family is revoked */
    r = h_post("/api/v1/auth/refresh", NULL, h_fmt("{\"refresh_token\":\"%s\"}", first));
    ck_assert(h_problem(r, 401, "auth.bad_refresh_token", NULL, NULL));
    h_free(r);
    r = h_post("/api/v1/auth/refresh", NULL, h_fmt("{\"refresh_token\":\"%s\"}", second));
    ck_assert(h_problem(r, 401, "auth.bad_refresh_token", NULL, NULL));
    h_free(r);
    free(first);
    free(second);
}
END_TEST

START_TEST(logout_revokes_refresh_token)
{
    resp_t *r = login("zonghe2", "demo123");
    char *refresh = strdup(h_str(r, "refresh_token"));
    h_free(r);
    r = h_post("/api/v1/auth/logout", NULL, h_fmt("{\"refresh_token\":\"%s\"}", refresh));
    ck_status(r, 204);
    h_free(r);
    r = h_post("/api/v1/auth/refresh", NULL, h_fmt("{\"refresh_token\":\"%s\"}", refresh));
    ck_assert(h_problem(r, 401, "auth.bad_refresh_token", NULL, NULL));
    h_free(r);
    r = h_post("/api/v1/auth/refresh", NULL, "{\"refresh_token\":\"\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "refresh_token"));
    h_free(r);
    free(refresh);
}
END_TEST

START_TEST(jwks_publishes_the_key)
{
    resp_t *r = h_get("/api/v1/.well-known/jwks.json", NULL);
    ck_status(r, 200);
    json_t *k = json_array_get(json_object_get(r->json, "keys"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(k, "kty")), "RSA");
    ck_assert_str_eq(json_string_value(json_object_get(k, "alg")), "RS256");
    ck_assert_str_eq(json_string_value(json_object_get(k, "e")), "AQAB");
    ck_assert(strlen(json_string_value(json_object_get(k, "n"))) > 300);
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_auth");
    TCase *tc = tcase_create("auth");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, login_success_shape);
    tcase_add_test(tc, login_failure_shapes_are_the_same);
    tcase_add_test(tc, lockout_after_repeated_failures);
    tcase_add_test(tc, token_matrix_valid_forged_token_accepted);
    tcase_add_test(tc, token_matrix_refusals);
    tcase_add_test(tc, token_matrix_deactivated_user);
    tcase_add_test(tc, refresh_rotates_and_reuse_revokes_family);
    tcase_add_test(tc, logout_revokes_refresh_token);
    tcase_add_test(tc, jwks_publishes_the_key);
    suite_add_tcase(s, tc);
    return h_run(s);
}
