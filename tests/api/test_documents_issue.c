/* After the number (R-DOC-6): letterhead sheets, printing by the drafting
 * department, the signed original archived by the secretariat, the copies
 * stamped through the seals service (the signature counting as the seal
 * approval when the signer may approve that seal, R-SEAL-2), the stamped
 * count checked against the printed copies, then issued. */
#include "test_documents_fixtures.h"

static long long new_district_seal(void)
{
    resp_t *r = h_post("/api/v1/seals", h_token("admin"),
                       df("{\"name\":\"%s\",\"kind\":\"district_government\",\"custodian_id\":%lld}",
                          unique("区政府公章"), h_user_id("custodian")));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

static resp_t *seal_request(long long seal, const char *matter, const char *number, int copies,
                            long long doc)
{
    return h_post("/api/v1/seal-requests", h_token("zonghe1"),
                  df("{\"seal_id\":%lld,\"matter\":\"%s\",\"document_number\":\"%s\","
                     "\"content\":\"加盖区政府公章\",\"using_unit\":\"综合科\",\"copies\":%d,"
                     "\"document_id\":%lld}",
                     seal, matter, number, copies, doc));
}

static void stamp(long long request, int count)
{
    resp_t *r = h_post(df("/api/v1/seal-requests/%lld/stamp", request), h_token("custodian"),
                       df("{\"count\":%d}", count));
    ck_status(r, 200);
    h_free(r);
}

START_TEST(test_R_DOC_6_printed_archived_and_stamped_in_full_is_issued)
{
    /* A district document of 综合科, signed by vmayor1 (in charge of the office). */
    long long id = numbered_doc("district_government", "vmayor1");
    resp_t *r = h_get(df("/api/v1/documents/%lld", id), h_token("zonghe1"));
    char number[128], sha[65];
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    snprintf(sha, sizeof sha, "%s", h_str(r, "signed_body_sha256"));
    h_free(r);

    /* Letterheads first, as many as the copies; only then printing. */
    r = doc_act(id, "report-printed", "zonghe1", "{\"copies\":3}");
    ck_assert(h_problem(r, 409, "document.no_letterheads", "R-DOC-6", NULL));
    h_free(r);
    r = doc_act(id, "issue-letterheads", "zonghe1", "{\"count\":3}");
    ck_assert(h_problem(r, 403, "document.secretariat_only", NULL, NULL));
    h_free(r);
    r = doc_act(id, "issue-letterheads", "wenmi1", "{\"count\":2}");
    ck_assert(h_problem(r, 400, NULL, NULL, "count"));
    h_free(r);
    doc_step(id, "issue-letterheads", "wenmi1", "{\"count\":3}", "numbered");
    ck_assert_int_eq(notified("zonghe1", "document_letterheads", id), 1);
    r = doc_act(id, "report-printed", "zonghe1", "{\"copies\":4}");
    ck_assert(h_problem(r, 400, NULL, NULL, "copies"));
    h_free(r);
    r = doc_act(id, "report-printed", "wenmi1", "{\"copies\":3}");
    ck_assert(h_problem(r, 403, "document.not_drafter", NULL, NULL));
    h_free(r);
    /* Printed through the printing service: its copy register is checked. */
    r = h_post("/api/v1/print-jobs", h_token("zonghe1"),
               df("{\"kind\":\"print\",\"title\":\"%s\",\"pages\":1,\"copies\":3,"
                  "\"document_id\":%lld}",
                  number, id));
    ck_status(r, 201);
    long long job = h_int(r, "id");
    h_free(r);
    r = h_post(df("/api/v1/print-jobs/%lld/complete", job), h_token("zonghe2"),
               "{\"actual_pages\":1,\"actual_copies\":2}");
    ck_status(r, 200);
    h_free(r);
    r = doc_act(id, "report-printed", "zonghe1", "{\"copies\":3}");
    ck_assert(h_problem(r, 422, "document.copies_mismatch", "R-DOC-6", "copies"));
    h_free(r);
    r = h_post("/api/v1/print-jobs", h_token("zonghe1"),
               df("{\"kind\":\"print\",\"title\":\"%s\",\"pages\":1,\"copies\":1,"
                  "\"document_id\":%lld}",
                  number, id));
    ck_status(r, 201);
    job = h_int(r, "id");
    h_free(r);
    r = h_post(df("/api/v1/print-jobs/%lld/complete", job), h_token("zonghe2"),
               "{\"actual_pages\":1,\"actual_copies\":1}");
    ck_status(r, 200);
    h_free(r);
    doc_step(id, "report-printed", "zonghe1", "{\"copies\":3}", "printed");
    ck_assert_int_eq(notified("wenmi1", "document_original_due", id), 1);

    /* The original goes to the secretariat's archive. */
    r = doc_act(id, "archive-original", "zonghe1", NULL);
    ck_assert(h_problem(r, 403, NULL, "R-DOC-6", NULL));
    h_free(r);
    doc_step(id, "archive-original", "wenmi1", NULL, "printed");
    r = doc_act(id, "archive-original", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, "document.already_archived", NULL, NULL));
    h_free(r);

    /* The seal request names the document: it carries the number and the
     * signed body's SHA-256, and vmayor1's signature approves it. */
    long long seal = new_district_seal();
    r = seal_request(seal, "general", "船营府发〔1999〕1号", 3, id);
    ck_assert(h_problem(r, 400, NULL, NULL, "document_number"));
    h_free(r);
    r = seal_request(seal, "general", number, 2, id);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    ck_assert_int_eq(h_int(r, "approved_by"), h_user_id("vmayor1"));
    ck_assert_str_eq(h_str(r, "document_sha256"), sha);
    ck_assert(json_is_true(json_object_get(r->json, "approved_by_signature")));
    long long first = h_int(r, "id");
    h_free(r);
    stamp(first, 2);

    /* Two of three printed copies stamped: recorded, listed, not issued. */
    r = doc_act(id, "record-stamp", "zonghe1", df("{\"seal_request_id\":%lld}", first + 100000));
    ck_assert(h_problem(r, 400, NULL, NULL, "seal_request_id"));
    h_free(r);
    r = doc_act(id, "record-stamp", "zonghe1", df("{\"seal_request_id\":%lld}", first));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "printed");
    ck_assert_int_eq(h_int(r, "stamped_count"), 2);
    ck_assert(json_is_true(json_object_get(r->json, "stamp_mismatch")));
    h_free(r);
    ck_assert_int_eq(notified("zonghe1", "document_stamp_mismatch", id), 1);
    ck_assert(h_lists("/api/v1/documents?stamp_mismatch=true&limit=200", h_token("wenmi1"), id));

    /* The third copy: the count matches, and with the original archived it is issued. */
    r = seal_request(seal, "general", number, 1, id);
    ck_status(r, 201);
    long long second = h_int(r, "id");
    h_free(r);
    stamp(second, 1);
    r = doc_act(id, "record-stamp", "zonghe1", df("{\"seal_request_id\":%lld}", second));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "issued");
    ck_assert_int_eq(h_int(r, "stamped_count"), 3);
    ck_assert(json_is_false(json_object_get(r->json, "stamp_mismatch")));
    h_free(r);
    ck_assert_int_eq(notified("zonghe1", "document_issued", id), 1);
    ck_assert(!h_lists("/api/v1/documents?stamp_mismatch=true&limit=200", h_token("wenmi1"), id));
}
END_TEST

START_TEST(test_R_DOC_6_a_signature_is_no_approval_where_the_signer_may_not_approve_that_seal)
{
    long long seal = new_district_seal();
    /* Finance under the district seal needs the mayor alone (R-SEAL-2):
     * vmayor1's signature does not approve it. */
    long long id = numbered_doc("district_government", "vmayor1");
    resp_t *r = h_get(df("/api/v1/documents/%lld", id), h_token("zonghe1"));
    char number[128];
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    h_free(r);
    r = seal_request(seal, "finance", number, 3, id);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert(json_is_false(json_object_get(r->json, "approved_by_signature")));
    long long req = h_int(r, "id");
    h_free(r);
    r = h_post(df("/api/v1/seal-requests/%lld/approve", req), h_token("mayor"), NULL);
    ck_status(r, 200);
    h_free(r);
    /* The mayor's signature does approve a finance matter. */
    long long byMayor = numbered_doc("district_government", "mayor");
    r = h_get(df("/api/v1/documents/%lld", byMayor), h_token("zonghe1"));
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    h_free(r);
    r = seal_request(seal, "finance", number, 3, byMayor);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    ck_assert_int_eq(h_int(r, "approved_by"), h_user_id("mayor"));
    h_free(r);
    /* An office document's director-signed copy under the district seal:
     * the director may not approve the district seal. */
    long long office = numbered_doc("government_office", "director");
    r = h_get(df("/api/v1/documents/%lld", office), h_token("zonghe1"));
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    h_free(r);
    r = seal_request(seal, "general", number, 3, office);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "pending");
    h_free(r);
}
END_TEST

/* R-DOC-6: a document's copies are stamped after its sign-off and number,
 * by its drafting department. A seal request naming a document that is not
 * signed and numbered (yet), another department's, or none at all is
 * refused (the seals service reads documents.signed_documents), and
 * nothing is stored. */
START_TEST(test_R_DOC_6_a_seal_request_names_only_a_signed_numbered_document_of_its_department)
{
    long long seal = new_district_seal();
    long long before = h_sql_ll("SELECT count(*) FROM seals.seal_requests", 0, NULL);
    long long draft = signed_doc("district_government", "vmayor1");
    resp_t *r = seal_request(seal, "general", "船营府发〔2026〕999号", 3, draft);
    ck_assert_msg(h_problem(r, 422, "seal_request.document_not_signed", "R-DOC-6", "document_id"),
                  "%ld %s", r->status, r->body);
    h_free(r);
    r = seal_request(seal, "general", "船营府发〔2026〕999号", 3, draft + 1000000);
    ck_assert(h_problem(r, 422, "seal_request.document_not_signed", "R-DOC-6", "document_id"));
    h_free(r);
    /* Numbered, but 综合科's: 文秘科 does not stamp it. */
    long long id = numbered_doc("district_government", "vmayor1");
    r = h_get(df("/api/v1/documents/%lld", id), h_token("zonghe1"));
    char number[128];
    snprintf(number, sizeof number, "%s", h_str(r, "doc_number"));
    h_free(r);
    r = h_post("/api/v1/seal-requests", h_token("wenmi1"),
               df("{\"seal_id\":%lld,\"matter\":\"general\",\"document_number\":\"%s\","
                  "\"content\":\"加盖区政府公章\",\"using_unit\":\"文秘科\",\"copies\":3,"
                  "\"document_id\":%lld}",
                  seal, number, id));
    ck_assert(h_problem(r, 422, "seal_request.document_not_signed", "R-DOC-6", "document_id"));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.seal_requests", 0, NULL), before);
    /* Its own department's request goes through, signed or not. */
    r = seal_request(seal, "general", number, 3, id);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    /* Papers that are no outgoing document leave document_id out: an
     * ordinary request, approved as usual. */
    r = h_post("/api/v1/seal-requests", h_token("zonghe1"),
               df("{\"seal_id\":%lld,\"matter\":\"general\",\"document_number\":\"%s\","
                  "\"content\":\"加盖区政府公章\",\"using_unit\":\"综合科\",\"copies\":1}",
                  seal, unique("证明")));
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert(json_is_null(json_object_get(r->json, "document_sha256")));
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_issue");
    TCase *tc = tcase_create("issue");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_DOC_6_printed_archived_and_stamped_in_full_is_issued);
    tcase_add_test(tc,
                   test_R_DOC_6_a_signature_is_no_approval_where_the_signer_may_not_approve_that_seal);
    tcase_add_test(
        tc, test_R_DOC_6_a_seal_request_names_only_a_signed_numbered_document_of_its_department);
    suite_add_tcase(s, tc);
    return h_run(s);
}
