/* Idempotency-Key against replaying another object's answer: a key belongs
 * to its caller, the concrete path and the body, and it expires. */
#include "test_seals_fixtures.h"

static resp_t *hand_over_with(long long seal, const char *key, const char *note)
{
    const char *const hdr[] = {sf("Idempotency-Key: %s", key), NULL};
    return h_req("POST", sf("/api/v1/seals/%lld/handovers", seal), h_token("custodian"),
                 sf("{\"to_user_id\":%lld,\"note\":\"%s\"}", h_user_id("wenmi1"), note), hdr);
}

static long long keys_named(const char *key)
{
    const char *p[] = {key};
    return h_sql_ll("SELECT count(*) FROM seals.idempotency_keys WHERE key = $1", 1, p);
}

START_TEST(idempotency_key_reused_on_another_path_is_not_replayed)
{
    long long a = new_seal("government_office", "custodian", NULL);
    long long b = new_seal("government_office", "custodian", NULL);
    const char *key = unique("hk");
    resp_t *r1 = hand_over_with(a, key, "交接登记");
    ck_status(r1, 201);
    ck_assert_int_eq(h_int(r1, "seal_id"), a);
    /* the same key on seal 2 is seal 2's own handover, not seal 1's answer */
    resp_t *r2 = hand_over_with(b, key, "交接登记");
    ck_status(r2, 201);
    ck_assert_int_eq(h_int(r2, "seal_id"), b);
    ck_assert_int_ne(h_int(r2, "id"), h_int(r1, "id"));
    /* the same request again is answered as the first time */
    resp_t *r3 = hand_over_with(a, key, "交接登记");
    ck_status(r3, 201);
    ck_assert_int_eq(h_int(r3, "id"), h_int(r1, "id"));
    /* the same key with another body is refused, and changes nothing */
    const char *p[] = {id_text(a)};
    long long before = h_sql_ll("SELECT count(*) FROM seals.seal_handovers WHERE seal_id = $1", 1, p);
    resp_t *r4 = hand_over_with(a, key, "另一个备注");
    ck_assert(h_problem(r4, 422, "request.idempotency_key_reused", NULL, NULL));
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.seal_handovers WHERE seal_id = $1", 1, p),
                     before);
    h_free(r1);
    h_free(r2);
    h_free(r3);
    h_free(r4);
}
END_TEST

START_TEST(idempotency_keys_expire_and_are_swept)
{
    long long a = new_seal("government_office", "custodian", NULL);
    const char *key = unique("ek");
    resp_t *r = hand_over_with(a, key, "交接登记");
    ck_status(r, 201);
    h_free(r);
    ck_assert_int_eq(keys_named(key), 1);
    /* a fresh key is kept for IDEMPOTENCY_TTL_SECONDS (24 h) */
    const char *p[] = {key};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.idempotency_keys WHERE key = $1"
                              " AND expires_at > now() + interval '23 hours'",
                              1, p),
                     1);
    h_sql(sf("UPDATE seals.idempotency_keys SET expires_at = now() - interval '1 second'"
             " WHERE key = '%s'",
             key));
    /* an expired key no longer replays: the request is judged anew (the
     * handover it started is still pending) */
    r = hand_over_with(a, key, "交接登记");
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
    h_sql(sf("UPDATE seals.idempotency_keys SET expires_at = now() - interval '1 second'"
             " WHERE key = '%s'",
             key));
    /* the sweep (every second in tests) removes it */
    long long left = 1;
    for (int i = 0; i < 50 && left; i++) {
        usleep(200 * 1000);
        left = keys_named(key);
    }
    ck_assert_int_eq(left, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_idempotency");
    TCase *tc = tcase_create("idempotency");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, idempotency_key_reused_on_another_path_is_not_replayed);
    tcase_add_test(tc, idempotency_keys_expire_and_are_swept);
    suite_add_tcase(s, tc);
    return h_run(s);
}
