/* Tasks leaders assign directly: reported to the assignee's superior
 * (R-ORG-5), a secretary's routine ones to the deputy in charge of
 * government affairs (R-SEC-1), deadline conflicts resolved after the
 * leaders agree (R-SEC-2), and a secretary decides nothing (R-SEC-3). */
#include "test_meetings_fixtures.h"

static resp_t *post_task(const char *who, const char *assignee, bool routine, int days)
{
    return post_as(who, "/api/v1/tasks",
                   h_fmt("{\"assignee_id\":%lld,\"title\":\"%s\",\"details\":\"细节\","
                         "\"deadline\":\"%s\",\"routine\":%s}",
                         uid(assignee), unique("交办"), in_days(days), routine ? "true" : "false"));
}

static long long new_task(const char *who, const char *assignee, bool routine)
{
    resp_t *r = post_task(who, assignee, routine, 7);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

START_TEST(test_R_ORG_5_district_leader_task_reported_to_superior_and_outcome_afterwards)
{
    resp_t *r = post_task("vmayor1", "zonghe1", false, 7);
    ck_status(r, 201);
    long long t = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "reported_to_id"), uid("zonghe_chief"));
    ck_assert_str_eq(h_str(r, "state"), "open");
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "task_assigned", "task", t), 1);
    ck_assert_int_eq(notes("zonghe_chief", "task_reported", "task", t), 1);
    ck_assert_int_eq(audits("task", t, "create"), 1);
    /* The superior sees it; others do not. */
    r = h_get(h_fmt("/api/v1/tasks/%lld", t), h_token("zonghe_chief"));
    ck_status(r, 200);
    h_free(r);
    expect(h_get(h_fmt("/api/v1/tasks/%lld", t), h_token("zonghe2")), 404, NULL, NULL, NULL);
    /* Listed for who gave it, holds it and was told of it, not for others. */
    ck_assert(h_lists("/api/v1/tasks?limit=200", h_token("zonghe1"), t));
    ck_assert(h_lists("/api/v1/tasks?mine=true&state=open&limit=200", h_token("zonghe1"), t));
    ck_assert(h_lists("/api/v1/tasks?assigned_by_me=true&limit=200", h_token("vmayor1"), t));
    ck_assert(h_lists("/api/v1/tasks?limit=200", h_token("zonghe_chief"), t));
    ck_assert(!h_lists("/api/v1/tasks?limit=200", h_token("zonghe2"), t));
    ck_assert(!h_lists("/api/v1/tasks?state=completed&limit=200", h_token("zonghe1"), t));
    expect(h_get("/api/v1/tasks?state=nonsense", h_token("zonghe1")), 400, NULL, NULL, "state");
    expect(act("tasks", t, "complete", "zonghe2", "{\"outcome\":\"x\"}"), 404, NULL, NULL, NULL);
    expect(act("tasks", t, "complete", "zonghe_chief", "{\"outcome\":\"x\"}"), 403, NULL, NULL,
           NULL);
    ok(act("tasks", t, "progress", "zonghe1", "{\"note\":\"进行中\"}"));
    ck_assert_int_eq(notes("vmayor1", "task_progress", "task", t), 1);
    r = act("tasks", t, "complete", "zonghe1", "{\"outcome\":\"已办结\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    h_free(r);
    ck_assert_int_eq(notes("vmayor1", "task_completed", "task", t), 1);
    ck_assert_int_eq(notes("zonghe_chief", "task_completed", "task", t), 1);
    /* An office leader's task inside the office is the ordinary chain. */
    r = post_task("deputy2", "zonghe1", true, 3);
    ck_status(r, 201);
    ck_assert(json_is_null(json_object_get(r->json, "reported_to_id")));
    h_free(r);
}
END_TEST

START_TEST(task_create_refuses_bad_input)
{
    long long z = uid("zonghe1");
    struct {
        const char *body, *field;
    } cases[] = {
        {"{}", "assignee_id"},
        {sf("{\"assignee_id\":%lld,\"details\":\"d\",\"deadline\":\"%s\",\"routine\":true}", z,
            in_days(3)), "title"},
        {sf("{\"assignee_id\":%lld,\"title\":\"t\",\"details\":\"d\",\"routine\":true}", z),
         "deadline"},
        {sf("{\"assignee_id\":%lld,\"title\":\"t\",\"details\":\"d\",\"deadline\":\"%s\"}", z,
            in_days(3)), "routine"},
        {sf("{\"assignee_id\":%lld,\"title\":\"t\",\"details\":\"d\",\"deadline\":\"%s\","
            "\"routine\":true}", z, in_days(-1)), "deadline"},
        {sf("{\"assignee_id\":%lld,\"title\":\"t\",\"details\":\"d\",\"deadline\":\"%s\","
            "\"routine\":true}", uid("town1_clerk"), in_days(3)), "assignee_id"},
        {sf("{\"assignee_id\":%lld,\"title\":\"t\",\"details\":\"d\",\"deadline\":\"%s\","
            "\"routine\":true}", uid("mayor"), in_days(3)), "assignee_id"},
        {sf("{\"assignee_id\":%lld,\"title\":\"t\",\"details\":\"d\",\"deadline\":\"%s\","
            "\"routine\":\"yes\"}", z, in_days(3)), "routine"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = post_as("mayor", "/api/v1/tasks", cases[i].body);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, cases[i].field), "case %zu (%s): %s", i,
                      cases[i].field, r->body);
        h_free(r);
    }
    /* Not a leader. */
    expect(post_task("zonghe_chief", "zonghe1", true, 3), 403, NULL, "R-SEC-1", NULL);
}
END_TEST

START_TEST(test_R_SEC_1_secretarys_routine_task_reported_to_the_gov_affairs_deputy)
{
    resp_t *r = post_task("mayor", "sec1", true, 5);
    ck_status(r, 201);
    long long t = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "reported_to_id"), uid("deputy_gov"));
    h_free(r);
    ck_assert_int_eq(notes("deputy_gov", "task_reported", "task", t), 1);
    /* Non-routine: stays between the leader and the secretary. */
    r = post_task("mayor", "sec1", false, 5);
    ck_status(r, 201);
    long long nr = h_int(r, "id");
    ck_assert(json_is_null(json_object_get(r->json, "reported_to_id")));
    h_free(r);
    ck_assert_int_eq(notes("deputy_gov", "task_reported", "task", nr), 0);
    expect(h_get(h_fmt("/api/v1/tasks/%lld", nr), h_token("zonghe_chief")), 404, NULL, NULL,
           NULL);
    /* The deputy escalates a routine task to the director when needed. */
    expect(act("tasks", t, "escalate", "deputy2", NULL), 404, NULL, NULL, NULL);
    expect(act("tasks", t, "escalate", "director", NULL), 403, NULL, "R-SEC-2", NULL);
    expect(act("tasks", nr, "escalate", "deputy_gov", NULL), 422, NULL, "R-SEC-1", NULL);
    ok(act("tasks", t, "escalate", "deputy_gov", "{\"comment\":\"请主任掌握\"}"));
    ck_assert_int_eq(notes("director", "task_escalated", "task", t), 1);
    ok(act("tasks", t, "complete", "sec1", "{\"outcome\":\"办结\"}"));
    ck_assert_int_eq(notes("deputy_gov", "task_completed", "task", t), 1);
}
END_TEST

START_TEST(test_R_SEC_2_conflict_flagged_leaders_consulted_then_rescheduled_or_reassigned)
{
    long long a = new_task("mayor", "sec1", true);
    long long b = new_task("director", "sec1", true);
    expect(act("tasks", a, "flag-conflict", "sec1", h_fmt("{\"other_task_id\":%lld}", b)), 400,
           NULL, NULL, "note");
    expect(act("tasks", a, "flag-conflict", "sec1",
               h_fmt("{\"other_task_id\":%lld,\"note\":\"n\"}", a)), 400, NULL, NULL,
           "other_task_id");
    long long foreign = new_task("mayor", "zonghe1", true);
    expect(act("tasks", a, "flag-conflict", "sec1",
               h_fmt("{\"other_task_id\":%lld,\"note\":\"n\"}", foreign)), 400, NULL, NULL,
           "other_task_id");
    resp_t *r = act("tasks", a, "flag-conflict", "sec1",
                    h_fmt("{\"other_task_id\":%lld,\"note\":\"两项同日截止\"}", b));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "conflict");
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "consult_ids")), 2);
    h_free(r);
    ck_assert_int_eq(notes("deputy_gov", "task_conflict", "task", a), 1);
    ck_assert_int_eq(notes("mayor", "task_conflict_consult", "task", a), 1);
    ck_assert_int_eq(notes("director", "task_conflict_consult", "task", a), 1);
    /* Not before every leader concerned agreed. */
    expect(act("tasks", a, "reschedule", "deputy_gov", h_fmt("{\"deadline\":\"%s\"}", in_days(9))),
           422, "task.leaders_not_consulted", "R-SEC-2", NULL);
    expect(act("tasks", a, "consult", "zonghe_chief", NULL), 404, NULL, NULL, NULL);
    expect(act("tasks", a, "consult", "vmayor1", NULL), 404, NULL, NULL, NULL);
    ok(act("tasks", a, "consult", "mayor", "{\"comment\":\"同意顺延\"}"));
    expect(act("tasks", a, "reschedule", "deputy_gov", h_fmt("{\"deadline\":\"%s\"}", in_days(9))),
           422, "task.leaders_not_consulted", "R-SEC-2", NULL);
    ok(act("tasks", b, "consult", "director", NULL));
    /* Only the deputy in charge of government affairs rearranges. */
    expect(act("tasks", a, "reschedule", "deputy2", h_fmt("{\"deadline\":\"%s\"}", in_days(9))),
           404, NULL, NULL, NULL);
    expect(act("tasks", a, "reschedule", "director", h_fmt("{\"deadline\":\"%s\"}", in_days(9))),
           403, NULL, "R-SEC-2", NULL);
    expect(act("tasks", a, "reschedule", "deputy_gov", "{\"deadline\":\"2020-01-01\"}"), 400,
           NULL, NULL, "deadline");
    r = act("tasks", a, "reschedule", "deputy_gov", h_fmt("{\"deadline\":\"%s\"}", in_days(9)));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "open");
    ck_assert_str_eq(h_str(r, "deadline"), in_days(9));
    h_free(r);
    const char *p[] = {id_text(b)};
    char *st = h_sql_str("SELECT state FROM meetings.tasks WHERE id = $1", 1, p);
    ck_assert_str_eq(st, "open");
    free(st);
    ck_assert_int_eq(notes("sec1", "task_rescheduled", "task", a), 1);

    /* Reassigning, the same way. */
    long long c = new_task("mayor", "sec1", true);
    long long d = new_task("mayor", "sec1", false);
    ok(act("tasks", c, "flag-conflict", "sec1",
           h_fmt("{\"other_task_id\":%lld,\"note\":\"冲突\"}", d)));
    ok(act("tasks", c, "consult", "mayor", NULL));
    expect(act("tasks", c, "reassign", "deputy_gov",
               h_fmt("{\"assignee_id\":%lld}", uid("town1_clerk"))), 400, NULL, NULL,
           "assignee_id");
    r = act("tasks", c, "reassign", "deputy_gov", h_fmt("{\"assignee_id\":%lld}", uid("sec2")));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "assignee_id"), uid("sec2"));
    h_free(r);
    ck_assert_int_eq(notes("sec2", "task_assigned", "task", c), 1);
}
END_TEST

START_TEST(test_R_SEC_3_a_secretary_assigns_approves_and_decides_nothing_in_meetings)
{
    expect(post_task("sec1", "zonghe1", true, 3), 403, "secretary.cannot_decide", "R-SEC-3", NULL);
    long long m = new_meeting();
    resp_t *r = post_topic("wenmi1", m, "综合科", "zonghe_chief", "general", false);
    long long t = h_int(r, "id");
    h_free(r);
    expect(act("topics", t, "approve", "sec1", NULL), 403, NULL, "R-SEC-3", NULL);
    expect(act("topics", t, "reject", "sec2", NULL), 403, NULL, "R-SEC-3", NULL);
    r = post_as("deputy3", h_fmt("/api/v1/meetings/%lld/absence-requests", m),
                "{\"reason\":\"r\"}");
    long long a = h_int(r, "id");
    h_free(r);
    expect(act("meeting-absence-requests", a, "approve", "sec1", NULL), 403, NULL, "R-SEC-3",
           NULL);
    expect(act("meeting-absence-requests", a, "reject", "sec1", NULL), 403, NULL, "R-SEC-3",
           NULL);
    long long x = new_task("mayor", "sec1", true);
    expect(act("tasks", x, "reschedule", "sec1", h_fmt("{\"deadline\":\"%s\"}", in_days(9))), 403,
           NULL, "R-SEC-3", NULL);
    expect(act("tasks", x, "reassign", "sec2", h_fmt("{\"assignee_id\":%lld}", uid("zonghe1"))),
           403, NULL, "R-SEC-3", NULL);
    r = post_meeting("sec1", "thematic", "[]", NULL);
    long long th = h_int(r, "id");
    h_free(r);
    expect(act("meetings", th, "approve-minutes", "sec1", NULL), 403, NULL, "R-SEC-3", NULL);
    /* Nothing changed. */
    const char *p[] = {id_text(t)};
    char *st = h_sql_str("SELECT state FROM meetings.topics WHERE id = $1", 1, p);
    ck_assert_str_eq(st, "proposed");
    free(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_tasks");
    TCase *tc = tcase_create("tasks");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_ORG_5_district_leader_task_reported_to_superior_and_outcome_afterwards);
    tcase_add_test(tc, task_create_refuses_bad_input);
    tcase_add_test(tc, test_R_SEC_1_secretarys_routine_task_reported_to_the_gov_affairs_deputy);
    tcase_add_test(tc, test_R_SEC_2_conflict_flagged_leaders_consulted_then_rescheduled_or_reassigned);
    tcase_add_test(tc, test_R_SEC_3_a_secretary_assigns_approves_and_decides_nothing_in_meetings);
    suite_add_tcase(s, tc);
    return h_run(s);
}
