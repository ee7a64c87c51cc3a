/* Closing leave (销假), extensions (补假) and the written explanation
 * (R-ATT-4). Leave here lies in the past (years 2001-2008 are this file's,
 * requested while ahead: att_leave_past_id), so that the return can be
 * reported. */
#include <unistd.h>

#include "test_attendance_common.h"

/* An approved leave of one working day (Monday) for user, approved by the
 * supervising deputy. */
static long long approved_day(const char *user, const char *deputy, long mon)
{
    long long id = att_leave_past_id(user, "private", mon, "am", mon, "pm");
    att_leave_ok(deputy, id, "approve", NULL);
    return id;
}

static resp_t *close_at(const char *user, long long id, long day, const char *hhmm)
{
    return att_leave_act(user, id, "close",
                         h_fmt("{\"returned_at\":\"%sT%s:00+08:00\"}", att_date(day), hhmm));
}

/* Absences recorded from this leave request, of a cause. */
static long long absences_from(long long id, const char *cause)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b, cause};
    return h_sql_ll("SELECT count(*) FROM attendance.absences WHERE source_type = 'leave_request'"
                    " AND source_id = $1::bigint AND cause = $2",
                    2, p);
}

static char *absence_field(long long id, const char *cause, const char *column)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b, cause};
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT %s::text FROM attendance.absences WHERE source_type = 'leave_request'"
             " AND source_id = $1::bigint AND cause = $2",
             column);
    return h_sql_str(sql, 2, p);
}

START_TEST(test_R_ATT_4_close_on_time_is_not_absenteeism)
{
    long mon = att_next(2001, 3, 1, 1);
    long long id = approved_day("zonghe1", "deputy2", mon);
    resp_t *r = close_at("zonghe1", id, mon + 1, "08:30");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "closed");
    ck_assert_int_eq(h_int(r, "late_half_days"), 0);
    ck_assert(json_is_string(json_object_get(r->json, "returned_at")));
    h_free(r);
    ck_assert_int_eq(absences_from(id, "late_return"), 0);
    ck_assert_int_eq(att_notes("deputy2", "leave_closed", "leave_request", id), 1);
    ck_assert_int_eq(att_audits("leave_request", id, "close"), 1);
    /* Over a weekend: a Friday's leave, back on Monday morning. */
    long long fri = approved_day("zonghe1", "deputy2", mon + 11);
    r = close_at("zonghe1", fri, mon + 14, "09:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "late_half_days"), 0);
    h_free(r);
    /* Closing twice is refused. */
    r = close_at("zonghe1", fri, mon + 14, "09:00");
    ck_assert(h_problem(r, 409, "leave.already_closed", NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_4_late_return_without_extension_is_absenteeism)
{
    long mon = att_next(2002, 3, 1, 1);
    /* Tuesday is a holiday: it never counts. */
    att_calendar(2002, h_fmt("[\"%s\"]", att_date(mon + 1)), "[]");
    long long id = approved_day("zonghe2", "deputy2", mon);
    /* Back on Thursday afternoon: Wednesday and Thursday morning are late. */
    resp_t *r = close_at("zonghe2", id, mon + 3, "14:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "late_half_days"), 3);
    long long absence = h_int(r, "late_absence_id");
    ck_assert(absence > 0);
    h_free(r);
    r = h_get(h_fmt("/api/v1/absences/%lld", absence), h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "date"), att_date(mon + 2));
    ck_assert_int_eq(h_int(r, "half_days"), 3);
    ck_assert(json_number_value(json_object_get(r->json, "days")) == 1.5);
    ck_assert_str_eq(h_str(r, "cause"), "late_return");
    ck_assert_str_eq(att_str(json_object_get(r->json, "source"), "type"), "leave_request");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->json, "source"), "id")),
                     id);
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe2", "absence_recorded", "absence", absence), 1);
    ck_assert_int_eq(att_audits("absence", absence, "record"), 1);
}
END_TEST

START_TEST(test_R_ATT_4_extension_with_explanation_is_not_absenteeism)
{
    long mon = att_next(2003, 3, 1, 1);
    /* The explanation handed in before closing. */
    long long id = approved_day("zonghe1", "deputy2", mon);
    resp_t *r = att_leave_act("deputy2", id, "extend",
                              h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\","
                                    "\"reason\":\"fever, phoned in\"}",
                                    att_date(mon + 1)));
    ck_status(r, 200);
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "new_end_date"),
                     att_date(mon + 1));
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_extended", "leave_request", id), 1);
    r = att_leave_act("zonghe1", id, "explanation", "{\"text\":\"medical certificate no. 7\"}");
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(att_notes("deputy2", "leave_explained", "leave_request", id), 1);
    r = close_at("zonghe1", id, mon + 2, "08:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "late_half_days"), 0);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 2);
    ck_assert_str_eq(h_str(r, "extension_outcome"), "explained");
    h_free(r);
    ck_assert_int_eq(absences_from(id, "unexplained_extension"), 0);
    ck_assert_int_eq(absences_from(id, "late_return"), 0);

    /* The explanation handed in after closing, within the days allowed. */
    long long later = approved_day("zonghe1", "deputy2", mon + 7);
    att_leave_ok("deputy2", later, "extend",
                 h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"am\",\"reason\":\"train\"}",
                       att_date(mon + 8)));
    r = close_at("zonghe1", later, mon + 8, "13:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 1);
    ck_assert(json_is_null(json_object_get(r->json, "extension_outcome")));
    ck_assert(json_is_string(json_object_get(r->json, "explanation_due")));
    h_free(r);
    r = att_leave_act("zonghe1", later, "explanation", "{\"text\":\"ticket stub\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "extension_outcome"), "explained");
    h_free(r);
    ck_assert_int_eq(absences_from(later, "unexplained_extension"), 0);
    /* Returning even later than the extension: the rest is absenteeism. */
    long long beyond = approved_day("zonghe1", "deputy2", mon + 14);
    att_leave_ok("deputy2", beyond, "extend",
                 h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"am\",\"reason\":\"ill\"}",
                       att_date(mon + 15)));
    att_leave_ok("zonghe1", beyond, "explanation", "{\"text\":\"certificate\"}");
    r = close_at("zonghe1", beyond, mon + 16, "09:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 1);
    ck_assert_int_eq(h_int(r, "late_half_days"), 1);
    h_free(r);
    char *date = absence_field(beyond, "late_return", "date");
    ck_assert_str_eq(date, att_date(mon + 15));
    free(date);
}
END_TEST

START_TEST(test_R_ATT_4_missing_explanation_turns_extension_into_absenteeism)
{
    long mon = att_next(2004, 3, 1, 1);
    long long id = approved_day("zonghe2", "deputy2", mon);
    att_leave_ok("deputy2", id, "extend",
                 h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"flu\"}",
                       att_date(mon + 1)));
    /* Back on Thursday: Wednesday is late outright, Tuesday waits for the
     * explanation. */
    resp_t *r = close_at("zonghe2", id, mon + 3, "09:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "late_half_days"), 2);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 2);
    ck_assert(json_is_null(json_object_get(r->json, "extension_outcome")));
    h_free(r);
    ck_assert_int_eq(absences_from(id, "late_return"), 1);
    ck_assert_int_eq(absences_from(id, "unexplained_extension"), 0);
    /* The deadline passes without an explanation. */
    h_sql(h_fmt("UPDATE attendance.leave_requests SET explanation_due = now() - interval '1 minute'"
                " WHERE id = %lld",
                id));
    long long found = 0;
    for (int i = 0; i < 100 && !found; i++) {
        found = absences_from(id, "unexplained_extension");
        if (!found)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(found, 1);
    char *date = absence_field(id, "unexplained_extension", "date");
    char *halves = absence_field(id, "unexplained_extension", "half_days");
    ck_assert_str_eq(date, att_date(mon + 1));
    ck_assert_str_eq(halves, "2");
    free(date);
    free(halves);
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("zonghe2"));
    ck_assert_str_eq(h_str(r, "extension_outcome"), "absenteeism");
    ck_assert(h_int(r, "extension_absence_id") > 0);
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, "extension_unexplained"), 1);
    /* Too late now. */
    r = att_leave_act("zonghe2", id, "explanation", "{\"text\":\"here it is\"}");
    ck_assert(h_problem(r, 422, "leave.explanation_late", "R-ATT-4", NULL));
    h_free(r);
    ck_assert_int_eq(
        att_count("SELECT count(*) FROM attendance.leave_requests WHERE id = $1::bigint"
                  " AND explanation IS NULL", id), 1);
}
END_TEST

START_TEST(test_R_ATT_4_only_the_final_approver_extends)
{
    long mon = att_next(2005, 3, 1, 1);
    long long id = att_leave_past_id("xinxi1", "private", mon, "am", mon + 1, "pm");
    const char *ext = h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"ill\"}",
                            att_date(mon + 2));
    /* Not while pending. */
    att_leave_ok("deputy2", id, "approve", NULL);
    resp_t *r = att_leave_act("director", id, "extend", ext);
    ck_assert(h_problem(r, 409, "leave.not_open", NULL, NULL));
    h_free(r);
    att_leave_ok("director", id, "approve", NULL);
    /* The first approver, the applicant, a stranger. */
    r = att_leave_act("deputy2", id, "extend", ext);
    ck_assert(h_problem(r, 403, "leave.not_final_approver", "R-ATT-4", NULL));
    h_free(r);
    r = att_leave_act("xinxi1", id, "extend", ext);
    ck_assert(h_problem(r, 403, "leave.not_final_approver", "R-ATT-4", NULL));
    h_free(r);
    r = att_leave_act("zonghe1", id, "extend", ext);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* Bad input. */
    struct {
        const char *body, *field;
    } bad[] = {
        {h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"x\"}", att_date(mon + 1)),
         "new_end_date"},
        {h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"noon\",\"reason\":\"x\"}", att_date(mon + 2)),
         "new_end_half"},
        {h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\"}", att_date(mon + 2)), "reason"},
        {h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"x\",\"days\":2}",
               att_date(mon + 2)), "days"},
        {"{\"new_end_date\":\"2005-13-01\",\"new_end_half\":\"pm\",\"reason\":\"x\"}", "new_end_date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = att_leave_act("director", id, "extend", bad[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.leave_requests WHERE id = $1::bigint"
                               " AND ext_end_date IS NULL", id), 1);
    r = att_leave_act("director", id, "extend", ext);
    ck_status(r, 200);
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "reason"), "ill");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->json, "extension"),
                                                        "recorded_by")),
                     h_user_id("director"));
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, "extend"), 1);
    /* An explanation needs an extension. */
    long long plain = approved_day("xinxi1", "deputy2", mon + 7);
    r = att_leave_act("xinxi1", plain, "explanation", "{\"text\":\"why\"}");
    ck_assert(h_problem(r, 409, "leave.no_extension", NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_4_close_refusals_change_nothing)
{
    long mon = att_next(2006, 3, 1, 1);
    long long pending = att_leave_past_id("custodian", "private", mon, "am", mon, "pm");
    resp_t *r = close_at("custodian", pending, mon + 1, "09:00");
    ck_assert(h_problem(r, 409, "leave.not_approved", NULL, NULL));
    h_free(r);
    long long id = approved_day("custodian", "deputy_gov", mon + 7);
    /* Someone else closing it. */
    r = close_at("deputy_gov", id, mon + 8, "09:00");
    ck_assert(h_problem(r, 403, "leave.not_applicant", "R-ATT-4", NULL));
    h_free(r);
    struct {
        const char *body, *field;
    } bad[] = {
        {h_fmt("{\"returned_at\":\"%sT09:00:00+08:00\"}", att_date(mon + 6)), "returned_at"},
        {"{\"returned_at\":\"2999-01-04T09:00:00+08:00\"}", "returned_at"},
        {h_fmt("{\"returned_at\":\"%s 09:00\"}", att_date(mon + 8)), "returned_at"},
        {"{}", "returned_at"},
        {h_fmt("{\"returned_at\":\"%sT09:00:00+08:00\",\"late\":0}", att_date(mon + 8)), "late"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = att_leave_act("custodian", id, "close", bad[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("custodian"));
    ck_assert_str_eq(h_str(r, "state"), "approved");
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, "close"), 0);
}
END_TEST

START_TEST(test_R_ATT_4_unclosed_leave_reminds_the_applicant)
{
    long mon = att_next(2007, 3, 1, 1);
    long long id = approved_day("wenmi1", "deputy_gov", mon);
    long long n = 0;
    for (int i = 0; i < 100 && !n; i++) {
        n = att_notes("wenmi1", "leave_close_due", "leave_request", id);
        if (!n)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(n, 1);
    resp_t *r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("wenmi1"));
    ck_assert(json_is_true(json_object_get(r->json, "overdue")));
    h_free(r);
    /* Once only. */
    usleep(1500 * 1000);
    ck_assert_int_eq(att_notes("wenmi1", "leave_close_due", "leave_request", id), 1);
}
END_TEST

START_TEST(test_R_ATT_4_extension_rearms_the_close_reminder)
{
    long mon = att_next(2008, 3, 1, 1);
    long long id = approved_day("wenmi1", "deputy_gov", mon);
    long long n = 0;
    for (int i = 0; i < 100 && !n; i++) {
        n = att_notes("wenmi1", "leave_close_due", "leave_request", id);
        if (!n)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(n, 1);
    /* The leave is extended: once the new end has passed, the applicant is
     * reminded again. */
    att_leave_ok("deputy_gov", id, "extend",
                 h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"ill\"}",
                       att_date(mon + 1)));
    for (int i = 0; i < 100 && n < 2; i++) {
        n = att_notes("wenmi1", "leave_close_due", "leave_request", id);
        if (n < 2)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(n, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_close");
    TCase *t = tcase_create("close");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_4_close_on_time_is_not_absenteeism);
    tcase_add_test(t, test_R_ATT_4_late_return_without_extension_is_absenteeism);
    tcase_add_test(t, test_R_ATT_4_extension_with_explanation_is_not_absenteeism);
    tcase_add_test(t, test_R_ATT_4_missing_explanation_turns_extension_into_absenteeism);
    tcase_add_test(t, test_R_ATT_4_only_the_final_approver_extends);
    tcase_add_test(t, test_R_ATT_4_close_refusals_change_nothing);
    tcase_add_test(t, test_R_ATT_4_unclosed_leave_reminds_the_applicant);
    tcase_add_test(t, test_R_ATT_4_extension_rearms_the_close_reminder);
    suite_add_tcase(s, t);
    return h_run(s);
}
