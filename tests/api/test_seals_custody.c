/* The seal register and custody (R-SEAL-1): registration by admins, one
 * custodian per seal, handovers confirmed by the receiver, the custody
 * history, suspension and retirement. */
#include "test_seals_fixtures.h"

static long long seals_named(const char *name)
{
    const char *p[] = {name};
    return h_sql_ll("SELECT count(*) FROM seals.seals WHERE name = $1", 1, p);
}

static long long handovers_of(long long seal)
{
    const char *p[] = {id_text(seal)};
    return h_sql_ll("SELECT count(*) FROM seals.seal_handovers WHERE seal_id = $1", 1, p);
}

static long long custodian_of(long long seal)
{
    const char *p[] = {id_text(seal)};
    return h_sql_ll("SELECT custodian_id FROM seals.seals WHERE id = $1", 1, p);
}

static resp_t *hand_over(long long seal, const char *from, const char *to)
{
    return h_post(h_fmt("/api/v1/seals/%lld/handovers", seal), h_token(from),
                  h_fmt("{\"to_user_id\":%lld,\"note\":\"交接登记\"}", h_user_id(to)));
}

/* Starts a handover that must be accepted (201); its id. */
static long long pending_handover(long long seal, const char *from, const char *to)
{
    resp_t *r = hand_over(seal, from, to);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

START_TEST(test_R_SEAL_1_admin_registers_seal_kept_by_one_custodian)
{
    const char *name = unique("区政府公章");
    resp_t *r = h_post("/api/v1/seals", h_token("admin"),
                       h_fmt("{\"name\":\"%s\",\"kind\":\"district_government\","
                             "\"custodian_id\":%lld}",
                             name, h_user_id("custodian")));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "active");
    ck_assert_str_eq(h_str(r, "kind"), "district_government");
    ck_assert_int_eq(h_int(r, "custodian_id"), h_user_id("custodian"));
    ck_assert_int_eq(h_int(r, "version"), 1);
    ck_assert_ptr_nonnull(h_str(r, "created_at"));
    h_free(r);

    /* Everyone reads the register. */
    r = h_get(h_fmt("/api/v1/seals/%lld", id), h_token("town1_clerk"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "name"), name);
    ck_assert_str_eq(h_header(r, "ETag"), "\"1\"");
    h_free(r);

    r = h_get(h_fmt("/api/v1/seals/%lld/custodians", id), h_token("zonghe1"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    json_t *k = json_array_get(items, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(k, "custodian_id")),
                     h_user_id("custodian"));
    ck_assert(json_is_true(json_object_get(k, "current")));
    ck_assert(json_is_null(json_object_get(k, "until")));
    ck_assert(json_is_string(json_object_get(k, "since")));
    h_free(r);

    ck_assert_int_eq(notes("custodian", "seal_custody", "seal", id), 1);
    ck_assert_int_eq(audits("seal", id, "create"), 1);

    r = h_get("/api/v1/seals/999999999", h_token("zonghe1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/seals/999999999/custodians", h_token("zonghe1"));
    ck_assert(h_problem(r, 404, "seal.not_found", NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(seal_registration_refused_to_non_admins)
{
    const char *name = unique("公章");
    const char *body = sf("{\"name\":\"%s\",\"kind\":\"government_office\",\"custodian_id\":%lld}",
                             name, h_user_id("custodian"));
    const char *who[] = {"director", "custodian", "mayor", "zonghe1"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = h_post("/api/v1/seals", h_token(who[i]), body);
        ck_assert_msg(h_problem(r, 403, "auth.forbidden", NULL, NULL), "%s: %s", who[i], r->body);
        h_free(r);
    }
    ck_assert_int_eq(seals_named(name), 0);
}
END_TEST

START_TEST(seal_registration_bad_input_named_and_nothing_stored)
{
    const char *admin = h_token("admin");
    long long custodian = h_user_id("custodian"), mayor = h_user_id("mayor");
    long long external = h_user_id("town1_clerk");
    const char *name = unique("坏章");
    struct {
        const char *body, *field, *rule;
    } cases[] = {
        {"{}", "name", NULL},
        {"{}", "kind", NULL},
        {"{}", "custodian_id", NULL},
        {sf("{\"name\":\"   \",\"kind\":\"other\",\"custodian_id\":%lld,\"approver_ids\":[%lld]}",
               custodian, mayor),
         "name", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"private\",\"custodian_id\":%lld}", name, custodian),
         "kind", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"district_government\",\"custodian_id\":\"x\"}", name),
         "custodian_id", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"district_government\",\"custodian_id\":999999999}",
               name),
         "custodian_id", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"district_government\",\"custodian_id\":%lld}", name,
               external),
         "custodian_id", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"other\",\"custodian_id\":%lld}", name, custodian),
         "approver_ids", "R-SEAL-2"},
        {sf("{\"name\":\"%s\",\"kind\":\"other\",\"custodian_id\":%lld,\"approver_ids\":[]}",
               name, custodian),
         "approver_ids", "R-SEAL-2"},
        {sf("{\"name\":\"%s\",\"kind\":\"district_government\",\"custodian_id\":%lld,"
               "\"approver_ids\":[%lld]}",
               name, custodian, mayor),
         "approver_ids", "R-SEAL-2"},
        {sf("{\"name\":\"%s\",\"kind\":\"other\",\"custodian_id\":%lld,"
               "\"approver_ids\":[999999999]}",
               name, custodian),
         "approver_ids", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"other\",\"custodian_id\":%lld,"
               "\"approver_ids\":[0]}",
               name, custodian),
         "approver_ids", NULL},
        {sf("{\"name\":\"%s\",\"kind\":\"government_office\",\"custodian_id\":%lld,"
               "\"colour\":\"red\"}",
               name, custodian),
         "colour", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/seals", admin, cases[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", cases[i].rule, cases[i].field),
                      "case %zu (%s): %s", i, cases[i].field, r->body);
        h_free(r);
    }
    resp_t *r = h_post("/api/v1/seals", admin, "{\"name\":");
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(seals_named(name), 0);

    /* A second seal of the same name is refused. */
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *p[] = {id_text(seal)};
    char *taken = h_sql_str("SELECT name FROM seals.seals WHERE id = $1", 1, p);
    r = h_post("/api/v1/seals", admin,
               h_fmt("{\"name\":\"%s\",\"kind\":\"government_office\",\"custodian_id\":%lld}",
                     taken, custodian));
    ck_assert(h_problem(r, 409, NULL, NULL, "name"));
    h_free(r);
    ck_assert_int_eq(seals_named(taken), 1);
    free(taken);
}
END_TEST

/* A custodian who has left can start no handover: an administrator
 * registers it in their place, saying why; the receiver still confirms. */
START_TEST(test_R_SEAL_1_admin_hands_over_the_seal_of_a_custodian_who_left)
{
    const char *admin = h_token("admin");
    const char *keeper = unique("keeper");
    long long dep = h_sql_ll("SELECT min(id) FROM identity.departments WHERE is_secretariat", 0,
                             NULL);
    resp_t *r = h_post("/api/v1/users", admin,
                       h_fmt("{\"username\":\"%s\",\"display_name\":\"原保管员\","
                             "\"password\":\"password1\",\"position\":\"staff\","
                             "\"department_id\":%lld}",
                             keeper, dep));
    ck_status(r, 201);
    long long keeper_id = h_int(r, "id");
    h_free(r);
    long long seal = new_seal("government_office", keeper, NULL);
    const char *path = sf("/api/v1/seals/%lld/handovers", seal);
    const char *why = h_fmt("{\"to_user_id\":%lld,\"note\":\"原保管员已调离\"}",
                            h_user_id("wenmi1"));

    /* While the custodian is in office, the administrator cannot. */
    r = h_post(path, admin, why);
    ck_assert(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL));
    h_free(r);

    r = h_patch(h_fmt("/api/v1/users/%lld", keeper_id), admin, "{\"active\":false}");
    ck_status(r, 200);
    h_free(r);
    /* Once they have left: nobody else but an administrator, and only
     * saying why. */
    r = h_post(path, h_token("director"), why);
    ck_assert(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL));
    h_free(r);
    r = h_post(path, admin, h_fmt("{\"to_user_id\":%lld,\"note\":\"  \"}",
                                  h_user_id("wenmi1")));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "note"));
    h_free(r);
    ck_assert_int_eq(handovers_of(seal), 0);

    r = h_post(path, admin, why);
    ck_status(r, 201);
    long long h = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "from_user_id"), keeper_id);
    ck_assert_int_eq(h_int(r, "to_user_id"), h_user_id("wenmi1"));
    h_free(r);
    ck_assert_int_eq(notes("wenmi1", "seal_handover_to_confirm", "seal_handover", h), 1);
    const char *ph[] = {id_text(h)};
    ck_assert_int_eq(h_sql_ll("SELECT actor_id FROM audit.events WHERE entity_type ="
                              " 'seal_handover' AND entity_id = $1 AND action = 'create'",
                              1, ph),
                     h_user_id("admin"));
    ck_assert_int_eq(custodian_of(seal), keeper_id);

    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi1"), NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "confirmed");
    h_free(r);
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi1"));
}
END_TEST

START_TEST(test_R_SEAL_1_handover_takes_effect_when_receiver_confirms)
{
    long long seal = new_seal("other", "wenmi1", h_fmt("[%lld]", h_user_id("deputy3")));
    resp_t *r = hand_over(seal, "wenmi1", "wenmi_chief");
    ck_status(r, 201);
    long long h = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "from_user_id"), h_user_id("wenmi1"));
    ck_assert_int_eq(h_int(r, "to_user_id"), h_user_id("wenmi_chief"));
    h_free(r);

    /* Registered but not yet effective. */
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi1"));
    r = h_get(h_fmt("/api/v1/seals/%lld", seal), h_token("zonghe1"));
    ck_assert_int_eq(h_int(r, "pending_handover_id"), h);
    h_free(r);
    ck_assert_int_eq(notes("wenmi_chief", "seal_handover_to_confirm", "seal_handover", h), 1);

    /* Only the receiver confirms. */
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi1"), NULL);
    ck_assert(h_problem(r, 403, "seal_handover.not_receiver", "R-SEAL-1", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("admin"), NULL);
    ck_assert(h_problem(r, 403, "seal_handover.not_receiver", "R-SEAL-1", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("zonghe1"), NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get(h_fmt("/api/v1/seal-handovers/%lld", h), h_token("zonghe1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi1"));

    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "confirmed");
    ck_assert_ptr_nonnull(h_str(r, "confirmed_at"));
    h_free(r);
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi_chief"));

    r = h_get(h_fmt("/api/v1/seals/%lld", seal), h_token("zonghe1"));
    ck_assert_int_eq(h_int(r, "custodian_id"), h_user_id("wenmi_chief"));
    ck_assert_int_eq(h_int(r, "version"), 2);
    ck_assert(json_is_null(json_object_get(r->json, "pending_handover_id")));
    h_free(r);

    /* The history keeps both custodians with their dates, newest first. */
    r = h_get(h_fmt("/api/v1/seals/%lld/custodians", seal), h_token("zonghe1"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 2);
    json_t *now = json_array_get(items, 0), *before = json_array_get(items, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(now, "custodian_id")),
                     h_user_id("wenmi_chief"));
    ck_assert_int_eq(json_integer_value(json_object_get(now, "handover_id")), h);
    ck_assert(json_is_null(json_object_get(now, "until")));
    ck_assert_int_eq(json_integer_value(json_object_get(before, "custodian_id")),
                     h_user_id("wenmi1"));
    ck_assert(json_is_string(json_object_get(before, "until")));
    ck_assert(json_is_false(json_object_get(before, "current")));
    h_free(r);

    ck_assert_int_eq(notes("wenmi1", "seal_handover_confirmed", "seal_handover", h), 1);
    ck_assert_int_eq(audits("seal_handover", h, "create"), 1);
    ck_assert_int_eq(audits("seal_handover", h, "confirm"), 1);
    ck_assert_int_eq(audits("seal", seal, "custody"), 1);

    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_assert(h_problem(r, 409, "resource.wrong_state", NULL, NULL));
    h_free(r);

    /* The receiver and the former custodian both see it in their lists. */
    r = h_get(h_fmt("/api/v1/seal-handovers?seal_id=%lld", seal), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
    r = h_get(h_fmt("/api/v1/seal-handovers?seal_id=%lld", seal), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_1_only_the_current_custodian_hands_over)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    const char *others[] = {"zonghe1", "admin", "director", "wenmi_chief"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = hand_over(seal, others[i], "zonghe2");
        ck_assert_msg(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL), "%s: %s",
                      others[i], r->body);
        h_free(r);
    }
    ck_assert_int_eq(handovers_of(seal), 0);

    long long h = pending_handover(seal, "wenmi1", "wenmi_chief");
    resp_t *r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_status(r, 200);
    h_free(r);
    /* The former custodian no longer can. */
    r = hand_over(seal, "wenmi1", "zonghe2");
    ck_assert(h_problem(r, 403, "seal.not_custodian", "R-SEAL-1", NULL));
    h_free(r);
    ck_assert_int_eq(handovers_of(seal), 1);
}
END_TEST

START_TEST(test_R_SEAL_1_one_handover_at_a_time_and_cancel)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    long long h = pending_handover(seal, "wenmi1", "wenmi_chief");
    resp_t *r = hand_over(seal, "wenmi1", "zonghe2");
    ck_assert(h_problem(r, 409, "seal.handover_pending", "R-SEAL-1", NULL));
    h_free(r);
    ck_assert_int_eq(handovers_of(seal), 1);

    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/cancel", h), h_token("zonghe1"), NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_req("POST", h_fmt("/api/v1/seal-handovers/%lld/cancel", h), h_token("wenmi1"), "{}",
              (const char *const[]){"If-Match: \"7\"", NULL});
    ck_assert(h_problem(r, 412, NULL, NULL, NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/cancel", h), h_token("wenmi1"),
               "{\"comment\":\"人员调整取消\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "cancelled");
    h_free(r);
    ck_assert_int_eq(notes("wenmi_chief", "seal_handover_cancelled", "seal_handover", h), 1);
    ck_assert_int_eq(audits("seal_handover", h, "cancel"), 1);

    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_assert(h_problem(r, 409, "resource.wrong_state", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi1"));

    r = hand_over(seal, "wenmi1", "zonghe2");
    ck_status(r, 201);
    h_free(r);
}
END_TEST

START_TEST(handover_bad_input_named_and_nothing_stored)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    const char *path = sf("/api/v1/seals/%lld/handovers", seal);
    const char *tok = h_token("wenmi1");
    struct {
        const char *body, *field;
    } cases[] = {
        {"{}", "to_user_id"},
        {"{}", "note"},
        {sf("{\"to_user_id\":%lld}", h_user_id("wenmi_chief")), "note"},
        {"{\"to_user_id\":\"wenmi_chief\",\"note\":\"\"}", "to_user_id"},
        {sf("{\"to_user_id\":%lld,\"note\":\"x\"}", h_user_id("wenmi1")), "to_user_id"},
        {"{\"to_user_id\":999999999,\"note\":\"x\"}", "to_user_id"},
        {sf("{\"to_user_id\":%lld,\"note\":\"x\"}", h_user_id("town1_clerk")), "to_user_id"},
        {sf("{\"to_user_id\":%lld,\"note\":7}", h_user_id("wenmi_chief")), "note"},
        {sf("{\"to_user_id\":%lld,\"note\":\"x\",\"when\":\"now\"}", h_user_id("wenmi_chief")),
         "when"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post(path, tok, cases[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, cases[i].field),
                      "case %zu (%s): %s", i, cases[i].field, r->body);
        h_free(r);
    }
    ck_assert_int_eq(handovers_of(seal), 0);
    resp_t *r = h_post("/api/v1/seals/999999999/handovers", tok,
                       h_fmt("{\"to_user_id\":%lld,\"note\":\"x\"}", h_user_id("wenmi_chief")));
    ck_assert(h_problem(r, 404, "seal.not_found", NULL, NULL));
    h_free(r);

    /* Actions on a handover refuse bad bodies too. */
    r = hand_over(seal, "wenmi1", "wenmi_chief");
    long long h = h_int(r, "id");
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"),
               "{\"comment\":5}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "comment"));
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"),
               "{\"agree\":true}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "agree"));
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/cancel", h), h_token("wenmi1"),
               "{\"comment\":{}}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "comment"));
    h_free(r);
    const char *ph[] = {id_text(h)};
    char *st = h_sql_str("SELECT state FROM seals.seal_handovers WHERE id = $1", 1, ph);
    ck_assert_str_eq(st, "pending");
    free(st);
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi1"));
    r = h_get("/api/v1/seal-handovers?state=done", h_token("wenmi1"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "state"));
    h_free(r);
    r = h_get("/api/v1/seal-handovers?to_confirm=maybe", h_token("wenmi1"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "to_confirm"));
    h_free(r);
    r = h_get("/api/v1/seal-handovers?to_confirm=true", h_token("wenmi_chief"));
    ck_status(r, 200);
    ck_assert_int_ge(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);
}
END_TEST

START_TEST(seal_suspension_and_retirement)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    const char *admin = h_token("admin");
    const char *path = sf("/api/v1/seals/%lld", seal);

    resp_t *r = h_patch(path, h_token("director"), "{\"state\":\"suspended\"}");
    ck_assert(h_problem(r, 403, "auth.forbidden", NULL, NULL));
    h_free(r);
    r = h_req("PATCH", path, admin, "{\"state\":\"suspended\"}",
              (const char *const[]){"If-Match: \"9\"", NULL});
    ck_assert(h_problem(r, 412, "resource.version_mismatch", NULL, NULL));
    h_free(r);
    r = h_patch(path, admin, "{\"state\":\"retired\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "state"));
    h_free(r);
    r = h_patch(path, admin, h_fmt("{\"approver_ids\":[%lld]}", h_user_id("mayor")));
    ck_assert(h_problem(r, 400, "request.invalid", "R-SEAL-2", "approver_ids"));
    h_free(r);
    r = h_patch(path, admin, "{\"name\":\"\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "name"));
    h_free(r);
    r = h_patch(path, admin, "{\"custodian_id\":1}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "custodian_id"));
    h_free(r);
    /* A body that names nothing to change is refused, not a new version. */
    r = h_patch(path, admin, "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "state"));
    h_free(r);
    const char *p[] = {id_text(seal)};
    ck_assert_int_eq(h_sql_ll("SELECT version FROM seals.seals WHERE id = $1", 1, p), 1);

    r = h_req("PATCH", path, admin, "{\"state\":\"suspended\"}",
              (const char *const[]){"If-Match: \"1\"", NULL});
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "suspended");
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
    ck_assert_int_eq(audits("seal", seal, "update"), 1);

    /* A suspended seal takes no new uses. */
    r = post_request("zonghe1", seal, "general", 1, unique("号"));
    ck_assert(h_problem(r, 409, "seal.not_active", NULL, NULL));
    h_free(r);

    r = h_patch(path, admin, "{\"state\":\"active\"}");
    ck_status(r, 200);
    h_free(r);
    r = hand_over(seal, "wenmi1", "wenmi_chief");
    ck_status(r, 201);
    long long h = h_int(r, "id");
    h_free(r);

    r = h_post(h_fmt("%s/retire", path), h_token("wenmi1"), NULL);
    ck_assert(h_problem(r, 403, "auth.forbidden", NULL, NULL));
    h_free(r);
    r = h_post(h_fmt("%s/retire", path), admin, "{\"reason\":\"x\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "reason"));
    h_free(r);
    r = h_post(h_fmt("%s/retire", path), admin, "{\"comment\":\"印章更换\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "retired");
    ck_assert_ptr_nonnull(h_str(r, "retired_at"));
    h_free(r);
    ck_assert_int_eq(audits("seal", seal, "retire"), 1);
    ck_assert_int_eq(notes("wenmi1", "seal_changed", "seal", seal), 3);
    /* Its pending handover died with it. */
    const char *ph[] = {id_text(h)};
    char *st = h_sql_str("SELECT state FROM seals.seal_handovers WHERE id = $1", 1, ph);
    ck_assert_str_eq(st, "cancelled");
    free(st);

    r = h_post(h_fmt("%s/retire", path), admin, NULL);
    ck_assert(h_problem(r, 409, "seal.retired", NULL, NULL));
    h_free(r);
    r = h_patch(path, admin, "{\"state\":\"active\"}");
    ck_assert(h_problem(r, 409, "seal.retired", NULL, NULL));
    h_free(r);
    r = hand_over(seal, "wenmi1", "zonghe2");
    ck_assert(h_problem(r, 409, "seal.retired", NULL, NULL));
    h_free(r);
    r = post_request("zonghe1", seal, "general", 1, unique("号"));
    ck_assert(h_problem(r, 409, "seal.not_active", NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(seal_list_filters_and_pages)
{
    long long a = new_seal("other", "wenmi1", h_fmt("[%lld]", h_user_id("deputy3")));
    long long b = new_seal("other", "wenmi1", h_fmt("[%lld]", h_user_id("deputy3")));
    const char *tok = h_token("zonghe2");
    resp_t *r = h_get(h_fmt("/api/v1/seals?kind=other&custodian_id=%lld&limit=1",
                            h_user_id("wenmi1")),
                      tok);
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), b);
    const char *cursor = h_str(r, "next_cursor");
    ck_assert_ptr_nonnull(cursor);
    char *cur = strdup(cursor);
    h_free(r);
    r = h_get(h_fmt("/api/v1/seals?kind=other&custodian_id=%lld&limit=1&cursor=%s",
                    h_user_id("wenmi1"), cur),
              tok);
    ck_status(r, 200);
    items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), a);
    h_free(r);
    free(cur);

    const char *bad[][2] = {{"/api/v1/seals?kind=private", "kind"},
                            {"/api/v1/seals?state=gone", "state"},
                            {"/api/v1/seals?custodian_id=x", "custodian_id"},
                            {"/api/v1/seals?limit=0", "limit"},
                            {"/api/v1/seals?cursor=zzz", "cursor"},
                            {"/api/v1/seals/1/custodians?limit=500", "limit"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = h_get(bad[i][0], tok);
        ck_assert_msg(h_problem(r, 400, "request.invalid_query", NULL, bad[i][1]), "%s: %s",
                      bad[i][0], r->body);
        h_free(r);
    }
    r = h_get("/api/v1/seals", NULL);
    ck_assert(h_problem(r, 401, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(seal_create_is_idempotent)
{
    const char *name = unique("幂等章");
    const char *body = sf("{\"name\":\"%s\",\"kind\":\"government_office\",\"custodian_id\":%lld}",
                             name, h_user_id("custodian"));
    const char *key = sf("Idempotency-Key: %s", unique("k"));
    const char *const hdr[] = {key, NULL};
    resp_t *r1 = h_req("POST", "/api/v1/seals", h_token("admin"), body, hdr);
    ck_status(r1, 201);
    resp_t *r2 = h_req("POST", "/api/v1/seals", h_token("admin"), body, hdr);
    ck_status(r2, 201);
    ck_assert_int_eq(h_int(r1, "id"), h_int(r2, "id"));
    h_free(r1);
    h_free(r2);
    ck_assert_int_eq(seals_named(name), 1);
}
END_TEST

START_TEST(test_R_SEAL_1_handover_cancelled_by_admin_tells_both_parties)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    long long h = pending_handover(seal, "wenmi1", "wenmi_chief");
    resp_t *r = h_post(h_fmt("/api/v1/seal-handovers/%lld/cancel", h), h_token("admin"),
               "{\"comment\":\"登记有误\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "cancelled");
    ck_assert_int_eq(h_int(r, "cancelled_by"), h_user_id("admin"));
    h_free(r);
    /* The receiver was waiting to confirm and the custodian to hand over:
     * both learn that it will not happen. */
    ck_assert_int_eq(notes("wenmi_chief", "seal_handover_cancelled", "seal_handover", h), 1);
    ck_assert_int_eq(notes("wenmi1", "seal_handover_cancelled", "seal_handover", h), 1);
    ck_assert_int_eq(audits("seal_handover", h, "cancel"), 1);

    /* A party who cancels is not told of it; the other one is. */
    r = hand_over(seal, "wenmi1", "wenmi_chief");
    long long h2 = h_int(r, "id");
    h_free(r);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/cancel", h2), h_token("wenmi_chief"), NULL);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(notes("wenmi1", "seal_handover_cancelled", "seal_handover", h2), 1);
    ck_assert_int_eq(notes("wenmi_chief", "seal_handover_cancelled", "seal_handover", h2), 0);
}
END_TEST

START_TEST(test_R_SEAL_1_retirement_cancels_the_pending_handover_audited_and_told)
{
    long long seal = new_seal("government_office", "wenmi1", NULL);
    long long h = pending_handover(seal, "wenmi1", "wenmi_chief");
    resp_t *r = h_post(h_fmt("/api/v1/seals/%lld/retire", seal), h_token("admin"),
               "{\"comment\":\"印章停用\"}");
    ck_status(r, 200);
    h_free(r);
    const char *ph[] = {id_text(h)};
    char *st = h_sql_str("SELECT state FROM seals.seal_handovers WHERE id = $1", 1, ph);
    ck_assert_str_eq(st, "cancelled");
    free(st);
    /* The handover's change of state is audited like any cancellation, and
     * the receiver, who was asked to confirm, is told. */
    ck_assert_int_eq(audits("seal_handover", h, "cancel"), 1);
    ck_assert_int_eq(notes("wenmi_chief", "seal_handover_cancelled", "seal_handover", h), 1);
    ck_assert_int_eq(audits("seal", seal, "retire"), 1);
    r = h_post(h_fmt("/api/v1/seal-handovers/%lld/confirm", h), h_token("wenmi_chief"), NULL);
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(custodian_of(seal), h_user_id("wenmi1"));
}
END_TEST

START_TEST(test_R_SEAL_2_other_seal_approvers_are_office_members_never_secretaries)
{
    const char *admin = h_token("admin");
    const char *name = unique("专用章");
    long long custodian = h_user_id("custodian");
    struct {
        const char *who, *rule;
    } cases[] = {{"sec1", "R-SEC-3"}, {"sec2", "R-SEC-3"}, {"town1_clerk", NULL}, {"admin", NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/seals", admin,
                           sf("{\"name\":\"%s\",\"kind\":\"other\",\"custodian_id\":%lld,"
                              "\"approver_ids\":[%lld,%lld]}",
                              name, custodian, h_user_id("deputy3"), h_user_id(cases[i].who)));
        ck_assert_msg(h_problem(r, 400, "request.invalid", cases[i].rule, "approver_ids"),
                      "%s: %s", cases[i].who, r->body);
        h_free(r);
    }
    ck_assert_int_eq(seals_named(name), 0);

    long long seal = new_seal("other", "custodian", sf("[%lld]", h_user_id("deputy3")));
    const char *path = sf("/api/v1/seals/%lld", seal);
    resp_t *r = h_patch(path, admin, sf("{\"approver_ids\":[%lld]}", h_user_id("sec1")));
    ck_assert(h_problem(r, 400, "request.invalid", "R-SEC-3", "approver_ids"));
    h_free(r);
    r = h_patch(path, admin, sf("{\"approver_ids\":[%lld]}", h_user_id("town1_clerk")));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "approver_ids"));
    h_free(r);
    const char *p[] = {id_text(seal)};
    char *ids = h_sql_str("SELECT approver_ids::text FROM seals.seals WHERE id = $1", 1, p);
    ck_assert_str_eq(ids, sf("{%lld}", h_user_id("deputy3")));
    free(ids);
    ck_assert_int_eq(h_sql_ll("SELECT version FROM seals.seals WHERE id = $1", 1, p), 1);
    r = h_patch(path, admin, sf("{\"approver_ids\":[%lld]}", h_user_id("mayor")));
    ck_status(r, 200);
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_custody");
    TCase *tc = tcase_create("custody");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_SEAL_1_admin_registers_seal_kept_by_one_custodian);
    tcase_add_test(tc, test_R_SEAL_1_admin_hands_over_the_seal_of_a_custodian_who_left);
    tcase_add_test(tc, seal_registration_refused_to_non_admins);
    tcase_add_test(tc, seal_registration_bad_input_named_and_nothing_stored);
    tcase_add_test(tc, test_R_SEAL_1_handover_takes_effect_when_receiver_confirms);
    tcase_add_test(tc, test_R_SEAL_1_only_the_current_custodian_hands_over);
    tcase_add_test(tc, test_R_SEAL_1_one_handover_at_a_time_and_cancel);
    tcase_add_test(tc, handover_bad_input_named_and_nothing_stored);
    tcase_add_test(tc, seal_suspension_and_retirement);
    tcase_add_test(tc, seal_list_filters_and_pages);
    tcase_add_test(tc, seal_create_is_idempotent);
    tcase_add_test(tc, test_R_SEAL_1_handover_cancelled_by_admin_tells_both_parties);
    tcase_add_test(tc, test_R_SEAL_1_retirement_cancels_the_pending_handover_audited_and_told);
    tcase_add_test(tc, test_R_SEAL_2_other_seal_approvers_are_office_members_never_secretaries);
    suite_add_tcase(s, tc);
    return h_run(s);
}
