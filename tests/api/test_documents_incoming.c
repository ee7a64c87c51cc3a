/* Incoming documents: registration on a processing card, proposal,
 * assignment, instructions, forwarding, completion, the 批复 and the
 * archive (R-DOC-7, R-DOC-8), deadlines, reminders and overdue flags
 * (R-DOC-9), and the card as the office prints it. */
#include "test_documents_fixtures.h"

static resp_t *post_incoming(const char *who, const char *source_kind, const char *kind,
                             const char *title, const char *extra)
{
    return h_post("/api/v1/incoming", h_token(who),
                  df("{\"source_kind\":\"%s\",\"source_org\":\"%s\",\"original_number\":\"吉市府发〔2026〕9号\","
                     "\"kind\":\"%s\",\"title\":\"%s\",\"received_at\":\"2026-03-02T09:30:00+08:00\","
                     "\"summary\":\"请按要求办理\"%s}",
                     source_kind, !strcmp(source_kind, "subordinate") ? "某某乡" : "市政府办公室",
                     kind, title, extra));
}

static long long new_incoming(const char *source_kind, const char *kind, const char *title,
                              const char *extra)
{
    resp_t *r = post_incoming("wenmi1", source_kind, kind, title, extra);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

static resp_t *in_act(long long id, const char *verb, const char *who, const char *body)
{
    return h_post(df("/api/v1/incoming/%lld/%s", id, verb), h_token(who), body);
}

static void in_step(long long id, const char *verb, const char *who, const char *body,
                    const char *state)
{
    resp_t *r = in_act(id, verb, who, body);
    ck_status(r, 200);
    ck_assert_msg(!strcmp(h_str(r, "state"), state), "%s: expected %s, got %s", verb, state,
                  h_str(r, "state"));
    h_free(r);
}

static long long in_notified(const char *who, const char *kind, long long id)
{
    const char *p[] = {df("%lld", h_user_id(who)), kind, df("%lld", id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = 'incoming' AND entity_id = $3",
                    3, p);
}

static long long dept_id(const char *name)
{
    const char *p[] = {name};
    return h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, p);
}

START_TEST(test_R_DOC_7_a_superior_document_is_registered_proposed_assigned_instructed_forwarded_and_done)
{
    const char *title = unique("关于做好防汛工作的通知");
    resp_t *r = post_incoming("zonghe1", "superior", "document", title, "");
    ck_assert(h_problem(r, 403, "incoming.secretariat_only", "R-DOC-7", NULL));
    h_free(r);
    r = post_incoming("wenmi1", "superior", "document", title, "");
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "registered");
    ck_assert(strncmp(h_str(r, "registry_number"), "收〔", strlen("收〔")) == 0);
    char number[64];
    snprintf(number, sizeof number, "%s", h_str(r, "registry_number"));
    h_free(r);

    /* Others do not see it; the director assigns only after the proposal. */
    r = h_get(df("/api/v1/incoming/%lld", id), h_token("zonghe1"));
    ck_status(r, 404);
    h_free(r);
    const char *assign = df("{\"leader_ids\":[%lld,%lld],\"opinion\":\"请刘、李阅示\"}",
                            h_user_id("deputy2"), h_user_id("vmayor1"));
    r = in_act(id, "assign", "director", assign);
    ck_assert(h_problem(r, 409, "incoming.not_proposed", "R-DOC-7", NULL));
    h_free(r);
    r = in_act(id, "propose", "wenmi1", "{}");
    ck_assert(h_problem(r, 400, NULL, NULL, "opinion"));
    h_free(r);
    in_step(id, "propose", "wenmi1", "{\"opinion\":\"拟请分管领导阅示\"}", "proposed");
    ck_assert_int_eq(in_notified("director", "incoming_to_assign", id), 1);

    /* Only the director assigns, never a secretary (R-SEC-3), and only to leaders. */
    r = in_act(id, "assign", "wenmi1", assign);
    ck_assert(h_problem(r, 403, "incoming.director_only", "R-DOC-7", NULL));
    h_free(r);
    r = in_act(id, "assign", "sec1", assign);
    ck_assert(h_problem(r, 403, NULL, "R-SEC-3", NULL));
    h_free(r);
    r = in_act(id, "assign", "director",
               df("{\"leader_ids\":[%lld],\"opinion\":\"请阅\"}", h_user_id("zonghe1")));
    ck_assert(h_problem(r, 400, NULL, NULL, "leader_ids"));
    h_free(r);
    in_step(id, "assign", "director", assign, "assigned");
    ck_assert_int_eq(in_notified("deputy2", "incoming_to_instruct", id), 1);
    ck_assert_int_eq(in_notified("vmayor1", "incoming_to_instruct", id), 1);

    /* Each assigned leader instructs, once. */
    r = in_act(id, "instruct", "deputy3", "{\"instruction\":\"同意\"}");
    ck_status(r, 404);
    h_free(r);
    r = in_act(id, "instruct", "director", "{\"instruction\":\"同意\"}");
    ck_assert(h_problem(r, 403, "incoming.not_assigned", "R-DOC-7", NULL));
    h_free(r);
    in_step(id, "instruct", "deputy2", "{\"instruction\":\"请综合科落实\"}", "assigned");
    r = in_act(id, "instruct", "deputy2", "{\"instruction\":\"再批\"}");
    ck_assert(h_problem(r, 409, "incoming.already_instructed", NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/incoming?assigned_to_me=true&limit=200", h_token("vmayor1"));
    ck_status(r, 200);
    h_free(r);
    ck_assert(h_lists("/api/v1/incoming?assigned_to_me=true&limit=200", h_token("vmayor1"), id));
    in_step(id, "instruct", "vmayor1", "{\"instruction\":\"同意，抓紧办理\"}", "instructed");
    ck_assert_int_eq(in_notified("wenmi1", "incoming_instructed", id), 1);

    /* Forwarded to the handling department, which reports it done. */
    r = in_act(id, "complete", "zonghe1", "{\"result\":\"已办\"}");
    ck_status(r, 404);
    h_free(r);
    in_step(id, "forward", "wenmi1", df("{\"department_ids\":[%lld]}", dept_id("综合科")),
            "forwarded");
    ck_assert_int_eq(in_notified("zonghe_chief", "incoming_to_handle", id), 1);
    r = in_act(id, "complete", "xinxi1", "{\"result\":\"已办\"}");
    ck_status(r, 404);
    h_free(r);
    in_step(id, "complete", "zonghe1", "{\"result\":\"已按要求落实完毕\"}", "completed");
    in_step(id, "archive", "wenmi1", NULL, "archived");

    /* The card: every step in order. */
    r = h_get(df("/api/v1/incoming/%lld", id), h_token("wenmi1"));
    ck_status(r, 200);
    json_t *entries = json_object_get(r->json, "entries");
    static const char *const steps[] = {"register", "propose", "assign",   "instruct",
                                        "instruct", "forward", "complete", "archive"};
    ck_assert_int_eq(json_array_size(entries), 8);
    for (int i = 0; i < 8; i++)
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, i), "step")),
                         steps[i]);
    h_free(r);

    char dir[] = "/tmp/oa-card-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "curl -s -o '%s/card.pdf' -w '%%{http_code}' -H 'Authorization: Bearer %s' "
             "'%s/api/v1/incoming/%lld/card.pdf' && pdftotext '%s/card.pdf' -",
             dir, h_token("wenmi1"), getenv("GATEWAY_URL"), id, dir);
    FILE *f = popen(cmd, "r");
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    pclose(f);
    ck_assert_msg(strncmp(text, "200", 3) == 0, "%s", text);
    /* The same through the harness (for the contract check), and no card
     * for someone who may not read the item. */
    r = h_get(df("/api/v1/incoming/%lld/card.pdf", id), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_header(r, "Content-Type"), "application/pdf");
    ck_assert(!strncmp(r->body, "%PDF-", 5));
    h_free(r);
    r = h_get(df("/api/v1/incoming/%lld/card.pdf", id), h_token("edu_clerk"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    const char *a = strstr(text, "拟请分管领导阅示"), *b = strstr(text, "请刘、李阅示"),
               *c = strstr(text, "同意，抓紧办理"), *d = strstr(text, "已按要求落实完毕");
    ck_assert_msg(strstr(text, number) && a && b && c && d && a < b && b < c && c < d,
                  "card text: %s", text);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_R_DOC_8_a_subordinate_request_is_assigned_instructed_and_answered_by_a_reply_draft)
{
    long long id = new_incoming("subordinate", "request", "关于修建村道资金的请示", "");
    /* Numbered, registered and straight to the director. */
    ck_assert_int_eq(in_notified("director", "incoming_to_assign", id), 1);
    in_step(id, "assign", "director",
            df("{\"leader_ids\":[%lld],\"opinion\":\"请赵副区长阅示\"}", h_user_id("vmayor2")),
            "assigned");
    resp_t *r = in_act(id, "reply", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, "incoming.wrong_state", NULL, NULL));
    h_free(r);
    in_step(id, "instruct", "vmayor2", "{\"instruction\":\"同意修建，资金由乡里自筹解决\"}",
            "instructed");
    r = in_act(id, "reply", "zonghe1", NULL);
    ck_status(r, 404);
    h_free(r);
    r = in_act(id, "reply", "wenmi1", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "replied");
    long long doc = h_int(r, "reply_document_id");
    h_free(r);
    ck_assert_int_gt(doc, 0);
    r = h_get(df("/api/v1/documents/%lld", doc), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "doc_type"), "reply");
    ck_assert_str_eq(h_str(r, "state"), "draft");
    ck_assert_str_eq(h_str(r, "title"), "关于修建村道资金的批复");
    ck_assert_str_eq(h_str(r, "main_recipients"), "某某乡");
    ck_assert_int_eq(h_int(r, "reply_to_incoming_id"), id);
    ck_assert(strstr(h_str(r, "body"), "同意修建，资金由乡里自筹解决") != NULL);
    h_free(r);
    /* The instructing leader sees the reply drafted from the instruction. */
    r = h_get(df("/api/v1/documents/%lld", doc), h_token("vmayor2"));
    ck_status(r, 200);
    h_free(r);
    in_step(id, "archive", "wenmi1", NULL, "archived");

    /* A report needs no 批复: it is forwarded or archived instead. */
    long long rep = new_incoming("subordinate", "report", "关于上半年工作情况的报告", "");
    in_step(rep, "assign", "director",
            df("{\"leader_ids\":[%lld],\"opinion\":\"阅\"}", h_user_id("deputy2")), "assigned");
    in_step(rep, "instruct", "deputy2", "{\"instruction\":\"已阅\"}", "instructed");
    r = in_act(rep, "reply", "wenmi1", NULL);
    ck_assert(h_problem(r, 422, "incoming.no_reply", "R-DOC-8", NULL));
    h_free(r);
    in_step(rep, "archive", "wenmi1", "{\"comment\":\"复印存档\"}", "archived");
    /* A superior's document is never answered with a 批复 either. */
    long long sup = new_incoming("superior", "request", "关于征求意见的函", "");
    r = in_act(sup, "reply", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

/* Waits up to `seconds` for sql ($1 = id) to answer non-zero. */
static bool eventually(const char *sql, long long id, int seconds)
{
    const char *p[] = {df("%lld", id)};
    for (int i = 0; i < seconds * 4; i++) {
        if (h_sql_ll(sql, 1, p))
            return true;
        usleep(250000);
    }
    return false;
}

START_TEST(test_R_DOC_9_reminders_before_the_deadline_and_overdue_flags_after)
{
    long long soon = new_incoming("superior", "document", unique("关于报送材料的通知"),
                                  ",\"deadline\":null");
    const char *p[] = {df("%lld", soon)};
    h_sql_ll("UPDATE documents.incoming SET deadline = current_date + 1 WHERE id = $1"
             " RETURNING id",
             1, p);
    long long late = new_incoming("superior", "document", unique("关于限期整改的通知"), "");
    const char *q[] = {df("%lld", late)};
    h_sql_ll("UPDATE documents.incoming SET deadline = current_date - 1 WHERE id = $1"
             " RETURNING id",
             1, q);
    long long none = new_incoming("superior", "document", unique("关于印发材料的通知"), "");

    ck_assert(eventually("SELECT count(*) FROM documents.incoming WHERE id = $1"
                         " AND reminded_at IS NOT NULL",
                         soon, 20));
    ck_assert_int_eq(in_notified("wenmi1", "incoming_reminder", soon), 1);
    ck_assert(eventually("SELECT count(*) FROM documents.incoming WHERE id = $1 AND overdue",
                         late, 20));
    ck_assert_int_eq(in_notified("director", "incoming_overdue", late), 1);
    ck_assert(h_lists("/api/v1/incoming?overdue=true&limit=200", h_token("wenmi1"), late));
    ck_assert(!h_lists("/api/v1/incoming?overdue=true&limit=200", h_token("wenmi1"), soon));
    ck_assert(!h_lists("/api/v1/incoming?overdue=true&limit=200", h_token("wenmi1"), none));
    resp_t *r = h_get(df("/api/v1/incoming/%lld", late), h_token("wenmi1"));
    ck_assert(json_is_true(json_object_get(r->json, "overdue")));
    h_free(r);
    /* Once, however many sweeps pass. */
    sleep(6);
    ck_assert_int_eq(in_notified("director", "incoming_overdue", late), 1);
    ck_assert_int_eq(in_notified("wenmi1", "incoming_reminder", soon), 1);
    const char *qq[] = {df("%lld", late)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM documents.incoming_entries"
                              " WHERE incoming_id = $1 AND step = 'overdue'",
                              1, qq),
                     1);
    r = h_get("/api/v1/incoming?overdue=maybe", h_token("wenmi1"));
    ck_assert(h_problem(r, 400, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(incoming_refuses_bad_input)
{
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"source_kind\":\"friend\",\"source_org\":\"x\",\"kind\":\"document\",\"title\":\"t\","
         "\"received_at\":\"2026-03-02T09:30:00+08:00\"}",
         "source_kind"},
        {"{\"source_kind\":\"peer\",\"source_org\":\"\",\"kind\":\"document\",\"title\":\"t\","
         "\"received_at\":\"2026-03-02T09:30:00+08:00\"}",
         "source_org"},
        {"{\"source_kind\":\"peer\",\"source_org\":\"x\",\"kind\":\"memo\",\"title\":\"t\","
         "\"received_at\":\"2026-03-02T09:30:00+08:00\"}",
         "kind"},
        {"{\"source_kind\":\"peer\",\"source_org\":\"x\",\"kind\":\"document\",\"title\":\"t\","
         "\"received_at\":\"yesterday\"}",
         "received_at"},
        {"{\"source_kind\":\"peer\",\"source_org\":\"x\",\"kind\":\"document\",\"title\":\"t\","
         "\"received_at\":\"2026-03-02T09:30:00+08:00\",\"deadline\":\"2026-02-30\"}",
         "deadline"},
    };
    long long before = h_sql_ll("SELECT count(*) FROM documents.incoming", 0, NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = h_post("/api/v1/incoming", h_token("wenmi1"), bad[i].body);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, bad[i].field), "%s: %s", bad[i].field,
                      r->body);
        h_free(r);
    }
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM documents.incoming", 0, NULL), before);
    resp_t *r = h_get("/api/v1/incoming/999999999", h_token("wenmi1"));
    ck_status(r, 404);
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_incoming");
    TCase *tc = tcase_create("incoming");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(
        tc,
        test_R_DOC_7_a_superior_document_is_registered_proposed_assigned_instructed_forwarded_and_done);
    tcase_add_test(tc,
                   test_R_DOC_8_a_subordinate_request_is_assigned_instructed_and_answered_by_a_reply_draft);
    tcase_add_test(tc, test_R_DOC_9_reminders_before_the_deadline_and_overdue_flags_after);
    tcase_add_test(tc, incoming_refuses_bad_input);
    suite_add_tcase(s, tc);
    return h_run(s);
}
