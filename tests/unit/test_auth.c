/* Token verification: RS256 pinned, exp, nbf, iss, aud, the cache and the
 * deactivated set. */
#include <check.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "test_keys.h"
#include "unit_run.h"

#define ISS "oa-identity"
#define AUD "oa-api"

static auth_verifier *v;
static const long long NOW = 1800000000;

static void setup(void)
{
    v = auth_verifier_new(test_public_pem, strlen(test_public_pem), ISS, AUD, 64);
    ck_assert_ptr_nonnull(v);
}

static void teardown(void)
{
    auth_verifier_free(v);
}

static caller_t someone(void)
{
    caller_t c = {.id = 42, .department_id = 7, .is_secretary = true, .serves_leader_id = 3,
                  .external = true};
    strcpy(c.username, "zonghe1");
    strcpy(c.position, "staff");
    return c;
}

/* A token with the given claims, signed with key under alg. */
static char *forge(const char *alg, const char *key, long long exp, long long nbf,
                   const char *iss, const char *aud)
{
    jwt_t *jwt;
    jwt_new(&jwt);
    jwt_add_grant(jwt, "sub", "42");
    if (iss)
        jwt_add_grant(jwt, "iss", iss);
    if (aud)
        jwt_add_grant(jwt, "aud", aud);
    jwt_add_grant_int(jwt, "exp", (long)exp);
    if (nbf)
        jwt_add_grant_int(jwt, "nbf", (long)nbf);
    jwt_set_alg(jwt, jwt_str_alg(alg), (const unsigned char *)key, key ? (int)strlen(key) : 0);
    char *s = jwt_encode_str(jwt);
    jwt_free(jwt);
    return s;
}

static bool accepted(char *token)
{
    caller_t c;
    bool ok = token && auth_verify(v, token, &c, NOW) == 0;
    free(token);
    return ok;
}

START_TEST(minted_token_verifies_with_claims)
{
    caller_t in = someone(), out;
    char *t = auth_mint(test_private_pem, strlen(test_private_pem), ISS, AUD, &in, NOW, 900);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(auth_verify(v, t, &out, NOW), 0);
    ck_assert_int_eq(out.id, 42);
    ck_assert_str_eq(out.username, "zonghe1");
    ck_assert_str_eq(out.position, "staff");
    ck_assert_int_eq(out.department_id, 7);
    ck_assert(out.is_secretary);
    ck_assert(!out.is_admin);
    ck_assert_int_eq(out.serves_leader_id, 3);
    ck_assert(out.external);
    /* a second check is served from the cache and still honours exp */
    ck_assert_int_eq(auth_verify(v, t, &out, NOW + 10), 0);
    ck_assert_int_eq(auth_verify(v, t, &out, NOW + 900), -1);
    free(t);
}
END_TEST

START_TEST(expired_and_not_yet_valid_refused)
{
    ck_assert(accepted(forge("RS256", test_private_pem, NOW + 60, 0, ISS, AUD)));
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW - 1, 0, ISS, AUD)));
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW + 60, NOW + 30, ISS, AUD)));
}
END_TEST

START_TEST(clock_skew_allowance_is_bounded)
{
    auth_set_leeway(v, 30);
    /* expired 10 s ago or valid in 20 s by the issuer's clock: accepted */
    ck_assert(accepted(forge("RS256", test_private_pem, NOW - 10, 0, ISS, AUD)));
    ck_assert(accepted(forge("RS256", test_private_pem, NOW + 60, NOW + 20, ISS, AUD)));
    /* beyond the allowance: refused */
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW - 31, 0, ISS, AUD)));
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW + 60, NOW + 31, ISS, AUD)));
    auth_set_leeway(v, 0);
}
END_TEST

START_TEST(issuer_and_audience_pinned)
{
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW + 60, 0, "someone-else", AUD)));
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW + 60, 0, ISS, "other-api")));
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW + 60, 0, NULL, AUD)));
    ck_assert(!accepted(forge("RS256", test_private_pem, NOW + 60, 0, ISS, NULL)));
}
END_TEST

START_TEST(algorithm_confusion_refused)
{
    /* HS256 keyed with the public key text: valid HMAC, wrong algorithm */
    ck_assert(!accepted(forge("HS256", test_public_pem, NOW + 60, 0, ISS, AUD)));
    ck_assert(!accepted(forge("none", NULL, NOW + 60, 0, ISS, AUD)));
    ck_assert(!accepted(forge("RS256", other_private_pem, NOW + 60, 0, ISS, AUD)));
}
END_TEST

START_TEST(tampered_and_oversized_refused)
{
    char *t = forge("RS256", test_private_pem, NOW + 60, 0, ISS, AUD);
    size_t n = strlen(t);
    t[n - 5] = t[n - 5] == 'A' ? 'B' : 'A';
    ck_assert(!accepted(t));
    char *big = malloc(16 * 1024 + 1);
    memset(big, 'a', 16 * 1024);
    big[16 * 1024] = '\0';
    ck_assert(!accepted(big));
    caller_t c;
    ck_assert_int_eq(auth_verify(v, "", &c, NOW), -1);
    ck_assert_int_eq(auth_verify(v, "a.b.c", &c, NOW), -1);
}
END_TEST

START_TEST(deactivated_user_refused_even_when_cached)
{
    caller_t in = someone(), out;
    char *t = auth_mint(test_private_pem, strlen(test_private_pem), ISS, AUD, &in, NOW, 900);
    ck_assert_int_eq(auth_verify(v, t, &out, NOW), 0);
    long long ids[] = {5, 42, 77};
    auth_set_inactive(v, ids, 3);
    ck_assert(auth_is_inactive(v, 42));
    ck_assert(!auth_is_inactive(v, 43));
    ck_assert_int_eq(auth_verify(v, t, &out, NOW), -1);
    auth_set_inactive(v, NULL, 0);
    ck_assert_int_eq(auth_verify(v, t, &out, NOW), 0);
    free(t);
}
END_TEST

START_TEST(cache_keeps_many_callers_apart)
{
    /* 48 tokens in a 64-entry cache: sets hold several tokens each, and
     * every hit must give back its own caller. */
    char *t[48];
    for (int i = 0; i < 48; i++) {
        caller_t in = someone();
        in.id = 1000 + i;
        snprintf(in.username, sizeof in.username, "user%d", i);
        t[i] = auth_mint(test_private_pem, strlen(test_private_pem), ISS, AUD, &in, NOW, 900);
        ck_assert_ptr_nonnull(t[i]);
    }
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 48; i++) {
            caller_t out;
            char name[16];
            snprintf(name, sizeof name, "user%d", i);
            ck_assert_int_eq(auth_verify(v, t[i], &out, NOW + round), 0);
            ck_assert_int_eq(out.id, 1000 + i);
            ck_assert_str_eq(out.username, name);
        }
    for (int i = 0; i < 48; i++)
        free(t[i]);
}
END_TEST

/* A compact JWS with exactly the given header and payload (JSON texts),
 * signed RS256 with the test key, built by hand so the header can say
 * anything. Malloc'd. */
static char *sign_raw(const char *header, const char *payload)
{
    const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    size_t hl = strlen(header), pl = strlen(payload);
    size_t cap = sodium_base64_ENCODED_LEN(hl, variant) + sodium_base64_ENCODED_LEN(pl, variant) +
                 sodium_base64_ENCODED_LEN(512, variant) + 2;
    char *out = malloc(cap);
    sodium_bin2base64(out, cap, (const unsigned char *)header, hl, variant);
    strcat(out, ".");
    size_t n = strlen(out);
    sodium_bin2base64(out + n, cap - n, (const unsigned char *)payload, pl, variant);
    gnutls_privkey_t key;
    gnutls_datum_t pem = {(unsigned char *)test_private_pem, (unsigned)strlen(test_private_pem)};
    gnutls_datum_t data = {(unsigned char *)out, (unsigned)strlen(out)}, sig = {0};
    ck_assert_int_ge(gnutls_privkey_init(&key), 0);
    ck_assert_int_ge(gnutls_privkey_import_x509_raw(key, &pem, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
    ck_assert_int_ge(gnutls_privkey_sign_data(key, GNUTLS_DIG_SHA256, 0, &data, &sig), 0);
    strcat(out, ".");
    n = strlen(out);
    sodium_bin2base64(out + n, cap - n, sig.data, sig.size, variant);
    gnutls_free(sig.data);
    gnutls_privkey_deinit(key);
    return out;
}

START_TEST(header_type_and_shape_checked)
{
    const char *claims = "{\"sub\":\"42\",\"iss\":\"" ISS "\",\"aud\":\"" AUD
                         "\",\"exp\":1800000060}";
    ck_assert(accepted(sign_raw("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims)));
    ck_assert(accepted(sign_raw("{\"alg\":\"RS256\",\"typ\":\"jwt\"}", claims)));
    ck_assert(accepted(sign_raw("{\"alg\":\"RS256\"}", claims)));
    ck_assert(!accepted(sign_raw("{\"alg\":\"RS256\",\"typ\":\"JWS\"}", claims)));
    ck_assert(!accepted(sign_raw("{\"alg\":\"HS256\"}", claims)));
    ck_assert(!accepted(sign_raw("{\"alg\":\"none\"}", claims)));
    ck_assert(!accepted(sign_raw("{\"typ\":\"JWT\"}", claims)));
    ck_assert(!accepted(sign_raw("{\"alg\":\"RS256\"}", "[1,2]")));
    ck_assert(!accepted(sign_raw("{\"alg\":\"RS256\"}", "{\"sub\":\"42\"}")));
    /* a fourth part, or a missing signature, is not a compact JWS */
    char *t = forge("RS256", test_private_pem, NOW + 60, 0, ISS, AUD);
    size_t n = strlen(t);
    char *longer = malloc(n + 3);
    snprintf(longer, n + 3, "%s.x", t);
    ck_assert(!accepted(longer));
    *strrchr(t, '.') = '\0';
    ck_assert(!accepted(t));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("verify");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, minted_token_verifies_with_claims);
    tcase_add_test(tc, expired_and_not_yet_valid_refused);
    tcase_add_test(tc, clock_skew_allowance_is_bounded);
    tcase_add_test(tc, issuer_and_audience_pinned);
    tcase_add_test(tc, algorithm_confusion_refused);
    tcase_add_test(tc, tampered_and_oversized_refused);
    tcase_add_test(tc, deactivated_user_refused_even_when_cached);
    tcase_add_test(tc, cache_keeps_many_callers_apart);
    tcase_add_test(tc, header_type_and_shape_checked);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
