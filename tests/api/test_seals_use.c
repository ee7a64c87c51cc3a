/* Seal use: who approves (R-SEAL-2), the custodian apart from approving and
 * alone stamping (R-SEAL-1), review, stamp or refusal (R-SEAL-3), no
 * secretary decides (R-SEC-3), and every refusal leaving nothing changed. */
#include "test_seals_fixtures.h"

static const char *const matters[] = {"general", "finance", "personnel", "state_assets"};

/* One approval attempt on a fresh request: `who` approves a request that
 * zonghe1 made; answers whether it was accepted, and checks a refusal's
 * status, code and rule and that it changed nothing. */
static bool try_approval(long long seal, const char *matter, const char *who, int status,
                         const char *code, const char *rule)
{
    long long id = new_request("zonghe1", seal, matter, 2);
    resp_t *r = request_act(id, "approve", who, NULL);
    bool ok = r->status == 200;
    if (status == 200) {
        ck_assert_msg(ok, "%s approving %s: %s", who, matter, r->body);
        ck_assert_str_eq(h_str(r, "state"), "approved");
        ck_assert_int_eq(h_int(r, "approved_by"), h_user_id(who));
        assert_request_state(id, "approved");
        ck_assert_int_eq(audits("seal_request", id, "approve"), 1);
    } else {
        ck_assert_msg(h_problem(r, status, code, rule, NULL), "%s approving %s: %s", who, matter,
                      r->body);
        assert_request_state(id, "pending");
        ck_assert_int_eq(audits("seal_request", id, "approve"), 0);
    }
    h_free(r);
    return ok;
}

START_TEST(test_R_SEAL_2_district_seal_general_matter_by_each_approver)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    try_approval(seal, "general", "mayor", 200, NULL, NULL);
    try_approval(seal, "general", "vmayor1", 200, NULL, NULL);
    try_approval(seal, "general", "vmayor2", 200, NULL, NULL);
    try_approval(seal, "general", "director", 403, "seal.approver_mismatch", "R-SEAL-2");
    try_approval(seal, "general", "deputy2", 403, "seal.approver_mismatch", "R-SEAL-2");
    /* The clerk who asked sees the request but cannot approve it. */
    try_approval(seal, "general", "zonghe1", 403, "seal.approver_mismatch", "R-SEAL-2");
    /* Another clerk does not even see it. */
    try_approval(seal, "general", "zonghe2", 404, NULL, NULL);
}
END_TEST

START_TEST(test_R_SEAL_2_district_seal_major_matters_need_the_mayor_alone)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    for (int m = 1; m < 4; m++) {
        try_approval(seal, matters[m], "mayor", 200, NULL, NULL);
        try_approval(seal, matters[m], "vmayor1", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "director", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "deputy_gov", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "zonghe1", 403, "seal.approver_mismatch", "R-SEAL-2");
    }
}
END_TEST

START_TEST(test_R_SEAL_2_office_seal_needs_the_director_for_every_matter)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    for (int m = 0; m < 4; m++) {
        try_approval(seal, matters[m], "director", 200, NULL, NULL);
        try_approval(seal, matters[m], "mayor", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "vmayor2", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "deputy2", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "zonghe1", 403, "seal.approver_mismatch", "R-SEAL-2");
    }
}
END_TEST

START_TEST(test_R_SEAL_2_other_seal_needs_its_configured_approvers)
{
    long long seal = new_seal("other", "custodian",
                              sf("[%lld,%lld]", h_user_id("deputy3"), h_user_id("wenmi_chief")));
    for (int m = 0; m < 4; m++) {
        try_approval(seal, matters[m], "deputy3", 200, NULL, NULL);
        try_approval(seal, matters[m], "wenmi_chief", 200, NULL, NULL);
        try_approval(seal, matters[m], "mayor", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "vmayor1", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "director", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "deputy2", 403, "seal.approver_mismatch", "R-SEAL-2");
        try_approval(seal, matters[m], "zonghe1", 403, "seal.approver_mismatch", "R-SEAL-2");
    }
}
END_TEST

START_TEST(test_R_SEAL_2_required_approver_shown_and_notified_then_custodian)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    resp_t *r = post_request("zonghe1", seal, "finance", 3, unique("船营府发"));
    ck_status(r, 201);
    long long fin = h_int(r, "id");
    json_t *req = json_object_get(r->json, "required_approval");
    ck_assert_str_eq(json_string_value(json_object_get(req, "rule")), "R-SEAL-2");
    ck_assert_str_eq(json_string_value(json_object_get(req, "role")), "district_mayor");
    json_t *ids = json_object_get(req, "approver_ids");
    ck_assert_int_eq(json_array_size(ids), 1);
    ck_assert(array_has(ids, h_user_id("mayor")));
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "copies"), 3);
    ck_assert_int_eq(h_int(r, "requester_id"), h_user_id("zonghe1"));
    h_free(r);

    long long gen = new_request("zonghe1", seal, "general", 1);
    r = h_get(sf("/api/v1/seal-requests/%lld", gen), h_token("zonghe1"));
    ck_status(r, 200);
    req = json_object_get(r->json, "required_approval");
    ck_assert_str_eq(json_string_value(json_object_get(req, "role")), "district_leader");
    ids = json_object_get(req, "approver_ids");
    ck_assert_int_eq(json_array_size(ids), 3);
    ck_assert(array_has(ids, h_user_id("mayor")) && array_has(ids, h_user_id("vmayor1")) &&
              array_has(ids, h_user_id("vmayor2")));
    h_free(r);

    /* The approver is notified first; the custodian only after approval. */
    ck_assert_int_eq(notes("mayor", "seal_request_to_approve", "seal_request", fin), 1);
    ck_assert_int_eq(notes("vmayor1", "seal_request_to_approve", "seal_request", fin), 0);
    ck_assert_int_eq(notes("vmayor1", "seal_request_to_approve", "seal_request", gen), 1);
    ck_assert_int_eq(notes("custodian", "seal_request_to_stamp", "seal_request", fin), 0);
    ck_assert_int_eq(audits("seal_request", fin, "create"), 1);

    r = h_get("/api/v1/seal-requests?to_approve=true&limit=200", h_token("mayor"));
    ck_status(r, 200);
    bool listed = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e) listed =
        listed || json_integer_value(json_object_get(e, "id")) == fin;
    ck_assert(listed);
    h_free(r);

    r = request_act(fin, "approve", "mayor", "{\"comment\":\"同意用印\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "decision_comment"), "同意用印");
    h_free(r);
    ck_assert_int_eq(notes("custodian", "seal_request_to_stamp", "seal_request", fin), 1);
    ck_assert_int_eq(notes("zonghe1", "seal_request_approved", "seal_request", fin), 1);

    r = h_get("/api/v1/seal-requests?to_stamp=true&state=approved&limit=200",
              h_token("custodian"));
    ck_status(r, 200);
    listed = false;
    json_array_foreach(json_object_get(r->json, "items"), i, e) listed =
        listed || json_integer_value(json_object_get(e, "id")) == fin;
    ck_assert(listed);
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_1_custodian_cannot_approve_uses_of_own_seal)
{
    /* A deputy mayor who keeps a district seal may approve others' seals,
     * never this one. */
    long long seal = new_seal("district_government", "vmayor2", NULL);
    long long id = new_request("zonghe1", seal, "general", 1);
    resp_t *r = h_get(sf("/api/v1/seal-requests/%lld", id), h_token("zonghe1"));
    json_t *ids = json_object_get(json_object_get(r->json, "required_approval"), "approver_ids");
    ck_assert(!array_has(ids, h_user_id("vmayor2")));
    ck_assert(array_has(ids, h_user_id("vmayor1")));
    h_free(r);
    ck_assert_int_eq(notes("vmayor2", "seal_request_to_approve", "seal_request", id), 0);

    r = request_act(id, "approve", "vmayor2", NULL);
    ck_assert(h_problem(r, 403, "seal.custodian_cannot_approve", "R-SEAL-1", NULL));
    h_free(r);
    r = request_act(id, "reject", "vmayor2", NULL);
    ck_assert(h_problem(r, 403, "seal.custodian_cannot_approve", "R-SEAL-1", NULL));
    h_free(r);
    assert_request_state(id, "pending");
    r = request_act(id, "approve", "vmayor1", NULL);
    ck_status(r, 200);
    h_free(r);
    r = request_act(id, "stamp", "vmayor2", "{\"count\":1}");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "stamped_by"), h_user_id("vmayor2"));
    h_free(r);
}
END_TEST

START_TEST(test_R_SEC_3_secretary_cannot_approve_or_reject_a_seal_use)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    long long id = new_request("zonghe1", seal, "general", 1);
    const char *secs[] = {"sec1", "sec2"};
    for (int i = 0; i < 2; i++) {
        resp_t *r = request_act(id, "approve", secs[i], NULL);
        ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
        h_free(r);
        r = request_act(id, "reject", secs[i], NULL);
        ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
        h_free(r);
    }
    assert_request_state(id, "pending");
    ck_assert_int_eq(audits("seal_request", id, "approve"), 0);
}
END_TEST

typedef struct approval_try {
    long long id;
    long status;
} approval_try;

static void *approve_once(void *arg)
{
    approval_try *t = arg;
    resp_t *r = h_post(sf("/api/v1/seal-requests/%lld/approve", t->id), h_token("vmayor1"),
                       NULL);
    t->status = r->status;
    h_free(r);
    return NULL;
}

START_TEST(test_R_SEAL_2_fifty_concurrent_approvals_exactly_one_succeeds)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    long long id = new_request("zonghe1", seal, "general", 5);
    h_token("vmayor1");
    approval_try tries[50];
    void *args[50];
    for (int i = 0; i < 50; i++) {
        tries[i] = (approval_try){id, 0};
        args[i] = &tries[i];
    }
    run_concurrently(50, approve_once, args);
    int ok = 0, conflict = 0;
    char others[200] = "";
    for (int i = 0; i < 50; i++) {
        ok += tries[i].status == 200;
        conflict += tries[i].status == 409;
        if (tries[i].status != 200 && tries[i].status != 409)
            snprintf(others + strlen(others), sizeof others - strlen(others), " %ld",
                     (long)tries[i].status);
    }
    ck_assert_msg(ok == 1 && conflict == 49, "%d answered 200, %d answered 409, others:%s", ok,
                  conflict, others);
    assert_request_state(id, "approved");
    ck_assert_int_eq(audits("seal_request", id, "approve"), 1);
    ck_assert_int_eq(notes("custodian", "seal_request_to_stamp", "seal_request", id), 1);
    const char *p[] = {id_text(id)};
    ck_assert_int_eq(h_sql_ll("SELECT version FROM seals.seal_requests WHERE id = $1", 1, p), 2);
}
END_TEST

START_TEST(test_R_SEAL_3_custodian_stamps_the_real_number_of_impressions)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_request("zonghe1", seal, "general", 5);
    resp_t *r = request_act(id, "approve", "director", "{\"comment\":\"同意\"}");
    ck_status(r, 200);
    h_free(r);
    r = request_act(id, "stamp", "custodian", "{\"count\":3,\"comment\":\"已审阅\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "stamped");
    ck_assert_int_eq(h_int(r, "stamped_count"), 3);
    ck_assert_int_eq(h_int(r, "stamped_by"), h_user_id("custodian"));
    ck_assert_str_eq(h_str(r, "stamp_note"), "已审阅");
    ck_assert_str_eq(h_str(r, "decision_comment"), "同意");
    ck_assert_int_gt(h_int(r, "usage_id"), 0);
    long long usage = h_int(r, "usage_id");
    h_free(r);
    ck_assert_int_eq(usages_of_request(id), 1);
    const char *p[] = {id_text(id)};
    ck_assert_int_eq(
        h_sql_ll("SELECT count FROM seals.seal_usages WHERE request_id = $1", 1, p), 3);
    ck_assert_int_eq(notes("zonghe1", "seal_request_stamped", "seal_request", id), 1);
    ck_assert_int_eq(audits("seal_request", id, "stamp"), 1);
    ck_assert_int_eq(audits("seal_usage", usage, "create"), 1);

    /* Stamped once only; the refusal names the rule of the stamp's action. */
    r = request_act(id, "stamp", "custodian", "{\"count\":1}");
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", NULL, NULL));
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", "R-SEAL-3", NULL));
    h_free(r);
    r = request_act(id, "refuse", "custodian", "{\"reason\":\"x\"}");
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(usages_of_request(id), 1);
}
END_TEST

START_TEST(test_R_SEAL_3_never_more_impressions_than_approved)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = approved_request("zonghe1", seal, "general", 2, "director");
    resp_t *r = request_act(id, "stamp", "custodian", "{\"count\":3}");
    ck_assert(h_problem(r, 422, "seal.count_exceeds_approval", "R-SEAL-3", "count"));
    h_free(r);
    assert_request_state(id, "approved");
    ck_assert_int_eq(usages_of_request(id), 0);
    r = request_act(id, "stamp", "custodian", "{\"count\":2}");
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_1_only_the_custodian_stamps)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = approved_request("zonghe1", seal, "general", 2, "director");
    const char *others[] = {"zonghe1", "director", "admin", "deputy_gov"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = request_act(id, "stamp", others[i], "{\"count\":1}");
        ck_assert_msg(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL), "%s: %s",
                      others[i], r->body);
        h_free(r);
        r = request_act(id, "refuse", others[i], "{\"reason\":\"不同意\"}");
        ck_assert_msg(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL), "%s: %s",
                      others[i], r->body);
        h_free(r);
    }
    /* A clerk who is not involved does not see it at all. */
    resp_t *r = request_act(id, "stamp", "xinxi1", "{\"count\":1}");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    assert_request_state(id, "approved");
    ck_assert_int_eq(usages_of_request(id), 0);
}
END_TEST

START_TEST(test_R_SEAL_1_former_custodian_cannot_stamp_after_handover)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    long long id = approved_request("zonghe1", seal, "general", 4, "director");
    ck_assert_int_eq(notes("wenmi1", "seal_request_to_stamp", "seal_request", id), 1);

    resp_t *r = h_post(sf("/api/v1/seals/%lld/handovers", seal), h_token("wenmi1"),
                       sf("{\"to_user_id\":%lld,\"note\":\"调岗交接\"}", h_user_id("wenmi_chief")));
    ck_status(r, 201);
    long long h = h_int(r, "id");
    h_free(r);
    /* Until the receiver confirms, the seal's requests are not even the
     * receiver's to see, let alone stamp. */
    r = request_act(id, "stamp", "wenmi_chief", "{\"count\":1}");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_post(sf("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(notes("wenmi_chief", "seal_work_waiting", "seal", seal), 1);

    r = request_act(id, "stamp", "wenmi1", "{\"count\":1}");
    ck_assert(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL));
    h_free(r);
    assert_request_state(id, "approved");
    ck_assert_int_eq(usages_of_request(id), 0);

    r = request_act(id, "stamp", "wenmi_chief", "{\"count\":4}");
    ck_status(r, 200);
    h_free(r);
    const char *p[] = {id_text(id)};
    ck_assert_int_eq(h_sql_ll("SELECT stamper_id FROM seals.seal_usages WHERE request_id = $1",
                              1, p),
                     h_user_id("wenmi_chief"));
}
END_TEST

START_TEST(test_R_SEAL_3_custodian_refuses_with_a_reason)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = approved_request("zonghe1", seal, "general", 2, "director");
    resp_t *r = request_act(id, "refuse", "custodian", NULL);
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "reason"));
    h_free(r);
    r = request_act(id, "refuse", "custodian", "{\"reason\":\"   \"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "reason"));
    h_free(r);
    assert_request_state(id, "approved");

    r = request_act(id, "refuse", "custodian", "{\"reason\":\"文书内容与批准事项不符\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "refused");
    ck_assert_str_eq(h_str(r, "refuse_reason"), "文书内容与批准事项不符");
    ck_assert_int_eq(h_int(r, "refused_by"), h_user_id("custodian"));
    h_free(r);
    ck_assert_int_eq(usages_of_request(id), 0);
    ck_assert_int_eq(notes("zonghe1", "seal_request_refused", "seal_request", id), 1);
    ck_assert_int_eq(notes("director", "seal_request_refused", "seal_request", id), 1);
    ck_assert_int_eq(audits("seal_request", id, "refuse"), 1);
    r = request_act(id, "stamp", "custodian", "{\"count\":1}");
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_3_nothing_is_stamped_before_approval)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_request("zonghe1", seal, "general", 2);
    resp_t *r = request_act(id, "stamp", "custodian", "{\"count\":1}");
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", NULL, NULL));
    h_free(r);
    r = request_act(id, "reject", "director", "{\"comment\":\"材料不全\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "rejected");
    ck_assert_int_eq(h_int(r, "rejected_by"), h_user_id("director"));
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "seal_request_rejected", "seal_request", id), 1);
    r = request_act(id, "stamp", "custodian", "{\"count\":1}");
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", NULL, NULL));
    h_free(r);
    r = request_act(id, "approve", "director", NULL);
    ck_assert(h_problem(r, 409, "seal_request.wrong_state", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(usages_of_request(id), 0);
}
END_TEST

START_TEST(requester_withdraws_before_stamping)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = approved_request("zonghe1", seal, "general", 2, "director");
    resp_t *r = request_act(id, "withdraw", "zonghe2", NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = request_act(id, "withdraw", "director", NULL);
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    r = request_act(id, "withdraw", "zonghe1", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "withdrawn");
    h_free(r);
    ck_assert_int_eq(notes("custodian", "seal_request_withdrawn", "seal_request", id), 1);
    ck_assert_int_eq(audits("seal_request", id, "withdraw"), 1);
    r = request_act(id, "stamp", "custodian", "{\"count\":1}");
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);

    /* A pending one: the approver who was asked is told instead. */
    long long pending = new_request("zonghe1", seal, "general", 1);
    r = request_act(pending, "withdraw", "zonghe1", "{\"comment\":\"不再需要\"}");
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(notes("director", "seal_request_withdrawn", "seal_request", pending), 1);
    ck_assert_int_eq(notes("custodian", "seal_request_withdrawn", "seal_request", pending), 0);
    r = request_act(pending, "approve", "director", NULL);
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

/* 一.2 财政、人事、国有资产等重大事项: the list is open. A requester names
 * another major matter, which needs the district mayor alone like the
 * three. */
static long long other_major(const char *who, long long seal, const char *what, int status,
                             const char *rule)
{
    resp_t *r = h_post("/api/v1/seal-requests", h_token(who),
                       sf("{\"seal_id\":%lld,\"matter\":\"other_major\",%s\"document_number\":"
                          "\"%s\",\"content\":\"关于征地补偿的批复\",\"using_unit\":\"综合科\","
                          "\"copies\":1}",
                          seal, what ? sf("\"major_matter\":%s,", what) : "",
                          unique("船营府发")));
    long long id = 0;
    if (status == 201) {
        ck_assert_msg(r->status == 201, "%s", r->body);
        id = h_int(r, "id");
    } else {
        ck_assert_msg(h_problem(r, status, "request.invalid", rule, "major_matter"), "%s",
                      r->body);
    }
    h_free(r);
    return id;
}

START_TEST(test_R_SEAL_2_another_major_matter_needs_the_mayor_alone)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    long long id = other_major("zonghe1", seal, "\"重大项目征地补偿\"", 201, NULL);
    resp_t *r = h_get(sf("/api/v1/seal-requests/%lld", id), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "matter"), "other_major");
    ck_assert_str_eq(h_str(r, "major_matter"), "重大项目征地补偿");
    json_t *need = json_object_get(r->json, "required_approval");
    ck_assert_str_eq(json_string_value(json_object_get(need, "role")), "district_mayor");
    ck_assert_int_eq(json_array_size(json_object_get(need, "approver_ids")), 1);
    h_free(r);
    ck_assert_int_eq(notes("mayor", "seal_request_to_approve", "seal_request", id), 1);
    ck_assert_int_eq(notes("vmayor1", "seal_request_to_approve", "seal_request", id), 0);
    const char *no[] = {"vmayor1", "vmayor2", "director"};
    for (int i = 0; i < 3; i++) {
        r = request_act(id, "approve", no[i], NULL);
        ck_assert_msg(h_problem(r, 403, "seal.approver_mismatch", "R-SEAL-2", NULL), "%s: %s",
                      no[i], r->body);
        h_free(r);
    }
    assert_request_state(id, "pending");
    r = request_act(id, "approve", "mayor", NULL);
    ck_status(r, 200);
    h_free(r);
    assert_request_state(id, "approved");
    /* The office seal still needs the director, whatever the matter. */
    long long office = new_seal("government_office", "custodian", NULL);
    long long oid = other_major("zonghe1", office, "\"重大项目征地补偿\"", 201, NULL);
    r = request_act(oid, "approve", "director", NULL);
    ck_status(r, 200);
    h_free(r);
    /* The matter is named, and only with other_major. */
    const char *pn[] = {id_text(seal)};
    long long before =
        h_sql_ll("SELECT count(*) FROM seals.seal_requests WHERE seal_id = $1", 1, pn);
    other_major("zonghe1", seal, NULL, 400, "R-SEAL-2");
    other_major("zonghe1", seal, "null", 400, "R-SEAL-2");
    other_major("zonghe1", seal, "\"  \"", 400, NULL);
    other_major("zonghe1", seal, "7", 400, NULL);
    r = h_post("/api/v1/seal-requests", h_token("zonghe1"),
               sf("{\"seal_id\":%lld,\"matter\":\"finance\",\"major_matter\":\"x\","
                  "\"document_number\":\"%s\",\"content\":\"c\",\"using_unit\":\"u\","
                  "\"copies\":1}",
                  seal, unique("船营府发")));
    ck_assert(h_problem(r, 400, "request.invalid", "R-SEAL-2", "major_matter"));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.seal_requests WHERE seal_id = $1", 1, pn),
                     before);
}
END_TEST

START_TEST(request_bad_input_named_and_nothing_stored)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *number = unique("坏号");
    const char *base = "\"matter\":\"general\",\"content\":\"c\",\"using_unit\":\"u\",\"copies\":1";
    struct {
        const char *body, *field;
    } cases[] = {
        {"{}", "seal_id"},
        {"{}", "matter"},
        {"{}", "document_number"},
        {"{}", "content"},
        {"{}", "using_unit"},
        {"{}", "copies"},
        {sf("{\"seal_id\":\"%lld\",\"document_number\":\"%s\",%s}", seal, number, base), "seal_id"},
        {sf("{\"seal_id\":999999999,\"document_number\":\"%s\",%s}", number, base), "seal_id"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",\"matter\":\"party\",\"content\":\"c\","
            "\"using_unit\":\"u\",\"copies\":1}",
            seal, number),
         "matter"},
        {sf("{\"seal_id\":%lld,\"document_number\":\" \",%s}", seal, base), "document_number"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",\"matter\":\"general\",\"content\":\"\","
            "\"using_unit\":\"u\",\"copies\":1}",
            seal, number),
         "content"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",\"matter\":\"general\",\"content\":\"c\","
            "\"using_unit\":\"\\t\",\"copies\":1}",
            seal, number),
         "using_unit"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",\"matter\":\"general\",\"content\":\"c\","
            "\"using_unit\":\"u\",\"copies\":0}",
            seal, number),
         "copies"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",\"matter\":\"general\",\"content\":\"c\","
            "\"using_unit\":\"u\",\"copies\":10001}",
            seal, number),
         "copies"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",\"matter\":\"general\",\"content\":\"c\","
            "\"using_unit\":\"u\",\"copies\":1.5}",
            seal, number),
         "copies"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",%s,\"document_id\":-3}", seal, number,
            base),
         "document_id"},
        {sf("{\"seal_id\":%lld,\"document_number\":\"%s\",%s,\"urgent\":true}", seal, number,
            base),
         "urgent"},
    };
    const char *tok = h_token("zonghe1");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/seal-requests", tok, cases[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, cases[i].field),
                      "case %zu (%s): %s", i, cases[i].field, r->body);
        h_free(r);
    }
    resp_t *r = h_post("/api/v1/seal-requests", tok, "[1,2]");
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    h_free(r);
    r = h_req("POST", "/api/v1/seal-requests", tok, "seal_id=1",
              (const char *const[]){"Content-Type: text/plain", NULL});
    ck_assert_int_eq(r->status, 415);
    h_free(r);
    const char *p[] = {number};
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM seals.seal_requests WHERE document_number = $1", 1, p), 0);

    /* Actions refuse bad bodies and change nothing. */
    long long id = approved_request("zonghe1", seal, "general", 3, "director");
    const char *stamp_bad[][2] = {{"{}", "count"},
                                  {"{\"count\":0}", "count"},
                                  {"{\"count\":-1}", "count"},
                                  {"{\"count\":\"2\"}", "count"},
                                  {"{\"count\":2,\"extra\":1}", "extra"},
                                  {"{\"count\":2,\"comment\":[]}", "comment"}};
    for (size_t i = 0; i < sizeof stamp_bad / sizeof stamp_bad[0]; i++) {
        r = request_act(id, "stamp", "custodian", stamp_bad[i][0]);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, stamp_bad[i][1]), "%s: %s",
                      stamp_bad[i][0], r->body);
        h_free(r);
    }
    r = request_act(id, "refuse", "custodian", "{\"reason\":3}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "reason"));
    h_free(r);
    r = request_act(id, "withdraw", "zonghe1", "{\"comment\":5}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "comment"));
    h_free(r);
    assert_request_state(id, "approved");
    ck_assert_int_eq(usages_of_request(id), 0);

    long long pending = new_request("zonghe1", seal, "general", 1);
    r = request_act(pending, "approve", "director", "{\"comment\":7}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "comment"));
    h_free(r);
    r = request_act(pending, "reject", "director", "{\"why\":\"x\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "why"));
    h_free(r);
    r = h_req("POST", sf("/api/v1/seal-requests/%lld/approve", pending), h_token("director"),
              NULL, (const char *const[]){"If-Match: abc", NULL});
    ck_assert(h_problem(r, 400, NULL, NULL, "If-Match"));
    h_free(r);
    r = h_req("POST", sf("/api/v1/seal-requests/%lld/approve", pending), h_token("director"),
              NULL, (const char *const[]){"If-Match: \"5\"", NULL});
    ck_assert(h_problem(r, 412, "resource.version_mismatch", NULL, NULL));
    h_free(r);
    assert_request_state(pending, "pending");
    r = request_act(999999999, "approve", "director", NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_post("/api/v1/seal-requests/abc/approve", h_token("director"), NULL);
    ck_assert_int_eq(r->status, 404);
    h_free(r);
    r = h_req("POST", sf("/api/v1/seal-requests/%lld/approve", pending), h_token("director"),
              NULL, (const char *const[]){"If-Match: \"1\"", NULL});
    ck_status(r, 200);
    h_free(r);

    const char *bad_q[][2] = {{"/api/v1/seal-requests?state=done", "state"},
                              {"/api/v1/seal-requests?seal_id=-1", "seal_id"},
                              {"/api/v1/seal-requests?mine=yes", "mine"},
                              {"/api/v1/seal-requests?to_approve=2", "to_approve"},
                              {"/api/v1/seal-requests?to_stamp=x", "to_stamp"},
                              {"/api/v1/seal-requests?limit=201", "limit"}};
    for (size_t i = 0; i < sizeof bad_q / sizeof bad_q[0]; i++) {
        r = h_get(bad_q[i][0], tok);
        ck_assert_msg(h_problem(r, 400, "request.invalid_query", NULL, bad_q[i][1]), "%s: %s",
                      bad_q[i][0], r->body);
        h_free(r);
    }
}
END_TEST

START_TEST(requests_are_visible_only_to_those_concerned)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_request("zonghe1", seal, "general", 1);
    const char *path = sf("/api/v1/seal-requests/%lld", id);
    const char *can[] = {"zonghe1", "director", "deputy3", "mayor", "custodian", "admin"};
    for (int i = 0; i < 6; i++) {
        resp_t *r = h_get(path, h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %s", can[i], r->body);
        h_free(r);
    }
    const char *cannot[] = {"zonghe2", "xinxi1", "town1_clerk", "wenmi_chief"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = h_get(path, h_token(cannot[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %s", cannot[i], r->body);
        h_free(r);
        r = h_get(sf("/api/v1/seal-requests?seal_id=%lld", seal), h_token(cannot[i]));
        ck_status(r, 200);
        ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
        h_free(r);
    }
    resp_t *r = h_get(sf("/api/v1/seal-requests?seal_id=%lld&mine=true", seal),
                      h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
}
END_TEST

START_TEST(request_create_is_idempotent_and_lists_page)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *number = unique("幂等号");
    const char *body = sf("{\"seal_id\":%lld,\"matter\":\"general\",\"document_number\":\"%s\","
                          "\"content\":\"c\",\"using_unit\":\"u\",\"copies\":1}",
                          seal, number);
    const char *const hdr[] = {sf("Idempotency-Key: %s", unique("k")), NULL};
    resp_t *a = h_req("POST", "/api/v1/seal-requests", h_token("zonghe1"), body, hdr);
    resp_t *b = h_req("POST", "/api/v1/seal-requests", h_token("zonghe1"), body, hdr);
    ck_status(a, 201);
    ck_status(b, 201);
    ck_assert_int_eq(h_int(a, "id"), h_int(b, "id"));
    h_free(a);
    h_free(b);
    const char *p[] = {number};
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM seals.seal_requests WHERE document_number = $1", 1, p), 1);

    long long ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = new_request("zonghe1", seal, "general", 1);
    resp_t *r = h_get(sf("/api/v1/seal-requests?seal_id=%lld&state=pending&limit=2", seal),
                      h_token("director"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), ids[2]);
    char *cur = strdup(h_str(r, "next_cursor"));
    h_free(r);
    r = h_get(sf("/api/v1/seal-requests?seal_id=%lld&state=pending&limit=2&cursor=%s", seal, cur),
              h_token("director"));
    ck_status(r, 200);
    items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), ids[0]);
    ck_assert(json_is_null(json_object_get(r->json, "next_cursor")));
    h_free(r);
    free(cur);
}
END_TEST

START_TEST(seal_with_no_available_approver_takes_no_requests)
{
    /* The only configured approver keeps the seal: nobody may approve. */
    long long seal = new_seal("other", "deputy3", sf("[%lld]", h_user_id("deputy3")));
    const char *number = unique("无人批");
    resp_t *r = post_request("zonghe1", seal, "general", 1, number);
    ck_assert(h_problem(r, 422, "seal.no_approver", "R-SEAL-2", NULL));
    h_free(r);
    const char *p[] = {number};
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM seals.seal_requests WHERE document_number = $1", 1, p), 0);
}
END_TEST

START_TEST(long_chinese_names_pass_through_every_step)
{
    /* 100-character names and numbers fill titles and details without
     * cutting a character in two. */
    char name[512] = "", number[512] = "";
    const char *u = unique("");
    for (int i = 0; i < 100 - (int)strlen(u); i++)
        strcat(name, "章");
    strcat(name, u);
    for (int i = 0; i < 100 - (int)strlen(u); i++)
        strcat(number, "號");
    strcat(number, u);
    resp_t *r = h_post("/api/v1/seals", h_token("admin"),
                       sf("{\"name\":\"%s\",\"kind\":\"government_office\",\"custodian_id\":%lld}",
                          name, h_user_id("custodian")));
    ck_status(r, 201);
    long long seal = h_int(r, "id");
    h_free(r);
    r = post_request("zonghe1", seal, "general", 2, number);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    r = request_act(id, "approve", "mayor", NULL);
    ck_assert(h_problem(r, 403, "seal.approver_mismatch", "R-SEAL-2", NULL));
    h_free(r);
    r = request_act(id, "approve", "director", NULL);
    ck_status(r, 200);
    h_free(r);
    r = request_act(id, "stamp", "custodian", "{\"count\":2}");
    ck_status(r, 200);
    h_free(r);
    const char *p[] = {id_text(id)};
    char *title = h_sql_str("SELECT title FROM identity.notifications WHERE entity_type ="
                            " 'seal_request' AND entity_id = $1 AND kind = 'seal_request_to_approve'",
                            1, p);
    ck_assert_ptr_nonnull(strstr(title, number));
    ck_assert_ptr_nonnull(strstr(title, name));
    free(title);
}
END_TEST

START_TEST(test_R_SEAL_1_withdrawal_after_a_handover_tells_the_current_custodian)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    long long id = approved_request("zonghe1", seal, "general", 2, "director");
    resp_t *r = h_post(sf("/api/v1/seals/%lld/handovers", seal), h_token("wenmi1"),
                       sf("{\"to_user_id\":%lld,\"note\":\"调岗\"}", h_user_id("wenmi_chief")));
    ck_status(r, 201);
    long long h = h_int(r, "id");
    h_free(r);
    r = h_post(sf("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_status(r, 200);
    h_free(r);
    /* The new custodian was told the request waits for them... */
    ck_assert_int_eq(notes("wenmi_chief", "seal_work_waiting", "seal", seal), 1);
    r = request_act(id, "withdraw", "zonghe1", "{\"comment\":\"不再用印\"}");
    ck_status(r, 200);
    h_free(r);
    /* ...so they are the one told it no longer does, and so is the former
     * custodian, who was asked to stamp it at approval. */
    ck_assert_int_eq(notes("wenmi_chief", "seal_request_withdrawn", "seal_request", id), 1);
    ck_assert_int_eq(notes("wenmi1", "seal_request_withdrawn", "seal_request", id), 1);
    /* Without a handover the custodian is told once. */
    long long other = approved_request("zonghe1", seal, "general", 1, "director");
    r = request_act(other, "withdraw", "zonghe1", NULL);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(notes("wenmi_chief", "seal_request_withdrawn", "seal_request", other), 1);
    ck_assert_int_eq(notes("wenmi1", "seal_request_withdrawn", "seal_request", other), 0);
}
END_TEST

typedef struct refuse_try {
    long long id;
    long status;
    char body[512];
} refuse_try;

static void *refuse_once(void *arg)
{
    refuse_try *t = arg;
    resp_t *r = h_post(sf("/api/v1/seal-requests/%lld/refuse", t->id), h_token("wenmi1"),
                       "{\"reason\":\"内容不符\"}");
    t->status = r->status;
    snprintf(t->body, sizeof t->body, "%s", r->body ? r->body : "");
    h_free(r);
    return NULL;
}

START_TEST(test_R_SEAL_1_refusal_racing_a_handover_is_judged_after_it)
{
    /* A handover commits while the old custodian's refusal is on its way:
     * the refusal waits for the seal and then finds that its sender no
     * longer keeps it, as a stamp does. */
    long long seal = new_seal("government_office", "wenmi1", NULL);
    long long id = approved_request("zonghe1", seal, "general", 2, "director");
    h_token("wenmi1");
    PGconn *db = PQconnectdb(getenv("ADMIN_DATABASE_URL"));
    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    PQclear(PQexec(db, "BEGIN"));
    PGresult *res = PQexec(db, sf("SELECT 1 FROM seals.seals WHERE id = %lld FOR UPDATE", seal));
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    refuse_try t = {.id = id};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, refuse_once, &t), 0);
    usleep(400 * 1000);
    res = PQexec(db, sf("UPDATE seals.seals SET custodian_id = %lld, version = version + 1"
                        " WHERE id = %lld",
                        h_user_id("wenmi_chief"), seal));
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQclear(PQexec(db, "COMMIT"));
    PQfinish(db);
    pthread_join(th, NULL);
    ck_assert_msg(t.status == 403 && strstr(t.body, "seal.not_custodian"), "%ld: %s", t.status,
                  t.body);
    assert_request_state(id, "approved");
    ck_assert_int_eq(audits("seal_request", id, "refuse"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_use");
    TCase *tc = tcase_create("use");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_SEAL_2_district_seal_general_matter_by_each_approver);
    tcase_add_test(tc, test_R_SEAL_2_district_seal_major_matters_need_the_mayor_alone);
    tcase_add_test(tc, test_R_SEAL_2_another_major_matter_needs_the_mayor_alone);
    tcase_add_test(tc, test_R_SEAL_2_office_seal_needs_the_director_for_every_matter);
    tcase_add_test(tc, test_R_SEAL_2_other_seal_needs_its_configured_approvers);
    tcase_add_test(tc, test_R_SEAL_2_required_approver_shown_and_notified_then_custodian);
    tcase_add_test(tc, test_R_SEAL_1_custodian_cannot_approve_uses_of_own_seal);
    tcase_add_test(tc, test_R_SEC_3_secretary_cannot_approve_or_reject_a_seal_use);
    tcase_add_test(tc, test_R_SEAL_2_fifty_concurrent_approvals_exactly_one_succeeds);
    tcase_add_test(tc, test_R_SEAL_3_custodian_stamps_the_real_number_of_impressions);
    tcase_add_test(tc, test_R_SEAL_3_never_more_impressions_than_approved);
    tcase_add_test(tc, test_R_SEAL_1_only_the_custodian_stamps);
    tcase_add_test(tc, test_R_SEAL_1_former_custodian_cannot_stamp_after_handover);
    tcase_add_test(tc, test_R_SEAL_3_custodian_refuses_with_a_reason);
    tcase_add_test(tc, test_R_SEAL_3_nothing_is_stamped_before_approval);
    tcase_add_test(tc, requester_withdraws_before_stamping);
    tcase_add_test(tc, request_bad_input_named_and_nothing_stored);
    tcase_add_test(tc, requests_are_visible_only_to_those_concerned);
    tcase_add_test(tc, request_create_is_idempotent_and_lists_page);
    tcase_add_test(tc, seal_with_no_available_approver_takes_no_requests);
    tcase_add_test(tc, long_chinese_names_pass_through_every_step);
    tcase_add_test(tc, test_R_SEAL_1_withdrawal_after_a_handover_tells_the_current_custodian);
    tcase_add_test(tc, test_R_SEAL_1_refusal_racing_a_handover_is_judged_after_it);
    suite_add_tcase(s, tc);
    return h_run(s);
}
