/* Leave requests (R-ATT-2): the approval table by length and position,
 * across weekends, holidays and adjusted working days; who may approve;
 * withdrawal; overlaps; concurrency; bad input. Years 2077-2094 are this
 * file's. */
#include <pthread.h>
#include <stdlib.h>

#include "test_attendance_common.h"

static const char *const COUNT_YEAR =
    "SELECT count(*) FROM attendance.leave_requests l JOIN identity.users u"
    " ON u.id = l.applicant_id WHERE u.username = $1 AND extract(year FROM l.start_date) = $2::int";

static long long leaves_in(const char *user, int year)
{
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {user, y};
    return h_sql_ll(COUNT_YEAR, 2, p);
}

/* Checks the chain of a created request: approvers and roles in order. */
static void expect_chain(resp_t *r, const char *u1, const char *role1, const char *u2,
                         const char *role2)
{
    ck_status(r, 201);
    json_t *steps = json_object_get(r->json, "approvals");
    ck_assert_int_eq(json_array_size(steps), u2 ? 2 : 1);
    json_t *s1 = json_array_get(steps, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(s1, "step")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(s1, "approver_id")), h_user_id(u1));
    ck_assert_str_eq(att_str(s1, "role"), role1);
    ck_assert(json_is_null(json_object_get(s1, "decision")));
    if (u2) {
        json_t *s2 = json_array_get(steps, 1);
        ck_assert_int_eq(json_integer_value(json_object_get(s2, "approver_id")), h_user_id(u2));
        ck_assert_str_eq(att_str(s2, "role"), role2);
    }
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "current_step"), 1);
    ck_assert_int_eq(h_int(r, "current_approver_id"), h_user_id(u1));
    /* The first approver is waiting and was told. */
    ck_assert_int_eq(att_notes(u1, "leave_to_approve", "leave_request", h_int(r, "id")), 1);
}

static double days_of(resp_t *r)
{
    return json_number_value(json_object_get(r->json, "days"));
}

/* ---------- the approval table ---------- */

START_TEST(test_R_ATT_2_staff_half_day_goes_to_chief)
{
    long mon = att_next(2081, 3, 1, 1);
    resp_t *r = att_leave("zonghe1", "private", mon, "am", mon, "am");
    expect_chain(r, "zonghe_chief", "section_chief", NULL, NULL);
    ck_assert_int_eq(h_int(r, "half_days"), 1);
    ck_assert(days_of(r) == 0.5);
    long long id = h_int(r, "id");
    h_free(r);
    /* Friday afternoon to Sunday evening is still half a working day. */
    long fri = mon + 4;
    r = att_leave("zonghe1", "public", fri, "pm", fri + 2, "pm");
    expect_chain(r, "zonghe_chief", "section_chief", NULL, NULL);
    ck_assert_int_eq(h_int(r, "half_days"), 1);
    h_free(r);
    /* The chief approves: the chain ends and the applicant hears of it. */
    r = att_leave_act("zonghe_chief", id, "approve", "{\"comment\":\"fine\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    ck_assert(json_is_null(json_object_get(r->json, "current_approver_id")));
    json_t *s1 = json_array_get(json_object_get(r->json, "approvals"), 0);
    ck_assert_str_eq(att_str(s1, "decision"), "approved");
    ck_assert_str_eq(att_str(s1, "comment"), "fine");
    ck_assert(json_is_string(json_object_get(s1, "decided_at")));
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_approved", "leave_request", id), 1);
    ck_assert_int_eq(att_audits("leave_request", id, "create"), 1);
    ck_assert_int_eq(att_audits("leave_request", id, "approve"), 1);
}
END_TEST

START_TEST(test_R_ATT_2_staff_one_day_goes_to_deputy_across_weekend_holiday_workday)
{
    long mon = att_next(2082, 5, 1, 1);
    /* Wednesday of the second week is a holiday; the Saturday of the third
     * week an adjusted working day. */
    long holiday = mon + 9, workday = mon + 19;
    att_calendar(2082, h_fmt("[\"%s\"]", att_date(holiday)),
                 h_fmt("[\"%s\"]", att_date(workday)));
    /* Friday afternoon to Monday morning: one day over the weekend. */
    resp_t *r = att_leave("zonghe1", "private", mon + 4, "pm", mon + 7, "am");
    expect_chain(r, "deputy2", "supervising_deputy", NULL, NULL);
    ck_assert_int_eq(h_int(r, "half_days"), 2);
    h_free(r);
    /* Tuesday afternoon to Thursday morning over the holiday: one day. */
    r = att_leave("zonghe2", "private", holiday - 1, "pm", holiday + 1, "am");
    expect_chain(r, "deputy2", "supervising_deputy", NULL, NULL);
    ck_assert_int_eq(h_int(r, "half_days"), 2);
    h_free(r);
    /* The adjusted Saturday is a working day of its own. */
    r = att_leave("zonghe1", "public", workday, "am", workday, "pm");
    expect_chain(r, "deputy2", "supervising_deputy", NULL, NULL);
    ck_assert_int_eq(h_int(r, "half_days"), 2);
    h_free(r);
    /* Friday before it, to that Saturday: two days, so the director too. */
    r = att_leave("zonghe2", "public", workday - 1, "am", workday + 1, "pm");
    expect_chain(r, "deputy2", "supervising_deputy", "director", "office_director");
    ck_assert_int_eq(h_int(r, "half_days"), 4);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_only_person_in_section_half_day_goes_to_deputy)
{
    long tue = att_next(2083, 4, 1, 2);
    resp_t *r = att_leave("xinxi1", "private", tue, "pm", tue, "pm");
    expect_chain(r, "deputy2", "supervising_deputy", NULL, NULL);
    ck_assert_int_eq(h_int(r, "half_days"), 1);
    long long id = h_int(r, "id");
    h_free(r);
    att_leave_ok("deputy2", id, "approve", NULL);
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("xinxi1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_staff_over_a_day_deputy_then_director)
{
    long mon = att_next(2084, 6, 1, 1);
    resp_t *r = att_leave("zonghe1", "public", mon, "am", mon + 1, "am");
    expect_chain(r, "deputy2", "supervising_deputy", "director", "office_director");
    ck_assert(days_of(r) == 1.5);
    long long id = h_int(r, "id");
    h_free(r);
    /* The director cannot skip the deputy. */
    r = att_leave_act("director", id, "approve", NULL);
    ck_assert(h_problem(r, 403, "leave.approver_mismatch", "R-ATT-2", NULL));
    h_free(r);
    /* Step one: the deputy; the director is now waiting and told. */
    r = att_leave_act("deputy2", id, "approve", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "current_step"), 2);
    ck_assert_int_eq(h_int(r, "current_approver_id"), h_user_id("director"));
    h_free(r);
    ck_assert_int_eq(att_notes("director", "leave_to_approve", "leave_request", id), 1);
    ck_assert_int_eq(att_notes("zonghe1", "leave_approved", "leave_request", id), 1);
    ck_assert(h_lists("/api/v1/leave-requests?to_approve=true&limit=200", h_token("director"), id));
    /* Step two: the director. */
    r = att_leave_act("director", id, "approve", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_approved", "leave_request", id), 2);
    ck_assert_int_eq(att_audits("leave_request", id, "approve"), 2);
}
END_TEST

START_TEST(test_R_ATT_2_chief_goes_one_level_up)
{
    long mon = att_next(2085, 3, 1, 1);
    resp_t *r = att_leave("zonghe_chief", "private", mon, "am", mon, "am");
    expect_chain(r, "deputy2", "supervising_deputy", NULL, NULL);
    h_free(r);
    r = att_leave("wenmi_chief", "private", mon, "am", mon, "pm");
    expect_chain(r, "deputy_gov", "supervising_deputy", NULL, NULL);
    h_free(r);
    r = att_leave("zonghe_chief", "private", mon + 7, "am", mon + 8, "pm");
    expect_chain(r, "deputy2", "supervising_deputy", "director", "office_director");
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_deputy_goes_to_director)
{
    long mon = att_next(2086, 3, 1, 1);
    resp_t *r = att_leave("deputy2", "public", mon, "am", mon, "am");
    expect_chain(r, "director", "office_director", NULL, NULL);
    h_free(r);
    r = att_leave("deputy_gov", "public", mon, "am", mon + 3, "pm");
    expect_chain(r, "director", "office_director", NULL, NULL);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_director_goes_to_district_mayor)
{
    long mon = att_next(2086, 9, 1, 1);
    resp_t *r = att_leave("director", "public", mon, "pm", mon + 2, "am");
    expect_chain(r, "mayor", "district_mayor", NULL, NULL);
    long long id = h_int(r, "id");
    h_free(r);
    /* A deputy mayor is not the director's approver. */
    r = att_leave_act("vmayor1", id, "approve", NULL);
    ck_status(r, 404);
    h_free(r);
    att_leave_ok("mayor", id, "approve", NULL);
}
END_TEST

START_TEST(test_R_ATT_2_outside_the_office_refused)
{
    long mon = att_next(2086, 11, 1, 1);
    resp_t *r = att_leave("town1_clerk", "private", mon, "am", mon, "pm");
    ck_assert(h_problem(r, 403, "leave.not_office_staff", "R-ATT-2", NULL));
    h_free(r);
    r = att_leave("vmayor2", "private", mon, "am", mon, "pm");
    ck_assert(h_problem(r, 403, "leave.not_office_staff", "R-ATT-2", NULL));
    h_free(r);
    ck_assert_int_eq(leaves_in("town1_clerk", 2086) + leaves_in("vmayor2", 2086), 0);
}
END_TEST

/* ---------- zero working days and bad input ---------- */

START_TEST(test_R_ATT_2_leave_of_zero_working_days_refused)
{
    long mon = att_next(2087, 5, 1, 1);
    long holiday = mon + 2;
    att_calendar(2087, h_fmt("[\"%s\",\"%s\"]", att_date(holiday), att_date(holiday + 1)), "[]");
    /* A weekend. */
    resp_t *r = att_leave("zonghe2", "private", mon + 5, "am", mon + 6, "pm");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "start_date"));
    h_free(r);
    /* Two holidays. */
    r = att_leave("zonghe2", "private", holiday, "am", holiday + 1, "pm");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "start_date"));
    h_free(r);
    ck_assert_int_eq(leaves_in("zonghe2", 2087), 0);
    /* The day before the holidays is a working day again. */
    r = att_leave("zonghe2", "private", holiday - 1, "pm", holiday + 1, "pm");
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "half_days"), 1);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_bad_input_names_the_field)
{
    const char *user = "zonghe2";
    struct {
        const char *body, *field;
    } cases[] = {
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-03-09\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-06\",\"end_half\":\"pm\"}", "end_date"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-03-07\",\"start_half\":\"pm\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"am\"}", "end_half"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-03-07\",\"start_half\":\"noon\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\"}", "start_half"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-03-07\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"evening\"}", "end_half"},
        {"{\"kind\":\"sick\",\"reason\":\"r\",\"start_date\":\"2078-03-07\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\"}", "kind"},
        {"{\"kind\":\"private\",\"reason\":\"  \",\"start_date\":\"2078-03-07\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\"}", "reason"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-02-30\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\"}", "start_date"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"07/03/2078\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\"}", "start_date"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-03-07\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\",\"approver_id\":1}", "approver_id"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-03-07\",\"start_half\":\"am\","
         "\"end_half\":\"pm\"}", "end_date"},
        {"{\"kind\":\"private\",\"reason\":\"r\",\"start_date\":\"2078-01-02\",\"start_half\":\"am\","
         "\"end_date\":\"2079-06-01\",\"end_half\":\"pm\"}", "end_date"},
        {"{\"kind\":\"private\",\"reason\":7,\"start_date\":\"2078-03-07\",\"start_half\":\"am\","
         "\"end_date\":\"2078-03-07\",\"end_half\":\"pm\"}", "reason"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/leave-requests", h_token(user), cases[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, cases[i].field),
                      "case %zu: %ld %s", i, r->status, r->body);
        h_free(r);
    }
    resp_t *r = h_post("/api/v1/leave-requests", h_token(user), "{\"kind\":");
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(leaves_in(user, 2078), 0);
    ck_assert_int_eq(leaves_in(user, 2079), 0);
}
END_TEST

/* ---------- who decides ---------- */

START_TEST(test_R_ATT_2_approval_by_wrong_person_refused)
{
    long mon = att_next(2088, 3, 1, 1);
    long long id = att_leave_id("zonghe2", mon, "am", mon, "am");
    /* The applicant, another leader, the chief of another section. */
    resp_t *r = att_leave_act("zonghe2", id, "approve", NULL);
    ck_assert(h_problem(r, 403, "leave.approver_mismatch", "R-ATT-2", NULL));
    h_free(r);
    r = att_leave_act("deputy3", id, "approve", NULL);
    ck_assert(h_problem(r, 403, "leave.approver_mismatch", "R-ATT-2", NULL));
    h_free(r);
    r = att_leave_act("deputy3", id, "reject", NULL);
    ck_assert(h_problem(r, 403, "leave.approver_mismatch", "R-ATT-2", NULL));
    h_free(r);
    /* Someone who cannot see it at all. */
    r = att_leave_act("wenmi_chief", id, "approve", NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* A secretary never decides (R-SEC-3). */
    r = att_leave_act("sec1", id, "approve", NULL);
    ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
    h_free(r);
    /* Nothing changed. */
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("zonghe2"));
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "version"), 1);
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, NULL), 1);
    ck_assert_int_eq(
        att_count("SELECT count(*) FROM attendance.leave_steps WHERE request_id = $1::bigint"
                  " AND decision IS NOT NULL", id), 0);
}
END_TEST

START_TEST(test_R_ATT_2_approval_twice_refused)
{
    long mon = att_next(2088, 6, 1, 1);
    long long id = att_leave_id("zonghe1", mon, "am", mon + 1, "pm");
    att_leave_ok("deputy2", id, "approve", NULL);
    /* The deputy again, at step two. */
    resp_t *r = att_leave_act("deputy2", id, "approve", NULL);
    ck_assert(h_problem(r, 409, "leave.already_decided", NULL, NULL));
    h_free(r);
    att_leave_ok("director", id, "approve", NULL);
    r = att_leave_act("director", id, "approve", NULL);
    ck_assert(h_problem(r, 409, "leave.already_decided", NULL, NULL));
    h_free(r);
    r = att_leave_act("director", id, "reject", NULL);
    ck_assert(h_problem(r, 409, "leave.already_decided", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, "approve"), 2);
}
END_TEST

START_TEST(test_R_ATT_2_rejection_ends_the_chain)
{
    long mon = att_next(2088, 9, 1, 1);
    long long id = att_leave_id("zonghe1", mon, "am", mon + 2, "pm");
    resp_t *r = att_leave_act("deputy2", id, "reject", "{\"comment\":\"busy week\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "rejected");
    ck_assert(json_is_null(json_object_get(r->json, "current_approver_id")));
    json_t *steps = json_object_get(r->json, "approvals");
    ck_assert_str_eq(att_str(json_array_get(steps, 0), "decision"), "rejected");
    ck_assert(json_is_null(json_object_get(json_array_get(steps, 1), "decision")));
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_rejected", "leave_request", id), 1);
    ck_assert_int_eq(att_notes("director", "leave_to_approve", "leave_request", id), 0);
    r = att_leave_act("director", id, "approve", NULL);
    ck_assert(h_problem(r, 409, "leave.not_pending", NULL, NULL));
    h_free(r);
    /* A rejected request does not block new leave for the same days. */
    long long again = att_leave_id("zonghe1", mon, "am", mon, "pm");
    ck_assert(again > id);
}
END_TEST

/* 50 approvals of one step at once: one wins, the rest are refused. */
typedef struct racer {
    long long id;
    const char *token;
    long status;
} racer;

static void *race(void *arg)
{
    racer *x = arg;
    resp_t *r = h_req("POST", h_fmt("/api/v1/leave-requests/%lld/approve", x->id), x->token, "",
                      NULL);
    x->status = r->status;
    h_free(r);
    return NULL;
}

START_TEST(test_R_ATT_2_concurrent_approvals_exactly_one_succeeds)
{
    long mon = att_next(2089, 3, 1, 1);
    long long id = att_leave_id("zonghe2", mon, "am", mon, "pm");
    const char *token = h_token("deputy2");
    enum { N = 50 };
    racer xs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        xs[i] = (racer){id, token, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, race, &xs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    int ok = 0, conflict = 0;
    for (int i = 0; i < N; i++) {
        ok += xs[i].status == 200;
        conflict += xs[i].status == 409;
    }
    ck_assert_int_eq(ok, 1);
    ck_assert_int_eq(conflict, N - 1);
    ck_assert_int_eq(att_audits("leave_request", id, "approve"), 1);
    ck_assert_int_eq(att_notes("zonghe2", "leave_approved", "leave_request", id), 1);
}
END_TEST

/* ---------- withdraw and overlap ---------- */

START_TEST(test_R_ATT_2_withdraw_before_final_approval_only)
{
    long mon = att_next(2080, 3, 1, 1);
    long long id = att_leave_id("zonghe1", mon, "am", mon + 1, "pm");
    att_leave_ok("deputy2", id, "approve", NULL);
    /* Others may not withdraw it. */
    resp_t *r = att_leave_act("director", id, "withdraw", NULL);
    ck_assert(h_problem(r, 403, "leave.not_applicant", NULL, NULL));
    h_free(r);
    r = att_leave_act("zonghe2", id, "withdraw", NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* Between the steps the applicant may. */
    r = att_leave_act("zonghe1", id, "withdraw", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "withdrawn");
    h_free(r);
    ck_assert_int_eq(att_notes("director", "leave_withdrawn", "leave_request", id), 1);
    r = att_leave_act("director", id, "approve", NULL);
    ck_assert(h_problem(r, 409, "leave.not_pending", NULL, NULL));
    h_free(r);
    /* After the final approval, not any more. */
    long long done = att_leave_id("zonghe1", mon + 7, "am", mon + 7, "am");
    att_leave_ok("zonghe_chief", done, "approve", NULL);
    r = att_leave_act("zonghe1", done, "withdraw", NULL);
    ck_assert(h_problem(r, 409, "leave.already_approved", NULL, NULL));
    h_free(r);
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", done), h_token("zonghe1"));
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", done, "withdraw"), 0);
}
END_TEST

START_TEST(test_R_ATT_2_overlapping_leave_refused)
{
    long mon = att_next(2079, 3, 1, 1);
    long long first = att_leave_id("zonghe2", mon, "pm", mon + 2, "am");
    long before = leaves_in("zonghe2", 2079);
    /* Inside, around, and touching the same half-day. */
    long starts[][2] = {{mon + 1, mon + 1}, {mon, mon + 4}, {mon + 2, mon + 3}};
    const char *halves[][2] = {{"am", "pm"}, {"am", "pm"}, {"am", "pm"}};
    for (int i = 0; i < 3; i++) {
        resp_t *r = att_leave("zonghe2", "private", starts[i][0], halves[i][0], starts[i][1],
                              halves[i][1]);
        ck_assert_msg(h_problem(r, 409, "leave.overlap", NULL, NULL), "case %d: %s", i, r->body);
        h_free(r);
    }
    ck_assert_int_eq(leaves_in("zonghe2", 2079), before);
    /* The free halves next to it are fine: Monday morning, Wednesday afternoon. */
    long long am = att_leave_id("zonghe2", mon, "am", mon, "am");
    long long pm = att_leave_id("zonghe2", mon + 2, "pm", mon + 2, "pm");
    ck_assert(am && pm);
    /* Another person on the same days is fine. */
    ck_assert(att_leave_id("zonghe1", mon, "pm", mon + 2, "am") > first);
    /* Once withdrawn, the days are free again. */
    att_leave_ok("zonghe2", first, "withdraw", NULL);
    ck_assert(att_leave_id("zonghe2", mon + 1, "am", mon + 1, "pm") > first);
}
END_TEST

/* ---------- reading ---------- */

START_TEST(test_R_ATT_2_visible_to_applicant_approvers_and_leaders_only)
{
    long mon = att_next(2077, 3, 1, 1);
    long long id = att_leave_id("zonghe1", mon, "am", mon + 3, "pm");
    const char *can[] = {"zonghe1", "deputy2", "director", "deputy3", "admin"};
    const char *cannot[] = {"zonghe2", "zonghe_chief", "wenmi1", "xinxi1", "mayor"};
    for (size_t i = 0; i < 5; i++) {
        resp_t *r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", can[i], r->status);
        ck_assert(h_header(r, "ETag") != NULL);
        h_free(r);
        r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token(cannot[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %ld", cannot[i], r->status);
        h_free(r);
    }
}
END_TEST

START_TEST(test_R_ATT_2_lists_paginate_and_filter)
{
    long mon = att_next(2090, 3, 1, 1);
    long long ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = att_leave_id("wenmi1", mon + 7 * i, "am", mon + 7 * i, "am");
    /* Mine, one at a time, newest first. */
    resp_t *r = h_get("/api/v1/leave-requests?mine=true&limit=1", h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_array_get(json_object_get(r->json, "items"), 0), "id")),
                     ids[2]);
    char *cursor = strdup(att_str(r->json, "next_cursor"));
    h_free(r);
    ck_assert(*cursor);
    r = h_get(h_fmt("/api/v1/leave-requests?mine=true&limit=1&cursor=%s", cursor),
              h_token("wenmi1"));
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_array_get(json_object_get(r->json, "items"), 0), "id")),
                     ids[1]);
    h_free(r);
    free(cursor);
    /* The chief's queue holds them; after approving one it holds two. */
    att_leave_ok("wenmi_chief", ids[1], "approve", NULL);
    r = h_get("/api/v1/leave-requests?to_approve=true&limit=200", h_token("wenmi_chief"));
    ck_status(r, 200);
    int found = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        long long x = json_integer_value(json_object_get(it, "id"));
        found += x == ids[0] || x == ids[2];
        ck_assert(x != ids[1]);
        ck_assert_str_eq(att_str(it, "state"), "pending");
    }
    ck_assert_int_eq(found, 2);
    h_free(r);
    /* The queue one at a time, newest first, by its cursor, as the
     * filtered queue pages: ids[2], then ids[0]. */
    const char *queues[] = {"", "&state=pending"};
    for (size_t k = 0; k < 2; k++) {
        r = h_get(h_fmt("/api/v1/leave-requests?to_approve=true&limit=1%s", queues[k]),
                  h_token("wenmi_chief"));
        ck_status(r, 200);
        ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
        ck_assert_int_eq(json_integer_value(json_object_get(
                             json_array_get(json_object_get(r->json, "items"), 0), "id")),
                         ids[2]);
        cursor = strdup(att_str(r->json, "next_cursor"));
        h_free(r);
        r = h_get(h_fmt("/api/v1/leave-requests?to_approve=true&limit=1&cursor=%s%s", cursor,
                        queues[k]),
                  h_token("wenmi_chief"));
        ck_status(r, 200);
        ck_assert_int_eq(json_integer_value(json_object_get(
                             json_array_get(json_object_get(r->json, "items"), 0), "id")),
                         ids[0]);
        h_free(r);
        free(cursor);
    }
    r = h_get(h_fmt("/api/v1/leave-requests?state=approved&user_id=%lld&limit=200",
                    h_user_id("wenmi1")),
              h_token("director"));
    ck_status(r, 200);
    bool approved_seen = false;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        ck_assert_str_eq(att_str(it, "state"), "approved");
        approved_seen = approved_seen || json_integer_value(json_object_get(it, "id")) == ids[1];
    }
    ck_assert(approved_seen);
    h_free(r);
    /* Bad list parameters. */
    const char *bad[] = {"state=done", "limit=0", "limit=500", "cursor=zzz", "mine=maybe",
                         "user_id=abc"};
    for (size_t k = 0; k < 6; k++) {
        r = h_get(h_fmt("/api/v1/leave-requests?%s", bad[k]), h_token("wenmi1"));
        ck_assert_msg(r->status == 400, "%s: %ld", bad[k], r->status);
        h_free(r);
    }
}
END_TEST

START_TEST(test_R_ATT_2_if_match_and_idempotency)
{
    long mon = att_next(2091, 3, 1, 1);
    const char *body = h_fmt("{\"kind\":\"public\",\"reason\":\"conference\",\"start_date\":\"%s\","
                             "\"start_half\":\"am\",\"end_date\":\"%s\",\"end_half\":\"am\"}",
                             att_date(mon), att_date(mon));
    const char *key[] = {"Idempotency-Key: att-leave-2091-a", NULL};
    resp_t *a = h_req("POST", "/api/v1/leave-requests", h_token("custodian"), body, key);
    ck_status(a, 201);
    resp_t *b = h_req("POST", "/api/v1/leave-requests", h_token("custodian"), body, key);
    ck_status(b, 201);
    ck_assert_int_eq(h_int(a, "id"), h_int(b, "id"));
    long long id = h_int(a, "id");
    h_free(a);
    h_free(b);
    ck_assert_int_eq(leaves_in("custodian", 2091), 1);
    const char *stale[] = {"If-Match: \"7\"", NULL};
    resp_t *r = h_req("POST", h_fmt("/api/v1/leave-requests/%lld/approve", id),
                      h_token("wenmi_chief"), "", stale);
    ck_assert(h_problem(r, 412, NULL, NULL, NULL));
    h_free(r);
    const char *fresh[] = {"If-Match: \"1\"", NULL};
    r = h_req("POST", h_fmt("/api/v1/leave-requests/%lld/approve", id), h_token("wenmi_chief"),
              "", fresh);
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_action_bodies_bad_input)
{
    long mon = att_next(2092, 3, 1, 1);
    long long id = att_leave_id("zonghe1", mon, "am", mon + 1, "pm");
    struct {
        const char *user, *action, *body, *field;
    } bad[] = {
        {"deputy2", "approve", "{\"comment\":5}", "comment"},
        {"deputy2", "approve", "{\"decision\":\"yes\"}", "decision"},
        {"deputy2", "reject", "{\"comment\":[]}", "comment"},
        {"zonghe1", "withdraw", "{\"why\":\"plans changed\"}", "why"},
        {"zonghe1", "explanation", "{}", "text"},
        {"zonghe1", "explanation", "{\"text\":\"   \"}", "text"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = att_leave_act(bad[i].user, id, bad[i].action, bad[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    resp_t *r = att_leave_act("deputy2", id, "approve", "[1]");
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    h_free(r);
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("zonghe1"));
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "version"), 1);
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, NULL), 1);
}
END_TEST

START_TEST(test_R_ATT_2_long_chinese_reason_and_comment_are_kept_whole)
{
    long mon = att_next(2093, 3, 1, 1);
    char reason[1600] = "", comment[3100] = "";
    for (int i = 0; i < 500; i++)
        strcat(reason, "假");
    for (int i = 0; i < 1000; i++)
        strcat(comment, "准");
    resp_t *r = h_post("/api/v1/leave-requests", h_token("zonghe1"),
                       h_fmt("{\"kind\":\"private\",\"reason\":\"%s\",\"start_date\":\"%s\","
                             "\"start_half\":\"am\",\"end_date\":\"%s\",\"end_half\":\"am\"}",
                             reason, att_date(mon), att_date(mon)));
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "reason"), reason);
    long long id = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe_chief", "leave_to_approve", "leave_request", id), 1);
    r = att_leave_act("zonghe_chief", id, "approve", h_fmt("{\"comment\":\"%s\"}", comment));
    ck_status(r, 200);
    ck_assert_str_eq(att_str(json_array_get(json_object_get(r->json, "approvals"), 0), "comment"),
                     comment);
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_approved", "leave_request", id), 1);
}
END_TEST

START_TEST(test_R_ATT_2_queue_and_own_list_filter_by_department)
{
    long mon = att_next(2094, 3, 1, 1);
    long long zonghe = att_leave_id("zonghe1", mon, "am", mon, "pm");
    long long xinxi = att_leave_id("xinxi1", mon, "am", mon, "pm");
    long long dep = h_sql_ll("SELECT department_id FROM identity.users WHERE username = 'xinxi1'",
                             0, NULL);
    resp_t *r = h_get(h_fmt("/api/v1/leave-requests?to_approve=true&department_id=%lld&limit=200",
                            dep),
                      h_token("deputy2"));
    ck_status(r, 200);
    bool seen = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        long long x = json_integer_value(json_object_get(it, "id"));
        ck_assert_msg(x != zonghe, "request %lld of another department listed", x);
        ck_assert_int_eq(json_integer_value(json_object_get(it, "department_id")), dep);
        seen = seen || x == xinxi;
    }
    ck_assert(seen);
    h_free(r);
    r = h_get(h_fmt("/api/v1/leave-requests?mine=true&department_id=%lld&limit=200", dep),
              h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    h_free(r);
}
END_TEST

/* 请假制度 二 (…请假,否则按旷工处理): leave is asked for before it starts; a
 * period already begun is absenteeism for the director to record, not a
 * late request. */
START_TEST(test_R_ATT_3_leave_for_a_period_already_begun_is_refused)
{
    long today = (long)h_sql_ll("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date"
                                " - DATE '1970-01-01'", 0, NULL);
    const char *count = "SELECT count(*) FROM attendance.leave_requests l JOIN identity.users u"
                        " ON u.id = l.applicant_id WHERE u.username = $1";
    long long before = att_rows(count, "wenmi1");
    struct {
        long start, end;
    } begun[] = {{today, today + 2}, {today - 1, today + 1}, {today - 30, today - 28},
                 {att_next(2010, 3, 1, 1), att_next(2010, 3, 1, 1)}};
    for (size_t i = 0; i < sizeof begun / sizeof begun[0]; i++) {
        resp_t *r = att_leave("wenmi1", "private", begun[i].start, "am", begun[i].end, "pm");
        ck_assert_msg(h_problem(r, 422, "leave.already_begun", "R-ATT-3", NULL), "case %zu: %s",
                      i, r->body);
        h_free(r);
    }
    ck_assert_int_eq(att_rows(count, "wenmi1"), before);
    /* Tomorrow is still ahead. */
    resp_t *r = att_leave("wenmi1", "private", today + 1, "am", today + 7, "pm");
    ck_status(r, 201);
    h_free(r);
    ck_assert_int_eq(att_rows(count, "wenmi1"), before + 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_leave");
    TCase *t = tcase_create("leave");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_2_staff_half_day_goes_to_chief);
    tcase_add_test(t, test_R_ATT_2_staff_one_day_goes_to_deputy_across_weekend_holiday_workday);
    tcase_add_test(t, test_R_ATT_2_only_person_in_section_half_day_goes_to_deputy);
    tcase_add_test(t, test_R_ATT_2_staff_over_a_day_deputy_then_director);
    tcase_add_test(t, test_R_ATT_2_chief_goes_one_level_up);
    tcase_add_test(t, test_R_ATT_2_deputy_goes_to_director);
    tcase_add_test(t, test_R_ATT_2_director_goes_to_district_mayor);
    tcase_add_test(t, test_R_ATT_2_outside_the_office_refused);
    tcase_add_test(t, test_R_ATT_2_leave_of_zero_working_days_refused);
    tcase_add_test(t, test_R_ATT_2_bad_input_names_the_field);
    tcase_add_test(t, test_R_ATT_2_approval_by_wrong_person_refused);
    tcase_add_test(t, test_R_ATT_2_approval_twice_refused);
    tcase_add_test(t, test_R_ATT_2_rejection_ends_the_chain);
    tcase_add_test(t, test_R_ATT_2_concurrent_approvals_exactly_one_succeeds);
    tcase_add_test(t, test_R_ATT_2_withdraw_before_final_approval_only);
    tcase_add_test(t, test_R_ATT_2_overlapping_leave_refused);
    tcase_add_test(t, test_R_ATT_2_visible_to_applicant_approvers_and_leaders_only);
    tcase_add_test(t, test_R_ATT_2_lists_paginate_and_filter);
    tcase_add_test(t, test_R_ATT_2_if_match_and_idempotency);
    tcase_add_test(t, test_R_ATT_2_action_bodies_bad_input);
    tcase_add_test(t, test_R_ATT_2_long_chinese_reason_and_comment_are_kept_whole);
    tcase_add_test(t, test_R_ATT_2_queue_and_own_list_filter_by_department);
    tcase_add_test(t, test_R_ATT_3_leave_for_a_period_already_begun_is_refused);
    suite_add_tcase(s, t);
    return h_run(s);
}
