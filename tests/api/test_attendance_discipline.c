/* Absenteeism records (R-ATT-3), discipline cases at 1, 2 and 3 days
 * (R-ATT-6), voiding, and the monthly report. Years 2013-2023 are this
 * file's. */
#include "test_attendance_common.h"

/* A published personnel decision of a closed director's meeting on user
 * (R-MTG-5), planted in the meetings service's tables as if the meeting had
 * been held: what a level 2 or 3 case cites (R-ATT-6). action is suspension
 * or transfer; period_until (the transfer's deadline) may be NULL. */
static long long planted_decision(const char *user, const char *action, const char *period_until)
{
    const char *p[] = {user, action, period_until};
    long long id = h_sql_ll(
        "WITH m AS (INSERT INTO meetings.meetings(kind, title, scheduled_at, location, state,"
        "   chair_id, recorder_id, created_by, minutes, agenda_published_at, started_at, closed_at)"
        "   SELECT 'regular', '纪律处分会议', now() - interval '1 day', '会议室', 'closed', d.id, c.id,"
        "   d.id, '会议纪要', now(), now(), now() FROM identity.users d, identity.users c"
        "   WHERE d.username = 'director' AND c.username = 'wenmi_chief' RETURNING id, chair_id),"
        " t AS (INSERT INTO meetings.topics(meeting_id, title, category, department_id,"
        "   presenter_id, summary, explanation, recommendation, approver_id, state)"
        "   SELECT m.id, '人事议题', 'personnel', 0, m.chair_id, 's', 'e', 'r', m.chair_id,"
        "   'approved' FROM m RETURNING id, meeting_id)"
        " INSERT INTO meetings.decisions(meeting_id, topic_id, category, confidential, text,"
        "   responsible_id, deadline, requirements, subject_id, personnel_action, period_until,"
        "   state, published_at, created_by)"
        " SELECT t.meeting_id, t.id, 'personnel', false, '处分决定', u.id, current_date + 30, 'r',"
        "   u.id, $2, $3::date, 'published', now(), u.id FROM t, identity.users u"
        "   WHERE u.username = $1 RETURNING id",
        3, p);
    ck_assert(id > 0);
    return id;
}

/* The director records half_days of absenteeism for user on day. */
static resp_t *record(const char *by, const char *user, long day, int half_days)
{
    return h_post("/api/v1/absences", h_token(by),
                  h_fmt("{\"user_id\":%lld,\"date\":\"%s\",\"half_days\":%d,"
                        "\"note\":\"not at work, no leave asked\"}",
                        h_user_id(user), att_date(day), half_days));
}

static long long record_id(const char *user, long day, int half_days)
{
    resp_t *r = record("director", user, day, half_days);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

static long long absences_of(const char *user, int year)
{
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {user, y};
    return h_sql_ll("SELECT count(*) FROM attendance.absences a JOIN identity.users u"
                    " ON u.id = a.user_id WHERE u.username = $1"
                    " AND extract(year FROM a.date) = $2::int",
                    2, p);
}

/* The id of user's case at level in year, or 0. */
static long long case_of(const char *user, int year, int level)
{
    char y[8], l[4];
    snprintf(y, sizeof y, "%d", year);
    snprintf(l, sizeof l, "%d", level);
    const char *p[] = {user, y, l};
    return h_sql_ll("SELECT c.id FROM attendance.discipline_cases c JOIN identity.users u"
                    " ON u.id = c.user_id WHERE u.username = $1 AND c.year = $2::int"
                    " AND c.level = $3::int",
                    3, p);
}

static long long cases_of(const char *user, int year)
{
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {user, y};
    return h_sql_ll("SELECT count(*) FROM attendance.discipline_cases c JOIN identity.users u"
                    " ON u.id = c.user_id WHERE u.username = $1 AND c.year = $2::int",
                    2, p);
}

/* YYYY-MM-DD of today (office time) plus days. */
static const char *office_day(int days)
{
    long today = (long)h_sql_ll("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date"
                                " - DATE '1970-01-01'", 0, NULL);
    return att_date(today + days);
}

static resp_t *case_act(const char *user, long long id, const char *action, const char *body)
{
    return h_post(h_fmt("/api/v1/discipline-cases/%lld/%s", id, action), h_token(user), body);
}

/* Asserts that user's action on case id is refused with that problem. */
static void case_refused(const char *user, long long id, const char *action, const char *body,
                         long status, const char *code, const char *rule, const char *field)
{
    resp_t *r = case_act(user, id, action, body);
    ck_assert_msg(h_problem(r, status, code, rule, field), "%s %s case %lld: %ld %s", user,
                  action, id, r->status, r->body);
    h_free(r);
}

/* ---------- R-ATT-3 ---------- */

START_TEST(test_R_ATT_3_director_records_absence_without_approval)
{
    long mon = att_next(2013, 3, 1, 1);
    resp_t *r = record("director", "zonghe1", mon, 1);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "cause"), "unapproved_absence");
    ck_assert_str_eq(h_str(r, "date"), att_date(mon));
    ck_assert_int_eq(h_int(r, "half_days"), 1);
    ck_assert(json_number_value(json_object_get(r->json, "days")) == 0.5);
    ck_assert_str_eq(h_str(r, "state"), "active");
    ck_assert(json_is_null(json_object_get(r->json, "source")));
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "absence_recorded", "absence", id), 1);
    ck_assert_int_eq(att_audits("absence", id, "record"), 1);
    /* The person, their chief and the leaders see it; a colleague does not. */
    const char *can[] = {"zonghe1", "zonghe_chief", "director", "deputy3", "admin"};
    for (size_t i = 0; i < 5; i++) {
        r = h_get(h_fmt("/api/v1/absences/%lld", id), h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", can[i], r->status);
        h_free(r);
    }
    r = h_get(h_fmt("/api/v1/absences/%lld", id), h_token("zonghe2"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get(h_fmt("/api/v1/absences?user_id=%lld&year=2013", h_user_id("zonghe1")),
              h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
    r = h_get("/api/v1/absences?year=2013&limit=200", h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    h_free(r);

    /* Only the director records; bad input is refused; nothing is stored. */
    r = record("deputy2", "zonghe1", mon + 1, 2);
    ck_assert(h_problem(r, 403, "absence.not_director", "R-ATT-3", NULL));
    h_free(r);
    r = record("zonghe_chief", "zonghe1", mon + 1, 2);
    ck_assert(h_problem(r, 403, "absence.not_director", "R-ATT-3", NULL));
    h_free(r);
    struct {
        const char *body, *field;
    } bad[] = {
        {h_fmt("{\"user_id\":%lld,\"date\":\"%s\",\"half_days\":2,\"note\":\"x\"}",
               h_user_id("zonghe1"), att_date(mon + 5)), "date"},
        {h_fmt("{\"user_id\":%lld,\"date\":\"%s\",\"half_days\":0,\"note\":\"x\"}",
               h_user_id("zonghe1"), att_date(mon + 1)), "half_days"},
        {h_fmt("{\"user_id\":999999,\"date\":\"%s\",\"half_days\":1,\"note\":\"x\"}",
               att_date(mon + 1)), "user_id"},
        {h_fmt("{\"user_id\":%lld,\"date\":\"%s\",\"half_days\":1,\"note\":\"x\"}",
               h_user_id("town1_clerk"), att_date(mon + 1)), "user_id"},
        {h_fmt("{\"user_id\":%lld,\"date\":\"%s\",\"half_days\":1}", h_user_id("zonghe1"),
               att_date(mon + 1)), "note"},
        {h_fmt("{\"user_id\":%lld,\"date\":\"%s\",\"half_days\":1,\"note\":\"x\",\"days\":1}",
               h_user_id("zonghe1"), att_date(mon + 1)), "days"},
        {h_fmt("{\"user_id\":%lld,\"date\":\"2013-02-29\",\"half_days\":1,\"note\":\"x\"}",
               h_user_id("zonghe1")), "date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = h_post("/api/v1/absences", h_token("director"), bad[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    ck_assert_int_eq(absences_of("zonghe1", 2013), 1);
}
END_TEST

START_TEST(test_R_ATT_3_director_voids_an_absence_with_reason)
{
    long mon = att_next(2013, 9, 1, 1);
    long long id = record_id("zonghe2", mon, 1);
    resp_t *r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("deputy2"),
                       "{\"reason\":\"was on duty elsewhere\"}");
    ck_assert(h_problem(r, 403, "absence.not_director", "R-ATT-3", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("zonghe2"),
               "{\"reason\":\"I was there\"}");
    ck_assert(h_problem(r, 403, "absence.not_director", "R-ATT-3", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("zonghe1"), "{\"reason\":\"x\"}");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("director"), "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "reason"));
    h_free(r);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("director"), "{\"reason\":\"  \"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "reason"));
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.absences WHERE id = $1::bigint"
                               " AND state = 'active'", id), 1);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("director"),
               "{\"reason\":\"was on duty at the township\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "voided");
    ck_assert_str_eq(h_str(r, "void_reason"), "was on duty at the township");
    ck_assert_int_eq(h_int(r, "voided_by"), h_user_id("director"));
    h_free(r);
    ck_assert_int_eq(att_audits("absence", id, "void"), 1);
    ck_assert_int_eq(att_count("SELECT count(*) FROM audit.events WHERE entity_type = 'absence'"
                               " AND entity_id = $1::bigint AND action = 'void'"
                               " AND before->>'state' = 'active' AND after->>'state' = 'voided'",
                               id), 1);
    ck_assert_int_eq(att_notes("zonghe2", "absence_voided", "absence", id), 1);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("director"), "{\"reason\":\"x\"}");
    ck_assert(h_problem(r, 409, "absence.already_voided", NULL, NULL));
    h_free(r);
}
END_TEST

/* ---------- R-ATT-6 ---------- */

START_TEST(test_R_ATT_6_one_day_opens_a_talk_by_the_supervising_deputy)
{
    long mon = att_next(2014, 3, 1, 1);
    record_id("xinxi1", mon, 1);
    ck_assert_int_eq(cases_of("xinxi1", 2014), 0);
    record_id("xinxi1", mon + 1, 1);
    long long id = case_of("xinxi1", 2014, 1);
    ck_assert(id > 0);
    ck_assert_int_eq(cases_of("xinxi1", 2014), 1);
    ck_assert_int_eq(att_notes("deputy2", "discipline_case", "discipline_case", id), 1);
    ck_assert_int_eq(att_notes("xinxi1", "discipline_case", "discipline_case", id), 1);
    ck_assert_int_eq(att_audits("discipline_case", id, "open"), 1);
    resp_t *r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("xinxi1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "measure"), "talk");
    ck_assert_str_eq(h_str(r, "state"), "open");
    ck_assert_int_eq(h_int(r, "talk_by_id"), h_user_id("deputy2"));
    ck_assert(json_number_value(json_object_get(r->json, "days_at_open")) == 1.0);
    h_free(r);
    ck_assert(h_lists("/api/v1/discipline-cases?to_act=true&limit=200", h_token("deputy2"), id));
    /* The talk is the supervising deputy's; a meeting does not decide it. */
    case_refused("deputy3", id, "talk",
                 "{\"notes\":\"spoke to him\",\"attitude\":\"admits it\",\"keep_under_watch\":true}",
                 403, "case.not_talk_holder", "R-ATT-6", NULL);
    case_refused("director", id, "decide", "{\"meeting_decision_id\":3}",
                 409, "case.not_for_meeting", NULL, NULL);
    case_refused("deputy2", id, "talk", "{}", 400, "request.invalid", NULL, "notes");
    r = case_act("deputy2", id, "talk",
                 "{\"notes\":\"serious talk held; probation\",\"attitude\":\"admits it\",\"keep_under_watch\":true}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    ck_assert(json_is_true(json_object_get(r->json, "probation")));
    ck_assert_str_eq(h_str(r, "talk_notes"), "serious talk held; probation");
    h_free(r);
    ck_assert_int_eq(att_audits("discipline_case", id, "talk"), 1);
    case_refused("deputy2", id, "talk",
                 "{\"notes\":\"again\",\"attitude\":\"admits it\",\"keep_under_watch\":true}", 409, "case.not_open", NULL, NULL);
}
END_TEST

START_TEST(test_R_ATT_6_two_days_suspension_decided_at_meeting_and_approved)
{
    long mon = att_next(2015, 3, 1, 1);
    record_id("custodian", mon, 4);
    ck_assert(case_of("custodian", 2015, 1) > 0);
    long long id = case_of("custodian", 2015, 2);
    ck_assert(id > 0);
    ck_assert_int_eq(case_of("custodian", 2015, 3), 0);
    ck_assert_int_eq(att_notes("director", "discipline_case", "discipline_case", id), 1);
    resp_t *r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("director"));
    ck_assert_str_eq(h_str(r, "measure"), "suspension");
    ck_assert_int_eq(h_int(r, "allowance_yuan_per_month"), 300);
    h_free(r);
    /* Who decides, and with what. */
    case_refused("deputy_gov", id, "decide", "{\"meeting_decision_id\":11,\"suspension_months\":6}",
                 403, "case.not_director", "R-ATT-6", NULL);
    case_refused("sec1", id, "decide", "{\"meeting_decision_id\":11,\"suspension_months\":6}",
                 403, "secretary.cannot_decide", "R-SEC-3", NULL);
    const char *bad[][2] = {{"{}", "meeting_decision_id"},
                            {"{\"meeting_decision_id\":0}", "meeting_decision_id"},
                            {"{\"meeting_decision_id\":\"11\"}", "meeting_decision_id"},
                            {"{\"meeting_decision_id\":11,\"leader_id\":0}", "leader_id"},
                            {"{\"meeting_decision_id\":11,\"extra\":1}", "extra"}};
    for (size_t i = 0; i < 5; i++) {
        r = case_act("director", id, "decide", bad[i][0]);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i][1]), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    case_refused("director", id, "decide",
                 h_fmt("{\"meeting_decision_id\":11,\"leader_id\":%lld,\"suspension_months\":6}", h_user_id("deputy2")),
                 400, "request.invalid", NULL, "leader_id");
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.discipline_cases"
                               " WHERE id = $1::bigint AND state = 'open'", id), 1);
    /* Not before the meeting's decision. */
    case_refused("vmayor1", id, "approve", NULL, 404, NULL, NULL, NULL);
    long long decision = planted_decision("custodian", "suspension", NULL);
    r = case_act("director", id, "decide",
                 h_fmt("{\"meeting_decision_id\":%lld,\"leader_id\":%lld,\"suspension_months\":6}",
                       decision, h_user_id("vmayor1")));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "decided");
    ck_assert_int_eq(h_int(r, "meeting_decision_id"), decision);
    ck_assert_int_eq(h_int(r, "leader_id"), h_user_id("vmayor1"));
    h_free(r);
    ck_assert_int_eq(att_notes("vmayor1", "discipline_case", "discipline_case", id), 1);
    /* Approval by the leader in charge it went to, only. */
    case_refused("director", id, "approve", NULL, 403, "case.not_leader", "R-ATT-6", NULL);
    case_refused("mayor", id, "approve", NULL, 404, NULL, NULL, NULL);
    case_refused("vmayor1", id, "approve", "{\"comment\":true}",
                 400, "request.invalid", NULL, "comment");
    case_refused("vmayor1", id, "reject", "{\"reason\":\"no\"}",
                 400, "request.invalid", NULL, "reason");
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.discipline_cases"
                               " WHERE id = $1::bigint AND state = 'decided'", id), 1);
    r = case_act("vmayor1", id, "approve", "{\"comment\":\"agreed\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    ck_assert_str_eq(h_str(r, "leader_decision"), "approved");
    h_free(r);
    ck_assert_int_eq(att_audits("discipline_case", id, "approve"), 1);
    case_refused("vmayor1", id, "approve", NULL, 409, "case.not_decided", NULL, NULL);
}
END_TEST

START_TEST(test_R_ATT_6_three_days_transfer_each_level_at_its_day)
{
    long mon = att_next(2016, 3, 1, 1);
    record_id("zonghe2", mon, 2);
    ck_assert(case_of("zonghe2", 2016, 1) > 0);
    ck_assert_int_eq(cases_of("zonghe2", 2016), 1);
    record_id("zonghe2", mon + 1, 1);
    ck_assert_int_eq(cases_of("zonghe2", 2016), 1);
    record_id("zonghe2", mon + 2, 1);
    ck_assert(case_of("zonghe2", 2016, 2) > 0);
    ck_assert_int_eq(cases_of("zonghe2", 2016), 2);
    record_id("zonghe2", mon + 3, 2);
    long long id = case_of("zonghe2", 2016, 3);
    ck_assert(id > 0);
    ck_assert_int_eq(cases_of("zonghe2", 2016), 3);
    /* More absenteeism opens nothing further. */
    record_id("zonghe2", mon + 4, 2);
    ck_assert_int_eq(cases_of("zonghe2", 2016), 3);
    /* Another year starts again from zero. */
    ck_assert_int_eq(cases_of("zonghe2", 2017), 0);
    resp_t *r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("zonghe2"));
    ck_assert_str_eq(h_str(r, "measure"), "transfer");
    ck_assert(json_is_null(json_object_get(r->json, "allowance_yuan_per_month")));
    h_free(r);
    /* Without a leader named, the district mayor approves. */
    r = case_act("director", id, "decide",
                 h_fmt("{\"meeting_decision_id\":%lld,\"transfer_by\":\"%s\"}",
                       planted_decision("zonghe2", "transfer", office_day(60)), office_day(60)));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "leader_id"), h_user_id("mayor"));
    h_free(r);
    r = case_act("mayor", id, "reject", "{\"comment\":\"reconsider\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "rejected");
    ck_assert_str_eq(h_str(r, "leader_decision"), "rejected");
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe2", "discipline_case", "discipline_case", id), 2);
    /* Who sees cases. */
    const char *can[] = {"zonghe2", "director", "deputy3", "admin", "mayor"};
    for (size_t i = 0; i < 5; i++) {
        r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", can[i], r->status);
        h_free(r);
    }
    const char *cannot[] = {"zonghe1", "wenmi1", "vmayor2"};
    for (size_t i = 0; i < 3; i++) {
        r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token(cannot[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %ld", cannot[i], r->status);
        h_free(r);
    }
    r = h_get(h_fmt("/api/v1/discipline-cases?user_id=%lld&year=2016&level=3",
                    h_user_id("zonghe2")),
              h_token("director"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
    r = h_get("/api/v1/discipline-cases?level=4", h_token("director"));
    ck_assert(h_problem(r, 400, NULL, NULL, "level"));
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_6_voided_absence_below_level_is_noted_on_open_case)
{
    long mon = att_next(2017, 3, 1, 1);
    record_id("wenmi1", mon, 2);
    long long second = record_id("wenmi1", mon + 1, 2);
    long long talk = case_of("wenmi1", 2017, 1), suspension = case_of("wenmi1", 2017, 2);
    ck_assert(talk > 0 && suspension > 0);
    resp_t *r = case_act("deputy_gov", talk, "talk",
                 "{\"notes\":\"talked\",\"attitude\":\"admits it\",\"keep_under_watch\":true}");
    ck_status(r, 200);
    h_free(r);
    r = h_post(h_fmt("/api/v1/absences/%lld/void", second), h_token("director"),
               "{\"reason\":\"she was at a training course\"}");
    ck_status(r, 200);
    h_free(r);
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", suspension), h_token("director"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "open");
    ck_assert(json_is_true(json_object_get(r->json, "below_threshold")));
    json_t *notes = json_object_get(r->json, "notes");
    ck_assert_int_eq(json_array_size(notes), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(notes, 0), "absence_id")),
                     second);
    ck_assert(strstr(att_str(json_array_get(notes, 0), "text"), "R-ATT-6") != NULL);
    h_free(r);
    ck_assert_int_eq(att_audits("discipline_case", suspension, "below_threshold"), 1);
    ck_assert(att_notes("director", "discipline_case", "discipline_case", suspension) >= 2);
    /* The finished talk is not touched; the total still reaches one day. */
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", talk), h_token("director"));
    ck_assert(json_is_false(json_object_get(r->json, "below_threshold")));
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "notes")), 0);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_3_director_does_not_void_own_absence)
{
    long mon = att_next(2021, 3, 1, 1);
    long long id = record_id("director", mon, 1);
    resp_t *r = h_post(h_fmt("/api/v1/absences/%lld/void", id), h_token("director"),
                       "{\"reason\":\"I was at the district office\"}");
    ck_assert(h_problem(r, 403, "absence.own_record", "R-ATT-3", NULL));
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.absences WHERE id = $1::bigint"
                               " AND state = 'active' AND voided_at IS NULL", id), 1);
    ck_assert_int_eq(att_audits("absence", id, "void"), 0);
}
END_TEST

START_TEST(test_R_ATT_6_directors_talk_is_held_and_seen_by_the_district_mayor)
{
    /* The director's leave, approved by the district mayor, closed a day
     * late: the level 1 talk is the mayor's to hold. */
    long mon = att_next(2020, 3, 1, 1);
    long long leave = att_leave_past_id("director", "private", mon, "am", mon, "pm");
    att_leave_ok("mayor", leave, "approve", NULL);
    resp_t *r = att_close("director", leave, h_fmt("%sT08:30:00+08:00", att_date(mon + 2)));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "late_half_days"), 2);
    h_free(r);
    long long id = case_of("director", 2020, 1);
    ck_assert(id > 0);
    ck_assert_int_eq(att_notes("mayor", "discipline_case", "discipline_case", id), 1);
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("mayor"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "talk_by_id"), h_user_id("mayor"));
    h_free(r);
    ck_assert(h_lists("/api/v1/discipline-cases?to_act=true&limit=200", h_token("mayor"), id));
    r = case_act("mayor", id, "talk",
                 "{\"notes\":\"talk held with the director\",\"attitude\":\"admits it\",\"keep_under_watch\":true}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    h_free(r);
    ck_assert_int_eq(att_audits("discipline_case", id, "talk"), 1);
    /* Another district leader still does not see it. */
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("vmayor1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_6_case_back_at_its_level_after_a_void_is_noted)
{
    long mon = att_next(2019, 3, 1, 1);
    record_id("xinxi1", mon, 2);
    long long second = record_id("xinxi1", mon + 1, 2);
    long long suspension = case_of("xinxi1", 2019, 2);
    ck_assert(suspension > 0);
    resp_t *r = h_post(h_fmt("/api/v1/absences/%lld/void", second), h_token("director"),
                       "{\"reason\":\"on a township assignment\"}");
    ck_status(r, 200);
    h_free(r);
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", suspension), h_token("director"));
    ck_assert(json_is_true(json_object_get(r->json, "below_threshold")));
    h_free(r);
    /* Another day of absenteeism: the total reaches two days again. */
    record_id("xinxi1", mon + 2, 2);
    ck_assert_int_eq(cases_of("xinxi1", 2019), 2);
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", suspension), h_token("director"));
    ck_status(r, 200);
    ck_assert(json_is_false(json_object_get(r->json, "below_threshold")));
    json_t *notes = json_object_get(r->json, "notes");
    ck_assert_int_eq(json_array_size(notes), 2);
    ck_assert(strstr(att_str(json_array_get(notes, 1), "text"), "R-ATT-6") != NULL);
    h_free(r);
    ck_assert_int_eq(att_audits("discipline_case", suspension, "above_threshold"), 1);
}
END_TEST

/* Whether case id is in the to-act list of user. */
static bool to_act(const char *user, long long id)
{
    return h_lists("/api/v1/discipline-cases?to_act=true&limit=200", h_token(user), id);
}

/* The case is unchanged since it opened: open, undecided, at version 1,
 * with no action audited. */
static void untouched(long long id)
{
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.discipline_cases"
                               " WHERE id = $1::bigint AND state = 'open' AND version = 1"
                               " AND decided_by IS NULL AND meeting_decision_id IS NULL"
                               " AND leader_id IS NULL AND talked_at IS NULL",
                               id),
                     1);
    ck_assert_int_eq(att_count("SELECT count(*) FROM audit.events WHERE entity_type ="
                               " 'discipline_case' AND entity_id = $1::bigint AND action <> 'open'",
                               id),
                     0);
}

START_TEST(test_R_ATT_6_director_cannot_decide_own_case)
{
    long mon = att_next(2022, 3, 1, 1);
    record_id("director", mon, 4);
    long long talk = case_of("director", 2022, 1), id = case_of("director", 2022, 2);
    ck_assert(talk > 0 && id > 0);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.discipline_cases"
                               " WHERE id = $1::bigint AND decider_role = 'district_mayor'", id),
                     1);
    /* The mayor is asked to record the meeting's decision; the director
     * only hears of his case as its person. */
    ck_assert_int_eq(att_notes("mayor", "discipline_case", "discipline_case", id), 1);
    ck_assert_int_eq(att_notes("director", "discipline_case", "discipline_case", id), 1);
    ck_assert(to_act("mayor", id));
    ck_assert(!to_act("director", id));
    ck_assert(!to_act("director", talk));
    resp_t *r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("mayor"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "decider_role"), "district_mayor");
    ck_assert_str_eq(h_str(r, "measure"), "suspension");
    h_free(r);
    const char *cannot[] = {"vmayor1", "sec1", "zonghe1"};
    for (size_t i = 0; i < 3; i++) {
        r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token(cannot[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %ld", cannot[i], r->status);
        h_free(r);
    }

    /* The director neither records the decision nor holds the talk on his
     * own case; no one but the district mayor records it. */
    case_refused("director", id, "decide", "{\"meeting_decision_id\":41,\"suspension_months\":6}",
                 403, "case.own_case", "R-ATT-6", NULL);
    case_refused("director", id, "decide",
                 h_fmt("{\"meeting_decision_id\":41,\"leader_id\":%lld,\"suspension_months\":6}", h_user_id("vmayor1")),
                 403, "case.own_case", "R-ATT-6", NULL);
    case_refused("director", talk, "talk",
                 "{\"notes\":\"I talked to myself\",\"attitude\":\"admits it\",\"keep_under_watch\":true}",
                 403, "case.own_case", "R-ATT-6", NULL);
    case_refused("deputy_gov", id, "decide", "{\"meeting_decision_id\":41,\"suspension_months\":6}",
                 403, "case.not_decider", "R-ATT-6", NULL);
    case_refused("sec1", id, "decide", "{\"meeting_decision_id\":41,\"suspension_months\":6}",
                 403, "secretary.cannot_decide", "R-SEC-3", NULL);
    case_refused("vmayor1", id, "decide", "{\"meeting_decision_id\":41,\"suspension_months\":6}", 404, NULL, NULL, NULL);
    untouched(id);
    untouched(talk);

    /* The district mayor records it and names the leader in charge. */
    r = case_act("mayor", id, "decide",
                 h_fmt("{\"meeting_decision_id\":%lld,\"leader_id\":%lld,\"suspension_months\":6}",
                       planted_decision("director", "suspension", NULL), h_user_id("vmayor1")));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "decided");
    ck_assert_int_eq(h_int(r, "decided_by"), h_user_id("mayor"));
    ck_assert_int_eq(h_int(r, "leader_id"), h_user_id("vmayor1"));
    h_free(r);
    ck_assert_int_eq(att_audits("discipline_case", id, "decide"), 1);
    ck_assert_int_eq(att_notes("vmayor1", "discipline_case", "discipline_case", id), 1);
    ck_assert(!to_act("mayor", id));
    ck_assert(to_act("vmayor1", id));

    /* The director does not approve it either; the leader in charge does,
     * and the mayor who recorded it hears how it ended. */
    case_refused("director", id, "approve", NULL, 403, "case.own_case", "R-ATT-6", NULL);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.discipline_cases"
                               " WHERE id = $1::bigint AND state = 'decided'"
                               " AND leader_decision IS NULL", id),
                     1);
    r = case_act("vmayor1", id, "approve", "{\"comment\":\"agreed\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    h_free(r);
    ck_assert_int_eq(att_notes("director", "discipline_case", "discipline_case", id), 2);
    ck_assert_int_eq(att_notes("mayor", "discipline_case", "discipline_case", id), 2);

    /* The talk stays the mayor's. */
    r = case_act("mayor", talk, "talk",
                 "{\"notes\":\"talk held with the director\",\"attitude\":\"admits it\",\"keep_under_watch\":true}");
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_6_deputy_case_handled_by_director_not_himself)
{
    long mon = att_next(2023, 3, 1, 1);
    record_id("deputy3", mon, 4);
    long long talk = case_of("deputy3", 2023, 1), id = case_of("deputy3", 2023, 2);
    ck_assert(talk > 0 && id > 0);
    /* A deputy's supervising superior is the director: the talk is his, and
     * so is recording the meeting's decision. */
    resp_t *r = h_get(h_fmt("/api/v1/discipline-cases/%lld", talk), h_token("deputy3"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "talk_by_id"), h_user_id("director"));
    h_free(r);
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("deputy3"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "decider_role"), "office_director");
    h_free(r);
    ck_assert_int_eq(att_notes("director", "discipline_case", "discipline_case", talk), 1);
    ck_assert_int_eq(att_notes("director", "discipline_case", "discipline_case", id), 1);
    ck_assert_int_eq(att_notes("mayor", "discipline_case", "discipline_case", id), 0);
    ck_assert(to_act("director", talk) && to_act("director", id));
    ck_assert(!to_act("deputy3", talk) && !to_act("deputy3", id));
    r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("mayor"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);

    /* Not on his own case, nor by another deputy. */
    case_refused("deputy3", talk, "talk",
                 "{\"notes\":\"all is well\",\"attitude\":\"admits it\",\"keep_under_watch\":true}",
                 403, "case.own_case", "R-ATT-6", NULL);
    case_refused("deputy2", talk, "talk",
                 "{\"notes\":\"talked\",\"attitude\":\"admits it\",\"keep_under_watch\":true}",
                 403, "case.not_talk_holder", "R-ATT-6", NULL);
    case_refused("deputy3", id, "decide", "{\"meeting_decision_id\":51,\"suspension_months\":6}",
                 403, "case.own_case", "R-ATT-6", NULL);
    case_refused("mayor", id, "decide", "{\"meeting_decision_id\":51,\"suspension_months\":6}", 404, NULL, NULL, NULL);
    untouched(talk);
    untouched(id);

    r = case_act("director", talk, "talk",
                 "{\"notes\":\"serious talk with the deputy\",\"attitude\":\"admits it\",\"keep_under_watch\":true}");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "talk_by_id"), h_user_id("director"));
    ck_assert(json_is_true(json_object_get(r->json, "probation")));
    h_free(r);
    r = case_act("director", id, "decide",
                 h_fmt("{\"meeting_decision_id\":%lld,\"suspension_months\":6}",
                       planted_decision("deputy3", "suspension", NULL)));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "decided_by"), h_user_id("director"));
    ck_assert_int_eq(h_int(r, "leader_id"), h_user_id("mayor"));
    h_free(r);
    case_refused("deputy3", id, "approve", NULL, 403, "case.own_case", "R-ATT-6", NULL);
    r = case_act("mayor", id, "approve", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "leader_decision"), "approved");
    h_free(r);
    ck_assert_int_eq(att_notes("deputy3", "discipline_case", "discipline_case", id), 2);
    ck_assert_int_eq(att_notes("director", "discipline_case", "discipline_case", id), 2);
}
END_TEST

/* ---------- the monthly report ---------- */

static json_t *person_row(resp_t *r, long long dep, long long user)
{
    size_t i, j;
    json_t *d, *p;
    json_array_foreach(json_object_get(r->json, "departments"), i, d) {
        if (json_integer_value(json_object_get(d, "department_id")) != dep)
            continue;
        json_array_foreach(json_object_get(d, "people"), j, p) {
            if (json_integer_value(json_object_get(p, "user_id")) == user)
                return p;
        }
    }
    return NULL;
}

static double num(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    return json_number_value(b ? json_object_get(v, b) : v);
}

START_TEST(test_R_ATT_3_monthly_report_per_department)
{
    long mon = att_next(2018, 3, 5, 1);
    long long sec2 = h_user_id("sec2");
    long long dep = h_sql_ll("SELECT department_id FROM identity.users WHERE username = 'sec2'", 0,
                             NULL);
    /* A pending request does not count. */
    att_leave_past_id("sec2", "private", mon, "am", mon + 1, "pm");
    /* Two days of public leave, approved in two steps. */
    long long pub = att_leave_past_id("sec2", "public", mon + 7, "am", mon + 8, "pm");
    att_leave_ok("deputy2", pub, "approve", NULL);
    att_leave_ok("director", pub, "approve", NULL);
    /* Private leave from the last Friday of March into April: one March day. */
    long fri = att_next(2018, 3, 25, 5);
    long long priv = att_leave_past_id("sec2", "private", fri, "am", fri + 3, "pm");
    att_leave_ok("deputy2", priv, "approve", NULL);
    att_leave_ok("director", priv, "approve", NULL);
    /* An outing, and half a day of absenteeism in March, another in April. */
    resp_t *r = h_post("/api/v1/outings", h_token("sec2"),
               h_fmt("{\"matter\":\"deliver papers\",\"destination\":\"bureau\","
                     "\"starts_at\":\"%sT09:00:00+08:00\",\"ends_at\":\"%sT11:00:00+08:00\","
                     "\"contact\":\"138\"}",
                     att_date(mon + 2), att_date(mon + 2)));
    ck_status(r, 201);
    h_free(r);
    record_id("sec2", mon + 3, 1);
    record_id("sec2", att_next(2018, 4, 10, 2), 1);

    r = h_get(h_fmt("/api/v1/reports/attendance?month=2018-03&department_id=%lld", dep),
              h_token("director"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "month"), "2018-03");
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "departments")), 1);
    json_t *p = person_row(r, dep, sec2);
    ck_assert_ptr_nonnull(p);
    ck_assert(num(p, "leave_days", "public") == 2.0);
    ck_assert(num(p, "leave_days", "private") == 1.0);
    ck_assert(num(p, "outings", NULL) == 1);
    ck_assert(num(p, "absenteeism_days", NULL) == 0.5);
    ck_assert(num(p, "open_cases", NULL) == 1);
    json_t *totals = json_object_get(json_array_get(json_object_get(r->json, "departments"), 0),
                                     "totals");
    ck_assert(num(totals, "leave_days", "public") == 2.0);
    ck_assert(num(totals, "absenteeism_days", NULL) == 0.5);
    h_free(r);
    /* April holds the rest of the private leave and the other half-day. */
    r = h_get(h_fmt("/api/v1/reports/attendance?month=2018-04&department_id=%lld", dep),
              h_token("deputy3"));
    ck_status(r, 200);
    p = person_row(r, dep, sec2);
    ck_assert(num(p, "leave_days", "private") == 1.0);
    ck_assert(num(p, "leave_days", "public") == 0.0);
    ck_assert(num(p, "absenteeism_days", NULL) == 0.5);
    h_free(r);
    /* The section chief reads their own section only; staff none. */
    r = h_get("/api/v1/reports/attendance?month=2018-03", h_token("zonghe_chief"));
    ck_status(r, 200);
    ck_assert_ptr_nonnull(person_row(r, dep, sec2));
    h_free(r);
    long long other = h_sql_ll("SELECT department_id FROM identity.users WHERE username = 'xinxi1'",
                               0, NULL);
    r = h_get(h_fmt("/api/v1/reports/attendance?month=2018-03&department_id=%lld", other),
              h_token("zonghe_chief"));
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/reports/attendance?month=2018-03", h_token("sec2"));
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    const char *bad[] = {"", "?month=2018-13", "?month=2018-3", "?month=March",
                         "?month=2018-03&department_id=x"};
    for (size_t i = 0; i < 5; i++) {
        r = h_get(h_fmt("/api/v1/reports/attendance%s", bad[i]), h_token("director"));
        ck_assert_msg(r->status == 400, "%s: %ld", bad[i], r->status);
        h_free(r);
    }
}
END_TEST

/* 请假制度 五 "视其态度对其进行留岗查看处理": the talk records the person's
 * attitude and the deputy's decision whether to keep them on the job under
 * watch, which the talk alone no longer implies. */
START_TEST(test_R_ATT_6_talk_records_attitude_and_the_deputys_watch_decision)
{
    long mon = att_next(2031, 3, 1, 1);
    record_id("zonghe1", mon, 2);
    record_id("zonghe2", mon, 2);
    long long id = case_of("zonghe1", 2031, 1), other = case_of("zonghe2", 2031, 1);
    ck_assert(id > 0 && other > 0);
    resp_t *r = h_get(h_fmt("/api/v1/discipline-cases/%lld", id), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert(json_is_false(json_object_get(r->json, "probation")));
    ck_assert(json_is_null(json_object_get(r->json, "under_watch")));
    ck_assert_str_eq(h_str(r, "period_start"), "2031-01-01");
    h_free(r);
    const char *bad[][2] = {
        {"{\"notes\":\"talked\",\"keep_under_watch\":true}", "attitude"},
        {"{\"notes\":\"talked\",\"attitude\":\" \",\"keep_under_watch\":true}", "attitude"},
        {"{\"notes\":\"talked\",\"attitude\":\"sorry\"}", "keep_under_watch"},
        {"{\"notes\":\"talked\",\"attitude\":\"sorry\",\"keep_under_watch\":\"yes\"}",
         "keep_under_watch"},
        {"{\"notes\":\"talked\",\"attitude\":\"sorry\",\"keep_under_watch\":null}",
         "keep_under_watch"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        case_refused("deputy2", id, "talk", bad[i][0], 400, "request.invalid", NULL, bad[i][1]);
    untouched(id);
    /* Contrite: the deputy does not keep him under watch. */
    r = case_act("deputy2", id, "talk",
                 "{\"notes\":\"serious talk held\",\"attitude\":\"contrite, will not repeat it\","
                 "\"keep_under_watch\":false}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    ck_assert_str_eq(h_str(r, "talk_attitude"), "contrite, will not repeat it");
    ck_assert(json_is_false(json_object_get(r->json, "under_watch")));
    ck_assert(json_is_false(json_object_get(r->json, "probation")));
    h_free(r);
    /* Dismissive: kept on the job under watch. */
    r = case_act("deputy2", other, "talk",
                 "{\"notes\":\"serious talk held\",\"attitude\":\"dismissive\","
                 "\"keep_under_watch\":true}");
    ck_status(r, 200);
    ck_assert(json_is_true(json_object_get(r->json, "under_watch")));
    ck_assert(json_is_true(json_object_get(r->json, "probation")));
    ck_assert_str_eq(h_str(r, "talk_attitude"), "dismissive");
    h_free(r);
    const char *p[] = {"zonghe2", "zonghe1"};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications n JOIN identity.users u"
                              " ON u.id = n.user_id WHERE u.username = $1 AND n.title LIKE"
                              " '%under watch%'", 1, p), 1);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications n JOIN identity.users u"
                              " ON u.id = n.user_id WHERE u.username = $1 AND n.title LIKE"
                              " '%under watch%'", 1, p + 1), 0);
}
END_TEST

/* 五: 待岗时间视其情节和态度而定 and 限期调离: the meeting's decision carries
 * the suspension's length and the transfer's deadline. */
START_TEST(test_R_ATT_6_decide_cites_a_published_personnel_decision_on_the_person)
{
    long mon = att_next(2041, 3, 1, 1);
    record_id("xinxi1", mon, 4);
    long long id = case_of("xinxi1", 2041, 2);
    ck_assert(id > 0);
    long long other_person = planted_decision("zonghe1", "suspension", NULL);
    long long a_transfer = planted_decision("xinxi1", "transfer", NULL);
    long long ordinary = planted_decision("xinxi1", "suspension", NULL);
    /* A draft (its meeting not closed), a finance decision and a superseded
     * one: planted, then changed past the immutability trigger. */
    long long draft = planted_decision("xinxi1", "suspension", NULL);
    PQclear(PQexec(h_db(), "SET session_replication_role = replica"));
    h_sql(h_fmt("UPDATE meetings.decisions SET state = 'draft', published_at = NULL"
                " WHERE id = %lld", draft));
    h_sql(h_fmt("UPDATE meetings.decisions SET category = 'finance' WHERE id = %lld", ordinary));
    long long superseded = planted_decision("xinxi1", "suspension", NULL);
    h_sql(h_fmt("UPDATE meetings.decisions SET state = 'superseded' WHERE id = %lld", superseded));
    PQclear(PQexec(h_db(), "SET session_replication_role = DEFAULT"));
    long long refused[] = {999999999, other_person, a_transfer, ordinary, draft, superseded};
    for (int i = 0; i < 6; i++)
        case_refused("director", id, "decide",
                     h_fmt("{\"meeting_decision_id\":%lld,\"suspension_months\":2}", refused[i]),
                     422, "case.decision_not_citable", "R-ATT-6", "meeting_decision_id");
    untouched(id);
    long long good = planted_decision("xinxi1", "suspension", NULL);
    resp_t *r = case_act("director", id, "decide",
                         h_fmt("{\"meeting_decision_id\":%lld,\"suspension_months\":2}", good));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "meeting_decision_id"), good);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_6_suspension_length_and_transfer_deadline_are_decided)
{
    long mon = att_next(2032, 3, 1, 1);
    record_id("wenmi1", mon, 6);
    long long susp = case_of("wenmi1", 2032, 2), transfer = case_of("wenmi1", 2032, 3);
    ck_assert(susp > 0 && transfer > 0);
    struct {
        long long id;
        const char *body, *field;
    } bad[] = {
        {susp, "{\"meeting_decision_id\":61}", "suspension_months"},
        {susp, "{\"meeting_decision_id\":61,\"suspension_months\":0}", "suspension_months"},
        {susp, "{\"meeting_decision_id\":61,\"suspension_months\":37}", "suspension_months"},
        {susp, "{\"meeting_decision_id\":61,\"suspension_months\":\"3\"}", "suspension_months"},
        {susp, h_fmt("{\"meeting_decision_id\":61,\"suspension_months\":3,\"transfer_by\":\"%s\"}",
                     office_day(30)), "transfer_by"},
        {transfer, "{\"meeting_decision_id\":62}", "transfer_by"},
        {transfer, h_fmt("{\"meeting_decision_id\":62,\"transfer_by\":\"%s\","
                         "\"suspension_months\":2}", office_day(30)), "suspension_months"},
        {transfer, h_fmt("{\"meeting_decision_id\":62,\"transfer_by\":\"%s\"}", office_day(0)),
         "transfer_by"},
        {transfer, h_fmt("{\"meeting_decision_id\":62,\"transfer_by\":\"%s\"}", office_day(-5)),
         "transfer_by"},
        {transfer, h_fmt("{\"meeting_decision_id\":62,\"transfer_by\":\"%s\"}", office_day(400)),
         "transfer_by"},
        {transfer, "{\"meeting_decision_id\":62,\"transfer_by\":\"2032-02-30\"}", "transfer_by"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = case_act("director", bad[i].id, "decide", bad[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    untouched(susp);
    untouched(transfer);
    resp_t *r = case_act("director", susp, "decide",
                         h_fmt("{\"meeting_decision_id\":%lld,\"suspension_months\":3}",
                               planted_decision("wenmi1", "suspension", NULL)));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "suspension_months"), 3);
    ck_assert(json_is_null(json_object_get(r->json, "transfer_by")));
    ck_assert_int_eq(h_int(r, "allowance_yuan_per_month"), 300);
    h_free(r);
    const char *deadline = office_day(45);
    long long moved = planted_decision("wenmi1", "transfer", deadline);
    /* R-ATT-6: the meeting set the deadline; another is refused. */
    case_refused("director", transfer, "decide",
                 h_fmt("{\"meeting_decision_id\":%lld,\"transfer_by\":\"%s\"}", moved,
                       office_day(50)),
                 422, "case.terms_differ", "R-ATT-6", "transfer_by");
    r = case_act("director", transfer, "decide",
                 h_fmt("{\"meeting_decision_id\":%lld,\"transfer_by\":\"%s\"}", moved, deadline));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "transfer_by"), deadline);
    ck_assert(json_is_null(json_object_get(r->json, "suspension_months")));
    h_free(r);
    /* The leader approving it reads the terms. */
    const char *p[] = {"mayor", h_fmt("%lld", transfer)};
    char *body = h_sql_str("SELECT n.body FROM identity.notifications n JOIN identity.users u"
                           " ON u.id = n.user_id WHERE u.username = $1"
                           " AND n.entity_type = 'discipline_case' AND n.entity_id = $2::bigint",
                           2, p);
    ck_assert_ptr_nonnull(body);
    ck_assert_msg(strstr(body, deadline) != NULL, "%s", body);
    free(body);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_discipline");
    TCase *t = tcase_create("discipline");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_3_director_records_absence_without_approval);
    tcase_add_test(t, test_R_ATT_3_director_voids_an_absence_with_reason);
    tcase_add_test(t, test_R_ATT_6_one_day_opens_a_talk_by_the_supervising_deputy);
    tcase_add_test(t, test_R_ATT_6_two_days_suspension_decided_at_meeting_and_approved);
    tcase_add_test(t, test_R_ATT_6_decide_cites_a_published_personnel_decision_on_the_person);
    tcase_add_test(t, test_R_ATT_6_three_days_transfer_each_level_at_its_day);
    tcase_add_test(t, test_R_ATT_6_voided_absence_below_level_is_noted_on_open_case);
    tcase_add_test(t, test_R_ATT_3_monthly_report_per_department);
    tcase_add_test(t, test_R_ATT_3_director_does_not_void_own_absence);
    tcase_add_test(t, test_R_ATT_6_directors_talk_is_held_and_seen_by_the_district_mayor);
    tcase_add_test(t, test_R_ATT_6_case_back_at_its_level_after_a_void_is_noted);
    tcase_add_test(t, test_R_ATT_6_director_cannot_decide_own_case);
    tcase_add_test(t, test_R_ATT_6_deputy_case_handled_by_director_not_himself);
    tcase_add_test(t, test_R_ATT_6_talk_records_attitude_and_the_deputys_watch_decision);
    tcase_add_test(t, test_R_ATT_6_suspension_length_and_transfer_deadline_are_decided);
    suite_add_tcase(s, t);
    return h_run(s);
}
