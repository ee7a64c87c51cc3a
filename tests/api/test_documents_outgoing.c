/* Outgoing documents: drafts, versions, joint drafting, the chain from the
 * secretariat's review to the number (R-DOC-1 .. R-DOC-5, R-SEC-3), and who
 * sees what. */
#include "test_documents_fixtures.h"

START_TEST(test_R_DOC_1_secretariat_declines_with_a_reason_and_it_is_final)
{
    long long id = new_draft("zonghe1", "government_office", "");
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    ck_assert_int_eq(notified("wenmi1", "document_to_review", id), 1);
    ck_assert_int_eq(notified("wenmi_chief", "document_to_review", id), 1);

    /* Only the secretariat declines. */
    resp_t *r = doc_act(id, "decline", "zonghe_chief", "{\"reason\":\"部门可自行发文\"}");
    ck_assert(h_problem(r, 403, "document.secretariat_only", "R-DOC-1", NULL));
    h_free(r);
    /* A reason is required. */
    r = doc_act(id, "decline", "wenmi1", "{}");
    ck_assert(h_problem(r, 400, NULL, NULL, "reason"));
    h_free(r);
    r = doc_act(id, "decline", "wenmi1", "{\"reason\":\"  \"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "reason"));
    h_free(r);
    assert_doc_state(id, "secretariat_review");

    r = doc_act(id, "decline", "wenmi1", "{\"reason\":\"部门可自行发文\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "declined");
    ck_assert_str_eq(h_str(r, "decline_reason"), "部门可自行发文");
    h_free(r);
    ck_assert_int_eq(notified("zonghe1", "document_declined", id), 1);
    ck_assert_int_eq(audited(id, "decline"), 1);

    /* Terminal: nothing moves it on. */
    r = doc_act(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("director")));
    ck_assert(h_problem(r, 409, "document.wrong_state", NULL, NULL));
    h_free(r);
    r = doc_act(id, "submit", "zonghe1", NULL);
    ck_assert(h_problem(r, 409, "document.wrong_state", NULL, NULL));
    h_free(r);
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"), "{\"title\":\"再改\"}");
    ck_assert(h_problem(r, 409, "document.not_editable", NULL, NULL));
    h_free(r);
    assert_doc_state(id, "declined");
}
END_TEST

START_TEST(test_R_DOC_2_the_secretariat_returns_a_draft_to_its_department_for_changes)
{
    long long id = new_draft("zonghe1", "government_office", "");
    /* A draft not yet submitted is not the secretariat's to see. */
    resp_t *r = doc_act(id, "return", "wenmi1", "{\"comment\":\"请补充依据\"}");
    ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%ld %s", r->status, r->body);
    h_free(r);
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    /* Only by the secretariat, and with a comment. */
    r = doc_act(id, "return", "zonghe_chief", "{\"comment\":\"请补充依据\"}");
    ck_assert(h_problem(r, 403, "document.secretariat_only", NULL, NULL));
    h_free(r);
    r = doc_act(id, "return", "wenmi1", "{}");
    ck_assert(h_problem(r, 400, NULL, NULL, "comment"));
    h_free(r);
    r = doc_act(id, "return", "wenmi1", "{\"comment\":\"\"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "comment"));
    h_free(r);
    assert_doc_state(id, "secretariat_review");
    ck_assert_int_eq(notified("zonghe1", "document_returned", id), 0);

    r = doc_act(id, "return", "wenmi1", "{\"comment\":\"请补充依据\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "draft");
    h_free(r);
    ck_assert_int_eq(notified("zonghe1", "document_returned", id), 1);
    ck_assert_int_eq(audited(id, "return"), 1);
    /* The department changes it and submits it again. */
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"),
                "{\"body\":\"各单位：\\n依据补充后的正文。\"}");
    ck_status(r, 200);
    h_free(r);
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
}
END_TEST

START_TEST(test_R_DOC_2_nothing_reaches_a_leader_before_the_secretariat_reviews_it)
{
    long long id = new_draft("zonghe1", "government_office", "");
    const char *fw = df("{\"signer_id\":%lld}", h_user_id("director"));
    /* The drafter and its chief cannot send it to a leader. */
    resp_t *r = doc_act(id, "forward", "zonghe1", fw);
    ck_assert(h_problem(r, 403, "document.secretariat_only", "R-DOC-2", NULL));
    h_free(r);
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    r = doc_act(id, "forward", "zonghe1", fw);
    ck_assert(h_problem(r, 403, "document.secretariat_only", "R-DOC-2", NULL));
    h_free(r);
    r = doc_act(id, "forward", "zonghe_chief", fw);
    ck_assert(h_problem(r, 403, "document.secretariat_only", "R-DOC-2", NULL));
    h_free(r);
    /* The leader does not even see it yet. */
    r = h_get(df("/api/v1/documents/%lld", id), h_token("director"));
    ck_status(r, 404);
    h_free(r);
    ck_assert(!h_lists("/api/v1/documents?limit=200", h_token("director"), id));
    ck_assert_int_eq(notified("director", "document_to_sign", id), 0);

    /* Reviewed and forwarded: now the leader has it. */
    doc_step(id, "forward", "wenmi1", fw, "awaiting_signoff");
    ck_assert_int_eq(notified("director", "document_to_sign", id), 1);
    /* Sent back before signing, the revised draft goes to the secretariat
     * again, not straight back to the leader. */
    doc_step(id, "send-back", "director", "{\"comment\":\"请修改第二段\"}", "revising");
    ck_assert_int_eq(notified("zonghe1", "document_sent_back", id), 1);
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"),
                "{\"body\":\"各单位：\\n修改后的正文。\"}");
    ck_status(r, 200);
    h_free(r);
    doc_step(id, "resubmit", "zonghe1", NULL, "secretariat_review");
    r = doc_act(id, "sign", "director", NULL);
    ck_assert(h_problem(r, 409, "document.not_reviewed", "R-DOC-2", NULL));
    h_free(r);
    assert_doc_state(id, "secretariat_review");
}
END_TEST

START_TEST(test_R_DOC_3_an_office_document_is_signed_by_the_director_or_the_supervising_deputy)
{
    long long id = new_draft("zonghe1", "government_office", "");
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    /* deputy3 does not supervise 综合科; a deputy mayor does not sign office documents. */
    const char *wrong[] = {"deputy3", "vmayor1", "mayor", "zonghe_chief", "sec1"};
    for (int i = 0; i < 5; i++) {
        resp_t *r = doc_act(id, "forward", "wenmi1",
                            df("{\"signer_id\":%lld}", h_user_id(wrong[i])));
        ck_assert_msg(h_problem(r, 422, "document.signer_not_responsible", "R-DOC-3",
                                "signer_id"),
                      "%s: %s", wrong[i], r->body);
        h_free(r);
    }
    assert_doc_state(id, "secretariat_review");
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("deputy2")),
             "awaiting_signoff");
    /* Only the leader it was sent to signs. */
    resp_t *r = doc_act(id, "sign", "zonghe1", NULL);
    ck_assert(h_problem(r, 403, "document.not_signer", "R-DOC-3", NULL));
    h_free(r);
    r = doc_act(id, "sign", "wenmi1", NULL);
    ck_assert(h_problem(r, 403, "document.not_signer", "R-DOC-3", NULL));
    h_free(r);
    doc_step(id, "sign", "deputy2", NULL, "proofreading");
    ck_assert_int_eq(notified("wenmi1", "document_to_proofread", id), 1);
    ck_assert_int_eq(notified("zonghe1", "document_signed", id), 1);
    ck_assert_int_eq(audited(id, "sign"), 1);
}
END_TEST

START_TEST(test_R_DOC_3_a_district_document_is_signed_by_the_mayor_or_the_deputy_mayor_in_charge)
{
    /* The education bureau is in vmayor2's charge. */
    long long id = new_draft("edu_clerk", "district_government", "");
    doc_step(id, "submit", "edu_clerk", NULL, "secretariat_review");
    const char *wrong[] = {"vmayor1", "director", "deputy_gov"};
    for (int i = 0; i < 3; i++) {
        resp_t *r = doc_act(id, "forward", "wenmi1",
                            df("{\"signer_id\":%lld}", h_user_id(wrong[i])));
        ck_assert_msg(h_problem(r, 422, NULL, "R-DOC-3", "signer_id"), "%s: %s", wrong[i],
                      r->body);
        h_free(r);
    }
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("vmayor2")),
             "awaiting_signoff");
    doc_step(id, "sign", "vmayor2", NULL, "proofreading");

    /* An office section's district document: the deputy mayor in charge of
     * the office (vmayor1), or the mayor. */
    long long sec = new_draft("zonghe1", "district_government", "");
    doc_step(sec, "submit", "zonghe1", NULL, "secretariat_review");
    resp_t *r = doc_act(sec, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("vmayor2")));
    ck_assert(h_problem(r, 422, NULL, "R-DOC-3", "signer_id"));
    h_free(r);
    doc_step(sec, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("mayor")),
             "awaiting_signoff");
    doc_step(sec, "sign", "mayor", NULL, "proofreading");
}
END_TEST

START_TEST(test_R_DOC_3_an_assigned_document_is_first_reviewed_by_the_supervising_deputy)
{
    long long id = new_draft("zonghe1", "government_office", ",\"assigned_by\":\"office\"");
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("director")),
             "deputy_review");
    ck_assert_int_eq(notified("deputy2", "document_to_review", id), 1);
    ck_assert_int_eq(notified("director", "document_to_sign", id), 0);
    /* The director cannot sign before the deputy's review. */
    resp_t *r = doc_act(id, "sign", "director", NULL);
    ck_assert(h_problem(r, 409, "document.wrong_state", NULL, NULL));
    h_free(r);
    /* Only the supervising deputy reviews. */
    r = doc_act(id, "review", "director", NULL);
    ck_assert(h_problem(r, 403, "document.not_reviewer", "R-DOC-3", NULL));
    h_free(r);
    doc_step(id, "review", "deputy2", "{\"comment\":\"同意\"}", "awaiting_signoff");
    ck_assert_int_eq(notified("director", "document_to_sign", id), 1);
    doc_step(id, "sign", "director", NULL, "proofreading");
}
END_TEST

static long long auth_notified(const char *kind, long long id)
{
    const char *p[] = {df("%lld", h_user_id("sec2")), kind, df("%lld", id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = 'secretary_authorisation'"
                    " AND entity_id = $3",
                    3, p);
}

/* 政务秘书工作规范 二.3 "经政府领导授权": the secretary reviews the leader's
 * drafts only on the leader's recorded authorisation, which the leader
 * grants and revokes; a secretary authorises nothing. */
START_TEST(test_R_SEC_3_a_secretary_edits_the_draft_for_their_leader_but_never_signs)
{
    /* vmayor1 is in charge of the office; sec2 serves vmayor1. Nothing
     * recorded yet (this test's own start). */
    h_sql("UPDATE documents.secretary_authorisations SET state = 'revoked', revoked_at = now()"
          " WHERE state = 'active'");
    long long id = awaiting_signoff("district_government", "vmayor1");
    ck_assert_int_eq(notified("sec2", "document_for_your_leader", id), 0);
    /* sec2 is of 综合科, the drafting section: reads it, edits nothing. */
    resp_t *r = h_get(df("/api/v1/documents/%lld", id), h_token("sec2"));
    ck_status(r, 200);
    h_free(r);
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("sec2"), "{\"title\":\"改\"}");
    ck_assert(h_problem(r, 403, "document.not_editor", "R-SEC-3", NULL));
    h_free(r);
    /* A secretary authorises nothing; a leader only their own secretary. */
    r = h_post("/api/v1/secretary-authorisations", h_token("sec2"),
               df("{\"secretary_id\":%lld}", h_user_id("sec2")));
    ck_assert(h_problem(r, 403, "secretary_authorisation.not_leader", "R-SEC-3", NULL));
    h_free(r);
    r = h_post("/api/v1/secretary-authorisations", h_token("vmayor1"),
               df("{\"secretary_id\":%lld}", h_user_id("sec1")));
    ck_assert(h_problem(r, 400, NULL, NULL, "secretary_id"));
    h_free(r);
    r = h_post("/api/v1/secretary-authorisations", h_token("mayor"),
               df("{\"secretary_id\":%lld}", h_user_id("sec2")));
    ck_assert(h_problem(r, 400, NULL, NULL, "secretary_id"));
    h_free(r);
    r = h_post("/api/v1/secretary-authorisations", h_token("vmayor1"), "{\"note\":\"x\"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "secretary_id"));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM documents.secretary_authorisations"
                              " WHERE state = 'active'", 0, NULL), 0);
    r = h_post("/api/v1/secretary-authorisations", h_token("vmayor1"),
               df("{\"secretary_id\":%lld,\"note\":\"审核分管部门的文稿\"}", h_user_id("sec2")));
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "active");
    ck_assert_int_eq(h_int(r, "leader_id"), h_user_id("vmayor1"));
    long long auth = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(auth_notified("secretary_authorised", auth), 1);
    r = h_post("/api/v1/secretary-authorisations", h_token("vmayor1"),
               df("{\"secretary_id\":%lld}", h_user_id("sec2")));
    ck_assert(h_problem(r, 409, "secretary_authorisation.active", "R-SEC-3", NULL));
    h_free(r);
    /* Seen by the two of them and the director, not by others. */
    ck_assert(h_lists("/api/v1/secretary-authorisations?limit=200", h_token("sec2"), auth));
    ck_assert(h_lists("/api/v1/secretary-authorisations?limit=200", h_token("director"), auth));
    ck_assert(!h_lists("/api/v1/secretary-authorisations?limit=200", h_token("sec1"), auth));
    r = h_get(df("/api/v1/secretary-authorisations/%lld", auth), h_token("sec1"));
    ck_status(r, 404);
    h_free(r);
    /* The draft already waiting for the leader is now the secretary's to
     * review; another one forwarded later is too. */
    r = h_get(df("/api/v1/documents/%lld", id), h_token("sec2"));
    ck_status(r, 200);
    h_free(r);
    long long later = awaiting_signoff("district_government", "vmayor1");
    ck_assert_int_eq(notified("sec2", "document_for_your_leader", later), 1);
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("sec2"),
                "{\"body\":\"各单位：\\n秘书审核修改后的正文。\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "awaiting_signoff");
    ck_assert_int_eq(h_int(r, "body_version"), 2);
    h_free(r);
    r = h_get(df("/api/v1/documents/%lld/versions", id), h_token("sec2"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "author_id")),
                     h_user_id("sec2"));
    h_free(r);

    /* Never signs, nor sends back: R-SEC-3. */
    r = doc_act(id, "sign", "sec2", NULL);
    ck_assert(h_problem(r, 403, NULL, "R-SEC-3", NULL));
    h_free(r);
    r = doc_act(id, "send-back", "sec2", "{\"comment\":\"退回\"}");
    ck_assert(h_problem(r, 403, NULL, "R-SEC-3", NULL));
    h_free(r);
    /* Another leader's secretary does not edit it. */
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("sec1"), "{\"title\":\"改\"}");
    ck_assert(h_problem(r, 403, "document.not_editor", "R-SEC-3", NULL));
    h_free(r);
    /* The drafter cannot edit it while it awaits the leader. */
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"), "{\"title\":\"改\"}");
    ck_assert(h_problem(r, 403, "document.not_editor", "R-SEC-3", NULL));
    h_free(r);
    assert_doc_state(id, "awaiting_signoff");
    /* Only the leader revokes; from then on the secretary edits nothing. */
    r = h_post(df("/api/v1/secretary-authorisations/%lld/revoke", auth), h_token("sec2"), NULL);
    ck_assert(h_problem(r, 403, "secretary_authorisation.not_leader", "R-SEC-3", NULL));
    h_free(r);
    r = h_post(df("/api/v1/secretary-authorisations/%lld/revoke", auth), h_token("sec1"), NULL);
    ck_status(r, 404);
    h_free(r);
    r = h_post(df("/api/v1/secretary-authorisations/%lld/revoke", auth), h_token("vmayor1"),
               "{\"reason\":\"岗位调整\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "revoked");
    h_free(r);
    ck_assert_int_eq(auth_notified("secretary_authorisation_revoked", auth), 1);
    r = h_post(df("/api/v1/secretary-authorisations/%lld/revoke", auth), h_token("vmayor1"), NULL);
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
    r = h_patch(df("/api/v1/documents/%lld", later), h_token("sec2"), "{\"title\":\"改\"}");
    ck_assert(h_problem(r, 403, "document.not_editor", "R-SEC-3", NULL));
    h_free(r);
    doc_step(id, "sign", "vmayor1", NULL, "proofreading");
}
END_TEST

START_TEST(test_R_DOC_4_proofreading_sends_changes_back_and_the_revision_returns_to_it)
{
    long long id = signed_doc("government_office", "deputy2");
    /* No number before proofreading is done. */
    resp_t *r = doc_act(id, "assign-number", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, "document.not_proofread", "R-DOC-4", NULL));
    h_free(r);
    /* Only the secretariat proofreads. */
    r = doc_act(id, "request-changes", "zonghe1", "{\"comment\":\"错字\"}");
    ck_assert(h_problem(r, 403, NULL, "R-DOC-4", NULL));
    h_free(r);
    r = doc_act(id, "request-changes", "wenmi1", "{}");
    ck_assert(h_problem(r, 400, NULL, NULL, "comment"));
    h_free(r);
    doc_step(id, "request-changes", "wenmi1", "{\"comment\":\"第三行有错字\"}", "revising");
    ck_assert_int_eq(notified("zonghe1", "document_changes_requested", id), 1);
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"),
                "{\"body\":\"各单位：\\n校对后改正的正文。\"}");
    ck_status(r, 200);
    h_free(r);
    /* Back to the secretariat's proofreading, not to the leader. */
    doc_step(id, "resubmit", "zonghe1", NULL, "proofreading");
    r = doc_act(id, "assign-number", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, NULL, "R-DOC-4", NULL));
    h_free(r);
    doc_step(id, "approve-proof", "wenmi1", NULL, "proofread");
    doc_step(id, "assign-number", "wenmi1", NULL, "numbered");
    const char *p[] = {df("%lld", id)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM documents.document_versions"
                              " WHERE document_id = $1",
                              1, p),
                     2);
}
END_TEST

START_TEST(test_R_DOC_5_the_secretariat_numbers_in_sequence_per_issuer_and_year)
{
    long long a = signed_doc("government_office", "deputy2");
    doc_step(a, "approve-proof", "wenmi1", NULL, "proofread");
    resp_t *r = doc_act(a, "assign-number", "zonghe1", NULL);
    ck_assert(h_problem(r, 403, "document.secretariat_only", "R-DOC-5", NULL));
    h_free(r);
    r = doc_act(a, "assign-number", "deputy2", NULL);
    ck_assert(h_problem(r, 403, NULL, "R-DOC-5", NULL));
    h_free(r);
    assert_doc_state(a, "proofread");
    r = doc_act(a, "assign-number", "wenmi1", NULL);
    ck_status(r, 200);
    long long year = h_int(r, "doc_year"), seq = h_int(r, "doc_seq");
    ck_assert_str_eq(h_str(r, "doc_number"), df("船营府办发〔%lld〕%lld号", year, seq));
    ck_assert_int_eq(strlen(h_str(r, "signed_body_sha256")), 64);
    h_free(r);
    /* A number once given is never given again. */
    r = doc_act(a, "assign-number", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, NULL, "R-DOC-5", NULL));
    h_free(r);
    long long b = numbered_doc("government_office", "deputy2");
    r = h_get(df("/api/v1/documents/%lld", b), h_token("zonghe1"));
    ck_assert_int_eq(h_int(r, "doc_seq"), seq + 1);
    h_free(r);
    /* The district series counts on its own. */
    long long c = numbered_doc("district_government", "vmayor1");
    r = h_get(df("/api/v1/documents/%lld", c), h_token("zonghe1"));
    ck_assert(strncmp(h_str(r, "doc_number"), "船营府发〔", strlen("船营府发〔")) == 0);
    h_free(r);

    /* The series: read by anyone, changed by admins only. */
    r = h_get("/api/v1/number-series", h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 2);
    h_free(r);
    r = h_req("PUT", "/api/v1/number-series", h_token("wenmi_chief"),
              "{\"government_office\":\"营府办发\"}", NULL);
    ck_status(r, 403);
    h_free(r);
    r = h_req("PUT", "/api/v1/number-series", h_token("admin"), "{}", NULL);
    ck_status(r, 400);
    h_free(r);
    r = h_req("PUT", "/api/v1/number-series", h_token("admin"),
              "{\"government_office\":\"\"}", NULL);
    ck_assert(h_problem(r, 400, NULL, NULL, "government_office"));
    h_free(r);
    r = h_req("PUT", "/api/v1/number-series", h_token("admin"),
              "{\"government_office\":\"船营府办发\"}", NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(joint_drafts_are_co_signed_before_submission)
{
    const char *p[] = {"区教育局"};
    long long edu = h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, p);
    long long id = new_draft("zonghe1", "district_government",
                             df(",\"co_department_ids\":[%lld]", edu));
    ck_assert_int_eq(notified("edu_head", "document_to_co_sign", id), 1);
    resp_t *r = doc_act(id, "submit", "zonghe1", NULL);
    ck_assert(h_problem(r, 409, "document.co_sign_missing", NULL, NULL));
    h_free(r);
    r = doc_act(id, "co-sign", "edu_clerk", NULL);
    ck_assert(h_problem(r, 403, "document.not_co_signer", NULL, NULL));
    h_free(r);
    r = doc_act(id, "co-sign", "zonghe_chief", NULL);
    ck_assert(h_problem(r, 403, "document.not_co_signer", NULL, NULL));
    h_free(r);
    doc_step(id, "co-sign", "edu_head", NULL, "draft");
    r = doc_act(id, "co-sign", "edu_head", NULL);
    ck_assert(h_problem(r, 409, "document.already_co_signed", NULL, NULL));
    h_free(r);
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    /* Co-drafting departments must be drafting departments other than one's own. */
    const char *q[] = {"某某乡"};
    long long town = h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, q);
    r = post_draft("zonghe1", "district_government", df(",\"co_department_ids\":[%lld]", town));
    ck_assert(h_problem(r, 400, NULL, NULL, "co_department_ids"));
    h_free(r);
}
END_TEST

START_TEST(drafts_are_seen_by_their_department_the_secretariat_and_the_path_only)
{
    long long mine = new_draft("zonghe1", "government_office", "");
    long long edu = new_draft("edu_clerk", "district_government", "");
    /* A bureau's clerk never sees another department's drafts, nor the reverse. */
    resp_t *r = h_get(df("/api/v1/documents/%lld", mine), h_token("edu_clerk"));
    ck_status(r, 404);
    h_free(r);
    r = h_get(df("/api/v1/documents/%lld", edu), h_token("zonghe1"));
    ck_status(r, 404);
    h_free(r);
    ck_assert(!h_lists("/api/v1/documents?limit=200", h_token("edu_clerk"), mine));
    ck_assert(h_lists("/api/v1/documents?limit=200", h_token("edu_clerk"), edu));
    ck_assert(h_lists("/api/v1/documents?limit=200", h_token("zonghe2"), mine));
    r = doc_act(mine, "submit", "edu_clerk", NULL);
    ck_status(r, 404);
    h_free(r);
    r = h_patch(df("/api/v1/documents/%lld", mine), h_token("edu_clerk"), "{\"title\":\"x\"}");
    ck_status(r, 404);
    h_free(r);
    /* The secretariat once submitted; not a leader off the path. */
    r = h_get(df("/api/v1/documents/%lld", mine), h_token("wenmi1"));
    ck_status(r, 404);
    h_free(r);
    doc_step(mine, "submit", "zonghe1", NULL, "secretariat_review");
    r = h_get(df("/api/v1/documents/%lld", mine), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_ptr_nonnull(h_header(r, "ETag"));
    h_free(r);
    r = h_get(df("/api/v1/documents/%lld", mine), h_token("deputy3"));
    ck_status(r, 404);
    h_free(r);

    /* Secret: only the path, and every read is audited. */
    long long secret = new_draft("zonghe1", "government_office", ",\"secrecy\":\"secret\"");
    r = h_get(df("/api/v1/documents/%lld", secret), h_token("zonghe2"));
    ck_status(r, 404);
    h_free(r);
    ck_assert(!h_lists("/api/v1/documents?limit=200", h_token("zonghe2"), secret));
    long long reads = audited(secret, "read");
    r = h_get(df("/api/v1/documents/%lld", secret), h_token("zonghe1"));
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(audited(secret, "read"), reads + 1);
    doc_step(secret, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(secret, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id("deputy2")),
             "awaiting_signoff");
    r = h_get(df("/api/v1/documents/%lld", secret), h_token("deputy2"));
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(audited(secret, "read"), reads + 2);
}
END_TEST

START_TEST(drafts_refuse_bad_input_and_keep_every_version)
{
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"issuer\":\"town\",\"doc_type\":\"notice\",\"title\":\"t\",\"body\":\"b\","
         "\"main_recipients\":\"m\",\"print_count\":1}",
         "issuer"},
        {"{\"issuer\":\"government_office\",\"doc_type\":\"poem\",\"title\":\"t\",\"body\":\"b\","
         "\"main_recipients\":\"m\",\"print_count\":1}",
         "doc_type"},
        {"{\"issuer\":\"government_office\",\"doc_type\":\"notice\",\"title\":\" \","
         "\"body\":\"b\",\"main_recipients\":\"m\",\"print_count\":1}",
         "title"},
        {"{\"issuer\":\"government_office\",\"doc_type\":\"notice\",\"title\":\"t\","
         "\"body\":\"b\",\"main_recipients\":\"m\",\"print_count\":0}",
         "print_count"},
        {"{\"issuer\":\"government_office\",\"doc_type\":\"notice\",\"title\":\"t\","
         "\"body\":\"b\",\"print_count\":1}",
         "main_recipients"},
        {"{\"issuer\":\"government_office\",\"doc_type\":\"notice\",\"title\":\"t\","
         "\"body\":\"b\",\"main_recipients\":\"m\",\"print_count\":1,\"secrecy\":\"top\"}",
         "secrecy"},
        {"{\"issuer\":\"government_office\",\"doc_type\":\"notice\",\"title\":\"t\","
         "\"body\":\"b\",\"main_recipients\":\"m\",\"print_count\":1,\"extra\":1}",
         "extra"},
    };
    const char *p[] = {df("%lld", h_user_id("zonghe1"))};
    long long before = h_sql_ll("SELECT count(*) FROM documents.documents WHERE creator_id = $1",
                                1, p);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = h_post("/api/v1/documents", h_token("zonghe1"), bad[i].body);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, bad[i].field), "%s: %s", bad[i].field,
                      r->body);
        h_free(r);
    }
    /* Leaders and the admin draft nothing themselves. */
    resp_t *r = post_draft("director", "government_office", "");
    ck_assert(h_problem(r, 403, "document.not_a_drafting_department", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM documents.documents WHERE creator_id = $1", 1, p),
        before);

    long long id = new_draft("zonghe1", "government_office", "");
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"), "{}");
    ck_status(r, 400);
    h_free(r);
    const char *v1[] = {"If-Match: \"99\"", NULL};
    r = h_req("PATCH", df("/api/v1/documents/%lld", id), h_token("zonghe1"),
              "{\"title\":\"新标题\"}", v1);
    ck_status(r, 412);
    h_free(r);
    const char *ok[] = {"If-Match: \"1\"", NULL};
    r = h_req("PATCH", df("/api/v1/documents/%lld", id), h_token("zonghe2"),
              "{\"title\":\"新标题\"}", ok);
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
    r = h_patch(df("/api/v1/documents/%lld", id), h_token("zonghe1"), "{\"print_count\":5}");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "body_version"), 2);
    h_free(r);
    r = h_get(df("/api/v1/documents/%lld/versions", id), h_token("zonghe1"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "title")),
                     "新标题");
    h_free(r);
    r = h_get(df("/api/v1/documents/%lld/versions", id), h_token("edu_clerk"));
    ck_status(r, 404);
    h_free(r);
    r = h_get("/api/v1/documents?state=nope", h_token("zonghe1"));
    ck_assert(h_problem(r, 400, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/documents?q=%E6%96%B0%E6%A0%87%E9%A2%98&limit=200", h_token("zonghe1"));
    ck_status(r, 200);
    h_free(r);
    ck_assert(h_lists("/api/v1/documents?q=%E6%96%B0%E6%A0%87%E9%A2%98&limit=200",
                      h_token("zonghe1"), id));
}
END_TEST

/* The action table's rows against a stale If-Match: the sign-off refuses
 * a document past its stage before the version is looked at (the check of
 * who may act does it, and the row's from-states say the same); the number
 * looks at the version first, then refuses what is not proofread, naming
 * R-DOC-5; a refused action changes nothing. */
START_TEST(test_R_DOC_5_a_document_is_numbered_once_and_the_sign_off_only_while_it_waits)
{
    long long id = signed_doc("government_office", "deputy2");
    const char *stale[] = {"If-Match: \"99\"", NULL};
    resp_t *r = h_req("POST", df("/api/v1/documents/%lld/sign", id), h_token("deputy2"), NULL,
                      stale);
    ck_assert(h_problem(r, 409, "document.wrong_state", NULL, NULL));
    h_free(r);
    r = h_req("POST", df("/api/v1/documents/%lld/send-back", id), h_token("deputy2"),
              "{\"comment\":\"再改\"}", stale);
    ck_assert(h_problem(r, 409, "document.wrong_state", NULL, NULL));
    h_free(r);
    assert_doc_state(id, "proofreading");

    doc_step(id, "approve-proof", "wenmi1", NULL, "proofread");
    r = h_req("POST", df("/api/v1/documents/%lld/assign-number", id), h_token("wenmi1"), NULL,
              stale);
    ck_status(r, 412);
    h_free(r);
    assert_doc_state(id, "proofread");
    doc_step(id, "assign-number", "wenmi1", NULL, "numbered");
    const char *p[] = {df("%lld", id)};
    char *number = h_sql_str("SELECT doc_number FROM documents.documents WHERE id = $1", 1, p);
    ck_assert_ptr_nonnull(number);
    r = doc_act(id, "assign-number", "wenmi1", NULL);
    ck_assert(h_problem(r, 409, "document.wrong_state", "R-DOC-5", NULL));
    h_free(r);
    r = h_req("POST", df("/api/v1/documents/%lld/assign-number", id), h_token("wenmi1"), NULL,
              stale);
    ck_status(r, 412);
    h_free(r);
    char *after = h_sql_str("SELECT doc_number FROM documents.documents WHERE id = $1", 1, p);
    ck_assert_str_eq(after, number);
    ck_assert_int_eq(audited(id, "assign-number"), 1);
    free(number);
    free(after);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_outgoing");
    TCase *tc = tcase_create("outgoing");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_DOC_1_secretariat_declines_with_a_reason_and_it_is_final);
    tcase_add_test(tc,
                   test_R_DOC_5_a_document_is_numbered_once_and_the_sign_off_only_while_it_waits);
    tcase_add_test(tc, test_R_DOC_2_nothing_reaches_a_leader_before_the_secretariat_reviews_it);
    tcase_add_test(tc, test_R_DOC_2_the_secretariat_returns_a_draft_to_its_department_for_changes);
    tcase_add_test(tc,
                   test_R_DOC_3_an_office_document_is_signed_by_the_director_or_the_supervising_deputy);
    tcase_add_test(
        tc, test_R_DOC_3_a_district_document_is_signed_by_the_mayor_or_the_deputy_mayor_in_charge);
    tcase_add_test(tc, test_R_DOC_3_an_assigned_document_is_first_reviewed_by_the_supervising_deputy);
    tcase_add_test(tc, test_R_SEC_3_a_secretary_edits_the_draft_for_their_leader_but_never_signs);
    tcase_add_test(tc, test_R_DOC_4_proofreading_sends_changes_back_and_the_revision_returns_to_it);
    tcase_add_test(tc, test_R_DOC_5_the_secretariat_numbers_in_sequence_per_issuer_and_year);
    tcase_add_test(tc, joint_drafts_are_co_signed_before_submission);
    tcase_add_test(tc, drafts_are_seen_by_their_department_the_secretariat_and_the_path_only);
    tcase_add_test(tc, drafts_refuse_bad_input_and_keep_every_version);
    suite_add_tcase(s, tc);
    return h_run(s);
}
