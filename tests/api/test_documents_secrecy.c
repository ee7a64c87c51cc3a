/* Secret and confidential documents and incoming items: seen only by the
 * people on their path (the secretariat once submitted, every reviewing
 * and signing leader) and every read of one audited, in a list or a search
 * as much as alone (DESIGN section 6 and issue "Visibility"; R-DOC-7 for
 * incoming items). Each list read is marked with a request id of its own,
 * and its events are read back through the audit endpoint. */
#include <curl/curl.h>

#include "test_documents_fixtures.h"

/* s escaped for a query string, in df's pool. */
static const char *esc(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    const char *out = df("%s", e);
    curl_free(e);
    return out;
}

/* GET path as who, marked with a fresh request id (*mark, as the audit
 * trail keeps it in client_request_id). */
static resp_t *marked_get(const char *path, const char *who, const char **mark)
{
    *mark = unique("read");
    const char *hdr[] = {df("X-Request-Id: %s", *mark), NULL};
    return h_req("GET", path, h_token(who), NULL, hdr);
}

/* Events the request marked `mark` wrote, of any entity. */
static long long events_of(const char *mark)
{
    const char *p[] = {mark};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE client_request_id = $1", 1, p);
}

/* Events on entity_type/id that the request marked `mark` wrote (a list
 * may show others' secret documents to the same reader). */
static long long events_on(const char *mark, const char *entity_type, long long id)
{
    const char *p[] = {mark, entity_type, df("%lld", id)};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE client_request_id = $1"
                    " AND entity_type = $2 AND entity_id = $3",
                    3, p);
}

/* A draft of 综合科 by zonghe1 titled title, of the given secrecy. */
static long long titled_draft(const char *title, const char *secrecy)
{
    resp_t *r = h_post("/api/v1/documents", h_token("zonghe1"),
                       df("{\"issuer\":\"government_office\",\"doc_type\":\"notice\","
                          "\"title\":\"%s\",\"body\":\"各科室：\\n现将有关事项通知如下。\","
                          "\"main_recipients\":\"各科室\",\"print_count\":2,\"secrecy\":\"%s\"}",
                          title, secrecy));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* GET path as who: whether id is listed, and the events the read wrote
 * (*events). */
static bool listed(const char *path, const char *who, long long id, long long *events,
                   const char **mark)
{
    resp_t *r = marked_get(path, who, mark);
    ck_assert_msg(r->status == 200, "GET %s as %s: %ld", path, who, r->status);
    bool found = h_page_has(r, id);
    h_free(r);
    *events = events_of(*mark);
    return found;
}

START_TEST(secret_documents_listed_or_found_are_audited_and_shown_to_their_path_only)
{
    const char *topic = unique("保密事项");
    const char *title = df("关于%s的通知", topic);
    long long secret = titled_draft(title, "secret");
    const char *open_title = df("关于%s公开部分的通知", topic);
    long long open = titled_draft(open_title, "none");
    const char *search = df("/api/v1/documents?q=%s&limit=50", esc(topic));
    const char *mark;
    long long events;

    /* Off the path: a colleague of the drafting section and the
     * secretariat before submission see neither it nor a trace of it. */
    const char *off[] = {"zonghe2", "wenmi1", "deputy3"};
    for (int i = 0; i < 3; i++) {
        ck_assert(!listed("/api/v1/documents?limit=200", off[i], secret, &events, &mark));
        ck_assert_int_eq(events_on(mark, "document", secret), 0);
        ck_assert(!listed(search, off[i], secret, &events, &mark));
        ck_assert_int_eq(events, 0);
    }
    ck_assert(listed(search, "zonghe2", open, &events, &mark));
    ck_assert_int_eq(events, 0);

    /* Its drafter: the list, and the search, each write one read of it. */
    ck_assert(listed("/api/v1/documents?limit=200", "zonghe1", secret, &events, &mark));
    ck_assert_int_ge(events, 1);
    ck_assert_int_eq(h_audit_count("documents", "document", secret, "read_list", "zonghe1", mark), 1);
    ck_assert(listed(search, "zonghe1", secret, &events, &mark));
    ck_assert_int_eq(events, 1);
    ck_assert_int_eq(h_audit_count("documents", "document", secret, "read_list", "zonghe1", mark), 1);
    ck_assert_int_eq(h_audit_count("documents", "document", open, "read_list", "zonghe1", mark), 0);
    /* A list of ordinary documents only writes nothing. */
    ck_assert(listed(df("/api/v1/documents?q=%s&limit=50", esc(open_title)), "zonghe1", open,
                     &events, &mark));
    ck_assert_int_eq(events, 0);

    /* Submitted and forwarded: the secretariat and the signer are on its
     * path now, a leader off it still sees nothing. */
    doc_step(secret, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(secret, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("deputy2")),
             "awaiting_signoff");
    const char *on[] = {"wenmi1", "deputy2"};
    for (int i = 0; i < 2; i++) {
        ck_assert(listed(search, on[i], secret, &events, &mark));
        ck_assert_int_eq(h_audit_count("documents", "document", secret, "read_list", on[i], mark), 1);
        ck_assert(listed("/api/v1/documents?state=awaiting_signoff&limit=200", on[i], secret,
                         &events, &mark));
        ck_assert_int_eq(h_audit_count("documents", "document", secret, "read_list", on[i], mark), 1);
    }
    ck_assert(!listed(search, "deputy3", secret, &events, &mark));
    ck_assert_int_eq(events, 0);
    ck_assert(!listed(search, "zonghe2", secret, &events, &mark));
    ck_assert_int_eq(events, 0);
}
END_TEST

START_TEST(secret_documents_audited_are_the_ones_a_page_shows)
{
    /* Two secret documents found by one text, a page of one: the one shown
     * is read, the one held back for the next page is not. */
    const char *topic = unique("分页保密");
    long long older = titled_draft(df("关于%s甲的通知", topic), "confidential");
    long long newer = titled_draft(df("关于%s乙的通知", topic), "secret");
    const char *mark;
    resp_t *r = marked_get(df("/api/v1/documents?q=%s&limit=1", esc(topic)), "zonghe1", &mark);
    ck_status(r, 200);
    ck_assert(h_page_has(r, newer));
    ck_assert(!h_page_has(r, older));
    char *next = strdup(h_str(r, "next_cursor"));
    h_free(r);
    ck_assert_int_eq(events_of(mark), 1);
    ck_assert_int_eq(h_audit_count("documents", "document", newer, "read_list", "zonghe1", mark), 1);
    r = marked_get(df("/api/v1/documents?q=%s&limit=1&cursor=%s", esc(topic), next), "zonghe1", &mark);
    free(next);
    ck_status(r, 200);
    ck_assert(h_page_has(r, older));
    h_free(r);
    ck_assert_int_eq(events_of(mark), 1);
    ck_assert_int_eq(h_audit_count("documents", "document", older, "read_list", "zonghe1", mark), 1);

    /* Its versions are its bodies: read once per page, by its path only. */
    r = marked_get(df("/api/v1/documents/%lld/versions", newer), "zonghe1", &mark);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(events_of(mark), 1);
    ck_assert_int_eq(h_audit_count("documents", "document", newer, "read_versions", "zonghe1", mark), 1);
    r = marked_get(df("/api/v1/documents/%lld/versions", newer), "zonghe2", &mark);
    ck_status(r, 404);
    h_free(r);
    ck_assert_int_eq(events_of(mark), 0);
    /* No attachment listed, nothing read. */
    r = marked_get(df("/api/v1/documents/%lld/attachments", newer), "zonghe1", &mark);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(events_of(mark), 0);
}
END_TEST

static long long secret_incoming(const char *title)
{
    resp_t *r = h_post("/api/v1/incoming", h_token("wenmi1"),
                       df("{\"source_kind\":\"superior\",\"source_org\":\"市政府办公室\","
                          "\"original_number\":\"吉市府发〔2026〕9号\",\"kind\":\"document\","
                          "\"title\":\"%s\",\"received_at\":\"2026-03-02T09:30:00+08:00\","
                          "\"secrecy\":\"confidential\",\"summary\":\"请按要求办理\"}",
                          title));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

START_TEST(test_R_DOC_7_a_secret_incoming_item_is_read_by_the_secretariat_and_its_path_audited)
{
    long long id = secret_incoming(unique("关于机密事项的通知"));
    const char *p[] = {df("%lld", id)};
    h_sql_ll("UPDATE documents.incoming SET deadline = current_date - 1, overdue = true,"
             " overdue_at = now() WHERE id = $1 RETURNING id",
             1, p);
    const char *mark;
    long long events;
    /* The secretariat registered it and the director assigns it: both read
     * it, in every list, and each read is audited. */
    const char *on[] = {"wenmi1", "director"};
    for (int i = 0; i < 2; i++) {
        ck_assert(listed("/api/v1/incoming?limit=200", on[i], id, &events, &mark));
        ck_assert_int_eq(h_audit_count("documents", "incoming", id, "read_list", on[i], mark), 1);
        ck_assert(listed("/api/v1/incoming?overdue=true&limit=200", on[i], id, &events, &mark));
        ck_assert_int_eq(h_audit_count("documents", "incoming", id, "read_list", on[i], mark), 1);
        resp_t *r = marked_get(df("/api/v1/incoming/%lld", id), on[i], &mark);
        ck_status(r, 200);
        h_free(r);
        ck_assert_int_eq(events_of(mark), 1);
        ck_assert_int_eq(h_audit_count("documents", "incoming", id, "read", on[i], mark), 1);
    }
    /* Off its path: nothing seen, nothing written. */
    const char *off[] = {"zonghe1", "deputy2"};
    for (int i = 0; i < 2; i++) {
        ck_assert(!listed("/api/v1/incoming?limit=200", off[i], id, &events, &mark));
        ck_assert_int_eq(events_on(mark, "incoming", id), 0);
        ck_assert(!listed("/api/v1/incoming?overdue=true&limit=200", off[i], id, &events, &mark));
        ck_assert_int_eq(events_on(mark, "incoming", id), 0);
        resp_t *r = marked_get(df("/api/v1/incoming/%lld", id), off[i], &mark);
        ck_status(r, 404);
        h_free(r);
        ck_assert_int_eq(events_of(mark), 0);
    }
    /* An ordinary item's read writes nothing. */
    resp_t *r = h_post("/api/v1/incoming", h_token("wenmi1"),
                       df("{\"source_kind\":\"peer\",\"source_org\":\"区财政局\","
                          "\"original_number\":\"船财发〔2026〕3号\",\"kind\":\"document\","
                          "\"title\":\"%s\",\"received_at\":\"2026-03-02T09:30:00+08:00\","
                          "\"summary\":\"请阅\"}",
                          unique("关于公开事项的函")));
    ck_status(r, 201);
    long long open = h_int(r, "id");
    h_free(r);
    r = marked_get(df("/api/v1/incoming/%lld", open), "wenmi1", &mark);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(events_of(mark), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_secrecy");
    TCase *tc = tcase_create("secrecy");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, secret_documents_listed_or_found_are_audited_and_shown_to_their_path_only);
    tcase_add_test(tc, secret_documents_audited_are_the_ones_a_page_shows);
    tcase_add_test(tc,
                   test_R_DOC_7_a_secret_incoming_item_is_read_by_the_secretariat_and_its_path_audited);
    suite_add_tcase(s, tc);
    return h_run(s);
}
