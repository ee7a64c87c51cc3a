/* Attachments of outgoing documents: the file's bytes in its own content
 * type, checked against its first bytes, up to 20 MiB (the gateway lets
 * that size through on this route only), stored with their SHA-256 and
 * downloaded with the Chinese file name in Content-Disposition (RFC 6266);
 * and the search of titles and numbers by substring. */
#include <curl/curl.h>
#include <sodium.h>

#include "test_documents_fixtures.h"

/* s percent-encoded for a query string, malloc'd ("" for NULL). */
static char *curl_escape_name(const char *s)
{
    if (!s)
        return strdup("");
    char *e = curl_easy_escape(NULL, s, 0);
    char *out = strdup(e);
    curl_free(e);
    return out;
}

static resp_t *upload(long long id, const char *who, const char *type, const char *name,
                      const char *body)
{
    char ct[200];
    snprintf(ct, sizeof ct, "Content-Type: %s", type);
    const char *extra[] = {ct, NULL};
    char *enc = curl_escape_name(name);
    resp_t *r = h_req("POST", df("/api/v1/documents/%lld/attachments%s%s", id,
                                 name ? "?filename=" : "", name ? enc : ""),
                      h_token(who), body, extra);
    free(enc);
    return r;
}

START_TEST(attachments_are_stored_with_their_sha256_and_downloaded_with_their_chinese_name)
{
    long long id = new_draft("zonghe1", "government_office", "");
    const char *name = "关于印发实施方案的通知（附件1）.pdf";
    /* 1.5 MiB: over the JSON limit of the gateway, within the attachments'. */
    size_t len = 1536 * 1024;
    char *pdf = malloc(len + 1);
    memcpy(pdf, "%PDF-1.4\n", 9);
    memset(pdf + 9, 'A', len - 9);
    pdf[len] = '\0';
    resp_t *r = upload(id, "zonghe1", "application/pdf", name, pdf);
    ck_status(r, 201);
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)pdf, len);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    ck_assert_str_eq(h_str(r, "sha256"), hex);
    ck_assert_int_eq(h_int(r, "size"), (long long)len);
    ck_assert_str_eq(h_str(r, "filename"), name);
    long long aid = h_int(r, "id");
    h_free(r);

    r = h_get(df("/api/v1/documents/%lld/attachments", id), h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
    r = h_get(df("/api/v1/documents/%lld/attachments/%lld", id, aid), h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_uint_eq(strlen(r->body), len);
    ck_assert(memcmp(r->body, pdf, len) == 0);
    ck_assert_str_eq(h_header(r, "Content-Type"), "application/pdf");
    const char *disp = h_header(r, "Content-Disposition");
    ck_assert_ptr_nonnull(disp);
    ck_assert_msg(strstr(disp, "filename*=UTF-8''%E5%85%B3%E4%BA%8E") != NULL, "%s", disp);
    ck_assert_msg(strstr(disp, "filename=\"") != NULL, "%s", disp);
    h_free(r);
    free(pdf);
    /* Not to another department. */
    r = h_get(df("/api/v1/documents/%lld/attachments/%lld", id, aid), h_token("edu_clerk"));
    ck_status(r, 404);
    h_free(r);
    r = upload(id, "edu_clerk", "application/pdf", "x.pdf", "%PDF-1.4 x");
    ck_status(r, 404);
    h_free(r);
}
END_TEST

START_TEST(attachments_refuse_wrong_types_names_sizes_and_editors)
{
    long long id = new_draft("zonghe1", "government_office", "");
    resp_t *r = upload(id, "zonghe1", "application/pdf", "a.pdf", "hello, not a pdf");
    ck_assert(h_problem(r, 415, "document.attachment_mismatch", NULL, NULL));
    h_free(r);
    r = upload(id, "zonghe1", "image/gif", "a.gif", "GIF89a....");
    ck_assert(h_problem(r, 415, "document.attachment_type_refused", NULL, NULL));
    h_free(r);
    r = upload(id, "zonghe1", "application/pdf", NULL, "%PDF-1.4 x");
    ck_assert(h_problem(r, 400, NULL, NULL, "filename"));
    h_free(r);
    r = upload(id, "zonghe1", "application/pdf", "../etc/passwd", "%PDF-1.4 x");
    ck_assert(h_problem(r, 400, NULL, NULL, "filename"));
    h_free(r);
    r = upload(id, "zonghe1", "text/plain", "说明.txt", "说明文字");
    ck_status(r, 201);
    h_free(r);
    /* One byte over 20 MiB (sent by curl from a file, with time to spare
     * on a loaded machine). */
    char path[] = "/tmp/oa-big-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("%PDF-1.4\n", f);
    for (size_t k = 9; k < 20 * 1024 * 1024 + 1; k++)
        fputc('B', f);
    fclose(f);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "curl -s -o /dev/null -w '%%{http_code}' --max-time 240 -H 'Expect:'"
             " -H 'Authorization: Bearer %s' -H 'Content-Type: application/pdf'"
             " --data-binary @%s '%s/api/v1/documents/%lld/attachments?filename=big.pdf'",
             h_token("zonghe1"), path, getenv("GATEWAY_URL"), id);
    FILE *pipe = popen(cmd, "r");
    char code[16] = "";
    ck_assert_ptr_nonnull(fgets(code, sizeof code, pipe));
    pclose(pipe);
    unlink(path);
    ck_assert_str_eq(code, "413");
    /* The JSON routes keep their 1 MiB. */
    size_t jl = 1536 * 1024;
    char *json = malloc(jl + 64);
    int n = snprintf(json, 64, "{\"title\":\"");
    memset(json + n, 'x', jl);
    strcpy(json + n + jl, "\"}");
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"), json);
    ck_status(r, 413);
    h_free(r);
    free(json);
    /* Once it awaits sign-off, the drafting department adds nothing. */
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("deputy2")),
             "awaiting_signoff");
    r = upload(id, "zonghe1", "application/pdf", "late.pdf", "%PDF-1.4 x");
    ck_assert(h_problem(r, 403, "document.attachment_not_editor", NULL, NULL));
    h_free(r);
    const char *p[] = {df("%lld", id)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM documents.document_attachments"
                              " WHERE document_id = $1",
                              1, p),
                     1);
}
END_TEST

START_TEST(search_finds_chinese_substrings_of_titles_and_numbers)
{
    long long a = numbered_doc("government_office", "deputy2");
    resp_t *r = h_get(df("/api/v1/documents/%lld", a), h_token("zonghe1"));
    char number[128], title[400];
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    snprintf(title, sizeof title, "%s", h_str(r, "title"));
    h_free(r);
    char *q = curl_escape_name(number);
    ck_assert(h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("zonghe1"), a));
    free(q);
    /* A piece of the title, from its middle. */
    q = curl_escape_name(title + strlen("关于"));
    ck_assert(h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("zonghe1"), a));
    free(q);
    /* The number as it is cited, from its bracketed year on. */
    q = curl_escape_name(strstr(number, "〔"));
    ck_assert(h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("zonghe1"), a));
    free(q);
    q = curl_escape_name("没有这样的标题");
    ck_assert(!h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("zonghe1"), a));
    free(q);
    /* Wildcards are searched for as text. */
    ck_assert(!h_lists("/api/v1/documents?q=%25&limit=200", h_token("zonghe1"), a));
    /* Not what the caller may not see. */
    q = curl_escape_name(number);
    ck_assert(!h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("edu_clerk"), a));
    free(q);
    /* The index exists on the searched expression. */
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM pg_indexes WHERE schemaname = 'documents'"
                              " AND indexname = 'documents_search' AND indexdef LIKE '%gin_trgm_ops%'",
                              0, NULL),
                     1);
}
END_TEST

/* A text that more documents hold than the index step looks at (2 000)
 * is found by the walk newest first: the pages are the newest matches, in
 * order, and the cursor goes on from the last one. */
START_TEST(search_pages_through_a_text_many_documents_hold)
{
    long long a = numbered_doc("government_office", "deputy2");
    const char *p[] = {df("%lld", a)};
    h_sql_ll("WITH n AS (INSERT INTO documents.documents(issuer, doc_type, title, body,"
             " main_recipients, print_count, department_id, creator_id, state, path_ids)"
             " SELECT d.issuer, d.doc_type, '关于常见检索词' || g || '的通知', d.body,"
             " d.main_recipients, d.print_count, d.department_id, d.creator_id, 'draft',"
             " d.path_ids FROM documents.documents d, generate_series(1, 2100) g"
             " WHERE d.id = $1 RETURNING 1) SELECT count(*) FROM n",
             1, p);
    long long newest = h_sql_ll("SELECT max(id) FROM documents.documents"
                                " WHERE title LIKE '关于常见检索词%'", 0, NULL);
    char *q = curl_escape_name("常见检索词");
    resp_t *r = h_get(df("/api/v1/documents?q=%s&limit=50", q), h_token("zonghe1"));
    ck_assert_int_eq(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 50);
    for (size_t i = 0; i < 50; i++)
        ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, i), "id")),
                         newest - (long long)i);
    char cursor[64];
    snprintf(cursor, sizeof cursor, "%s", json_string_value(json_object_get(r->json, "next_cursor")));
    h_free(r);
    r = h_get(df("/api/v1/documents?q=%s&limit=1&cursor=%s", q, cursor), h_token("zonghe1"));
    ck_assert_int_eq(r->status, 200);
    items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
                     newest - 50);
    h_free(r);
    /* The same through the index (a text under 2 000 documents hold). */
    free(q);
    q = curl_escape_name("常见检索词2100的");
    r = h_get(df("/api/v1/documents?q=%s", q), h_token("zonghe1"));
    ck_assert_int_eq(r->status, 200);
    items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), newest);
    h_free(r);
    free(q);
    /* Digits alone: the newest documents first, then the index. */
    ck_assert(h_lists("/api/v1/documents?q=2100&limit=200", h_token("zonghe1"), newest));
    ck_assert(h_lists("/api/v1/documents?q=2100&limit=1", h_token("zonghe1"), newest));
    /* Not a bureau's drafts for another bureau. */
    q = curl_escape_name("常见检索词");
    ck_assert(!h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("edu_clerk"), newest));
    free(q);
    h_sql_ll("WITH n AS (DELETE FROM documents.documents WHERE title LIKE '关于常见检索词%'"
             " RETURNING 1) SELECT count(*) FROM n", 0, NULL);
}
END_TEST

/* Ids of the n newest documents titled title, newest first, into ids. */
static void newest_titled(const char *title, long long *ids, int n)
{
    for (int i = 0; i < n; i++) {
        const char *p[] = {title, df("%d", i)};
        ids[i] = h_sql_ll("SELECT id FROM documents.documents WHERE title = $1"
                          " ORDER BY id DESC OFFSET $2::int LIMIT 1",
                          2, p);
    }
}

static void copies_titled(long long of, const char *title, int n)
{
    const char *p[] = {df("%lld", of), title, df("%d", n)};
    h_sql_ll("WITH n AS (INSERT INTO documents.documents(issuer, doc_type, title, body,"
             " main_recipients, print_count, department_id, creator_id, state, path_ids)"
             " SELECT d.issuer, d.doc_type, $2, d.body, d.main_recipients, d.print_count,"
             " d.department_id, d.creator_id, 'draft', d.path_ids"
             " FROM documents.documents d, generate_series(1, $3::int) g"
             " WHERE d.id = $1 RETURNING 1) SELECT count(*) FROM n",
             3, p);
}

/* The next documents 300 000 ids on: past the newest 8 blocks of 4 096
 * ids of every document before. */
static void skip_document_ids(void)
{
    h_sql_ll("SELECT setval(pg_get_serial_sequence('documents.documents', 'id'),"
             " (SELECT max(id) FROM documents.documents) + 300000)",
             0, NULL);
}

/* The ids of a search's page, newest first; the cursor to the next. */
static int search_page(const char *q, int limit, const char *cursor, long long *ids,
                       char *next)
{
    char *e = curl_escape_name(q);
    resp_t *r = h_get(cursor ? df("/api/v1/documents?q=%s&limit=%d&cursor=%s", e, limit, cursor)
                             : df("/api/v1/documents?q=%s&limit=%d", e, limit),
                      h_token("zonghe1"));
    free(e);
    ck_assert_int_eq(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    int n = (int)json_array_size(items);
    for (int i = 0; i < n; i++)
        ids[i] = json_integer_value(json_object_get(json_array_get(items, (size_t)i), "id"));
    json_t *c = json_object_get(r->json, "next_cursor");
    snprintf(next, 64, "%s", json_is_string(c) ? json_string_value(c) : "");
    h_free(r);
    return n;
}

/* A text without digits is looked up among the newest 8 blocks of 4 096
 * ids first (documents_search_blocks, migration 011, sql/read.sql): a page
 * they fill is the newest matches, and one they do not goes on to older
 * documents, in order, with a cursor that goes on from there. A closing
 * bracket in the text is matched as itself, though the trigram index reads
 * it as the letter Q. */
START_TEST(search_goes_past_the_newest_documents_in_order)
{
    long long a = numbered_doc("government_office", "deputy2");
    copies_titled(a, "关于跨块检索词的通知", 3);
    copies_titled(a, "关于〔2020〕跨块检索词的通知", 1);
    /* The older ones outside the newest 8 blocks. */
    skip_document_ids();
    copies_titled(a, "关于跨块检索词的通知", 2);
    copies_titled(a, "关于Q跨块检索词的通知", 1);
    long long all[5], got[8];
    newest_titled("关于跨块检索词的通知", all, 5);
    long long bracket;
    newest_titled("关于〔2020〕跨块检索词的通知", &bracket, 1);
    char cursor[64];
    /* The newest blocks fill a page of one (and know there is more). */
    ck_assert_int_eq(search_page("关于跨块检索词", 1, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], all[0]);
    ck_assert_str_ne(cursor, "");
    /* A page of four goes on among the older documents. */
    ck_assert_int_eq(search_page("关于跨块检索词", 4, NULL, got, cursor), 4);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(got[i], all[i]);
    ck_assert_int_eq(search_page("关于跨块检索词", 4, cursor, got, cursor), 1);
    ck_assert_int_eq(got[0], all[4]);
    ck_assert_str_eq(cursor, "");
    /* "〕跨块检索词" is the bracketed title's, not the one with a Q. */
    ck_assert_int_eq(search_page("〕跨块检索词", 50, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], bracket);
    h_sql_ll("WITH n AS (DELETE FROM documents.documents WHERE title LIKE '关于%跨块检索词的通知'"
             " RETURNING 1) SELECT count(*) FROM n", 0, NULL);
}
END_TEST

/* Quotes, backslashes and wildcards in a text are text: the pieces of
 * three characters the newest blocks are asked for are quoted as a tsquery
 * wants them, and the match is the text as it is, in the newest blocks as
 * in the older ones. */
START_TEST(search_takes_quotes_and_backslashes_as_text)
{
    long long a = numbered_doc("government_office", "deputy2");
    copies_titled(a, "关于'引号'和\\反斜杠%的通知", 1);
    copies_titled(a, "关于'引号和\\反斜杠_的通知", 1);
    long long both, other;
    newest_titled("关于'引号'和\\反斜杠%的通知", &both, 1);
    newest_titled("关于'引号和\\反斜杠_的通知", &other, 1);
    long long got[8];
    char cursor[64];
    ck_assert_int_eq(search_page("引号'和\\反斜杠", 50, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], both);
    ck_assert_int_eq(search_page("号和\\反斜杠_", 50, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], other);
    ck_assert_int_eq(search_page("\\反斜杠", 50, NULL, got, cursor), 2);
    ck_assert_int_eq(got[0], other);
    ck_assert_int_eq(got[1], both);
    ck_assert_int_eq(search_page("引号''和\\反斜杠", 50, NULL, got, cursor), 0);
    ck_assert_int_eq(search_page("反斜杠x的", 50, NULL, got, cursor), 0);
    /* The same when the newest blocks hold neither: the older ones. */
    skip_document_ids();
    numbered_doc("government_office", "deputy2");
    ck_assert_int_eq(search_page("引号'和\\反斜杠", 50, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], both);
    ck_assert_int_eq(search_page("号和\\反斜杠_", 50, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], other);
    ck_assert_int_eq(search_page("\\反斜杠", 50, NULL, got, cursor), 2);
    h_sql_ll("WITH n AS (DELETE FROM documents.documents WHERE title LIKE '关于%引号%反斜杠%'"
             " RETURNING 1) SELECT count(*) FROM n", 0, NULL);
}
END_TEST

/* A cited number ("〔2027〕7号", or with the end of its prefix) is looked up
 * as the number it is, by its year and sequence, and in the titles that
 * cite it (sql/read.sql, migration 010): both, newest first, page by page,
 * and not a longer sequence nor what the caller may not see. */
START_TEST(search_finds_a_cited_number_in_numbers_and_titles)
{
    long long a = numbered_doc("government_office", "deputy2");
    resp_t *r = h_get(df("/api/v1/documents/%lld", a), h_token("zonghe1"));
    char number[128];
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    h_free(r);
    const char *cited = strstr(number, "〔");
    ck_assert_ptr_nonnull(cited);
    ck_assert_int_ge((int)(cited - number), 6);
    char *title = strdup(df("关于转发%s文件的通知", number));
    copies_titled(a, title, 2);
    /* The same with a sequence one digit longer: not a match. */
    char *longer = strdup(df("关于转发%.*s0号的通知", (int)(strlen(number) - strlen("号")), number));
    copies_titled(a, longer, 1);
    long long citing[2], got[8];
    newest_titled(title, citing, 2);
    char cursor[64];
    ck_assert_int_eq(search_page(cited, 50, NULL, got, cursor), 3);
    ck_assert_int_eq(got[0], citing[0]);
    ck_assert_int_eq(got[1], citing[1]);
    ck_assert_int_eq(got[2], a);
    ck_assert_str_eq(cursor, "");
    /* Page by page. */
    ck_assert_int_eq(search_page(cited, 1, NULL, got, cursor), 1);
    ck_assert_int_eq(got[0], citing[0]);
    ck_assert_int_eq(search_page(cited, 1, cursor, got, cursor), 1);
    ck_assert_int_eq(got[0], citing[1]);
    ck_assert_int_eq(search_page(cited, 1, cursor, got, cursor), 1);
    ck_assert_int_eq(got[0], a);
    ck_assert_str_eq(cursor, "");
    /* With the last two characters of the prefix, and whole. */
    ck_assert_int_eq(search_page(cited - 6, 50, NULL, got, cursor), 3);
    ck_assert_int_eq(got[2], a);
    ck_assert_int_eq(search_page(number, 50, NULL, got, cursor), 3);
    /* Not what the caller may not see. */
    char *q = curl_escape_name(cited);
    ck_assert(!h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("edu_clerk"), a));
    ck_assert(!h_lists(df("/api/v1/documents?q=%s&limit=200", q), h_token("edu_clerk"),
                       citing[0]));
    free(q);
    const char *p[] = {title, longer};
    h_sql_ll("WITH n AS (DELETE FROM documents.documents WHERE title IN ($1, $2)"
             " RETURNING 1) SELECT count(*) FROM n", 2, p);
    free(title);
    free(longer);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_attachments");
    TCase *tc = tcase_create("attachments");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, attachments_are_stored_with_their_sha256_and_downloaded_with_their_chinese_name);
    tcase_add_test(tc, attachments_refuse_wrong_types_names_sizes_and_editors);
    tcase_add_test(tc, search_finds_chinese_substrings_of_titles_and_numbers);
    tcase_add_test(tc, search_pages_through_a_text_many_documents_hold);
    tcase_add_test(tc, search_goes_past_the_newest_documents_in_order);
    tcase_add_test(tc, search_takes_quotes_and_backslashes_as_text);
    tcase_add_test(tc, search_finds_a_cited_number_in_numbers_and_titles);
    suite_add_tcase(s, tc);
    return h_run(s);
}
