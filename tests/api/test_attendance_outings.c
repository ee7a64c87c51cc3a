/* Temporary outings (R-ATT-1) and the away_now view other services read
 * (R-ORG-4). Outings here are around the present moment. */
#include <stdlib.h>

#include "test_attendance_common.h"

static resp_t *register_outing(const char *user, const char *starts, const char *ends,
                               const char *matter)
{
    return h_post("/api/v1/outings", h_token(user),
                  h_fmt("{\"matter\":\"%s\",\"destination\":\"district archives\","
                        "\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"contact\":\"13800000099\"}",
                        matter, starts, ends));
}

static long long away(const char *kind, long long id)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {kind, b};
    return h_sql_ll("SELECT count(*) FROM attendance.away_now WHERE kind = $1"
                    " AND source_id = $2::bigint",
                    2, p);
}

/* The line of GET /away-now for (kind, source id), or NULL; r keeps it. */
static json_t *away_line(resp_t *r, const char *kind, long long id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        if (!strcmp(json_string_value(json_object_get(it, "kind")), kind) &&
            json_integer_value(json_object_get(it, "source_id")) == id)
            return it;
    }
    return NULL;
}

START_TEST(test_R_ATT_1_outing_registered_and_seen_by_the_section)
{
    resp_t *r = register_outing("zonghe1", att_time_from_now(-300), att_time_from_now(3600),
                                "deliver the report");
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "out");
    ck_assert(json_is_true(json_object_get(r->json, "current")));
    ck_assert_str_eq(h_str(r, "matter"), "deliver the report");
    ck_assert_str_eq(h_str(r, "destination"), "district archives");
    ck_assert_str_eq(h_str(r, "contact"), "13800000099");
    ck_assert_int_eq(h_int(r, "user_id"), h_user_id("zonghe1"));
    h_free(r);
    ck_assert_int_eq(att_audits("outing", id, "register"), 1);
    /* The section's colleagues are told; others and the person are not. */
    ck_assert_int_eq(att_notes("zonghe2", "colleague_out", "outing", id), 1);
    ck_assert_int_eq(att_notes("zonghe_chief", "colleague_out", "outing", id), 1);
    ck_assert_int_eq(att_notes("zonghe1", "colleague_out", "outing", id), 0);
    ck_assert_int_eq(att_notes("wenmi1", "colleague_out", "outing", id), 0);
    /* Colleagues in the section, the chief, the supervising deputy and the
     * leaders see it among those out now; other sections do not. */
    const char *see[] = {"zonghe2", "zonghe_chief", "sec1", "deputy2", "director", "admin"};
    for (size_t i = 0; i < 6; i++) {
        r = h_get("/api/v1/outings?current=true&limit=200", h_token(see[i]));
        ck_status(r, 200);
        ck_assert_msg(h_page_has(r, id), "%s does not see the outing", see[i]);
        h_free(r);
        r = h_get(h_fmt("/api/v1/outings/%lld", id), h_token(see[i]));
        ck_status(r, 200);
        h_free(r);
    }
    const char *blind[] = {"wenmi1", "xinxi1", "wenmi_chief", "town1_clerk"};
    for (size_t i = 0; i < 4; i++) {
        r = h_get("/api/v1/outings?current=true&limit=200", h_token(blind[i]));
        ck_status(r, 200);
        ck_assert_msg(!h_page_has(r, id), "%s sees the outing", blind[i]);
        h_free(r);
    }
    r = h_get(h_fmt("/api/v1/outings/%lld", id), h_token("wenmi1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* The section's list by department. */
    r = h_get(h_fmt("/api/v1/outings?department_id=%lld&limit=200",
                    h_sql_ll("SELECT department_id FROM identity.users WHERE username = 'zonghe1'",
                             0, NULL)),
              h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert(h_page_has(r, id));
    h_free(r);

    /* 谁不在岗: the section sees who is out, where and how to reach them. */
    long long dep = h_sql_ll("SELECT department_id FROM identity.users WHERE username = 'zonghe1'",
                             0, NULL);
    r = h_get("/api/v1/away-now", h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "department_id"), dep);
    json_t *line = away_line(r, "outing", id);
    ck_assert_msg(line != NULL, "%s", r->body);
    ck_assert_int_eq(json_integer_value(json_object_get(line, "user_id")), h_user_id("zonghe1"));
    ck_assert_str_eq(json_string_value(json_object_get(line, "matter")), "deliver the report");
    ck_assert_str_eq(json_string_value(json_object_get(line, "destination")), "district archives");
    ck_assert_str_eq(json_string_value(json_object_get(line, "contact")), "13800000099");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(line, "display_name")));
    h_free(r);
    const char *q = h_fmt("/api/v1/away-now?department_id=%lld", dep);
    const char *also[] = {"zonghe_chief", "deputy2", "director", "admin"};
    for (size_t i = 0; i < 4; i++) {
        r = h_get(q, h_token(also[i]));
        ck_status(r, 200);
        ck_assert_msg(away_line(r, "outing", id), "%s does not see zonghe1 away", also[i]);
        h_free(r);
    }
    /* Another section's people and an external unit do not. */
    const char *others[] = {"wenmi1", "xinxi1", "wenmi_chief", "town1_clerk"};
    for (size_t i = 0; i < 4; i++) {
        r = h_get(q, h_token(others[i]));
        ck_assert_msg(h_problem(r, 403, "auth.forbidden", "R-ATT-1", NULL), "%s: %ld %s",
                      others[i], r->status, r->body);
        h_free(r);
    }
    r = h_get("/api/v1/away-now", h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert(!away_line(r, "outing", id));
    h_free(r);
    r = h_get("/api/v1/away-now?department_id=99999999", h_token("director"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/away-now?department_id=x", h_token("director"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "department_id"));
    h_free(r);
    /* Back: no longer away. */
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("zonghe1"), NULL);
    ck_status(r, 200);
    h_free(r);
    r = h_get(q, h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert(!away_line(r, "outing", id));
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_1_outing_return_by_the_person_only)
{
    resp_t *r = register_outing("xinxi1", att_time_from_now(-60), att_time_from_now(1800), "bank");
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(away("outing", id), 1);
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("deputy2"), NULL);
    ck_assert(h_problem(r, 403, "outing.not_yours", "R-ATT-1", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("zonghe1"), NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(away("outing", id), 1);
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("xinxi1"), "{\"comment\":7}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "comment"));
    h_free(r);
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("xinxi1"), "{\"at\":\"now\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "at"));
    h_free(r);
    ck_assert_int_eq(away("outing", id), 1);
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("xinxi1"),
               "{\"comment\":\"back early\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "returned");
    ck_assert(json_is_false(json_object_get(r->json, "current")));
    ck_assert_str_eq(h_str(r, "return_comment"), "back early");
    h_free(r);
    ck_assert_int_eq(away("outing", id), 0);
    ck_assert_int_eq(att_audits("outing", id, "return"), 1);
    r = h_post(h_fmt("/api/v1/outings/%lld/return", id), h_token("xinxi1"), NULL);
    ck_assert(h_problem(r, 409, "outing.already_returned", NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/outings?current=true&limit=200", h_token("xinxi1"));
    ck_assert(!h_page_has(r, id));
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_1_outing_bad_input_and_overlap)
{
    long long before = att_rows("SELECT count(*) FROM attendance.outings o JOIN identity.users u"
                                " ON u.id = o.user_id WHERE u.username = $1", "wenmi1");
    const char *now = att_time_from_now(0), *later = att_time_from_now(3600);
    struct {
        const char *body, *field;
    } bad[] = {
        {h_fmt("{\"matter\":\"x\",\"destination\":\"y\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
               "\"contact\":\"z\"}", later, now), "ends_at"},
        {h_fmt("{\"matter\":\" \",\"destination\":\"y\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
               "\"contact\":\"z\"}", now, later), "matter"},
        {h_fmt("{\"matter\":\"x\",\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"contact\":\"z\"}", now,
               later), "destination"},
        {h_fmt("{\"matter\":\"x\",\"destination\":\"y\",\"starts_at\":\"today\",\"ends_at\":\"%s\","
               "\"contact\":\"z\"}", later), "starts_at"},
        {h_fmt("{\"matter\":\"x\",\"destination\":\"y\",\"starts_at\":\"%s\",\"ends_at\":\"%s\"}",
               now, later), "contact"},
        {h_fmt("{\"matter\":\"x\",\"destination\":\"y\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
               "\"contact\":\"z\",\"user_id\":3}", now, later), "user_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = h_post("/api/v1/outings", h_token("wenmi1"), bad[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    /* Someone from outside the office does not register outings here. */
    resp_t *r = register_outing("town1_clerk", now, later, "visit");
    ck_assert(h_problem(r, 403, "outing.not_office_staff", "R-ATT-1", NULL));
    h_free(r);
    /* Two outings of one person cannot overlap. */
    r = register_outing("wenmi1", att_time_from_now(7200), att_time_from_now(10800), "post office");
    ck_status(r, 201);
    h_free(r);
    r = register_outing("wenmi1", att_time_from_now(9000), att_time_from_now(12000), "printer");
    ck_assert(h_problem(r, 409, "outing.overlap", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(att_rows("SELECT count(*) FROM attendance.outings o JOIN identity.users u"
                              " ON u.id = o.user_id WHERE u.username = $1", "wenmi1"),
                     before + 1);
}
END_TEST

START_TEST(test_R_ATT_1_away_now_covers_approved_leave_for_other_services)
{
    /* Two weeks around today (office time) always hold working days. */
    long today = (long)h_sql_ll("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date"
                                " - DATE '1970-01-01'", 0, NULL);
    long long id = att_leave_past_id("deputy3", "public", today - 3, "am", today + 10, "pm");
    /* Pending leave is not away. */
    ck_assert_int_eq(away("leave", id), 0);
    att_leave_ok("director", id, "approve", NULL);
    ck_assert_int_eq(away("leave", id), 1);
    /* The view is readable by the other services' roles. */
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b};
    h_sql("SET ROLE documents");
    long long seen = h_sql_ll("SELECT count(*) FROM attendance.away_now WHERE kind = 'leave'"
                              " AND source_id = $1::bigint AND user_id = "
                              "(SELECT id FROM identity.org_people WHERE username = 'deputy3')",
                              1, p);
    h_sql("RESET ROLE");
    ck_assert_int_eq(seen, 1);
    /* 谁不在岗 shows the leave without its reason. */
    long long dep = h_sql_ll("SELECT department_id FROM identity.users WHERE username = 'deputy3'",
                             0, NULL);
    resp_t *r = h_get(h_fmt("/api/v1/away-now?department_id=%lld", dep), h_token("director"));
    ck_status(r, 200);
    json_t *line = away_line(r, "leave", id);
    ck_assert_msg(line != NULL, "%s", r->body);
    ck_assert_int_eq(json_integer_value(json_object_get(line, "user_id")), h_user_id("deputy3"));
    ck_assert(json_is_null(json_object_get(line, "destination")));
    ck_assert(json_is_null(json_object_get(line, "matter")));
    ck_assert_ptr_null(json_object_get(line, "reason"));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(line, "until")));
    h_free(r);
    /* Back early: no longer away. */
    att_leave_ok("deputy3", id, "close", h_fmt("{\"returned_at\":\"%s\"}", att_time_from_now(0)));
    ck_assert_int_eq(away("leave", id), 0);
}
END_TEST

/* 请假制度 一, 二: an outing is shorter than half a working day; half a day
 * or more is leave, asked of the chief or higher. Its length counts working
 * time, as a leave's does: the office hours (08:30-12:00, 13:30-17:00 by
 * default; half a day is 3.5 hours) of the calendar's working days. Days of
 * 2036, a year no other test uses. */
static const char *at(long day, const char *hhmm)
{
    return h_fmt("%sT%s:00+08:00", att_date(day), hhmm);
}

START_TEST(test_R_ATT_2_outing_of_half_a_day_or_more_is_leave)
{
    const char *sql = "SELECT count(*) FROM attendance.outings o JOIN identity.users u"
                      " ON u.id = o.user_id WHERE u.username = $1";
    long mon = att_next(2036, 3, 3, 1);
    /* A holiday on the Wednesday, an adjusted working Saturday. */
    att_calendar(2036, h_fmt("[\"%s\"]", att_date(mon + 2)),
                 h_fmt("[\"%s\"]", att_date(mon + 12)));
    long long before = att_rows(sql, "zonghe_chief");
    struct {
        long day;
        const char *from;
        long to_day;
        const char *to;
    } leave[] = {
        {mon, "08:30", mon, "12:00"},          /* the whole morning session */
        {mon + 1, "10:00", mon + 1, "15:00"},  /* 2 h + 1.5 h around lunch */
        {mon + 3, "16:00", mon + 4, "11:00"},  /* 1 h + 2.5 h across the night */
        {mon + 12, "08:00", mon + 12, "12:30"}, /* an adjusted working Saturday */
        {mon + 7, "08:00", mon + 21, "18:00"}, /* two weeks */
        {mon + 28, "00:00", mon + 90, "00:00"}, /* beyond a month */
    };
    for (size_t i = 0; i < sizeof leave / sizeof leave[0]; i++) {
        resp_t *r = register_outing("zonghe_chief", at(leave[i].day, leave[i].from),
                                    at(leave[i].to_day, leave[i].to), "inspection");
        ck_assert_msg(h_problem(r, 422, "outing.is_leave", "R-ATT-2", NULL), "case %zu: %s", i,
                      r->body);
        ck_assert(strstr(r->body, "leave-requests") != NULL);
        h_free(r);
    }
    ck_assert_int_eq(att_rows(sql, "zonghe_chief"), before);
    /* Under half a day of working time is still an outing, however long
     * the clock runs: a minute short, the lunch break, an evening, the
     * holiday, a weekend. */
    struct {
        long day;
        const char *from;
        long to_day;
        const char *to;
    } outing[] = {
        {mon + 35, "08:30", mon + 35, "11:59"},
        {mon + 36, "09:00", mon + 36, "13:30"},  /* 3 h: lunch does not count */
        {mon + 36, "17:00", mon + 37, "08:30"},  /* evening and night */
        {mon + 2, "06:00", mon + 2, "22:00"},    /* the holiday */
        {mon + 39, "16:00", mon + 42, "09:00"},  /* Friday 1 h, Monday 0.5 h */
    };
    for (size_t i = 0; i < sizeof outing / sizeof outing[0]; i++) {
        resp_t *r = register_outing("zonghe_chief", at(outing[i].day, outing[i].from),
                                    at(outing[i].to_day, outing[i].to), "inspection");
        ck_assert_msg(r->status == 201, "case %zu: %ld %s", i, r->status, r->body);
        h_free(r);
    }
    ck_assert_int_eq(att_rows(sql, "zonghe_chief"), before + 5);
}
END_TEST

START_TEST(test_R_ATT_1_long_chinese_text_is_kept_whole)
{
    /* 500 three-byte characters: the longest matter allowed. */
    char matter[1600] = "";
    for (int i = 0; i < 500; i++)
        strcat(matter, i % 2 ? "务" : "公");
    resp_t *r = register_outing("zonghe2", att_time_from_now(4 * 3600),
                                att_time_from_now(5 * 3600), matter);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "matter"), matter);
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "colleague_out", "outing", id), 1);
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b};
    char *title = h_sql_str("SELECT title FROM identity.notifications WHERE entity_type = 'outing'"
                            " AND entity_id = $1::bigint LIMIT 1",
                            1, p);
    ck_assert_ptr_nonnull(title);
    ck_assert(strstr(title, "公务公务") != NULL);
    free(title);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_outings");
    TCase *t = tcase_create("outings");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_1_outing_registered_and_seen_by_the_section);
    tcase_add_test(t, test_R_ATT_1_outing_return_by_the_person_only);
    tcase_add_test(t, test_R_ATT_1_outing_bad_input_and_overlap);
    tcase_add_test(t, test_R_ATT_1_away_now_covers_approved_leave_for_other_services);
    tcase_add_test(t, test_R_ATT_1_long_chinese_text_is_kept_whole);
    tcase_add_test(t, test_R_ATT_2_outing_of_half_a_day_or_more_is_leave);
    suite_add_tcase(s, t);
    return h_run(s);
}
