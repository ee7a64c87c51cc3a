/* Decisions: personnel matters only as decisions (R-MTG-5), immutable once
 * published (R-MTG-7), confidential ones for participants only with audited
 * reads (R-MTG-8), progress, overdue flags and the supervision report
 * (R-MTG-9), thematic meetings (R-MTG-10). */
#include "test_meetings_fixtures.h"

START_TEST(test_R_MTG_9_decision_needs_responsible_deadline_and_requirements)
{
    long long topic;
    long long m = started_meeting("general", false, &topic);
    const char *path = h_fmt("/api/v1/meetings/%lld/decisions", m);
    long long resp = uid("zonghe_chief");
    struct {
        const char *body, *field;
    } cases[] = {
        {"{}", "topic_id"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"deadline\":\"%s\",\"requirements\":\"r\"}",
            topic, in_days(5)), "responsible_id"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,\"requirements\":\"r\"}",
            topic, resp), "deadline"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,\"deadline\":\"%s\"}",
            topic, resp, in_days(5)), "requirements"},
        {sf("{\"topic_id\":%lld,\"text\":\" \",\"responsible_id\":%lld,\"deadline\":\"%s\","
            "\"requirements\":\"r\"}", topic, resp, in_days(5)), "text"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,\"deadline\":\"%s\","
            "\"requirements\":\"r\"}", topic, resp, in_days(-3)), "deadline"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,\"deadline\":\"2026-13-01\","
            "\"requirements\":\"r\"}", topic, resp), "deadline"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":999999999,\"deadline\":\"%s\","
            "\"requirements\":\"r\"}", topic, in_days(5)), "responsible_id"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,\"deadline\":\"%s\","
            "\"requirements\":\"r\"}", topic, uid("town1_clerk"), in_days(5)), "responsible_id"},
        {sf("{\"topic_id\":999999999,\"text\":\"t\",\"responsible_id\":%lld,\"deadline\":\"%s\","
            "\"requirements\":\"r\"}", resp, in_days(5)), "topic_id"},
        {sf("{\"topic_id\":%lld,\"text\":\"t\",\"responsible_id\":%lld,\"deadline\":\"%s\","
            "\"requirements\":\"r\",\"state\":\"published\"}", topic, resp, in_days(5)), "state"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = post_as("wenmi_chief", path, cases[i].body);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, cases[i].field), "case %zu (%s): %s", i,
                      cases[i].field, r->body);
        h_free(r);
    }
    const char *p[] = {id_text(m)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.decisions WHERE meeting_id = $1", 1,
                              p), 0);
    resp_t *r = post_decision(m, topic, "zonghe_chief", NULL);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "draft");
    ck_assert_int_eq(h_int(r, "responsible_id"), resp);
    ck_assert_str_eq(h_str(r, "requirements"), "按期完成并报告");
    ck_assert_str_eq(h_str(r, "deadline"), in_days(30));
    h_free(r);
    /* Not during a meeting that has not started. */
    long long other = new_meeting();
    long long t2 = approved_topic(other, "general", false);
    expect(post_decision(other, t2, "zonghe_chief", NULL), 409, "meeting.not_in_progress", NULL,
           NULL);
}
END_TEST

START_TEST(test_R_MTG_5_personnel_matters_only_as_meeting_decisions)
{
    long long topic;
    long long m = started_meeting("personnel", false, &topic);
    expect(post_decision(m, topic, "zonghe_chief", NULL), 400, NULL, "R-MTG-5", "subject_id");
    expect(post_decision(m, topic, "zonghe_chief", h_fmt("\"subject_id\":%lld", uid("zonghe1"))),
           400, NULL, "R-MTG-5", "personnel_action");
    resp_t *r = post_decision(m, topic, "zonghe_chief",
                              h_fmt("\"subject_id\":%lld,\"personnel_action\":\"suspension\","
                                    "\"period_until\":\"%s\"",
                                    uid("zonghe1"), in_days(90)));
    ck_status(r, 201);
    long long d = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "category"), "personnel");
    ck_assert_str_eq(h_str(r, "personnel_action"), "suspension");
    h_free(r);
    /* Personnel fields under an ordinary topic are refused. */
    long long gt;
    long long g = started_meeting("general", false, &gt);
    expect(post_decision(g, gt, "zonghe_chief",
                         h_fmt("\"subject_id\":%lld,\"personnel_action\":\"transfer\"",
                               uid("zonghe1"))),
           400, NULL, "R-MTG-5", "subject_id");
    close_meeting(m);
    /* Published, the personnel decision is what attendance may cite. */
    const char *p[] = {id_text(d)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.published_decisions WHERE id = $1"
                              " AND category = 'personnel' AND personnel_action = 'suspension'"
                              " AND state = 'published'", 1, p), 1);
    /* A thematic meeting takes no personnel topic. */
    r = post_meeting("sec1", "thematic", "[]", NULL);
    ck_status(r, 201);
    long long th = h_int(r, "id");
    h_free(r);
    expect(post_topic("sec1", th, "综合科", "zonghe_chief", "personnel", false), 422, NULL,
           "R-MTG-5", NULL);
}
END_TEST

START_TEST(test_R_MTG_7_published_decisions_immutable_changed_by_superseding)
{
    long long topic;
    long long m = started_meeting("general", false, &topic);
    long long d = new_decision(m, topic, "zonghe_chief");
    /* A draft cannot be superseded. */
    long long t2;
    long long m2 = started_meeting("general", false, &t2);
    expect(post_decision(m2, t2, "zonghe_chief", h_fmt("\"supersedes_id\":%lld", d)), 409,
           "decision.not_supersedable", "R-MTG-7", NULL);
    close_meeting(m);
    char *st = decision_state(d);
    ck_assert_str_eq(st, "published");
    free(st);
    /* The database refuses any change of what it says. */
    PGresult *res = PQexec(h_db(), h_fmt("UPDATE meetings.decisions SET text = 'changed'"
                                         " WHERE id = %lld", d));
    ck_assert_int_ne(PQresultStatus(res), PGRES_COMMAND_OK);
    ck_assert_ptr_nonnull(strstr(PQresultErrorMessage(res), "R-MTG-7"));
    PQclear(res);
    res = PQexec(h_db(), h_fmt("DELETE FROM meetings.decisions WHERE id = %lld", d));
    ck_assert_int_ne(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    /* A change is a new decision that references the old one. */
    resp_t *r = post_decision(m2, t2, "zonghe2", h_fmt("\"supersedes_id\":%lld", d));
    ck_status(r, 201);
    long long n = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "supersedes_id"), d);
    h_free(r);
    st = decision_state(d);
    ck_assert_str_eq(st, "published"); /* until the new one is published */
    free(st);
    close_meeting(m2);
    st = decision_state(d);
    ck_assert_str_eq(st, "superseded");
    free(st);
    r = h_get(h_fmt("/api/v1/decisions/%lld", d), h_token("director"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "superseded_by"), n);
    h_free(r);
    /* The superseded one is no longer in force. */
    long long t3;
    long long m3 = started_meeting("general", false, &t3);
    expect(post_decision(m3, t3, "zonghe_chief", h_fmt("\"supersedes_id\":%lld", d)), 409,
           "decision.not_supersedable", "R-MTG-7", NULL);
    expect(act("decisions", d, "progress", "zonghe_chief", "{\"note\":\"x\"}"), 409,
           "decision.wrong_state", NULL, NULL);
}
END_TEST

START_TEST(test_R_MTG_8_confidential_only_for_participants_reads_audited)
{
    long long topic;
    long long m = started_meeting("general", true, &topic);
    /* Its responsible person must be a participant. */
    expect(post_decision(m, topic, "zonghe1", NULL), 400, NULL, "R-MTG-8", "responsible_id");
    long long d = new_decision(m, topic, "zonghe2");
    close_meeting(m);
    /* Non-participants see neither the topic nor the decision, even the
     * secretariat and the administrators. */
    const char *no[] = {"zonghe1", "custodian", "admin", "mayor"};
    for (int i = 0; i < 4; i++) {
        expect(h_get(h_fmt("/api/v1/topics/%lld", topic), h_token(no[i])), 404, NULL, NULL, NULL);
        expect(h_get(h_fmt("/api/v1/decisions/%lld", d), h_token(no[i])), 404, NULL, NULL, NULL);
        ck_assert(!h_lists("/api/v1/decisions?limit=200", h_token(no[i]), d));
    }
    ck_assert_int_eq(audits("decision", d, "read"), 0);
    /* Participants do, and every read is audited. */
    resp_t *r = h_get(h_fmt("/api/v1/decisions/%lld", d), h_token("xinxi1"));
    ck_status(r, 200);
    ck_assert(json_is_true(json_object_get(r->json, "confidential")));
    h_free(r);
    ck_assert_int_eq(audits("decision", d, "read"), 1);
    ck_assert(h_lists("/api/v1/decisions?limit=200", h_token("zonghe2"), d));
    ck_assert_int_eq(audits("decision", d, "read"), 1);
    ck_assert_int_eq(audits("decision", d, "read_list"), 1);
    long long before = audits("topic", topic, "read");
    r = h_get(h_fmt("/api/v1/topics/%lld", topic), h_token("deputy3"));
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(audits("topic", topic, "read"), before + 1);
    const char *p[] = {id_text(d), id_text(uid("xinxi1"))};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type = 'decision'"
                              " AND entity_id = $1 AND action = 'read' AND actor_id = $2",
                              2, p), 1);
    /* An ordinary decision is open to the office leaders, not audited. */
    long long t2;
    long long m2 = started_meeting("general", false, &t2);
    long long open = new_decision(m2, t2, "zonghe_chief");
    close_meeting(m2);
    r = h_get(h_fmt("/api/v1/decisions/%lld", open), h_token("custodian"));
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(audits("decision", open, "read"), 0);
    expect(h_get(h_fmt("/api/v1/decisions/%lld", open), h_token("zonghe1")), 404, NULL, NULL,
           NULL);
}
END_TEST

START_TEST(test_R_MTG_9_progress_to_the_convener_and_supervision_report)
{
    long long topic;
    long long m = started_meeting("finance", false, &topic);
    long long d = new_decision(m, topic, "zonghe_chief");
    /* A draft takes no progress. */
    expect(act("decisions", d, "progress", "zonghe_chief", "{\"note\":\"x\"}"), 409, NULL, NULL,
           NULL);
    close_meeting(m);
    expect(act("decisions", d, "progress", "zonghe2", "{\"note\":\"x\"}"), 403, NULL, "R-MTG-9",
           NULL);
    expect(act("decisions", d, "progress", "zonghe_chief", "{\"note\":\"\"}"), 400, NULL, NULL,
           "note");
    resp_t *r = act("decisions", d, "progress", "zonghe_chief", "{\"note\":\"已完成一半\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "in_progress");
    ck_assert_int_eq(h_int(r, "progress_count"), 1);
    h_free(r);
    ck_assert_int_eq(notes("director", "decision_progress", "decision", d), 1);
    ck_assert_int_eq(notes("wenmi_chief", "decision_progress", "decision", d), 1);

    /* The report: for the directors and the secretariat. */
    const char *no[] = {"zonghe1", "zonghe_chief", "mayor", "sec1"};
    for (int i = 0; i < 4; i++)
        expect(h_get("/api/v1/supervision-report", h_token(no[i])), 403, NULL, "R-MTG-9", NULL);
    const char *q = h_fmt("/api/v1/supervision-report?meeting_id=%lld", m);
    r = h_get(q, h_token("deputy3"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    json_t *it = json_array_get(items, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(it, "decision_id")), d);
    ck_assert_str_eq(json_string_value(json_object_get(it, "light")), "green");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->json, "totals"),
                                                        "green")), 1);
    h_free(r);
    expect(h_get(h_fmt("%s&light=purple", q), h_token("director")), 400, NULL, NULL, "light");
    expect(h_get(h_fmt("%s&from=2026-05-01&to=2026-04-01", q), h_token("director")), 400, NULL,
           NULL, "to");
    r = h_get(h_fmt("%s&light=red", q), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    h_free(r);
    /* CSV: UTF-8 with a byte order mark. */
    r = h_get(h_fmt("%s&format=csv", q), h_token("director"));
    ck_status(r, 200);
    ck_assert_ptr_nonnull(strstr(h_header(r, "Content-Type"), "text/csv"));
    ck_assert(!strncmp(r->body, "\xEF\xBB\xBF" "decision_id,", 15));
    ck_assert_ptr_nonnull(strstr(r->body, "已完成一半"));
    h_free(r);

    ck_assert_int_eq(notes("director", "decision_completed", "decision", d), 0);
    r = act("decisions", d, "complete", "zonghe_chief", "{\"outcome\":\"全部完成\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    h_free(r);
    ck_assert_int_eq(notes("director", "decision_completed", "decision", d), 1);
    r = h_get(h_fmt("%s&light=done", q), h_token("director"));
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
    ck_assert(h_lists(h_fmt("/api/v1/decisions?mine=true&state=completed&limit=200"),
                      h_token("zonghe_chief"), d));
}
END_TEST

/* Reads the report at path_query with director's token and returns whether
 * decision d is among its items, with `light` when it is; fails the test on
 * anything but 200 or when d shows another light. */
static bool report_lists(const char *path_query, long long d, const char *light)
{
    resp_t *r = h_get(path_query, h_token("director"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    bool found = false;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        ck_assert_str_eq(json_string_value(json_object_get(it, "light")), light);
        if (json_integer_value(json_object_get(it, "decision_id")) == d)
            found = true;
    }
    h_free(r);
    return found;
}

START_TEST(test_R_MTG_9_report_lights_alike_through_every_filter)
{
    /* One decision of each light: past its deadline (red), due in two days
     * and with no progress in fourteen (yellow), on track (green),
     * completed (done). */
    long long topic;
    long long m = started_meeting("finance", false, &topic);
    long long red = new_decision(m, topic, "zonghe_chief");
    long long due = new_decision(m, topic, "zonghe_chief");
    long long stale = new_decision(m, topic, "zonghe_chief");
    long long green = new_decision(m, topic, "zonghe_chief");
    long long done = new_decision(m, topic, "zonghe_chief");
    /* While still drafts the records can be set as if decided long ago. */
    h_sql(h_fmt("UPDATE meetings.decisions SET deadline = current_date - 5 WHERE id = %lld", red));
    h_sql(h_fmt("UPDATE meetings.decisions SET deadline = '%s' WHERE id = %lld", in_days(2), due));
    close_meeting(m);
    h_sql(h_fmt("UPDATE meetings.decisions SET last_progress_at = now() - interval '20 days'"
                " WHERE id = %lld", stale));
    ok(act("decisions", done, "complete", "zonghe_chief", "{\"outcome\":\"全部完成\"}"));
    struct {
        long long id;
        const char *light;
    } want[] = {{red, "red"}, {due, "yellow"}, {stale, "yellow"}, {green, "green"},
                {done, "done"}};
    const char *lts[] = {"red", "yellow", "green", "done"};
    long long dep = dept("综合科");
    /* The same lights whichever statement reads them: filtered by meeting
     * (counted now), or whole, by department and by category (the pages of
     * the kept totals). */
    for (int l = 0; l < 4; l++) {
        const char *paths[] = {
            h_fmt("/api/v1/supervision-report?meeting_id=%lld&light=%s&limit=200", m, lts[l]),
            h_fmt("/api/v1/supervision-report?light=%s&category=finance&limit=200", lts[l]),
            h_fmt("/api/v1/supervision-report?light=%s&department_id=%lld&limit=200", lts[l], dep),
            h_fmt("/api/v1/supervision-report?light=%s&department_id=%lld&category=finance"
                  "&limit=200", lts[l], dep),
        };
        for (int p = 0; p < 4; p++)
            for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
                ck_assert_msg(report_lists(paths[p], want[k].id, lts[l]) ==
                                  !strcmp(want[k].light, lts[l]),
                              "%s: decision %lld (%s)", paths[p], want[k].id, want[k].light);
    }
    /* Unfiltered by light, every one with its light and the totals of the
     * meeting counted by light. */
    resp_t *r = h_get(h_fmt("/api/v1/supervision-report?meeting_id=%lld", m), h_token("director"));
    ck_status(r, 200);
    json_t *totals = json_object_get(r->json, "totals");
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "red")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "yellow")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "green")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "done")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "total")), 5);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 5);
    h_free(r);
    /* Page by page through the kept statements: newest first, each once. */
    const char *next = NULL;
    int seen[5] = {0}, all = 0;
    long long last = -1;
    for (int page = 0; page < 20 && all < 5; page++) {
        r = h_get(next ? h_fmt("/api/v1/supervision-report?department_id=%lld&category=finance"
                               "&limit=2&cursor=%s", dep, next)
                       : h_fmt("/api/v1/supervision-report?department_id=%lld&category=finance"
                               "&limit=2", dep),
                  h_token("deputy3"));
        ck_status(r, 200);
        json_t *items = json_object_get(r->json, "items");
        ck_assert_int_le(json_array_size(items), 2);
        for (size_t i = 0; i < json_array_size(items); i++) {
            long long id = json_integer_value(json_object_get(json_array_get(items, i),
                                                              "decision_id"));
            ck_assert(last < 0 || id < last);
            last = id;
            for (int k = 0; k < 5; k++)
                if (id == want[k].id && !seen[k]++)
                    all++;
        }
        json_t *c = json_object_get(r->json, "next_cursor");
        next = json_is_string(c) ? sf("%s", json_string_value(c)) : NULL;
        h_free(r);
        if (!next)
            break;
    }
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(seen[k], 1);
}
END_TEST

START_TEST(test_R_MTG_9_overdue_flagged_reminded_and_proposed_to_the_next_regular_meeting)
{
    long long topic;
    long long m = started_meeting("general", false, &topic);
    long long d = new_decision(m, topic, "zonghe_chief");
    /* While still a draft the record can be set as if decided long ago. */
    h_sql(h_fmt("UPDATE meetings.decisions SET deadline = current_date - 10 WHERE id = %lld", d));
    close_meeting(m);
    const char *p[] = {id_text(d)};
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.decisions WHERE id = $1"
                                " AND overdue_at IS NOT NULL", 1, p, 1, 20), 1);
    ck_assert_int_eq(notes("zonghe_chief", "decision_overdue", "decision", d), 1);
    ck_assert_int_eq(notes("director", "decision_overdue", "decision", d), 1);
    ck_assert_int_eq(notes("wenmi_chief", "decision_overdue", "decision", d), 1);
    ck_assert(h_lists("/api/v1/decisions?overdue=true&limit=200", h_token("director"), d));
    resp_t *r = h_get(h_fmt("/api/v1/supervision-report?meeting_id=%lld", m), h_token("director"));
    json_t *it = json_array_get(json_object_get(r->json, "items"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(it, "light")), "red");
    ck_assert_int_ge(json_integer_value(json_object_get(it, "days_overdue")), 9);
    h_free(r);
    /* The next regular meeting gets it as a topic, once. */
    long long next = new_meeting();
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.topics WHERE source_decision_id = $1",
                                1, p, 1, 20), 1);
    sleep(6);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.topics WHERE source_decision_id = $1",
                              1, p), 1);
    ck_assert_int_eq(notes("zonghe_chief", "decision_overdue", "decision", d), 1);
    (void)next;
}
END_TEST

START_TEST(test_R_MTG_10_thematic_meeting_prepared_by_the_secretary_minutes_approved_by_the_leader)
{
    /* Only a leader's secretary, for that leader. */
    expect(post_meeting("director", "thematic", "[]", NULL), 403, NULL, "R-MTG-10", NULL);
    expect(post_meeting("zonghe1", "thematic", "[]", NULL), 403, NULL, "R-MTG-10", NULL);
    resp_t *r = post_meeting("sec1", "thematic", h_fmt("[%lld]", uid("zonghe_chief")), NULL);
    ck_status(r, 201);
    long long m = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "chair_id"), uid("mayor"));
    ck_assert_int_eq(h_int(r, "recorder_id"), uid("sec1"));
    h_free(r);
    r = post_topic("sec1", m, "综合科", "zonghe1", "general", false);
    ck_status(r, 201);
    long long t = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    expect(post_topic("sec2", m, "综合科", "zonghe1", "general", false), 404, NULL, NULL, NULL);
    ok(act("meetings", m, "start", "sec1", NULL));
    r = post_as("sec1", h_fmt("/api/v1/meetings/%lld/decisions", m),
                h_fmt("{\"topic_id\":%lld,\"text\":\"专题决定\",\"responsible_id\":%lld,"
                      "\"deadline\":\"%s\",\"requirements\":\"r\"}",
                      t, uid("zonghe_chief"), in_days(20)));
    ck_status(r, 201);
    long long d = h_int(r, "id");
    h_free(r);
    ok(act("meetings", m, "minutes", "sec1", "{\"text\":\"专题会议纪要\"}"));
    ck_assert_int_eq(notes("mayor", "minutes_to_approve", "meeting", m), 1);
    ok(act("meetings", m, "attendance", "sec1",
           h_fmt("{\"user_id\":%lld,\"present\":true}", uid("zonghe_chief"))));
    ok(act("meetings", m, "attendance", "sec1",
           h_fmt("{\"user_id\":%lld,\"present\":true}", uid("mayor"))));
    ok(act("meetings", m, "attendance", "sec1",
           h_fmt("{\"user_id\":%lld,\"present\":true}", uid("sec1"))));
    /* Published only after the leader approves. */
    expect(act("meetings", m, "close", "sec1", NULL), 422, "meeting.minutes_not_approved",
           "R-MTG-10", NULL);
    expect(act("meetings", m, "approve-minutes", "sec1", NULL), 403, NULL, "R-SEC-3", NULL);
    expect(act("meetings", m, "approve-minutes", "vmayor1", NULL), 404, NULL, NULL, NULL);
    expect(act("meetings", m, "approve-minutes", "zonghe_chief", NULL), 403, NULL, "R-MTG-10",
           NULL);
    ok(act("meetings", m, "approve-minutes", "mayor", NULL));
    ck_assert_int_eq(notes("sec1", "minutes_approved", "meeting", m), 1);
    r = act("meetings", m, "close", "sec1", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "closed");
    h_free(r);
    char *st = decision_state(d);
    ck_assert_str_eq(st, "published");
    free(st);
    /* A thematic meeting's decisions are not director's meeting decisions. */
    const char *p[] = {id_text(d)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.published_decisions WHERE id = $1",
                              1, p), 0);
    /* A director's meeting has no approval step. */
    long long topic;
    long long dm = started_meeting("general", false, &topic);
    expect(act("meetings", dm, "approve-minutes", "director", NULL), 422, NULL, "R-MTG-10", NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_decisions");
    TCase *tc = tcase_create("decisions");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_MTG_9_decision_needs_responsible_deadline_and_requirements);
    tcase_add_test(tc, test_R_MTG_5_personnel_matters_only_as_meeting_decisions);
    tcase_add_test(tc, test_R_MTG_7_published_decisions_immutable_changed_by_superseding);
    tcase_add_test(tc, test_R_MTG_8_confidential_only_for_participants_reads_audited);
    tcase_add_test(tc, test_R_MTG_9_progress_to_the_convener_and_supervision_report);
    tcase_add_test(tc, test_R_MTG_9_report_lights_alike_through_every_filter);
    tcase_add_test(tc, test_R_MTG_9_overdue_flagged_reminded_and_proposed_to_the_next_regular_meeting);
    tcase_add_test(tc, test_R_MTG_10_thematic_meeting_prepared_by_the_secretary_minutes_approved_by_the_leader);
    suite_add_tcase(s, tc);
    return h_run(s);
}
