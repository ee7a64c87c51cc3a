/* The official PDF of a numbered document (GB/T 9704-2012 layout): it
 * parses, is A4, its text holds the number and the title, and its first
 * page turns into an image. */
#include "test_documents_fixtures.h"

/* Fetches path into file as who; returns "<status> <content type>". */
static const char *fetch(const char *path, const char *who, const char *file)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "curl -s -o '%s' -w '%%{http_code} %%{content_type}' -H 'Authorization: Bearer %s' "
             "'%s%s'",
             file, h_token(who), getenv("GATEWAY_URL"), path);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    static char out[256];
    out[0] = '\0';
    if (!fgets(out, sizeof out, f))
        out[0] = '\0';
    pclose(f);
    /* The same through the harness, so the contract check sees the answer. */
    resp_t *r = h_get(path, h_token(who));
    const char *ct = h_header(r, "Content-Type");
    ck_assert_msg(!strcmp(df("%ld %s", r->status, ct ? ct : ""), out), "%ld %s, then %s",
                  r->status, ct ? ct : "", out);
    h_free(r);
    return out;
}

/* The whole output of a shell command (static, truncated at 64 KiB). */
static const char *run(const char *cmd)
{
    static char out[65536];
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    pclose(f);
    return out;
}

START_TEST(test_R_DOC_5_the_official_pdf_shows_the_number_and_the_title_in_the_national_layout)
{
    long long id = new_draft("zonghe1", "government_office",
                             ",\"cc_recipients\":\"区委办公室\",\"urgency\":\"urgent\"");
    resp_t *r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"),
                        "{\"title\":\"关于做好冬季安全生产工作的通知\",\"body\":\"各科室：\\n"
                        "为切实做好冬季安全生产工作，现将有关事项通知如下。\\n"
                        "一、提高认识，加强领导。\\n二、突出重点，全面排查。\"}");
    ck_status(r, 200);
    h_free(r);
    char dir[] = "/tmp/oa-pdf-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *file = df("%s/doc.pdf", dir);

    /* Not before the number. */
    ck_assert_str_eq(fetch(df("/api/v1/documents/%lld/pdf", id), "zonghe1", file),
                     "409 application/problem+json");
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("deputy2")),
             "awaiting_signoff");
    doc_step(id, "sign", "deputy2", NULL, "proofreading");
    doc_step(id, "approve-proof", "wenmi1", NULL, "proofread");
    r = doc_act(id, "assign-number", "wenmi1", NULL);
    ck_status(r, 200);
    char number[128];
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    h_free(r);

    /* Nor to someone who may not read the document. */
    ck_assert(strncmp(fetch(df("/api/v1/documents/%lld/pdf", id), "edu_clerk", file), "404", 3) ==
              0);
    ck_assert_str_eq(fetch(df("/api/v1/documents/%lld/pdf", id), "zonghe1", file),
                     "200 application/pdf");
    const char *info = run(df("pdfinfo '%s'", file));
    ck_assert_msg(strstr(info, "595.276 x 841.89") || strstr(info, "595.28 x 841.89"),
                  "not A4: %s", info);
    const char *text = run(df("pdftotext -layout '%s' -", file));
    ck_assert_msg(strstr(text, number), "no number %s in: %s", number, text);
    ck_assert_msg(strstr(text, "关于做好冬季安全生产工作的通知"), "no title in: %s", text);
    ck_assert_msg(strstr(text, "船营区人民政府办公室文件"), "no issuer mark in: %s", text);
    ck_assert_msg(strstr(text, "抄送：区委办公室"), "no copied-to line in: %s", text);
    ck_assert_msg(strstr(text, "加急"), "no urgency in: %s", text);
    ck_assert_msg(strstr(text, "— 1 —") || strstr(text, "—1—"), "no page number in: %s", text);
    /* The first page as an image. */
    const char *png = df("%s/page", dir);
    run(df("pdftoppm -png -r 40 -f 1 -l 1 '%s' '%s'", file, png));
    const char *size = run(df("stat -c %%s '%s-1.png' 2>/dev/null || stat -c %%s '%s-01.png'", png, png));
    ck_assert_msg(atol(size) > 1000, "no page image (%s)", size);
    run(df("rm -rf '%s'", dir));
}
END_TEST

START_TEST(a_long_body_flows_over_pages_each_numbered)
{
    char body[30000] = "";
    size_t len = 0;
    for (int i = 0; i < 60; i++)
        len += (size_t)snprintf(body + len, sizeof body - len,
                                "第%d条　各单位要按照职责分工，认真落实各项工作任务，确保按时完成。\\n", i + 1);
    long long id = new_draft("zonghe1", "government_office", "");
    char *json = malloc(len + 32);
    snprintf(json, len + 32, "{\"body\":\"%s\"}", body);
    resp_t *r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"), json);
    free(json);
    ck_status(r, 200);
    h_free(r);
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("director")),
             "awaiting_signoff");
    doc_step(id, "sign", "director", NULL, "proofreading");
    doc_step(id, "approve-proof", "wenmi1", NULL, "proofread");
    doc_step(id, "assign-number", "wenmi1", NULL, "numbered");
    char dir[] = "/tmp/oa-pdf-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *file = df("%s/doc.pdf", dir);
    ck_assert_str_eq(fetch(df("/api/v1/documents/%lld/pdf", id), "director", file),
                     "200 application/pdf");
    const char *info = run(df("pdfinfo '%s' | grep Pages", file));
    int pages = 0;
    ck_assert_int_eq(sscanf(info, "Pages: %d", &pages), 1);
    ck_assert_int_ge(pages, 3);
    const char *text = run(df("pdftotext '%s' -", file));
    ck_assert(strstr(text, "第60条") != NULL);
    ck_assert(strstr(text, df("— %d —", pages)) || strstr(text, df("—%d—", pages)));
    run(df("rm -rf '%s'", dir));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_pdf");
    TCase *tc = tcase_create("pdf");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc,
                   test_R_DOC_5_the_official_pdf_shows_the_number_and_the_title_in_the_national_layout);
    tcase_add_test(tc, a_long_body_flows_over_pages_each_numbered);
    suite_add_tcase(s, tc);
    return h_run(s);
}
