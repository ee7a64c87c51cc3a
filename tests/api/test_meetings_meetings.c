/* Director's meetings: convened and chaired by the director (R-MTG-1), the
 * secretariat chief records (R-MTG-2), topics through the secretariat with
 * the supervising deputy's approval (R-MTG-3), the quorum (R-MTG-4), leave
 * from a meeting (R-MTG-6), the monthly reminder (R-MTG-1). */
#include "test_meetings_fixtures.h"

static long long meetings_titled_like(const char *prefix)
{
    const char *p[] = {prefix};
    return h_sql_ll("SELECT count(*) FROM meetings.meetings WHERE title LIKE $1 || '%'", 1, p);
}

static const char *role_of(resp_t *r, long long user)
{
    json_t *parts = json_object_get(r->json, "participants");
    for (size_t i = 0; i < json_array_size(parts); i++) {
        json_t *x = json_array_get(parts, i);
        if (json_integer_value(json_object_get(x, "user_id")) == user)
            return json_string_value(json_object_get(x, "role"));
    }
    return NULL;
}

START_TEST(test_R_MTG_1_only_the_director_convenes_and_chairs)
{
    const char *no[] = {"deputy_gov", "deputy2", "zonghe_chief", "mayor", "wenmi_chief", "sec1"};
    for (int i = 0; i < 6; i++)
        expect(post_meeting(no[i], i % 2 ? "urgent" : "regular", "[]", NULL), 403, NULL,
               "R-MTG-1", NULL);

    resp_t *r = post_meeting("director", "urgent",
                             h_fmt("[%lld]", uid("zonghe_chief")), h_fmt("[%lld]", uid("xinxi1")));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "planned");
    ck_assert_int_eq(h_int(r, "chair_id"), uid("director"));
    ck_assert_str_eq(role_of(r, uid("director")), "chair");
    /* Every deputy director is a member; the chief concerned too; the
     * attendee (列席) has no vote. */
    ck_assert_str_eq(role_of(r, uid("deputy_gov")), "member");
    ck_assert_str_eq(role_of(r, uid("deputy2")), "member");
    ck_assert_str_eq(role_of(r, uid("deputy3")), "member");
    ck_assert_str_eq(role_of(r, uid("zonghe_chief")), "member");
    ck_assert_str_eq(role_of(r, uid("xinxi1")), "attendee");
    ck_assert_ptr_null(role_of(r, uid("zonghe1")));
    h_free(r);
    ck_assert_int_eq(notes("deputy3", "meeting_convened", "meeting", id), 1);
    ck_assert_int_eq(notes("xinxi1", "meeting_convened", "meeting", id), 1);
    ck_assert_int_eq(audits("meeting", id, "create"), 1);

    /* Only the chair reschedules, cancels and starts. */
    expect(act("meetings", id, "reschedule", "deputy2",
               h_fmt("{\"scheduled_at\":\"%s\"}", in_days_ts(5))), 403, NULL, "R-MTG-1", NULL);
    expect(act("meetings", id, "cancel", "wenmi_chief", NULL), 403, NULL, "R-MTG-1", NULL);
    expect(act("meetings", id, "start", "deputy_gov", NULL), 403, NULL, "R-MTG-1", NULL);
    /* Not a participant: not even visible. */
    expect(h_get(h_fmt("/api/v1/meetings/%lld", id), h_token("zonghe1")), 404, NULL, NULL, NULL);
    r = h_get(h_fmt("/api/v1/meetings/%lld", id), h_token("xinxi1"));
    ck_status(r, 200);
    h_free(r);
    ok(act("meetings", id, "cancel", "director", "{\"comment\":\"改期\"}"));
}
END_TEST

START_TEST(meeting_create_refuses_bad_input_and_stores_nothing)
{
    const char *title = unique("坏会议");
    long long chief = uid("zonghe_chief");
    struct {
        const char *body, *field;
    } cases[] = {
        {"{}", "title"},
        {sf("{\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\",\"participant_ids\":[]}",
            in_days_ts(2)), "title"},
        {sf("{\"title\":\"%s\",\"kind\":\"weekly\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":[]}", title, in_days_ts(2)), "kind"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"tomorrow\",\"location\":\"x\","
            "\"participant_ids\":[]}", title), "scheduled_at"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":[]}", title, in_days_ts(-1)), "scheduled_at"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\" \","
            "\"participant_ids\":[]}", title, in_days_ts(2)), "location"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":[999999999]}", title, in_days_ts(2)), "participant_ids"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":[%lld]}", title, in_days_ts(2), uid("town1_clerk")),
         "participant_ids"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":\"all\"}", title, in_days_ts(2)), "participant_ids"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":[%lld],\"attendee_ids\":[%lld]}", title, in_days_ts(2), chief,
            chief), "attendee_ids"},
        {sf("{\"title\":\"%s\",\"kind\":\"regular\",\"scheduled_at\":\"%s\",\"location\":\"x\","
            "\"participant_ids\":[],\"chair_id\":1}", title, in_days_ts(2)), "chair_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = post_as("director", "/api/v1/meetings", cases[i].body);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, cases[i].field), "case %zu (%s): %s", i,
                      cases[i].field, r->body);
        h_free(r);
    }
    ck_assert_int_eq(meetings_titled_like(title), 0);
}
END_TEST

START_TEST(test_R_MTG_2_secretariat_chief_records)
{
    long long m = new_meeting();
    resp_t *r = h_get(h_fmt("/api/v1/meetings/%lld", m), h_token("director"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "recorder_id"), uid("wenmi_chief"));
    ck_assert_str_eq(role_of(r, uid("wenmi_chief")), "recorder");
    h_free(r);
    const char *no[] = {"director", "deputy_gov", "wenmi1", "zonghe_chief"};
    for (int i = 0; i < 4; i++)
        expect(act("meetings", m, "attendance", no[i],
                   h_fmt("{\"user_id\":%lld,\"present\":true}", uid("deputy2"))),
               403, NULL, "R-MTG-2", NULL);
    /* Attendance of someone who is not a participant, and bad bodies. */
    expect(act("meetings", m, "attendance", "wenmi_chief",
               h_fmt("{\"user_id\":%lld,\"present\":true}", uid("zonghe1"))),
           400, NULL, NULL, "user_id");
    expect(act("meetings", m, "attendance", "wenmi_chief", "{\"user_id\":1}"), 400, NULL, NULL,
           "present");
    long long topic;
    long long s = started_meeting("general", false, &topic);
    expect(act("meetings", s, "minutes", "director", "{\"text\":\"纪要\"}"), 403, NULL, "R-MTG-2",
           NULL);
    expect(post_as("director", h_fmt("/api/v1/meetings/%lld/decisions", s),
                   h_fmt("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,"
                         "\"deadline\":\"%s\",\"requirements\":\"r\"}",
                         topic, uid("zonghe_chief"), in_days(10))),
           403, NULL, "R-MTG-2", NULL);
    /* Closing needs the minutes. */
    expect(act("meetings", s, "close", "wenmi_chief", NULL), 409, "meeting.minutes_missing",
           NULL, NULL);
    close_meeting(s);
}
END_TEST

START_TEST(test_R_MTG_3_topics_through_the_secretariat_approved_by_the_supervising_deputy)
{
    long long m = new_meeting();
    /* Sections submit through the secretariat. */
    expect(post_topic("zonghe_chief", m, "综合科", "zonghe_chief", "general", false), 403, NULL,
           "R-MTG-3", NULL);
    /* The presenter is a deputy director or the section chief concerned. */
    expect(post_topic("wenmi1", m, "综合科", "zonghe1", "general", false), 400, NULL, "R-MTG-3",
           "presenter_id");
    /* Explanation and recommendation are required. */
    expect(post_as("wenmi1", h_fmt("/api/v1/meetings/%lld/topics", m),
                   h_fmt("{\"title\":\"t\",\"category\":\"general\",\"department_id\":%lld,"
                         "\"presenter_id\":%lld,\"summary\":\"s\",\"recommendation\":\"r\"}",
                         dept("综合科"), uid("zonghe_chief"))),
           400, NULL, NULL, "explanation");
    expect(post_as("wenmi1", h_fmt("/api/v1/meetings/%lld/topics", m),
                   h_fmt("{\"title\":\"t\",\"category\":\"general\",\"department_id\":%lld,"
                         "\"presenter_id\":%lld,\"summary\":\"s\",\"explanation\":\"e\","
                         "\"recommendation\":\"  \"}",
                         dept("综合科"), uid("zonghe_chief"))),
           400, NULL, NULL, "recommendation");
    expect(post_as("wenmi1", h_fmt("/api/v1/meetings/%lld/topics", m),
                   h_fmt("{\"title\":\"t\",\"category\":\"general\",\"department_id\":%lld,"
                         "\"presenter_id\":%lld,\"summary\":\"s\",\"explanation\":\"e\","
                         "\"recommendation\":\"r\"}",
                         dept("某某乡"), uid("zonghe_chief"))),
           400, NULL, NULL, "department_id");

    resp_t *r = post_topic("wenmi1", m, "综合科", "zonghe_chief", "general", false);
    ck_status(r, 201);
    long long t = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "proposed");
    ck_assert_int_eq(h_int(r, "approver_id"), uid("deputy2"));
    ck_assert_str_eq(h_str(r, "explanation"), "情况说明");
    ck_assert_str_eq(h_str(r, "recommendation"), "建议同意");
    h_free(r);
    ck_assert_int_eq(notes("deputy2", "topic_to_approve", "topic", t), 1);

    /* An empty agenda is not published. */
    expect(act("meetings", m, "publish-agenda", "wenmi1", NULL), 422, NULL, "R-MTG-3", NULL);
    /* Only 综合科's supervising deputy approves; a secretary never. */
    expect(act("topics", t, "approve", "deputy_gov", NULL), 403, "topic.approver_mismatch",
           "R-MTG-3", NULL);
    expect(act("topics", t, "approve", "director", NULL), 403, "topic.approver_mismatch",
           "R-MTG-3", NULL);
    expect(act("topics", t, "approve", "sec1", NULL), 403, NULL, "R-SEC-3", NULL);
    /* Before publication the participants do not see the topic yet. */
    expect(h_get(h_fmt("/api/v1/topics/%lld", t), h_token("zonghe2")), 404, NULL, NULL, NULL);
    ok(act("topics", t, "approve", "deputy2", NULL));
    ck_assert_int_eq(notes("wenmi1", "topic_decided", "topic", t), 1);
    expect(act("topics", t, "approve", "deputy2", NULL), 409, "topic.wrong_state", NULL, NULL);
    /* A second topic stays off the agenda while unapproved. */
    r = post_topic("wenmi1", m, "综合科", "zonghe_chief", "other", false);
    ck_status(r, 201);
    long long pending = h_int(r, "id");
    h_free(r);

    expect(act("meetings", m, "publish-agenda", "zonghe_chief", NULL), 403, NULL, "R-MTG-3",
           NULL);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    ck_assert_int_eq(notes("zonghe2", "meeting_agenda_published", "meeting", m), 1);
    ck_assert_int_eq(notes("xinxi1", "meeting_agenda_published", "meeting", m), 1);
    /* Published: visible to the participants before the meeting. */
    r = h_get(h_fmt("/api/v1/topics/%lld", t), h_token("zonghe2"));
    ck_status(r, 200);
    h_free(r);
    ck_assert(h_lists(h_fmt("/api/v1/meetings/%lld/topics?limit=200", m), h_token("xinxi1"), t));
    ck_assert(!h_lists(h_fmt("/api/v1/meetings/%lld/topics?limit=200", m), h_token("xinxi1"),
                       pending));
    /* Not a participant: nothing. */
    expect(h_get(h_fmt("/api/v1/meetings/%lld/topics", m), h_token("zonghe1")), 404, NULL, NULL,
           NULL);
    expect(h_get(h_fmt("/api/v1/topics/%lld", t), h_token("zonghe1")), 404, NULL, NULL, NULL);
    /* The presenter joined the meeting as a member (the chief concerned). */
    const char *p[] = {id_text(m), id_text(uid("zonghe_chief"))};
    char *role = h_sql_str("SELECT role FROM meetings.meeting_participants WHERE meeting_id = $1"
                           " AND user_id = $2", 2, p);
    ck_assert_str_eq(role, "member");
    free(role);
}
END_TEST

START_TEST(test_R_MTG_4_starts_only_with_the_director_and_every_deputy_present)
{
    long long m = new_meeting();
    approved_topic(m, "general", false);
    /* Not before the agenda is published. */
    mark_directors(m);
    expect(act("meetings", m, "start", "director", NULL), 409, NULL, "R-MTG-3", NULL);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    mark(m, "deputy3", false);
    resp_t *r = act("meetings", m, "start", "director", NULL);
    ck_assert(h_problem(r, 422, "meeting.no_quorum", "R-MTG-4", NULL));
    ck_assert_ptr_nonnull(strstr(h_str(r, "detail"), "deputy3"));
    h_free(r);
    mark(m, "deputy3", true);
    mark(m, "director", false);
    expect(act("meetings", m, "start", "director", NULL), 422, "meeting.no_quorum", "R-MTG-4",
           NULL);
    mark(m, "director", true);
    /* Members other than the directors and the attendee (列席) do not count. */
    mark(m, "zonghe2", false);
    mark(m, "xinxi1", false);
    r = act("meetings", m, "start", "director", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "in_progress");
    h_free(r);
    expect(act("meetings", m, "start", "director", NULL), 409, "meeting.wrong_state", NULL, NULL);
}
END_TEST

START_TEST(test_R_MTG_4_deputy_absence_approved_means_reschedule)
{
    long long m = new_meeting();
    approved_topic(m, "general", false);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    resp_t *r = post_as("deputy3", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                        "{\"reason\":\"出差\"}");
    ck_status(r, 201);
    long long a = h_int(r, "id");
    h_free(r);
    r = act("meeting-absence-requests", a, "approve", "director", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    r = h_get(h_fmt("/api/v1/meetings/%lld", m), h_token("director"));
    ck_assert(json_is_true(json_object_get(r->json, "reschedule_needed")));
    h_free(r);
    ck_assert_int_eq(notes("zonghe2", "meeting_reschedule_needed", "meeting", m), 1);
    mark_directors(m);
    expect(act("meetings", m, "start", "director", NULL), 422, "meeting.reschedule_needed",
           "R-MTG-4", NULL);
    /* Rescheduled: the leave lapses and the marks are cleared. */
    r = act("meetings", m, "reschedule", "director",
            h_fmt("{\"scheduled_at\":\"%s\"}", in_days_ts(6)));
    ck_status(r, 200);
    ck_assert(json_is_false(json_object_get(r->json, "reschedule_needed")));
    h_free(r);
    ck_assert_int_eq(notes("deputy3", "meeting_rescheduled", "meeting", m), 1);
    const char *p[] = {id_text(a)};
    char *st = h_sql_str("SELECT state FROM meetings.meeting_absence_requests WHERE id = $1", 1, p);
    ck_assert_str_eq(st, "lapsed");
    free(st);
    expect(act("meetings", m, "start", "director", NULL), 422, "meeting.no_quorum", "R-MTG-4",
           NULL);
    mark_directors(m);
    ok(act("meetings", m, "start", "director", NULL));
    /* A bad new time. */
    expect(act("meetings", new_meeting(), "reschedule", "director",
               h_fmt("{\"scheduled_at\":\"%s\"}", in_days_ts(-2))), 400, NULL, NULL,
           "scheduled_at");
}
END_TEST

START_TEST(test_R_MTG_6_leave_asked_of_the_director_before_the_meeting)
{
    long long m = new_meeting();
    approved_topic(m, "general", false);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    /* Only must-attend participants ask; others do not see the meeting. */
    expect(post_as("zonghe1", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                   "{\"reason\":\"x\"}"), 404, NULL, NULL, NULL);
    expect(post_as("xinxi1", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                   "{\"reason\":\"x\"}"), 403, NULL, "R-MTG-6", NULL);
    expect(post_as("zonghe_chief", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                   "{\"reason\":\" \"}"), 400, NULL, NULL, "reason");
    resp_t *r = post_as("zonghe_chief", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                        "{\"reason\":\"病假\"}");
    ck_status(r, 201);
    long long a = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(notes("director", "meeting_absence_to_approve", "meeting_absence_request", a),
                     1);
    expect(post_as("zonghe_chief", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                   "{\"reason\":\"again\"}"), 409, NULL, NULL, NULL);
    /* The director grants it; nobody else. */
    expect(act("meeting-absence-requests", a, "approve", "deputy2", NULL), 403, NULL, "R-MTG-6",
           NULL);
    expect(act("meeting-absence-requests", a, "approve", "sec1", NULL), 403, NULL, "R-SEC-3",
           NULL);
    expect(act("meeting-absence-requests", a, "approve", "zonghe1", NULL), 404, NULL, NULL, NULL);
    ok(act("meeting-absence-requests", a, "approve", "director", NULL));
    ck_assert_int_eq(notes("zonghe_chief", "meeting_absence_decided", "meeting_absence_request",
                           a), 1);
    /* The request is read by its asker and the chair, listed with the
     * meeting's; another participant sees only their own, a stranger none. */
    r = h_get(h_fmt("/api/v1/meeting-absence-requests/%lld", a), h_token("zonghe_chief"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    ck_assert_int_eq(h_int(r, "meeting_id"), m);
    h_free(r);
    r = h_get(h_fmt("/api/v1/meeting-absence-requests/%lld", a), h_token("director"));
    ck_status(r, 200);
    h_free(r);
    expect(h_get(h_fmt("/api/v1/meeting-absence-requests/%lld", a), h_token("zonghe1")), 404, NULL,
           NULL, NULL);
    const char *list = h_fmt("/api/v1/meetings/%lld/absence-requests?limit=200", m);
    ck_assert(h_lists(list, h_token("director"), a));
    ck_assert(h_lists(list, h_token("zonghe_chief"), a));
    ck_assert(!h_lists(list, h_token("zonghe2"), a));
    expect(h_get(list, h_token("zonghe1")), 404, NULL, NULL, NULL);
    expect(h_get(h_fmt("/api/v1/meetings/%lld/absence-requests?limit=0", m), h_token("director")),
           400, NULL, NULL, "limit");
    /* The meeting is in its participants' list, not in a stranger's. */
    ck_assert(h_lists("/api/v1/meetings?limit=200", h_token("zonghe2"), m));
    ck_assert(h_lists("/api/v1/meetings?mine=true&limit=200", h_token("zonghe_chief"), m));
    ck_assert(h_lists("/api/v1/meetings?state=agenda_published&limit=200", h_token("director"), m));
    ck_assert(!h_lists("/api/v1/meetings?limit=200", h_token("zonghe1"), m));
    expect(h_get("/api/v1/meetings?state=nonsense", h_token("director")), 400, NULL, NULL, "state");
    /* A section chief's absence does not stop the meeting (R-MTG-4). */
    mark_directors(m);
    mark(m, "wenmi_chief", true);
    ok(act("meetings", m, "start", "director", NULL));
    /* After the start it is too late. */
    expect(post_as("zonghe2", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                   "{\"reason\":\"迟到\"}"), 422, "meeting_absence.too_late", "R-MTG-6", NULL);
    long long topic = h_sql_ll(h_fmt("SELECT id FROM meetings.topics WHERE meeting_id = %lld", m),
                               0, NULL);
    long long d = new_decision(m, topic, "zonghe_chief");
    ok(act("meetings", m, "minutes", "wenmi_chief", "{\"text\":\"纪要\"}"));
    /* zonghe2 came or not: the recorder must say before closing. */
    expect(act("meetings", m, "close", "wenmi_chief", NULL), 409, "meeting.attendance_incomplete",
           "R-MTG-6", NULL);
    mark(m, "zonghe2", false);
    ok(act("meetings", m, "close", "wenmi_chief", NULL));
    /* The absent members are told the decisions by the recorder. */
    ck_assert_int_eq(notes("zonghe_chief", "meeting_decisions_for_absent", "meeting", m), 1);
    ck_assert_int_eq(notes("zonghe2", "meeting_decisions_for_absent", "meeting", m), 1);
    ck_assert_int_eq(notes("deputy2", "meeting_decisions_for_absent", "meeting", m), 0);
    ck_assert_int_eq(notes("zonghe_chief", "decision_assigned", "decision", d), 1);
    /* The published attendance: zonghe2 absent without leave (R-ATT-5),
     * zonghe_chief excused. */
    const char *p[] = {id_text(m), id_text(uid("zonghe2")), id_text(uid("zonghe_chief"))};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.meeting_attendance WHERE"
                              " meeting_id = $1 AND user_id = $2 AND absent_without_leave",
                              2, p), 1);
    const char *q[] = {id_text(m), id_text(uid("zonghe_chief"))};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.meeting_attendance WHERE"
                              " meeting_id = $1 AND user_id = $2 AND absence_approved"
                              " AND NOT absent_without_leave", 2, q), 1);
    (void)p[2];
}
END_TEST

START_TEST(test_R_MTG_1_secretariat_reminded_once_a_month_without_a_regular_meeting)
{
    /* The month before this one has passed its 20th day; the test cluster
     * held no regular meeting in it, so the job reminded the secretariat,
     * exactly once, however often it ran. */
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    int y = tm.tm_year + 1900, mo = tm.tm_mon;
    if (mo == 0) {
        mo = 12;
        y--;
    }
    const char *month = sf("%04d-%02d", y, mo);
    const char *ym = sf("%04d%02d", y, mo);
    const char *pm[] = {month};
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.regular_meeting_reminders"
                                " WHERE month = $1", 1, pm, 1, 20), 1);
    sleep(6); /* at least one more run of the job */
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.regular_meeting_reminders"
                              " WHERE month = $1", 1, pm), 1);
    ck_assert_int_eq(notes("wenmi_chief", "regular_meeting_due", "month", atoll(ym)), 1);
    ck_assert_int_eq(notes("wenmi1", "regular_meeting_due", "month", atoll(ym)), 1);
    ck_assert_int_eq(notes("zonghe_chief", "regular_meeting_due", "month", atoll(ym)), 0);
    /* This month, until its 20th day has passed, is nobody's reminder yet. */
    if (tm.tm_mday <= 20) {
        const char *pt[] = {sf("%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1)};
        ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.regular_meeting_reminders"
                                  " WHERE month = $1", 1, pt), 0);
    }
}
END_TEST

START_TEST(test_R_ATT_5_member_absent_from_a_meeting_without_leave_is_absenteeism_once)
{
    long long m = new_meeting();
    approved_topic(m, "general", false);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    resp_t *r = post_as("zonghe_chief", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                        "{\"reason\":\"外出开会\"}");
    ck_status(r, 201);
    long long a = h_int(r, "id");
    h_free(r);
    ok(act("meeting-absence-requests", a, "approve", "director", NULL));
    mark_directors(m);
    mark(m, "wenmi_chief", true);
    mark(m, "zonghe2", false); /* no leave asked */
    mark(m, "xinxi1", false);  /* attendee (列席): not required */
    ok(act("meetings", m, "start", "director", NULL));
    close_meeting(m);
    const char *sql = "SELECT count(*) FROM attendance.absences WHERE source_type = 'meeting'"
                      " AND source_id = $1 AND user_id = $2";
    const char *z2[] = {id_text(m), id_text(uid("zonghe2"))};
    ck_assert_int_eq(wait_count(sql, 2, z2, 1, 20), 1);
    const char *p[] = {id_text(m), id_text(uid("zonghe2"))};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM attendance.absences WHERE source_type ="
                              " 'meeting' AND source_id = $1 AND user_id = $2"
                              " AND cause = 'meeting_absence' AND half_days = 1 AND state = 'active'",
                              2, p), 1);
    sleep(6); /* more runs of the job record nothing more */
    ck_assert_int_eq(h_sql_ll(sql, 2, z2), 1);
    const char *chief[] = {id_text(m), id_text(uid("zonghe_chief"))};
    const char *att[] = {id_text(m), id_text(uid("xinxi1"))};
    ck_assert_int_eq(h_sql_ll(sql, 2, chief), 0);
    ck_assert_int_eq(h_sql_ll(sql, 2, att), 0);
    /* However many copies run, the database keeps it one. */
    PGresult *res = PQexecParams(h_db(),
        "INSERT INTO attendance.absences(user_id, date, half_days, cause, source_type, source_id)"
        " VALUES ($2, current_date, 1, 'meeting_absence', 'meeting', $1)", 2, NULL, z2, NULL,
        NULL, 0);
    ck_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23505");
    PQclear(res);
    r = h_get(h_fmt("/api/v1/absences?user_id=%lld&limit=200", uid("zonghe2")), h_token("director"));
    ck_status(r, 200);
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_meetings");
    TCase *tc = tcase_create("meetings");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_MTG_1_only_the_director_convenes_and_chairs);
    tcase_add_test(tc, meeting_create_refuses_bad_input_and_stores_nothing);
    tcase_add_test(tc, test_R_MTG_2_secretariat_chief_records);
    tcase_add_test(tc, test_R_MTG_3_topics_through_the_secretariat_approved_by_the_supervising_deputy);
    tcase_add_test(tc, test_R_MTG_4_starts_only_with_the_director_and_every_deputy_present);
    tcase_add_test(tc, test_R_MTG_4_deputy_absence_approved_means_reschedule);
    tcase_add_test(tc, test_R_MTG_6_leave_asked_of_the_director_before_the_meeting);
    tcase_add_test(tc, test_R_MTG_1_secretariat_reminded_once_a_month_without_a_regular_meeting);
    tcase_add_test(tc, test_R_ATT_5_member_absent_from_a_meeting_without_leave_is_absenteeism_once);
    suite_add_tcase(s, tc);
    return h_run(s);
}
