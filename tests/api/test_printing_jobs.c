/* Print jobs: where a job runs (R-PRN-1), who must sign it (R-PRN-2,
 * R-PRN-3, R-PRN-4), that no secretary signs (R-SEC-3), who sees and acts
 * on it, and every refusal leaving nothing changed. */
#include "test_printing_fixtures.h"

START_TEST(test_R_PRN_1_ordinary_material_on_own_printer_else_the_designated_section)
{
    long long zonghe = dept_id("综合科"), wenmi = dept_id("文秘科");
    /* 综合科 has a printer: its printing and typing run there. */
    resp_t *r = post_job("zonghe1", "print", 3, 2, NULL);
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "operator_department_id"), zonghe);
    ck_assert_int_eq(h_int(r, "department_id"), zonghe);
    ck_assert_int_eq(h_int(r, "sheets"), 6);
    ck_assert_str_eq(h_str(r, "state"), "ready");
    ck_assert_str_eq(step_rules(r), "");
    long long id = h_int(r, "id");
    h_free(r);
    /* Its own people run it: nobody else is asked. */
    ck_assert_int_eq(notes("zonghe2", "print_job_to_run", "print_job", id), 0);
    ck_assert_int_eq(notes("wenmi1", "print_job_to_run", "print_job", id), 0);
    ck_assert_int_eq(audits("print_job", id, "create"), 1);

    r = post_job("zonghe1", "typing", 4, 1, NULL);
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "operator_department_id"), zonghe);
    h_free(r);

    /* 信息科 has none: it prints at the designated section, 文秘科. */
    r = post_job("xinxi1", "print", 2, 3, NULL);
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "operator_department_id"), wenmi);
    id = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(notes("wenmi1", "print_job_to_run", "print_job", id), 1);

    /* Copying is done in the copy room, at the designated section. */
    r = post_job("zonghe1", "copy", 2, 2, NULL);
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "operator_department_id"), wenmi);
    h_free(r);

    /* Both sides of a sheet: five pages take three sheets a copy. */
    r = post_job("zonghe1", "print", 5, 2, ",\"duplex\":true");
    ck_status(r, 201);
    ck_assert_int_eq(h_int(r, "sheets"), 6);
    ck_assert(json_is_true(json_object_get(r->json, "duplex")));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_2_print_shop_job_needs_the_deputy_for_government_affairs)
{
    resp_t *r = post_job("zonghe1", "print_shop", 10, 10, NULL);
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "R-PRN-2");
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_str_eq(h_str(r, "cost_charged_to"), "office");
    json_t *step = json_array_get(json_object_get(r->json, "required_approvals"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(step, "role")), "gov_affairs_deputy");
    json_t *ids = json_object_get(step, "approver_ids");
    ck_assert_int_eq(json_array_size(ids), 1);
    ck_assert(array_has(ids, h_user_id("deputy_gov")));
    long long id = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(notes("deputy_gov", "print_job_to_approve", "print_job", id), 1);

    const char *others[] = {"deputy2", "director", "zonghe_chief"};
    for (int i = 0; i < 3; i++) {
        r = job_act(id, "approve", others[i], NULL);
        ck_assert_msg(h_problem(r, 403, "print_job.approver_mismatch", "R-PRN-2", NULL), "%s: %s",
                      others[i], r->body);
        h_free(r);
    }
    assert_job_state(id, "pending");
    ck_assert_int_eq(audits("print_job", id, "approve"), 0);

    r = job_act(id, "approve", "deputy_gov", "{\"comment\":\"同意\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "ready");
    step = json_array_get(json_object_get(r->json, "required_approvals"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(step, "decision")), "approved");
    ck_assert_int_eq(json_integer_value(json_object_get(step, "decided_by")),
                     h_user_id("deputy_gov"));
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "print_job_approved", "print_job", id), 1);
    ck_assert_int_eq(audits("print_job", id, "approve"), 1);
}
END_TEST

START_TEST(test_R_PRN_2_without_the_signature_the_cost_is_charged_to_the_requester)
{
    resp_t *r = post_job("zonghe1", "print_shop", 4, 50, ",\"self_funded\":true");
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "");
    ck_assert_str_eq(h_str(r, "cost_charged_to"), "requester");
    ck_assert_str_eq(h_str(r, "state"), "ready");
    long long id = h_int(r, "id");
    h_free(r);
    /* The print shop's bill is recorded at completion, on the requester. */
    r = job_act(id, "complete", "wenmi1",
                "{\"actual_pages\":4,\"actual_copies\":50,\"cost_fen\":12050}");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "cost_fen"), 12050);
    ck_assert_str_eq(h_str(r, "cost_charged_to"), "requester");
    h_free(r);

    /* Only a print-shop job is paid by its requester or has a cost. */
    r = post_job("zonghe1", "copy", 4, 5, ",\"self_funded\":true");
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "self_funded"), "%s", r->body);
    h_free(r);
    id = new_job("zonghe1", "copy", 1, 1, NULL);
    r = job_act(id, "complete", "wenmi1",
                "{\"actual_pages\":1,\"actual_copies\":1,\"cost_fen\":100}");
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "cost_fen"), "%s", r->body);
    h_free(r);
    assert_job_state(id, "ready");
}
END_TEST

START_TEST(test_R_PRN_3_large_job_needs_the_director_or_the_supervising_deputy)
{
    long long t = large_threshold();
    ck_assert_int_gt(t, 1);
    /* Exactly the threshold is not over it. */
    resp_t *r = post_job("zonghe1", "copy", 1, (int)t, NULL);
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "");
    ck_assert(json_is_false(json_object_get(r->json, "is_large")));
    h_free(r);

    const char *signers[] = {"director", "deputy2"};
    for (int i = 0; i < 2; i++) {
        r = post_job("zonghe1", "copy", 1, (int)t + 1, NULL);
        ck_status(r, 201);
        ck_assert_str_eq(step_rules(r), "R-PRN-3");
        ck_assert(json_is_true(json_object_get(r->json, "is_large")));
        json_t *ids = json_object_get(
            json_array_get(json_object_get(r->json, "required_approvals"), 0), "approver_ids");
        ck_assert(array_has(ids, h_user_id("director")));
        ck_assert(array_has(ids, h_user_id("deputy2")));
        ck_assert(!array_has(ids, h_user_id("deputy_gov")));
        long long id = h_int(r, "id");
        h_free(r);
        ck_assert_int_eq(notes("deputy2", "print_job_to_approve", "print_job", id), 1);

        /* Not the deputy who supervises another section, nor the chief. */
        const char *others[] = {"deputy_gov", "deputy3", "zonghe_chief"};
        for (int k = 0; k < 3; k++) {
            r = job_act(id, "approve", others[k], NULL);
            ck_assert_msg(h_problem(r, 403, "print_job.approver_mismatch", "R-PRN-3", NULL),
                          "%s: %s", others[k], r->body);
            h_free(r);
        }
        assert_job_state(id, "pending");
        job_act_ok(id, "approve", signers[i], NULL);
        assert_job_state(id, "ready");
        /* A copy runs in the copy room: its staff are told. */
        ck_assert_int_eq(notes("wenmi1", "print_job_to_run", "print_job", id), 1);
        ck_assert_int_eq(notes("zonghe1", "print_job_approved", "print_job", id), 1);
    }
}
END_TEST

START_TEST(test_R_PRN_3_a_signer_asking_signs_his_own_large_job)
{
    long long t = large_threshold();
    resp_t *r = post_job("director", "copy", 1, (int)t + 10, NULL);
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "R-PRN-3");
    ck_assert_str_eq(h_str(r, "state"), "ready");
    json_t *step = json_array_get(json_object_get(r->json, "required_approvals"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(step, "decided_by")),
                     h_user_id("director"));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_4_work_for_another_department_needs_the_director_first)
{
    long long xinxi = dept_id("信息科");
    resp_t *r = post_job("zonghe1", "typing", 3, 2, pf(",\"for_unit_id\":%lld", xinxi));
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "R-PRN-4");
    ck_assert_int_eq(h_int(r, "for_unit_id"), xinxi);
    json_t *ids = json_object_get(
        json_array_get(json_object_get(r->json, "required_approvals"), 0), "approver_ids");
    ck_assert_int_eq(json_array_size(ids), 1);
    ck_assert(array_has(ids, h_user_id("director")));
    long long id = h_int(r, "id");
    h_free(r);

    /* Not accepted before the director agrees: nobody can complete it. */
    r = job_act(id, "complete", "zonghe2", "{\"actual_pages\":3,\"actual_copies\":2}");
    ck_assert_msg(h_problem(r, 409, "print_job.wrong_state", NULL, NULL), "%s", r->body);
    h_free(r);
    r = job_act(id, "approve", "deputy2", NULL);
    ck_assert_msg(h_problem(r, 403, "print_job.approver_mismatch", "R-PRN-4", NULL), "%s",
                  r->body);
    h_free(r);
    assert_job_state(id, "pending");
    job_act_ok(id, "approve", "director", NULL);
    job_act_ok(id, "complete", "zonghe2", "{\"actual_pages\":3,\"actual_copies\":2}");
    assert_job_state(id, "completed");

    /* A request from an external unit is another department's by itself. */
    r = post_job("town1_clerk", "copy", 2, 5, NULL);
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "R-PRN-4");
    ck_assert_int_eq(h_int(r, "operator_department_id"), dept_id("文秘科"));
    h_free(r);

    /* Its own department is not another one. */
    r = post_job("zonghe1", "copy", 2, 5, pf(",\"for_unit_id\":%lld", dept_id("综合科")));
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "");
    h_free(r);

    r = post_job("zonghe1", "copy", 2, 5, ",\"for_unit_id\":999999999");
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "for_unit_id"), "%s", r->body);
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_2_R_PRN_3_R_PRN_4_signatures_in_order)
{
    long long t = large_threshold();
    /* A large print-shop job: the deputy for government affairs, then the
     * director or the supervising deputy. */
    resp_t *r = post_job("zonghe1", "print_shop", 1, (int)t + 1, NULL);
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "R-PRN-2,R-PRN-3");
    long long id = h_int(r, "id");
    h_free(r);
    r = job_act(id, "approve", "deputy2", NULL);
    ck_assert_msg(h_problem(r, 403, "print_job.approver_mismatch", "R-PRN-2", NULL), "%s",
                  r->body);
    h_free(r);
    job_act_ok(id, "approve", "deputy_gov", NULL);
    assert_job_state(id, "pending");
    ck_assert_int_eq(notes("deputy2", "print_job_to_approve", "print_job", id), 1);
    job_act_ok(id, "approve", "deputy2", NULL);
    assert_job_state(id, "ready");

    /* A large copy for another department: the director signs both at once. */
    r = post_job("zonghe1", "copy", 1, (int)t + 1,
                 pf(",\"for_unit_id\":%lld", dept_id("信息科")));
    ck_status(r, 201);
    ck_assert_str_eq(step_rules(r), "R-PRN-3,R-PRN-4");
    id = h_int(r, "id");
    h_free(r);
    r = job_act(id, "approve", "director", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "ready");
    h_free(r);
}
END_TEST

START_TEST(test_R_SEC_3_a_secretary_neither_approves_nor_rejects_a_print_job)
{
    long long id = new_job("zonghe1", "print_shop", 2, 2, NULL);
    const char *verbs[] = {"approve", "reject"};
    for (int i = 0; i < 2; i++) {
        resp_t *r = job_act(id, verbs[i], "sec1", NULL);
        ck_assert_msg(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL), "%s",
                      r->body);
        h_free(r);
    }
    assert_job_state(id, "pending");
}
END_TEST

START_TEST(reject_ends_the_job_and_tells_the_requester)
{
    long long id = new_job("zonghe1", "print_shop", 2, 2, NULL);
    resp_t *r = job_act(id, "reject", "deputy2", NULL);
    ck_assert_msg(h_problem(r, 403, "print_job.approver_mismatch", "R-PRN-2", NULL), "%s",
                  r->body);
    h_free(r);
    r = job_act(id, "reject", "deputy_gov", "{\"comment\":\"请自行承担费用\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "rejected");
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "print_job_rejected", "print_job", id), 1);
    r = job_act(id, "approve", "deputy_gov", NULL);
    ck_assert_msg(h_problem(r, 409, "print_job.wrong_state", NULL, NULL), "%s", r->body);
    h_free(r);
}
END_TEST

START_TEST(only_the_requester_cancels_an_open_job)
{
    long long id = new_job("zonghe1", "print_shop", 2, 2, NULL);
    resp_t *r = job_act(id, "cancel", "zonghe2", NULL);
    ck_status(r, 403);
    h_free(r);
    assert_job_state(id, "pending");
    job_act_ok(id, "cancel", "zonghe1", NULL);
    assert_job_state(id, "cancelled");
    ck_assert_int_eq(notes("deputy_gov", "print_job_cancelled", "print_job", id), 1);
    r = job_act(id, "cancel", "zonghe1", NULL);
    ck_assert_msg(h_problem(r, 409, "print_job.wrong_state", NULL, NULL), "%s", r->body);
    h_free(r);
    ck_assert_int_eq(audits("print_job", id, "cancel"), 1);
}
END_TEST

START_TEST(a_job_is_seen_by_its_department_operators_signers_and_leaders_only)
{
    long long id = new_job("zonghe1", "print", 2, 2, NULL); /* runs at 综合科 */
    const char *see[] = {"zonghe1", "zonghe2", "zonghe_chief", "director", "deputy3", "admin"};
    for (int i = 0; i < 6; i++) {
        resp_t *r = h_get(pf("/api/v1/print-jobs/%lld", id), h_token(see[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", see[i], r->status);
        h_free(r);
    }
    const char *not_see[] = {"xinxi1", "wenmi1", "town1_clerk", "mayor"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = h_get(pf("/api/v1/print-jobs/%lld", id), h_token(not_see[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %s", not_see[i], r->body);
        h_free(r);
        ck_assert(!h_lists("/api/v1/print-jobs?limit=200", h_token(not_see[i]), id));
        r = job_act(id, "cancel", not_see[i], NULL);
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %s", not_see[i], r->body);
        h_free(r);
    }
    /* A copy runs at 文秘科, whose staff see it. */
    long long copy = new_job("zonghe1", "copy", 2, 2, NULL);
    resp_t *r = h_get(pf("/api/v1/print-jobs/%lld", copy), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_ptr_nonnull(h_header(r, "ETag"));
    h_free(r);
    ck_assert(h_lists("/api/v1/print-jobs?to_run=true&limit=200", h_token("wenmi1"), copy));
    ck_assert(!h_lists("/api/v1/print-jobs?to_run=true&limit=200", h_token("zonghe2"), copy));

    /* The signer sees what waits for him. */
    long long shop = new_job("zonghe1", "print_shop", 2, 2, NULL);
    ck_assert(h_lists("/api/v1/print-jobs?to_approve=true&limit=200", h_token("deputy_gov"), shop));
    ck_assert(!h_lists("/api/v1/print-jobs?to_approve=true&limit=200", h_token("director"), shop));
    ck_assert(h_lists("/api/v1/print-jobs?mine=true&state=pending&limit=200", h_token("zonghe1"),
                      shop));
    ck_assert(!h_lists("/api/v1/print-jobs?mine=true&limit=200", h_token("zonghe2"), shop));

    r = h_get("/api/v1/print-jobs/999999999", h_token("director"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(job_if_match_mismatch_is_412_and_changes_nothing)
{
    long long id = new_job("zonghe1", "print_shop", 2, 2, NULL);
    const char *hdr[] = {"If-Match: \"7\"", NULL};
    resp_t *r = h_req("POST", pf("/api/v1/print-jobs/%lld/approve", id), h_token("deputy_gov"),
                      NULL, hdr);
    ck_assert_msg(h_problem(r, 412, NULL, NULL, NULL), "%s", r->body);
    h_free(r);
    assert_job_state(id, "pending");
    const char *ok[] = {"If-Match: \"1\"", NULL};
    r = h_req("POST", pf("/api/v1/print-jobs/%lld/approve", id), h_token("deputy_gov"), NULL, ok);
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
}
END_TEST

START_TEST(job_bad_input_is_400_naming_the_field)
{
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"kind\":\"fax\",\"title\":\"a\",\"pages\":1,\"copies\":1}", "kind"},
        {"{\"title\":\"a\",\"pages\":1,\"copies\":1}", "kind"},
        {"{\"kind\":\"copy\",\"title\":\"  \",\"pages\":1,\"copies\":1}", "title"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":0,\"copies\":1}", "pages"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1}", "copies"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":100001}", "copies"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":\"1\",\"copies\":1}", "pages"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":100000,\"copies\":100000}", "copies"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":1,\"duplex\":1}", "duplex"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":1,\"for_unit_id\":0}",
         "for_unit_id"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":1,\"document_id\":-3}",
         "document_id"},
        {"{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":1,\"colour\":true}", "colour"},
    };
    long long before = h_sql_ll("SELECT count(*) FROM printing.print_jobs", 0, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/print-jobs", h_token("zonghe1"), cases[i].body);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, cases[i].field), "%s: %s", cases[i].body,
                      r->body);
        h_free(r);
    }
    resp_t *r = h_post("/api/v1/print-jobs", h_token("zonghe1"), "{\"kind\":");
    ck_assert(h_problem(r, 400, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM printing.print_jobs", 0, NULL), before);

    /* Somebody of no department asks for nothing. */
    r = h_post("/api/v1/print-jobs", h_token("admin"),
               "{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":1}");
    ck_assert_msg(h_problem(r, 403, "print_job.no_department", NULL, NULL), "%s", r->body);
    h_free(r);
    r = h_post("/api/v1/print-jobs", NULL,
               "{\"kind\":\"copy\",\"title\":\"a\",\"pages\":1,\"copies\":1}");
    ck_status(r, 401);
    h_free(r);

    const char *queries[] = {"state=lost", "kind=fax", "to_approve=maybe", "department_id=x",
                             "limit=0", "cursor=zz"};
    for (int i = 0; i < 6; i++) {
        r = h_get(pf("/api/v1/print-jobs?%s", queries[i]), h_token("zonghe1"));
        ck_assert_msg(r->status == 400, "%s: %ld", queries[i], r->status);
        h_free(r);
    }
    long long id = new_job("zonghe1", "copy", 1, 1, NULL);
    const char *bad[] = {"{\"actual_pages\":0,\"actual_copies\":1}", "{\"actual_copies\":1}",
                         "{\"actual_pages\":1,\"actual_copies\":1,\"extra\":1}"};
    for (int i = 0; i < 3; i++) {
        r = job_act(id, "complete", "wenmi1", bad[i]);
        ck_assert_msg(r->status == 400, "%s: %s", bad[i], r->body);
        h_free(r);
    }
    assert_job_state(id, "ready");
}
END_TEST

START_TEST(job_create_is_idempotent_with_a_key)
{
    const char *key = pf("Idempotency-Key: %s", unique("job"));
    const char *hdr[] = {key, NULL};
    const char *body = "{\"kind\":\"copy\",\"title\":\"会议材料\",\"pages\":2,\"copies\":3}";
    resp_t *a = h_req("POST", "/api/v1/print-jobs", h_token("zonghe1"), body, hdr);
    resp_t *b = h_req("POST", "/api/v1/print-jobs", h_token("zonghe1"), body, hdr);
    ck_status(a, 201);
    ck_status(b, 201);
    ck_assert_int_eq(h_int(a, "id"), h_int(b, "id"));
    h_free(a);
    h_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("printing_jobs");
    TCase *tc = tcase_create("jobs");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_PRN_1_ordinary_material_on_own_printer_else_the_designated_section);
    tcase_add_test(tc, test_R_PRN_2_print_shop_job_needs_the_deputy_for_government_affairs);
    tcase_add_test(tc, test_R_PRN_2_without_the_signature_the_cost_is_charged_to_the_requester);
    tcase_add_test(tc, test_R_PRN_3_large_job_needs_the_director_or_the_supervising_deputy);
    tcase_add_test(tc, test_R_PRN_3_a_signer_asking_signs_his_own_large_job);
    tcase_add_test(tc, test_R_PRN_4_work_for_another_department_needs_the_director_first);
    tcase_add_test(tc, test_R_PRN_2_R_PRN_3_R_PRN_4_signatures_in_order);
    tcase_add_test(tc, test_R_SEC_3_a_secretary_neither_approves_nor_rejects_a_print_job);
    tcase_add_test(tc, reject_ends_the_job_and_tells_the_requester);
    tcase_add_test(tc, only_the_requester_cancels_an_open_job);
    tcase_add_test(tc, a_job_is_seen_by_its_department_operators_signers_and_leaders_only);
    tcase_add_test(tc, job_if_match_mismatch_is_412_and_changes_nothing);
    tcase_add_test(tc, job_bad_input_is_400_naming_the_field);
    tcase_add_test(tc, job_create_is_idempotent_with_a_key);
    suite_add_tcase(s, tc);
    return h_run(s);
}
