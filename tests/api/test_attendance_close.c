/* Closing leave (销假), extensions (补假) and the written explanation
 * (R-ATT-4). Leave here lies in the past (years 2001-2008 are this file's,
 * requested while ahead: att_leave_past_id), so that the return can be
 * reported. */
#include <stdlib.h>
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

/* The same, still ahead (ATT_AHEAD days later), so that it can be extended
 * before it ends (R-ATT-4); att_leave_move_back then puts it in the past. */
static long long approved_day_ahead(const char *user, const char *deputy, long mon)
{
    long long id = att_leave_id(user, mon + ATT_AHEAD, "am", mon + ATT_AHEAD, "pm");
    att_leave_ok(deputy, id, "approve", NULL);
    return id;
}

/* recorder extends leave id (still ahead) to end_day's half (a day of the
 * past: ATT_AHEAD is added). Beyond one day the director approves the
 * extension as well (R-ATT-2 chain computed again). */
static void extend_ahead(const char *recorder, long long id, long end_day, const char *half,
                         const char *reason)
{
    resp_t *r = att_leave_act(recorder, id, "extend",
                              h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"%s\","
                                    "\"reason\":\"%s\"}",
                                    att_date(end_day + ATT_AHEAD), half, reason));
    ck_status(r, 200);
    bool pending = !strcmp(att_str(json_object_get(r->json, "extension"), "state"), "pending");
    h_free(r);
    if (pending)
        att_leave_ok("director", id, "approve", NULL);
}

/* Closes with the return at day hhmm (office time); the final approver
 * confirms a return earlier than the closing (att_close). */
static resp_t *close_at(const char *user, long long id, long day, const char *hhmm)
{
    return att_close(user, id, h_fmt("%sT%s:00+08:00", att_date(day), hhmm));
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
    long long id = approved_day_ahead("zonghe1", "deputy2", mon);
    extend_ahead("deputy2", id, mon + 1, "pm", "fever, phoned in");
    att_leave_move_back(id);
    resp_t *r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("zonghe1"));
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "new_end_date"),
                     att_date(mon + 1));
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "state"), "granted");
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_extended", "leave_request", id), 1);
    r = att_leave_act("zonghe1", id, "explanation", att_explanation("medical certificate no. 7"));
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(att_notes("deputy2", "leave_explanation_to_review", "leave_request", id), 1);
    att_leave_ok("deputy2", id, "review-explanation", "{\"accepted\":true}");
    r = close_at("zonghe1", id, mon + 2, "08:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "late_half_days"), 0);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 2);
    ck_assert_str_eq(h_str(r, "extension_outcome"), "explained");
    h_free(r);
    ck_assert_int_eq(absences_from(id, "unexplained_extension"), 0);
    ck_assert_int_eq(absences_from(id, "late_return"), 0);

    /* The explanation handed in after closing, within the days allowed. */
    long long later = approved_day_ahead("zonghe1", "deputy2", mon + 7);
    extend_ahead("deputy2", later, mon + 8, "am", "train");
    att_leave_move_back(later);
    r = close_at("zonghe1", later, mon + 8, "13:00");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 1);
    ck_assert(json_is_null(json_object_get(r->json, "extension_outcome")));
    ck_assert(json_is_string(json_object_get(r->json, "explanation_due")));
    h_free(r);
    r = att_leave_act("zonghe1", later, "explanation", att_explanation("ticket stub"));
    ck_status(r, 200);
    ck_assert(json_is_null(json_object_get(r->json, "extension_outcome")));
    h_free(r);
    r = att_leave_act("deputy2", later, "review-explanation", "{\"accepted\":true}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "extension_outcome"), "explained");
    h_free(r);
    ck_assert_int_eq(absences_from(later, "unexplained_extension"), 0);
    /* Returning even later than the extension: the rest is absenteeism. */
    long long beyond = approved_day_ahead("zonghe1", "deputy2", mon + 14);
    extend_ahead("deputy2", beyond, mon + 15, "am", "ill");
    att_leave_move_back(beyond);
    att_leave_ok("zonghe1", beyond, "explanation", att_explanation("certificate"));
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
    long long id = approved_day_ahead("zonghe2", "deputy2", mon);
    extend_ahead("deputy2", id, mon + 1, "pm", "flu");
    att_leave_move_back(id);
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
    r = att_leave_act("zonghe2", id, "explanation", att_explanation("here it is"));
    ck_assert(h_problem(r, 422, "leave.explanation_late", "R-ATT-4", NULL));
    h_free(r);
    ck_assert_int_eq(
        att_count("SELECT count(*) FROM attendance.leave_requests WHERE id = $1::bigint"
                  " AND explanation IS NULL", id), 1);
}
END_TEST

START_TEST(test_R_ATT_4_only_the_final_approver_extends)
{
    /* Still ahead: an extension is recorded before the leave ends. */
    long mon = att_next(2005, 3, 1, 1) + ATT_AHEAD;
    long long id = att_leave_id("xinxi1", mon, "am", mon + 1, "pm");
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
        {"{\"new_end_date\":\"2105-13-01\",\"new_end_half\":\"pm\",\"reason\":\"x\"}", "new_end_date"},
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
    long long plain = approved_day("xinxi1", "deputy2", mon - ATT_AHEAD + 7);
    r = att_leave_act("xinxi1", plain, "explanation", att_explanation("why"));
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
    /* Extended before the end, beyond what the deputy may grant: the
     * extension waits for the director while the leave runs out. */
    long long id = approved_day_ahead("wenmi1", "deputy_gov", mon);
    att_leave_ok("deputy_gov", id, "extend",
                 h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"ill\"}",
                       att_date(mon + 1 + ATT_AHEAD)));
    att_leave_move_back(id);
    long long n = 0;
    for (int i = 0; i < 100 && !n; i++) {
        n = att_notes("wenmi1", "leave_close_due", "leave_request", id);
        if (!n)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(n, 1);
    /* The director approves the extension: once the new end has passed,
     * the applicant is reminded again. */
    att_leave_ok("director", id, "approve", NULL);
    for (int i = 0; i < 100 && n < 2; i++) {
        n = att_notes("wenmi1", "leave_close_due", "leave_request", id);
        if (n < 2)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(n, 2);
}
END_TEST

/* 请假制度 三 "必须通过电话及时补假": an extension is recorded before the leave
 * ends, and one that makes the leave longer than its approvers may grant
 * needs the approvers the longer leave needs (R-ATT-2 chain computed again). */
START_TEST(test_R_ATT_4_extension_is_timely_and_within_the_approvers_authority)
{
    long mon = att_next(2009, 3, 2, 1) + ATT_AHEAD;
    /* Half a day, the chief's to grant; extended to a whole day, which is
     * the supervising deputy's. */
    long long half = att_leave_id("zonghe2", mon, "am", mon, "am");
    att_leave_ok("zonghe_chief", half, "approve", NULL);
    resp_t *r = att_leave_act("zonghe_chief", half, "extend",
                              h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\","
                                    "\"reason\":\"phoned: the doctor kept him\"}",
                                    att_date(mon)));
    ck_status(r, 200);
    json_t *ext = json_object_get(r->json, "extension");
    ck_assert_str_eq(att_str(ext, "state"), "pending");
    ck_assert_int_eq(json_integer_value(json_object_get(ext, "current_approver_id")),
                     h_user_id("deputy2"));
    ck_assert_int_eq(json_integer_value(json_object_get(ext, "half_days")), 2);
    /* Until approved, the leave ends where it did. */
    const char *ends = h_fmt("%s", h_str(r, "ends_at"));
    h_free(r);
    ck_assert_int_eq(att_notes("deputy2", "leave_extension_to_approve", "leave_request", half), 1);
    ck_assert_int_eq(att_notes("zonghe2", "leave_extension_pending", "leave_request", half), 1);
    /* The chief cannot approve it; another extension waits. */
    r = att_leave_act("zonghe_chief", half, "approve", NULL);
    ck_assert(h_problem(r, 403, "leave.approver_mismatch", "R-ATT-4", NULL));
    h_free(r);
    r = att_leave_act("zonghe_chief", half, "extend",
                      h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"x\"}",
                            att_date(mon + 1)));
    ck_assert(h_problem(r, 409, "leave.extension_pending", NULL, NULL));
    h_free(r);
    r = h_get(h_fmt("/api/v1/leave-requests/%lld", half), h_token("deputy2"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "ends_at"), ends);
    h_free(r);
    r = att_leave_act("deputy2", half, "approve", "{\"comment\":\"agreed on the phone\"}");
    ck_status(r, 200);
    ext = json_object_get(r->json, "extension");
    ck_assert_str_eq(att_str(ext, "state"), "granted");
    ck_assert_int_eq(json_array_size(json_object_get(ext, "approvals")), 1);
    ck_assert_str_ne(h_str(r, "ends_at"), ends);
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe2", "leave_extended", "leave_request", half), 1);

    /* A day, the deputy's; extended to three days, which needs the
     * director too; he refuses: the leave ends as approved. */
    long long day = att_leave_id("zonghe1", mon + 7, "am", mon + 7, "pm");
    att_leave_ok("deputy2", day, "approve", NULL);
    r = att_leave_act("deputy2", day, "extend",
                      h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"flu\"}",
                            att_date(mon + 9)));
    ck_status(r, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->json, "extension"),
                                                        "current_approver_id")),
                     h_user_id("director"));
    h_free(r);
    r = att_leave_act("director", day, "reject", "{\"comment\":\"come back\"}");
    ck_status(r, 200);
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "state"), "refused");
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "leave_extension_refused", "leave_request", day), 1);
    /* Refused, it explains nothing. */
    r = att_leave_act("zonghe1", day, "explanation", att_explanation("certificate"));
    ck_assert(h_problem(r, 409, "leave.no_extension", NULL, NULL));
    h_free(r);

    /* Two days, the deputy's and the director's; three days are theirs
     * too: granted at once. */
    long long two = att_leave_id("wenmi1", mon + 14, "am", mon + 15, "pm");
    att_leave_ok("deputy_gov", two, "approve", NULL);
    att_leave_ok("director", two, "approve", NULL);
    r = att_leave_act("director", two, "extend",
                      h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"ill\"}",
                            att_date(mon + 16)));
    ck_status(r, 200);
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "state"), "granted");
    h_free(r);

    /* After the leave has ended it is too late: the days away are
     * absenteeism. */
    long long over = att_leave_past_id("custodian", "private", att_next(2009, 6, 1, 1), "am",
                                       att_next(2009, 6, 1, 1), "pm");
    att_leave_ok("deputy_gov", over, "approve", NULL);
    r = att_leave_act("deputy_gov", over, "extend",
                      h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"ill\"}",
                            att_date(att_next(2009, 6, 1, 1) + 1)));
    ck_assert(h_problem(r, 422, "leave.extension_late", "R-ATT-4", NULL));
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.leave_requests WHERE id = $1::bigint"
                               " AND ext_end_date IS NULL AND version = 2", over), 1);
}
END_TEST

/* The approver's queue (GET /leave-requests?to_approve=true) holds
 * everything of a leave that waits for the caller: the extension the chain
 * computed again gives to a higher approver, the return time and the
 * written explanation that wait for the final approver (R-ATT-4). */
static bool queued(const char *user, const char *filter, long long id)
{
    return h_lists(h_fmt("/api/v1/leave-requests?to_approve=true&limit=200%s", filter),
                   h_token(user), id);
}

START_TEST(test_R_ATT_4_approvers_queue_holds_extensions_returns_and_explanations)
{
    long mon = att_next(2024, 3, 4, 1);
    /* Half a day, the chief's; extended to the day, the deputy's too. */
    long long half = att_leave_id("zonghe2", mon + ATT_AHEAD, "am", mon + ATT_AHEAD, "am");
    ck_assert(queued("zonghe_chief", "", half));
    att_leave_ok("zonghe_chief", half, "approve", NULL);
    ck_assert(!queued("zonghe_chief", "", half));
    ck_assert(!queued("deputy2", "", half));
    resp_t *r = att_leave_act("zonghe_chief", half, "extend",
                              h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\","
                                    "\"reason\":\"phoned from the clinic\"}",
                                    att_date(mon + ATT_AHEAD)));
    ck_status(r, 200);
    ck_assert_str_eq(att_str(json_object_get(r->json, "extension"), "state"), "pending");
    h_free(r);
    ck_assert(queued("deputy2", "", half));
    ck_assert(queued("deputy2", "&state=approved", half));
    ck_assert(!queued("deputy2", "&state=pending", half));
    ck_assert(!queued("zonghe_chief", "", half));
    ck_assert(!queued("zonghe2", "", half));
    ck_assert(!queued("director", "", half));
    att_leave_ok("deputy2", half, "approve", NULL);
    ck_assert(!queued("deputy2", "", half));

    /* A return time earlier than the closing waits for the final approver. */
    long long day = att_leave_past_id("xinxi1", "private", mon + 7, "am", mon + 7, "pm");
    att_leave_ok("deputy2", day, "approve", NULL);
    ck_assert(!queued("deputy2", "", day));
    r = att_leave_act("xinxi1", day, "close",
                      h_fmt("{\"returned_at\":\"%sT08:30:00+08:00\"}", att_date(mon + 8)));
    ck_status(r, 200);
    h_free(r);
    ck_assert(queued("deputy2", "", day));
    ck_assert(!queued("xinxi1", "", day));
    ck_assert(!queued("director", "", day));
    r = att_leave_act("deputy2", day, "confirm-return", "{\"confirmed\":true}");
    ck_status(r, 200);
    h_free(r);
    ck_assert(!queued("deputy2", "", day));

    /* A written explanation waits for the final approver's review. */
    long long ext = approved_day_ahead("zonghe1", "deputy2", mon + 14);
    extend_ahead("deputy2", ext, mon + 15, "pm", "hospital");
    att_leave_move_back(ext);
    r = close_at("zonghe1", ext, mon + 16, "08:30");
    ck_status(r, 200);
    h_free(r);
    ck_assert(!queued("deputy2", "", ext));
    r = att_leave_act("zonghe1", ext, "explanation", att_explanation("certificate"));
    ck_status(r, 200);
    h_free(r);
    ck_assert(queued("deputy2", "", ext));
    ck_assert(queued("deputy2", "&state=closed", ext));
    ck_assert(!queued("zonghe1", "", ext));
    r = att_leave_act("deputy2", ext, "review-explanation", "{\"accepted\":true}");
    ck_status(r, 200);
    h_free(r);
    ck_assert(!queued("deputy2", "", ext));
}
END_TEST

/* 请假制度 三 "事后出具书面说明(如诊断书等)": the written explanation is a
 * document (the scan attached, kept with its SHA-256, size-limited, of the
 * type it claims), and the approver accepts it or not; refused, the
 * extension is absenteeism. */
START_TEST(test_R_ATT_4_written_explanation_is_a_reviewed_document)
{
    long mon = att_next(2009, 9, 1, 1);
    long long id = approved_day_ahead("zonghe2", "deputy2", mon);
    extend_ahead("deputy2", id, mon + 1, "pm", "hospital");
    att_leave_move_back(id);
    resp_t *r = close_at("zonghe2", id, mon + 2, "08:30");
    ck_status(r, 200);
    ck_assert(json_is_null(json_object_get(r->json, "extension_outcome")));
    h_free(r);
    /* Bad attachments change nothing. */
    const char *png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB";
    struct {
        const char *body, *field;
        long status;
    } bad[] = {
        {"{\"text\":\"ill\"}", "attachment", 400},
        {"{\"text\":\"ill\",\"attachment\":\"x.pdf\"}", "attachment", 400},
        {h_fmt("{\"text\":\"ill\",\"attachment\":{\"file_name\":\"a.pdf\","
               "\"content_type\":\"application/pdf\",\"data\":\"%s\"}}", png),
         "attachment.data", 400},
        {"{\"text\":\"ill\",\"attachment\":{\"file_name\":\"a.pdf\","
         "\"content_type\":\"application/pdf\",\"data\":\"not base64!\"}}",
         "attachment.data", 400},
        {"{\"text\":\"ill\",\"attachment\":{\"file_name\":\"a.txt\","
         "\"content_type\":\"text/plain\",\"data\":\"aGVsbG8=\"}}", "attachment", 400},
        {"{\"text\":\"ill\",\"attachment\":{\"content_type\":\"application/pdf\","
         "\"data\":\"" ATT_PDF_BASE64 "\"}}", "attachment", 400},
        {"{\"text\":\"ill\",\"attachment\":{\"file_name\":\"a.pdf\","
         "\"content_type\":\"application/pdf\",\"data\":\"" ATT_PDF_BASE64 "\",\"x\":1}}",
         "attachment", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = att_leave_act("zonghe2", id, "explanation", bad[i].body);
        ck_assert_msg(h_problem(r, bad[i].status, "request.invalid", NULL, bad[i].field),
                      "case %zu: %s", i, r->body);
        h_free(r);
    }
    /* Larger than the limit (512 KiB): 413. */
    size_t big = 600 * 1024 / 3 * 4;
    char *data = malloc(big + 1);
    memcpy(data, ATT_PDF_BASE64, strlen(ATT_PDF_BASE64));
    for (size_t i = strlen(ATT_PDF_BASE64); i < big; i++)
        data[i] = 'A';
    data[big] = '\0';
    r = att_leave_act("zonghe2", id, "explanation",
                      h_fmt("{\"text\":\"ill\",\"attachment\":{\"file_name\":\"a.pdf\","
                            "\"content_type\":\"application/pdf\",\"data\":\"%s\"}}", data));
    free(data);
    ck_assert_msg(h_problem(r, 413, "leave.attachment_too_large", "R-ATT-4", NULL), "%ld %.300s",
                  r->status, r->body);
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.leave_requests WHERE id = $1::bigint"
                               " AND explanation IS NULL", id), 1);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.leave_explanation_files"
                               " WHERE request_id = $1::bigint", id), 0);

    r = att_leave_act("zonghe2", id, "explanation", att_explanation("admitted for two days"));
    ck_status(r, 200);
    json_t *att = json_object_get(json_object_get(r->json, "explanation"), "attachment");
    ck_assert_str_eq(att_str(att, "content_type"), "application/pdf");
    ck_assert_str_eq(att_str(att, "file_name"), "certificate.pdf");
    const char *pb[] = {ATT_PDF_BASE64};
    char *sha = h_sql_str("SELECT encode(sha256(decode($1, 'base64')), 'hex')", 1, pb);
    ck_assert_str_eq(att_str(att, "sha256"), sha);
    ck_assert_int_eq(json_integer_value(json_object_get(att, "size")), 30);
    free(sha);
    h_free(r);
    /* The scan, to those who see the leave. */
    const char *path = h_fmt("/api/v1/leave-requests/%lld/explanation/attachment", id);
    const char *see[] = {"zonghe2", "deputy2", "director"};
    for (size_t i = 0; i < 3; i++) {
        r = h_get(path, h_token(see[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", see[i], r->status);
        ck_assert(!strncmp(r->body, "%PDF-1.4\n%medical certificate\n", 30));
        ck_assert(strstr(h_header(r, "Content-Type"), "application/pdf") != NULL);
        h_free(r);
    }
    r = h_get(path, h_token("wenmi1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* The final approver reviews it, once. */
    r = att_leave_act("zonghe2", id, "review-explanation", "{\"accepted\":true}");
    ck_assert(h_problem(r, 403, "leave.not_final_approver", "R-ATT-4", NULL));
    h_free(r);
    r = att_leave_act("deputy2", id, "review-explanation", "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "accepted"));
    h_free(r);
    r = att_leave_act("deputy2", id, "review-explanation",
                      "{\"accepted\":false,\"comment\":\"the certificate is for another day\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "extension_outcome"), "absenteeism");
    ck_assert_str_eq(att_str(json_object_get(r->json, "explanation"), "review"), "refused");
    h_free(r);
    ck_assert_int_eq(absences_from(id, "unexplained_extension"), 1);
    char *halves = absence_field(id, "unexplained_extension", "half_days");
    ck_assert_str_eq(halves, "2");
    free(halves);
    ck_assert_int_eq(att_notes("zonghe2", "leave_explanation_reviewed", "leave_request", id), 1);
    r = att_leave_act("deputy2", id, "review-explanation", "{\"accepted\":true}");
    ck_assert(h_problem(r, 409, "leave.explanation_reviewed", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(absences_from(id, "unexplained_extension"), 1);
}
END_TEST

/* 请假制度 三 "超出准假时限而未能及时返回的按旷工处理": the return time is not
 * the applicant's to say: one earlier than the closing (beyond
 * LEAVE_RETURN_MARGIN_MINUTES) waits for the final approver, who confirms
 * it or not; refused, the person is back when they closed. */
START_TEST(test_R_ATT_4_early_return_time_needs_the_approvers_confirmation)
{
    long mon = att_next(2010, 3, 1, 1);
    long long id = approved_day("xinxi1", "deputy2", mon);
    resp_t *r = att_leave_act("xinxi1", id, "close",
                              h_fmt("{\"returned_at\":\"%sT08:30:00+08:00\","
                                    "\"comment\":\"back on Tuesday\"}", att_date(mon + 1)));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    json_t *check = json_object_get(r->json, "return_check");
    ck_assert_str_eq(att_str(check, "state"), "pending");
    ck_assert(json_is_string(json_object_get(check, "claimed_returned_at")));
    h_free(r);
    ck_assert_int_eq(att_notes("deputy2", "leave_return_to_confirm", "leave_request", id), 1);
    ck_assert_int_eq(absences_from(id, "late_return"), 0);
    r = close_at("xinxi1", id, mon + 1, "08:00");
    ck_assert(h_problem(r, 409, "leave.return_unconfirmed", NULL, NULL));
    h_free(r);
    r = att_leave_act("xinxi1", id, "confirm-return", "{\"confirmed\":true}");
    ck_assert(h_problem(r, 403, "leave.not_final_approver", "R-ATT-4", NULL));
    h_free(r);
    r = att_leave_act("deputy2", id, "confirm-return", "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "confirmed"));
    h_free(r);
    r = att_leave_act("deputy2", id, "confirm-return", "{\"confirmed\":true}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "closed");
    ck_assert_int_eq(h_int(r, "late_half_days"), 0);
    ck_assert_str_eq(att_str(json_object_get(r->json, "return_check"), "state"), "confirmed");
    h_free(r);
    ck_assert_int_eq(absences_from(id, "late_return"), 0);
    ck_assert_int_eq(att_notes("xinxi1", "leave_return_decided", "leave_request", id), 1);
    r = att_leave_act("deputy2", id, "confirm-return", "{\"confirmed\":true}");
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);

    /* Not confirmed: back when the leave was closed, years later. */
    long long late = approved_day("xinxi1", "deputy2", mon + 7);
    r = att_leave_act("xinxi1", late, "close",
                      h_fmt("{\"returned_at\":\"%sT08:30:00+08:00\"}", att_date(mon + 8)));
    ck_status(r, 200);
    h_free(r);
    r = att_leave_act("deputy2", late, "confirm-return",
                      "{\"confirmed\":false,\"comment\":\"nobody saw him until today\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "closed");
    ck_assert_str_eq(att_str(json_object_get(r->json, "return_check"), "state"), "refused");
    ck_assert(h_int(r, "late_half_days") > 1000);
    h_free(r);
    ck_assert_int_eq(absences_from(late, "late_return"), 1);
}
END_TEST

/* 三 "对擅自延长请假时间的按旷工处理": leave not closed after its end turns into
 * absenteeism half-day by half-day, by the background job, once per
 * half-day; closing does not count those again. */
START_TEST(test_R_ATT_4_unclosed_leave_turns_into_absenteeism_half_day_by_half_day)
{
    long mon = att_next(2010, 3, 1, 1) + 14;
    long long id = approved_day("xinxi1", "deputy2", mon);
    /* The sweep looked last ten half-days ago. */
    h_sql(h_fmt("UPDATE attendance.leave_requests SET late_swept_slot ="
                " attendance.office_slot(now()) - 11 WHERE id = %lld", id));
    long long n = 0;
    for (int i = 0; i < 100 && !n; i++) {
        n = absences_from(id, "late_return");
        if (!n)
            usleep(200 * 1000);
    }
    ck_assert_int_eq(n, 1);
    /* Exactly the working half-days after the last look, up to the last
     * one elapsed, on the office calendar. */
    long long want = att_count(
        "SELECT count(*) FROM attendance.leave_requests l,"
        " generate_series(l.late_swept_from + 1, l.late_swept_slot) s"
        " WHERE l.id = $1::bigint AND CASE"
        "  WHEN EXISTS (SELECT 1 FROM attendance.calendar_days c"
        "   WHERE c.day = DATE '1970-01-01' + s / 2 AND c.kind = 'holiday') THEN false"
        "  WHEN EXISTS (SELECT 1 FROM attendance.calendar_days c"
        "   WHERE c.day = DATE '1970-01-01' + s / 2 AND c.kind = 'workday') THEN true"
        "  ELSE extract(isodow FROM DATE '1970-01-01' + s / 2) < 6 END",
        id);
    ck_assert(want > 0);
    char *halves = absence_field(id, "late_return", "half_days");
    ck_assert_int_eq(atoll(halves), want);
    free(halves);
    resp_t *r = h_get(h_fmt("/api/v1/leave-requests/%lld", id), h_token("xinxi1"));
    ck_assert_int_eq(h_int(r, "late_swept_half_days"), want);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    ck_assert_int_eq(att_audits("leave_request", id, "unclosed_absenteeism"), 1);
    /* Once per half-day: the next rounds add nothing. */
    usleep(6 * 1000 * 1000);
    ck_assert_int_eq(absences_from(id, "late_return"), 1);
    /* Closed with the return long ago, confirmed: the half-days before the
     * sweep's are counted now, the sweep's not again. */
    r = close_at("xinxi1", id, mon + 2, "08:30");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "closed");
    ck_assert(h_int(r, "late_half_days") > want);
    h_free(r);
    ck_assert_int_eq(absences_from(id, "late_return"), 2);
    ck_assert_int_eq(att_count("SELECT sum(half_days) FROM attendance.absences"
                               " WHERE source_type = 'leave_request' AND source_id = $1::bigint",
                               id),
                     att_count("SELECT late_half_days FROM attendance.leave_requests"
                               " WHERE id = $1::bigint", id));
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
    tcase_add_test(t, test_R_ATT_4_extension_is_timely_and_within_the_approvers_authority);
    tcase_add_test(t, test_R_ATT_4_written_explanation_is_a_reviewed_document);
    tcase_add_test(t, test_R_ATT_4_approvers_queue_holds_extensions_returns_and_explanations);
    tcase_add_test(t, test_R_ATT_4_early_return_time_needs_the_approvers_confirmation);
    tcase_add_test(t, test_R_ATT_4_unclosed_leave_turns_into_absenteeism_half_day_by_half_day);
    suite_add_tcase(s, t);
    return h_run(s);
}
