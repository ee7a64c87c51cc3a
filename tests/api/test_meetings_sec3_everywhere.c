/* R-SEC-3 across the services: a secretary's token is refused (403, rule
 * R-SEC-3) by every approve, reject, sign, decide, assign and instruct
 * action, before anything is looked up, whatever delegation exists. */
#include "test_meetings_fixtures.h"

static const char *const decisive[] = {
    "/leave-requests/%lld/approve",        "/leave-requests/%lld/reject",
    "/activity-absence-requests/%lld/approve", "/activity-absence-requests/%lld/reject",
    "/discipline-cases/%lld/decide",       "/discipline-cases/%lld/approve",
    "/discipline-cases/%lld/reject",       "/seal-requests/%lld/approve",
    "/seal-requests/%lld/reject",          "/intro-letters/%lld/approve",
    "/intro-letters/%lld/reject",          "/print-jobs/%lld/approve",
    "/print-jobs/%lld/reject",             "/documents/%lld/sign",
    "/documents/%lld/review",              "/documents/%lld/send-back",
    "/incoming/%lld/assign",               "/incoming/%lld/instruct",
    "/topics/%lld/approve",                "/topics/%lld/reject",
    "/meeting-absence-requests/%lld/approve", "/meeting-absence-requests/%lld/reject",
    "/meetings/%lld/approve-minutes",      "/tasks/%lld/reschedule",
    "/leave-requests/%lld/review-explanation",
    "/tasks/%lld/reassign",                NULL};

START_TEST(test_R_SEC_3_secretary_refused_by_every_deciding_action_of_every_service)
{
    const char *secretaries[] = {"sec1", "sec2"};
    for (int s = 0; s < 2; s++)
        for (int i = 0; decisive[i]; i++) {
            /* An id that exists nowhere: the refusal comes first. */
            char path[160];
            snprintf(path, sizeof path, "/api/v1%s", decisive[i]);
            resp_t *r = h_post(h_fmt(path, 1LL), h_token(secretaries[s]), "{}");
            ck_assert_msg(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL),
                          "%s %s: %ld %s", secretaries[s], path, r->status, r->body);
            h_free(r);
        }
    expect(post_as("sec1", "/api/v1/tasks", "{}"), 403, "secretary.cannot_decide", "R-SEC-3",
           NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_sec3_everywhere");
    TCase *tc = tcase_create("sec3");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_SEC_3_secretary_refused_by_every_deciding_action_of_every_service);
    suite_add_tcase(s, tc);
    return h_run(s);
}
