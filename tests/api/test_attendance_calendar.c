/* The working calendar: administrators set a year's public holidays and
 * adjusted working days; durations of leave count on it (R-ATT-2). Years
 * 2071-2076 are this file's. */
#include "test_attendance_common.h"

START_TEST(test_R_ATT_2_calendar_set_by_admin_and_read_by_all)
{
    resp_t *r = h_get("/api/v1/calendar/2071", h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "year"), 2071);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "holidays")), 0);
    ck_assert_int_eq(h_int(r, "version"), 0);
    h_free(r);
    long mon = att_next(2071, 10, 1, 1);
    const char *holidays = h_fmt("[\"%s\",\"%s\",\"%s\"]", att_date(mon + 2), att_date(mon),
                                 att_date(mon + 1));
    const char *workdays = h_fmt("[\"%s\"]", att_date(mon + 5));
    att_calendar(2071, holidays, workdays);
    r = h_get("/api/v1/calendar/2071", h_token("xinxi1"));
    ck_status(r, 200);
    json_t *h = json_object_get(r->json, "holidays");
    ck_assert_int_eq(json_array_size(h), 3);
    /* Sorted by date. */
    ck_assert_str_eq(json_string_value(json_array_get(h, 0)), att_date(mon));
    ck_assert_str_eq(json_string_value(json_array_get(h, 2)), att_date(mon + 2));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r->json, "workdays"), 0)),
                     att_date(mon + 5));
    ck_assert_int_eq(h_int(r, "version"), 1);
    ck_assert_str_eq(h_header(r, "ETag"), "\"1\"");
    h_free(r);
    ck_assert_int_eq(att_audits("calendar", 2071, "replace"), 1);
    /* The week now holds Thursday, Friday and the adjusted Saturday. */
    r = att_leave("zonghe1", "private", mon, "am", mon + 6, "pm");
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "half_days"), 6);
    h_free(r);
    /* Replacing the year replaces the lists. */
    att_calendar(2071, "[]", "[]");
    r = h_get("/api/v1/calendar/2071", h_token("xinxi1"));
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "holidays")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "workdays")), 0);
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
    /* Another year is untouched. */
    r = h_get("/api/v1/calendar/2072", h_token("xinxi1"));
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "holidays")), 0);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_2_calendar_refusals_change_nothing)
{
    long mon = att_next(2073, 5, 1, 1);
    att_calendar(2073, h_fmt("[\"%s\"]", att_date(mon)), "[]");
    const char *path = "/api/v1/calendar/2073";
    resp_t *r = h_req("PUT", path, h_token("director"), "{\"holidays\":[],\"workdays\":[]}", NULL);
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"holidays\":[\"2074-01-01\"],\"workdays\":[]}", "holidays"},
        {h_fmt("{\"holidays\":[],\"workdays\":[\"%s\"]}", att_date(mon + 1)), "workdays"},
        {h_fmt("{\"holidays\":[\"%s\",\"%s\"],\"workdays\":[]}", att_date(mon), att_date(mon)),
         "holidays"},
        {h_fmt("{\"holidays\":[\"%s\"],\"workdays\":[\"%s\"]}", att_date(mon + 5),
               att_date(mon + 5)), "workdays"},
        {"{\"holidays\":[\"2073-02-30\"],\"workdays\":[]}", "holidays"},
        {"{\"holidays\":[\"May Day\"],\"workdays\":[]}", "holidays"},
        {"{\"holidays\":[]}", "workdays"},
        {"{\"holidays\":[],\"workdays\":[],\"weekends\":[]}", "weekends"},
        {"{\"holidays\":\"2073-05-01\",\"workdays\":[]}", "holidays"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = h_req("PUT", path, h_token("admin"), bad[i].body, NULL);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    r = h_req("PUT", "/api/v1/calendar/1800", h_token("admin"), "{\"holidays\":[],\"workdays\":[]}",
              NULL);
    ck_assert(h_problem(r, 400, NULL, NULL, "year"));
    h_free(r);
    r = h_get("/api/v1/calendar/twenty", h_token("admin"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* A stale version. */
    const char *stale[] = {"If-Match: \"5\"", NULL};
    r = h_req("PUT", path, h_token("admin"), "{\"holidays\":[],\"workdays\":[]}", stale);
    ck_assert(h_problem(r, 412, NULL, NULL, NULL));
    h_free(r);
    r = h_get(path, h_token("admin"));
    ck_assert_int_eq(h_int(r, "version"), 1);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "holidays")), 1);
    h_free(r);
    ck_assert_int_eq(att_audits("calendar", 2073, NULL), 1);
    const char *fresh[] = {"If-Match: \"1\"", NULL};
    r = h_req("PUT", path, h_token("admin"), "{\"holidays\":[],\"workdays\":[]}", fresh);
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_calendar");
    TCase *t = tcase_create("calendar");
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_2_calendar_set_by_admin_and_read_by_all);
    tcase_add_test(t, test_R_ATT_2_calendar_refusals_change_nothing);
    suite_add_tcase(s, t);
    return h_run(s);
}
