/* Nobody approves their own seal use or introduction letter (R-SEAL-2,
 * R-LET-2): the requester is refused, and when he is the only one who could
 * approve, the request goes one level up. Users of external units file
 * neither. */
#include "test_seals_fixtures.h"

static char *approver_role(long long id)
{
    const char *p[] = {id_text(id)};
    return h_sql_str("SELECT approver_role FROM seals.seal_requests WHERE id = $1", 1, p);
}

START_TEST(test_R_SEAL_2_requester_cannot_approve_or_reject_own_request)
{
    long long seal = new_seal("other", "custodian",
                              sf("[%lld,%lld]", h_user_id("deputy3"), h_user_id("wenmi_chief")));
    long long id = new_request("wenmi_chief", seal, "general", 2);
    resp_t *r = request_act(id, "approve", "wenmi_chief", NULL);
    ck_assert(h_problem(r, 403, "seal.own_request", "R-SEAL-2", NULL));
    h_free(r);
    r = request_act(id, "reject", "wenmi_chief", NULL);
    ck_assert(h_problem(r, 403, NULL, "R-SEAL-2", NULL));
    h_free(r);
    assert_request_state(id, "pending");
    /* not on his own list of requests to approve, nor notified of it */
    ck_assert(!h_lists("/api/v1/seal-requests?to_approve=true&limit=200", h_token("wenmi_chief"), id));
    ck_assert_int_eq(notes("wenmi_chief", "seal_request_to_approve", "seal_request", id), 0);
    /* the other approver decides */
    ck_assert(h_lists("/api/v1/seal-requests?to_approve=true&limit=200", h_token("deputy3"), id));
    r = request_act(id, "approve", "deputy3", NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_2_sole_approver_own_request_goes_one_level_up)
{
    /* an other seal whose only approver asks to use it: the office director */
    long long seal = new_seal("other", "custodian", sf("[%lld]", h_user_id("wenmi_chief")));
    long long id = new_request("wenmi_chief", seal, "general", 1);
    char *role = approver_role(id);
    ck_assert_str_eq(role, "office_director");
    free(role);
    ck_assert_int_eq(notes("director", "seal_request_to_approve", "seal_request", id), 1);
    resp_t *r = request_act(id, "approve", "director", NULL);
    ck_status(r, 200);
    h_free(r);
    /* the office seal asked for by the director: the district leaders */
    long long office = new_seal("government_office", "custodian", NULL);
    id = new_request("director", office, "general", 1);
    role = approver_role(id);
    ck_assert_str_eq(role, "district_leader");
    free(role);
    r = request_act(id, "approve", "director", NULL);
    ck_status(r, 403);
    h_free(r);
    r = request_act(id, "approve", "vmayor1", NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_LET_2_requester_cannot_approve_own_letter)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_letter("deputy2", seal);
    resp_t *r = letter_act(id, "approve", "deputy2", NULL);
    ck_assert(h_problem(r, 403, "intro_letter.own_request", "R-LET-2", NULL));
    h_free(r);
    r = letter_act(id, "reject", "deputy2", NULL);
    ck_assert(h_problem(r, 403, NULL, "R-LET-2", NULL));
    h_free(r);
    char *st = letter_state(id);
    ck_assert_str_eq(st, "pending");
    free(st);
    ck_assert(!h_lists("/api/v1/intro-letters?to_approve=true&limit=200", h_token("deputy2"), id));
    ck_assert_int_eq(notes("deputy2", "intro_letter_to_approve", "intro_letter", id), 0);
    r = letter_act(id, "approve", "deputy3", NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(external_units_file_neither_seal_requests_nor_letters)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *p[] = {id_text(seal)};
    resp_t *r = post_request("town1_clerk", seal, "general", 1, unique("某某乡发"));
    ck_assert(h_problem(r, 403, "seal.external_requester", NULL, NULL));
    h_free(r);
    r = post_letter("town1_clerk", seal, unique("某某局"));
    ck_assert(h_problem(r, 403, "intro_letter.external_requester", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.seal_requests WHERE seal_id = $1", 1, p), 0);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.intro_letters WHERE seal_id = $1", 1, p), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_own_requests");
    TCase *tc = tcase_create("own_requests");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_SEAL_2_requester_cannot_approve_or_reject_own_request);
    tcase_add_test(tc, test_R_SEAL_2_sole_approver_own_request_goes_one_level_up);
    tcase_add_test(tc, test_R_LET_2_requester_cannot_approve_own_letter);
    tcase_add_test(tc, external_units_file_neither_seal_requests_nor_letters);
    suite_add_tcase(s, tc);
    return h_run(s);
}
