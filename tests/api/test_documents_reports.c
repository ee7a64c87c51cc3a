/* Internal reports (请示报告): to the direct superior, skip-level only
 * authorised or urgent with feedback owed to the bypassed (R-ORG-2), a
 * chief to the director with the deputy's opinion (R-ORG-3), with the
 * deputy away an urgent matter straight to the director (R-ORG-4), work a
 * district leader assigned directly (R-ORG-5). */
#include "test_documents_fixtures.h"

static resp_t *post_report(const char *who, const char *to, const char *extra)
{
    return h_post("/api/v1/reports", h_token(who),
                  df("{\"to_user_id\":%lld,\"subject\":\"%s\",\"body\":\"请示内容\"%s}",
                     h_user_id(to), unique("关于工作的请示"), extra));
}

static long long new_report(const char *who, const char *to, const char *extra,
                            const char *route)
{
    resp_t *r = post_report(who, to, extra);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "route"), route);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

static resp_t *rep_act(long long id, const char *verb, const char *who, const char *body)
{
    return h_post(df("/api/v1/reports/%lld/%s", id, verb), h_token(who), body);
}

static void rep_step(long long id, const char *verb, const char *who, const char *body,
                     const char *state)
{
    resp_t *r = rep_act(id, verb, who, body);
    ck_status(r, 200);
    ck_assert_msg(!strcmp(h_str(r, "state"), state), "%s: %s", verb, r->body);
    h_free(r);
}

static long long rep_notified(const char *who, const char *kind, long long id)
{
    const char *p[] = {df("%lld", h_user_id(who)), kind, df("%lld", id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = 'report' AND entity_id = $3",
                    3, p);
}

START_TEST(test_R_ORG_2_reports_go_to_the_direct_superior_and_skip_levels_only_authorised_or_urgent)
{
    long long direct = new_report("zonghe1", "zonghe_chief", "", "direct");
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_to_you", direct), 1);
    rep_step(direct, "respond", "zonghe_chief", "{\"decision\":\"同意\"}", "closed");

    /* Over the chief and the deputy without leave: refused. */
    resp_t *r = post_report("zonghe1", "director", "");
    ck_assert(h_problem(r, 422, "report.route_refused", "R-ORG-2", NULL));
    h_free(r);
    /* Not up the sender's own chain at all. */
    r = post_report("zonghe1", "deputy3", "");
    ck_assert(h_problem(r, 422, NULL, "R-ORG-2", "to_user_id"));
    h_free(r);
    r = post_report("zonghe1", "director", ",\"urgent\":true");
    ck_assert(h_problem(r, 422, NULL, "R-ORG-2", "urgent_reason"));
    h_free(r);
    r = post_report("zonghe1", "deputy2", df(",\"authorized_by\":%lld", h_user_id("xinxi1")));
    ck_assert(h_problem(r, 422, NULL, "R-ORG-2", "authorized_by"));
    h_free(r);

    /* Authorised by the chief. */
    long long auth = new_report("zonghe1", "deputy2",
                                df(",\"authorized_by\":%lld", h_user_id("zonghe_chief")),
                                "authorized");
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_bypassed", auth), 1);

    /* Urgent with its reason: both bypassed superiors are told, get the
     * answer, and are owed feedback before it closes. */
    long long urgent = new_report("zonghe1", "director",
                                  ",\"urgent\":true,\"urgent_reason\":\"今晚暴雨需立即部署\"",
                                  "urgent");
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_bypassed", urgent), 1);
    ck_assert_int_eq(rep_notified("deputy2", "report_bypassed", urgent), 1);
    r = rep_act(urgent, "respond", "zonghe_chief", "{\"decision\":\"同意\"}");
    ck_assert(h_problem(r, 403, "report.not_addressee", NULL, NULL));
    h_free(r);
    r = rep_act(urgent, "feedback", "zonghe1", "{\"note\":\"已反馈\"}");
    ck_assert(h_problem(r, 409, "report.wrong_state", NULL, NULL));
    h_free(r);
    rep_step(urgent, "respond", "director", "{\"decision\":\"立即组织力量\"}", "answered");
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_answer_for_you", urgent), 1);
    ck_assert_int_eq(rep_notified("deputy2", "report_answer_for_you", urgent), 1);
    r = rep_act(urgent, "feedback", "director", "{\"note\":\"x\"}");
    ck_assert(h_problem(r, 403, "report.not_sender", NULL, NULL));
    h_free(r);
    rep_step(urgent, "feedback", "zonghe1", "{\"note\":\"已向科长、副主任反馈主任意见\"}", "closed");
    ck_assert_int_eq(rep_notified("deputy2", "report_feedback", urgent), 1);

    /* Only those on it read it. */
    r = h_get(df("/api/v1/reports/%lld", urgent), h_token("zonghe2"));
    ck_status(r, 404);
    h_free(r);
    ck_assert(h_lists("/api/v1/reports?mine=true&limit=200", h_token("zonghe1"), urgent));
    ck_assert(h_lists("/api/v1/reports?to_me=true&limit=200", h_token("director"), urgent));
    ck_assert(!h_lists("/api/v1/reports?limit=200", h_token("zonghe2"), urgent));
}
END_TEST

START_TEST(test_R_ORG_3_a_chief_reporting_to_the_director_states_the_deputys_opinion)
{
    resp_t *r = post_report("zonghe_chief", "director", "");
    ck_assert(h_problem(r, 422, NULL, "R-ORG-3", "deputy_opinion"));
    h_free(r);
    long long id = new_report("zonghe_chief", "director",
                              ",\"deputy_opinion\":\"陈副主任：拟同意\"", "deputy_opinion");
    r = h_get(df("/api/v1/reports/%lld", id), h_token("deputy2"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "deputy_id"), h_user_id("deputy2"));
    h_free(r);
    rep_step(id, "respond", "director", "{\"decision\":\"同意，按副主任意见办\"}", "closed");
    ck_assert_int_eq(rep_notified("deputy2", "report_decision_for_deputy", id), 1);
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_answered", id), 1);
    /* A secretary never decides (R-SEC-3), even on a report sent to them. */
    r = rep_act(id, "respond", "sec1", "{\"decision\":\"同意\"}");
    ck_assert(h_problem(r, 403, NULL, "R-SEC-3", NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_ORG_4_with_the_deputy_away_an_urgent_matter_goes_straight_to_the_director)
{
    const char *urgent = ",\"urgent\":true,\"urgent_reason\":\"突发事件需主任决定\"";
    /* The deputy is in: the deputy's opinion is needed. */
    resp_t *r = post_report("zonghe_chief", "director", urgent);
    ck_assert(h_problem(r, 422, NULL, "R-ORG-3", "deputy_opinion"));
    h_free(r);
    /* The deputy is out on registered business now. */
    char from[32], to[32];
    time_t now = time(NULL) - 600, until = time(NULL) + 2 * 3600;
    struct tm tm;
    strftime(from, sizeof from, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    strftime(to, sizeof to, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&until, &tm));
    r = h_post("/api/v1/outings", h_token("deputy2"),
               df("{\"matter\":\"外出开会\",\"destination\":\"市政府\",\"starts_at\":\"%s\","
                  "\"ends_at\":\"%s\",\"contact\":\"13800000006\"}",
                  from, to));
    ck_status(r, 201);
    long long outing = h_int(r, "id");
    h_free(r);
    /* Not urgent: still the deputy's opinion. */
    r = post_report("zonghe_chief", "director", "");
    ck_assert(h_problem(r, 422, NULL, "R-ORG-3", "deputy_opinion"));
    h_free(r);
    long long id = new_report("zonghe_chief", "director", urgent, "deputy_away");
    ck_assert_int_eq(rep_notified("deputy2", "report_bypassed", id), 1);
    rep_step(id, "respond", "director", "{\"decision\":\"立即处置\"}", "answered");
    ck_assert_int_eq(rep_notified("deputy2", "report_answer_for_you", id), 1);
    rep_step(id, "feedback", "zonghe_chief", "{\"note\":\"已向副主任汇报\"}", "closed");
    r = h_post(df("/api/v1/outings/%lld/return", outing), h_token("deputy2"), NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_ORG_5_work_a_district_leader_assigns_directly_is_reported_and_its_outcome_after)
{
    const char *leader = df(",\"assigned_by_leader_id\":%lld", h_user_id("vmayor1"));
    resp_t *r = post_report("zonghe1", "director", leader);
    ck_assert(h_problem(r, 422, NULL, "R-ORG-5", "to_user_id"));
    h_free(r);
    r = post_report("zonghe1", "zonghe_chief",
                    df(",\"assigned_by_leader_id\":%lld", h_user_id("director")));
    ck_assert(h_problem(r, 400, NULL, NULL, "assigned_by_leader_id"));
    h_free(r);
    r = post_report("zonghe1", "zonghe_chief", leader);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "awaiting_outcome");
    long long id = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_leader_assigned", id), 1);
    r = rep_act(id, "respond", "zonghe_chief", "{\"decision\":\"知道了\"}");
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
    r = rep_act(id, "outcome", "zonghe_chief", "{\"outcome\":\"完成\"}");
    ck_assert(h_problem(r, 403, "report.not_sender", NULL, NULL));
    h_free(r);
    r = rep_act(id, "outcome", "zonghe1", "{}");
    ck_assert(h_problem(r, 400, NULL, NULL, "outcome"));
    h_free(r);
    rep_step(id, "outcome", "zonghe1", "{\"outcome\":\"已按李副区长要求完成调研\"}", "closed");
    ck_assert_int_eq(rep_notified("zonghe_chief", "report_outcome", id), 1);
}
END_TEST

START_TEST(reports_refuse_bad_input)
{
    resp_t *r = post_report("edu_clerk", "edu_head", "");
    ck_assert(h_problem(r, 403, "report.not_office", NULL, NULL));
    h_free(r);
    r = h_post("/api/v1/reports", h_token("zonghe1"),
               "{\"to_user_id\":999999999,\"subject\":\"s\",\"body\":\"b\"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "to_user_id"));
    h_free(r);
    r = h_post("/api/v1/reports", h_token("zonghe1"),
               df("{\"to_user_id\":%lld,\"body\":\"b\"}", h_user_id("zonghe_chief")));
    ck_assert(h_problem(r, 400, NULL, NULL, "subject"));
    h_free(r);
    r = h_post("/api/v1/reports", h_token("zonghe1"),
               df("{\"to_user_id\":%lld,\"subject\":\"s\",\"body\":\"b\",\"urgent\":\"yes\"}",
                  h_user_id("zonghe_chief")));
    ck_assert(h_problem(r, 400, NULL, NULL, "urgent"));
    h_free(r);
    r = h_get("/api/v1/reports?state=lost", h_token("zonghe1"));
    ck_assert(h_problem(r, 400, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_reports");
    TCase *tc = tcase_create("reports");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(
        tc,
        test_R_ORG_2_reports_go_to_the_direct_superior_and_skip_levels_only_authorised_or_urgent);
    tcase_add_test(tc, test_R_ORG_3_a_chief_reporting_to_the_director_states_the_deputys_opinion);
    tcase_add_test(tc,
                   test_R_ORG_4_with_the_deputy_away_an_urgent_matter_goes_straight_to_the_director);
    tcase_add_test(
        tc, test_R_ORG_5_work_a_district_leader_assigns_directly_is_reported_and_its_outcome_after);
    tcase_add_test(tc, reports_refuse_bad_input);
    suite_add_tcase(s, tc);
    return h_run(s);
}
