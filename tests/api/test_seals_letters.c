/* Introduction letters: no blank letters and the director's or a deputy's
 * approval (R-LET-2), numbered by the custodian of the seal with a stub
 * (R-LET-1), unused letters returned onto the stub (R-LET-3), stubs kept
 * three years (R-LET-4). */
#include "test_seals_fixtures.h"

static const char *in_days(int days)
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[11];
    strftime(out, sizeof out, "%Y-%m-%d", &tm);
    return sf("%s", out);
}

static long long letters_to(const char *recipient)
{
    const char *p[] = {recipient};
    return h_sql_ll("SELECT count(*) FROM seals.intro_letters WHERE recipient_org = $1", 1, p);
}

static void assert_letter_state(long long id, const char *want)
{
    char *s = letter_state(id);
    ck_assert_msg(s && !strcmp(s, want), "letter %lld is %s, expected %s", id, s ? s : "(gone)",
                  want);
    free(s);
}

static long long issued_letter(long long seal, char *number_out)
{
    long long id = approved_letter("zonghe1", seal, "director");
    resp_t *r = letter_act(id, "issue", "custodian", NULL);
    ck_status(r, 200);
    if (number_out)
        snprintf(number_out, 24, "%s", h_str(r, "letter_number"));
    h_free(r);
    return id;
}

/* Moves the archiving of an issued, unreturned letter's stub back by
 * `interval` (SQL), as if it were that old: such a stub is archived when
 * the letter expires (R-LET-4), so its validity ended at the start of that
 * day, office time, and it was issued a month before. */
static void backdate(long long id, const char *interval)
{
    const char *p[] = {id_text(id), interval};
    h_sql_ll("UPDATE seals.intro_letters SET issued_at = now() - $2::interval - interval '30 days',"
             " valid_until = ((now() - $2::interval) AT TIME ZONE 'Asia/Shanghai')::date - 1"
             " WHERE id = $1 RETURNING id",
             2, p);
}

START_TEST(test_R_LET_2_no_blank_letters_each_field_missing_or_blank)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *org = unique("某某单位");
    const char *ok_until = in_days(10);
    struct {
        const char *body, *field;
    } cases[] = {
        {"{}", "seal_id"},
        {"{}", "bearer_names"},
        {"{}", "bearer_count"},
        {"{}", "recipient_org"},
        {"{}", "matter"},
        {"{}", "valid_until"},
        /* each field missing alone */
        {sf("{\"bearer_names\":[\"张三\"],\"bearer_count\":1,\"recipient_org\":\"%s\","
            "\"matter\":\"m\",\"valid_until\":\"%s\"}", org, ok_until), "seal_id"},
        {sf("{\"seal_id\":%lld,\"bearer_count\":1,\"recipient_org\":\"%s\","
            "\"matter\":\"m\",\"valid_until\":\"%s\"}", seal, org, ok_until), "bearer_names"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"recipient_org\":\"%s\","
            "\"matter\":\"m\",\"valid_until\":\"%s\"}", seal, org, ok_until), "bearer_count"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"matter\":\"m\",\"valid_until\":\"%s\"}", seal, ok_until), "recipient_org"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"valid_until\":\"%s\"}", seal, org, ok_until), "matter"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\"}", seal, org), "valid_until"},
        /* each field blank, null or empty */
        {sf("{\"seal_id\":null,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}", org, ok_until),
         "seal_id"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[],\"bearer_count\":1,\"recipient_org\":\"%s\","
            "\"matter\":\"m\",\"valid_until\":\"%s\"}", seal, org, ok_until), "bearer_names"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"  \"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_names"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\",\"\"],\"bearer_count\":2,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_names"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":0,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_count"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\",\"李四\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_count"},
        /* 二.2 严禁发出空白介绍信: a bearer counted but not named is a blank. */
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":2,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_count"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\",\"李四\"],\"bearer_count\":5,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_count"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\" \",\"matter\":\"m\",\"valid_until\":\"%s\"}", seal, ok_until),
         "recipient_org"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "matter"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"\"}", seal, org),
         "valid_until"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"2026-02-30\"}",
            seal, org), "valid_until"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, in_days(-1)), "valid_until"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, in_days(400)), "valid_until"},
        {sf("{\"seal_id\":999999999,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}", org, ok_until),
         "seal_id"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":\"张三\",\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
            seal, org, ok_until), "bearer_names"},
        {sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":1,"
            "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\",\"blank\":true}",
            seal, org, ok_until), "blank"},
    };
    const char *tok = h_token("zonghe1");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/intro-letters", tok, cases[i].body);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, cases[i].field),
                      "case %zu (%s): %s", i, cases[i].field, r->body);
        h_free(r);
    }
    ck_assert_int_eq(letters_to(org), 0);

    /* Filled in, it is accepted and every leader who may approve is told. */
    resp_t *r = post_letter("zonghe1", seal, org);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "pending");
    ck_assert_int_eq(h_int(r, "bearer_count"), 2);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "bearer_names")), 2);
    ck_assert(json_is_null(json_object_get(r->json, "letter_number")));
    h_free(r);
    ck_assert_int_eq(letters_to(org), 1);
    ck_assert_int_eq(notes("director", "intro_letter_to_approve", "intro_letter", id), 1);
    ck_assert_int_eq(notes("deputy2", "intro_letter_to_approve", "intro_letter", id), 1);
    ck_assert_int_eq(notes("mayor", "intro_letter_to_approve", "intro_letter", id), 0);
    ck_assert_int_eq(audits("intro_letter", id, "create"), 1);
}
END_TEST

START_TEST(test_R_LET_2_director_or_deputy_director_approves)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *yes[] = {"director", "deputy_gov", "deputy2", "deputy3"};
    for (int i = 0; i < 4; i++) {
        long long id = new_letter("zonghe1", seal);
        resp_t *r = letter_act(id, "approve", yes[i], "{\"comment\":\"同意\"}");
        ck_assert_msg(r->status == 200, "%s: %s", yes[i], r->body);
        ck_assert_int_eq(h_int(r, "approved_by"), h_user_id(yes[i]));
        h_free(r);
        assert_letter_state(id, "approved");
        ck_assert_int_eq(notes("custodian", "intro_letter_to_issue", "intro_letter", id), 1);
        ck_assert_int_eq(audits("intro_letter", id, "approve"), 1);
    }
    long long id = new_letter("zonghe1", seal);
    const char *no[] = {"mayor", "vmayor1", "zonghe1", "custodian"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = letter_act(id, "approve", no[i], NULL);
        ck_assert_msg(h_problem(r, 403, "intro_letter.approver_mismatch", "R-LET-2", NULL),
                      "%s: %s", no[i], r->body);
        h_free(r);
    }
    resp_t *r = letter_act(id, "approve", "sec1", NULL);
    ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
    h_free(r);
    r = letter_act(id, "approve", "xinxi1", NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    assert_letter_state(id, "pending");

    r = letter_act(id, "reject", "deputy2", "{\"comment\":\"事由不清\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "rejected");
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "intro_letter_decided", "intro_letter", id), 1);
    r = letter_act(id, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 409, "intro_letter.wrong_state", NULL, NULL));
    /* the refusal names the rule of the issue's action */
    ck_assert(h_problem(r, 409, "intro_letter.wrong_state", "R-LET-1", NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_SEC_3_secretary_cannot_approve_a_letter)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_letter("sec1", seal);
    resp_t *r = letter_act(id, "approve", "sec1", NULL);
    ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
    h_free(r);
    r = letter_act(id, "reject", "sec1", NULL);
    ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
    h_free(r);
    assert_letter_state(id, "pending");
}
END_TEST

START_TEST(test_R_SEAL_1_keeper_of_the_seal_does_not_approve_its_letters)
{
    long long seal = new_seal("government_office", "deputy3", NULL);
    long long id = new_letter("zonghe1", seal);
    ck_assert_int_eq(notes("deputy3", "intro_letter_to_approve", "intro_letter", id), 0);
    resp_t *r = letter_act(id, "approve", "deputy3", NULL);
    ck_assert(h_problem(r, 403, "seal.custodian_cannot_approve", "R-SEAL-1", NULL));
    h_free(r);
    assert_letter_state(id, "pending");
    r = letter_act(id, "approve", "deputy2", NULL);
    ck_status(r, 200);
    h_free(r);
    r = letter_act(id, "issue", "deputy3", NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_LET_1_custodian_issues_next_number_of_the_seal_series)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long other = new_seal("government_office", "custodian", NULL);
    char year[8];
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(year, sizeof year, "%Y", &tm);

    long long id = approved_letter("zonghe1", seal, "director");
    const char *no[] = {"zonghe1", "director", "admin"};
    for (int i = 0; i < 3; i++) {
        resp_t *r = letter_act(id, "issue", no[i], NULL);
        ck_assert_msg(h_problem(r, 403, "intro_letter.not_custodian", "R-LET-1", NULL), "%s: %s",
                      no[i], r->body);
        h_free(r);
    }
    assert_letter_state(id, "approved");
    resp_t *r = letter_act(id, "issue", "custodian", NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "issued");
    ck_assert_str_eq(h_str(r, "letter_number"), sf("%s-0001", year));
    ck_assert_int_eq(h_int(r, "issued_by"), h_user_id("custodian"));
    ck_assert_ptr_nonnull(h_str(r, "retained_until"));
    /* The stub keeps every field of the letter. */
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "bearer_names")), 2);
    ck_assert_ptr_nonnull(h_str(r, "recipient_org"));
    ck_assert_ptr_nonnull(h_str(r, "matter"));
    ck_assert_ptr_nonnull(h_str(r, "valid_until"));
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "intro_letter_issued", "intro_letter", id), 1);
    ck_assert_int_eq(audits("intro_letter", id, "issue"), 1);
    r = letter_act(id, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 409, "intro_letter.wrong_state", NULL, NULL));
    h_free(r);

    char n2[24], n3[24], o1[24];
    issued_letter(seal, n2);
    issued_letter(other, o1);
    issued_letter(seal, n3);
    ck_assert_str_eq(n2, sf("%s-0002", year));
    ck_assert_str_eq(n3, sf("%s-0003", year));
    ck_assert_str_eq(o1, sf("%s-0001", year));

    /* A pending letter is not issued, nor one whose validity has passed. */
    long long pending = new_letter("zonghe1", seal);
    r = letter_act(pending, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 409, "intro_letter.wrong_state", NULL, NULL));
    h_free(r);
    long long late = approved_letter("zonghe1", seal, "director");
    const char *p[] = {id_text(late)};
    h_sql_ll("UPDATE seals.intro_letters SET valid_until = current_date - 1 WHERE id = $1"
             " RETURNING id",
             1, p);
    r = letter_act(late, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 422, "intro_letter.expired", "R-LET-2", NULL));
    h_free(r);
    assert_letter_state(late, "approved");
    const char *ps[] = {id_text(seal)};
    ck_assert_int_eq(h_sql_ll("SELECT max(last_number) FROM seals.letter_series WHERE seal_id = $1",
                              1, ps),
                     3);
}
END_TEST

typedef struct issue_try {
    long long id;
    long status;
    char number[24];
} issue_try;

/* One issue, as a client does it: a 503 (the service could not get a
 * database connection or an answer in time, which changes nothing) is
 * tried again after a pause; anything else is the answer. */
static void *issue_once(void *arg)
{
    issue_try *t = arg;
    resp_t *r = NULL;
    for (int attempt = 0; attempt < 5; attempt++) {
        if (r) {
            h_free(r);
            usleep(200 * 1000);
        }
        r = h_post(sf("/api/v1/intro-letters/%lld/issue", t->id), h_token("custodian"), NULL);
        if (r->status != 503)
            break;
    }
    t->status = r->status;
    const char *n = r->status == 200 ? h_str(r, "letter_number") : NULL;
    snprintf(t->number, sizeof t->number, "%s", n ? n : "");
    h_free(r);
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(((const issue_try *)a)->number, ((const issue_try *)b)->number);
}

START_TEST(test_R_LET_1_fifty_concurrent_issues_are_sequential_and_unique)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    issue_try tries[50];
    void *args[50];
    for (int i = 0; i < 50; i++) {
        tries[i] = (issue_try){.id = approved_letter("zonghe1", seal, "director")};
        args[i] = &tries[i];
    }
    h_token("custodian");
    run_concurrently(50, issue_once, args);
    char year[8];
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(year, sizeof year, "%Y", &tm);
    for (int i = 0; i < 50; i++)
        ck_assert_msg(tries[i].status == 200, "issue %d: %ld", i, tries[i].status);
    qsort(tries, 50, sizeof tries[0], cmp_str);
    for (int i = 0; i < 50; i++)
        ck_assert_str_eq(tries[i].number, sf("%s-%04d", year, i + 1));
    const char *p[] = {id_text(seal)};
    ck_assert_int_eq(h_sql_ll("SELECT count(DISTINCT letter_number) FROM seals.intro_letters"
                              " WHERE seal_id = $1 AND state = 'issued'",
                              1, p),
                     50);
    ck_assert_int_eq(h_sql_ll("SELECT last_number FROM seals.letter_series WHERE seal_id = $1",
                              1, p),
                     50);
}
END_TEST

START_TEST(test_R_LET_3_unused_letter_returned_to_its_stub_with_a_note)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = issued_letter(seal, NULL);
    resp_t *r = letter_act(id, "return", "zonghe1", NULL);
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "note"));
    h_free(r);
    r = letter_act(id, "return", "zonghe1", "{\"note\":\"  \"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "note"));
    h_free(r);
    r = letter_act(id, "return", "director", "{\"note\":\"x\"}");
    ck_assert(h_problem(r, 403, NULL, "R-LET-3", NULL));
    h_free(r);
    r = letter_act(id, "return", "zonghe2", "{\"note\":\"x\"}");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    assert_letter_state(id, "issued");

    r = letter_act(id, "return", "zonghe1", "{\"note\":\"对方单位改期，未使用\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "returned");
    ck_assert_str_eq(h_str(r, "return_note"), "对方单位改期，未使用");
    ck_assert_ptr_nonnull(h_str(r, "returned_at"));
    ck_assert_int_eq(h_int(r, "returned_by"), h_user_id("zonghe1"));
    ck_assert_ptr_nonnull(h_str(r, "letter_number"));
    h_free(r);
    ck_assert_int_eq(notes("custodian", "intro_letter_returned", "intro_letter", id), 1);
    ck_assert_int_eq(audits("intro_letter", id, "return"), 1);

    /* The custodian reads it on the stub. */
    r = h_get(sf("/api/v1/intro-letters/%lld", id), h_token("custodian"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "returned");
    ck_assert_str_eq(h_str(r, "return_note"), "对方单位改期，未使用");
    h_free(r);

    r = letter_act(id, "use", "zonghe1", NULL);
    ck_assert(h_problem(r, 409, "intro_letter.wrong_state", NULL, NULL));
    h_free(r);
    r = letter_act(id, "return", "zonghe1", "{\"note\":\"again\"}");
    ck_assert(h_problem(r, 409, "intro_letter.wrong_state", NULL, NULL));
    h_free(r);

    /* The custodian may also record a letter handed back to them. */
    long long id2 = issued_letter(seal, NULL);
    r = letter_act(id2, "return", "custodian", "{\"note\":\"经办人交回\"}");
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(notes("zonghe1", "intro_letter_returned", "intro_letter", id2), 1);
}
END_TEST

START_TEST(test_R_LET_3_used_letter_is_marked_used)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = issued_letter(seal, NULL);
    resp_t *r = letter_act(id, "use", "custodian", NULL);
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    r = letter_act(id, "use", "zonghe1", "{\"note\":\"x\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "note"));
    h_free(r);
    r = letter_act(id, "use", "zonghe1", "{\"comment\":\"已办结\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "used");
    ck_assert_ptr_nonnull(h_str(r, "used_at"));
    h_free(r);
    r = letter_act(id, "return", "zonghe1", "{\"note\":\"x\"}");
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(audits("intro_letter", id, "use"), 1);
}
END_TEST

START_TEST(test_R_LET_4_stub_kept_three_years_delete_refused_before)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = issued_letter(seal, NULL);
    const char *path = sf("/api/v1/intro-letters/%lld", id);
    resp_t *r = h_req("DELETE", path, h_token("admin"), NULL, NULL);
    ck_assert(h_problem(r, 409, "intro_letter.retention", "R-LET-4", NULL));
    h_free(r);
    backdate(id, "2 years 360 days");
    r = h_req("DELETE", path, h_token("admin"), NULL, NULL);
    ck_assert(h_problem(r, 409, "intro_letter.retention", "R-LET-4", NULL));
    h_free(r);
    assert_letter_state(id, "issued");

    backdate(id, "3 years 2 days");
    r = h_req("DELETE", path, h_token("custodian"), NULL, NULL);
    ck_assert(h_problem(r, 403, NULL, "R-LET-4", NULL));
    h_free(r);
    r = h_req("DELETE", path, h_token("xinxi1"), NULL, NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_req("DELETE", path, h_token("admin"), NULL,
              (const char *const[]){"If-Match: \"99\"", NULL});
    ck_assert(h_problem(r, 412, NULL, NULL, NULL));
    h_free(r);
    assert_letter_state(id, "issued");

    r = h_req("DELETE", path, h_token("admin"), NULL, NULL);
    ck_assert_int_eq(r->status, 204);
    h_free(r);
    char *gone = letter_state(id);
    ck_assert_ptr_null(gone);
    ck_assert_int_eq(audits("intro_letter", id, "delete"), 1);
    r = h_req("DELETE", path, h_token("admin"), NULL, NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);

    /* A letter that was never issued has no archived stub to remove. */
    long long pending = new_letter("zonghe1", seal);
    r = h_req("DELETE", sf("/api/v1/intro-letters/%lld", pending), h_token("admin"), NULL, NULL);
    ck_assert(h_problem(r, 409, "intro_letter.not_issued", "R-LET-4", NULL));
    h_free(r);
    assert_letter_state(pending, "pending");
}
END_TEST

START_TEST(test_R_LET_4_purge_removes_only_stubs_past_retention)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long old = issued_letter(seal, NULL);
    long long young = issued_letter(seal, NULL);
    long long almost = issued_letter(seal, NULL);
    long long unissued = new_letter("zonghe1", seal);
    backdate(old, "3 years 2 days");
    backdate(almost, "2 years 360 days");

    resp_t *r = h_post("/api/v1/intro-letters/purge", h_token("director"), NULL);
    ck_assert(h_problem(r, 403, NULL, "R-LET-4", NULL));
    h_free(r);
    r = h_post("/api/v1/intro-letters/purge", h_token("admin"), "{\"all\":true}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "all"));
    h_free(r);
    assert_letter_state(old, "issued");

    r = h_get("/api/v1/intro-letters?past_retention=true&limit=200", h_token("admin"));
    ck_status(r, 200);
    ck_assert(json_array_size(json_object_get(r->json, "items")) >= 1);
    h_free(r);

    r = h_post("/api/v1/intro-letters/purge", h_token("admin"), NULL);
    ck_status(r, 200);
    json_t *removed = json_object_get(r->json, "removed");
    ck_assert_int_eq(h_int(r, "count"), (long long)json_array_size(removed));
    bool has_old = false, has_other = false;
    size_t i;
    json_t *e;
    json_array_foreach(removed, i, e) {
        long long id = json_integer_value(json_object_get(e, "id"));
        has_old = has_old || id == old;
        has_other = has_other || id == young || id == almost || id == unissued;
        ck_assert_ptr_nonnull(json_string_value(json_object_get(e, "letter_number")));
    }
    ck_assert(has_old);
    ck_assert(!has_other);
    h_free(r);
    char *s = letter_state(old);
    ck_assert_ptr_null(s);
    assert_letter_state(young, "issued");
    assert_letter_state(almost, "issued");
    assert_letter_state(unissued, "pending");
    ck_assert_int_eq(audits("intro_letter", old, "purge"), 1);

    r = h_post("/api/v1/intro-letters/purge", h_token("admin"), NULL);
    ck_status(r, 200);
    json_array_foreach(json_object_get(r->json, "removed"), i, e) ck_assert_int_ne(
        json_integer_value(json_object_get(e, "id")), old);
    h_free(r);
}
END_TEST

START_TEST(letters_visible_only_to_those_concerned_and_listed)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_letter("zonghe1", seal);
    const char *path = sf("/api/v1/intro-letters/%lld", id);
    const char *can[] = {"zonghe1", "director", "deputy3", "custodian", "admin"};
    for (int i = 0; i < 5; i++) {
        resp_t *r = h_get(path, h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %s", can[i], r->body);
        h_free(r);
    }
    const char *cannot[] = {"zonghe2", "town1_clerk", "wenmi1"};
    for (int i = 0; i < 3; i++) {
        resp_t *r = h_get(path, h_token(cannot[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %s", cannot[i], r->body);
        h_free(r);
    }
    resp_t *r = h_get("/api/v1/intro-letters?to_approve=true&state=pending&limit=200",
                      h_token("deputy2"));
    ck_status(r, 200);
    bool listed = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e) listed =
        listed || json_integer_value(json_object_get(e, "id")) == id;
    ck_assert(listed);
    h_free(r);
    r = h_get(sf("/api/v1/intro-letters?seal_id=%lld", seal), h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    h_free(r);

    r = letter_act(id, "approve", "director", NULL);
    h_free(r);
    r = h_get(sf("/api/v1/intro-letters?to_issue=true&seal_id=%lld", seal), h_token("custodian"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    h_free(r);

    const char *bad[][2] = {{"/api/v1/intro-letters?state=lost", "state"},
                            {"/api/v1/intro-letters?seal_id=abc", "seal_id"},
                            {"/api/v1/intro-letters?mine=2", "mine"},
                            {"/api/v1/intro-letters?to_issue=no", "to_issue"},
                            {"/api/v1/intro-letters?past_retention=x", "past_retention"},
                            {"/api/v1/intro-letters?limit=-1", "limit"}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        r = h_get(bad[k][0], h_token("zonghe1"));
        ck_assert_msg(h_problem(r, 400, "request.invalid_query", NULL, bad[k][1]), "%s: %s",
                      bad[k][0], r->body);
        h_free(r);
    }
}
END_TEST

START_TEST(letter_withdrawn_and_letters_on_inactive_seals)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = approved_letter("zonghe1", seal, "director");
    resp_t *r = letter_act(id, "withdraw", "director", NULL);
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    r = letter_act(id, "withdraw", "zonghe1", "{\"comment\":\"不去了\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "withdrawn");
    h_free(r);
    ck_assert_int_eq(notes("custodian", "intro_letter_withdrawn", "intro_letter", id), 1);
    r = letter_act(id, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 409, NULL, NULL, NULL));
    h_free(r);

    long long pending = new_letter("zonghe1", seal);
    r = letter_act(pending, "withdraw", "zonghe1", NULL);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(notes("deputy2", "intro_letter_withdrawn", "intro_letter", pending), 1);
    ck_assert_int_eq(audits("intro_letter", pending, "withdraw"), 1);

    long long later = approved_letter("zonghe1", seal, "director");
    r = h_patch(sf("/api/v1/seals/%lld", seal), h_token("admin"), "{\"state\":\"lost\"}");
    ck_status(r, 200);
    h_free(r);
    r = letter_act(later, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 409, "seal.not_active", NULL, NULL));
    h_free(r);
    assert_letter_state(later, "approved");
    const char *org = unique("某某局");
    r = post_letter("zonghe1", seal, org);
    ck_assert(h_problem(r, 409, "seal.not_active", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(letters_to(org), 0);

    const char *key = sf("Idempotency-Key: %s", unique("k"));
    long long seal2 = new_seal("government_office", "custodian", NULL);
    const char *org2 = unique("某某委");
    const char *body = sf("{\"seal_id\":%lld,\"bearer_names\":[\"王五\",\"赵六\",\"钱七\"],"
                          "\"bearer_count\":3,"
                          "\"recipient_org\":\"%s\",\"matter\":\"调研\",\"valid_until\":\"%s\"}",
                          seal2, org2, in_days(5));
    resp_t *a = h_req("POST", "/api/v1/intro-letters", h_token("zonghe1"), body,
                      (const char *const[]){key, NULL});
    resp_t *b = h_req("POST", "/api/v1/intro-letters", h_token("zonghe1"), body,
                      (const char *const[]){key, NULL});
    ck_status(a, 201);
    ck_status(b, 201);
    ck_assert_int_eq(h_int(a, "id"), h_int(b, "id"));
    ck_assert_int_eq(h_int(a, "bearer_count"), 3);
    h_free(a);
    h_free(b);
    ck_assert_int_eq(letters_to(org2), 1);
}
END_TEST

START_TEST(letter_actions_refuse_bad_input_and_change_nothing)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long id = new_letter("zonghe1", seal);
    const char *cases[][4] = {
        {"approve", "director", "{\"comment\":1}", "comment"},
        {"approve", "director", "{\"ok\":true}", "ok"},
        {"reject", "director", "{\"comment\":false}", "comment"},
        {"withdraw", "zonghe1", "{\"reason\":\"x\"}", "reason"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = letter_act(id, cases[i][0], cases[i][1], cases[i][2]);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, cases[i][3]), "%s %s: %s",
                      cases[i][0], cases[i][2], r->body);
        h_free(r);
    }
    resp_t *r = h_post(sf("/api/v1/intro-letters/%lld/approve", id), h_token("director"), "{");
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    h_free(r);
    assert_letter_state(id, "pending");
    r = letter_act(id, "approve", "director", NULL);
    ck_status(r, 200);
    h_free(r);
    r = letter_act(id, "issue", "custodian", "{\"number\":\"2026-9999\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "number"));
    h_free(r);
    assert_letter_state(id, "approved");
    r = letter_act(id, "issue", "custodian", NULL);
    ck_status(r, 200);
    h_free(r);
    r = letter_act(id, "return", "zonghe1", "{\"note\":[\"x\"]}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "note"));
    h_free(r);
    r = h_req("DELETE", sf("/api/v1/intro-letters/%lld", id), h_token("admin"), NULL,
              (const char *const[]){"If-Match: soon", NULL});
    ck_assert(h_problem(r, 400, NULL, NULL, "If-Match"));
    h_free(r);
    r = letter_act(999999999, "approve", "director", NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    assert_letter_state(id, "issued");
}
END_TEST

/* Runs sql on a connection of its own as `role` (NULL: the admin); answers
 * the SQLSTATE ("" on success). */
static char *sql_state_as(const char *role, const char *sql)
{
    PGconn *db = h_db();
    if (role)
        PQclear(PQexec(db, sf("SET ROLE %s", role)));
    PGresult *res = PQexec(db, sql);
    const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    char *out = strdup(st ? st : "");
    PQclear(res);
    PQclear(PQexec(db, "RESET ROLE"));
    return out;
}

START_TEST(test_R_LET_4_database_refuses_deleting_a_stub_before_three_years)
{
    /* Nothing deletes a stub earlier: not the service's own role, not an
     * administrator of the database. */
    long long seal = new_seal("government_office", "custodian", NULL);
    long long young = issued_letter(seal, NULL);
    long long almost = issued_letter(seal, NULL);
    long long pending = new_letter("zonghe1", seal);
    backdate(almost, "2 years 360 days");
    long long ids[] = {young, almost, pending};
    const char *roles[] = {"seals", NULL};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++) {
            char *st = sql_state_as(roles[k],
                                    sf("DELETE FROM seals.intro_letters WHERE id = %lld", ids[i]));
            ck_assert_msg(!strcmp(st, "42501"), "letter %lld as %s: '%s'", ids[i],
                          roles[k] ? roles[k] : "admin", st);
            free(st);
        }
    char *st = sql_state_as("seals", "TRUNCATE seals.intro_letters CASCADE");
    ck_assert_str_eq(st, "42501");
    free(st);
    st = sql_state_as(NULL, "TRUNCATE seals.intro_letters CASCADE");
    ck_assert_str_eq(st, "42501");
    free(st);
    assert_letter_state(young, "issued");
    assert_letter_state(almost, "issued");
    assert_letter_state(pending, "pending");

    /* Past its three years the service removes it. */
    backdate(almost, "3 years 2 days");
    resp_t *r = h_req("DELETE", sf("/api/v1/intro-letters/%lld", almost), h_token("admin"), NULL,
                      NULL);
    ck_assert_int_eq(r->status, 204);
    h_free(r);
    char *gone = letter_state(almost);
    ck_assert_ptr_null(gone);
}
END_TEST

/* 二.2 严禁发出空白介绍信: every bearer the letter counts is named, so
 * nobody can be added to an issued letter. */
START_TEST(test_R_LET_2_every_bearer_counted_is_named)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *org = unique("某某单位");
    const char *until = in_days(10);
    int counts[] = {2, 3, 100};
    for (int i = 0; i < 3; i++) {
        resp_t *r = h_post("/api/v1/intro-letters", h_token("zonghe1"),
                           sf("{\"seal_id\":%lld,\"bearer_names\":[\"张三\"],\"bearer_count\":%d,"
                              "\"recipient_org\":\"%s\",\"matter\":\"m\",\"valid_until\":\"%s\"}",
                              seal, counts[i], org, until));
        ck_assert_msg(h_problem(r, 400, "request.invalid", "R-LET-2", "bearer_count"), "%d: %s",
                      counts[i], r->body);
        h_free(r);
    }
    ck_assert_int_eq(letters_to(org), 0);
    /* The database holds to it too. */
    long long id = new_letter("zonghe1", seal);
    char *st = sql_state_as(NULL, sf("UPDATE seals.intro_letters SET bearer_count = 3"
                                     " WHERE id = %lld", id));
    ck_assert_str_eq(st, "23514");
    free(st);
}
END_TEST

/* 一.4, 二: the letter goes out under the seal, so issuing it is a use of
 * the seal, in its use log with the letter number as the document number. */
START_TEST(test_R_LET_1_issuing_a_letter_writes_the_use_log)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    const char *ps[] = {id_text(seal)};
    long long before = h_sql_ll("SELECT count(*) FROM seals.seal_usages WHERE seal_id = $1", 1, ps);
    ck_assert_int_eq(before, 0);
    char number[24];
    long long id = issued_letter(seal, number);
    const char *pl[] = {id_text(id)};
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM seals.seal_usages WHERE letter_id = $1", 1, pl), 1);
    long long usage =
        h_sql_ll("SELECT id FROM seals.seal_usages WHERE letter_id = $1", 1, pl);
    resp_t *r = h_get(sf("/api/v1/seal-usages/%lld", usage), h_token("custodian"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "seal_id"), seal);
    ck_assert_int_eq(h_int(r, "letter_id"), id);
    ck_assert(json_is_null(json_object_get(r->json, "request_id")));
    ck_assert_str_eq(h_str(r, "document_number"), number);
    ck_assert_str_eq(h_str(r, "matter"), "intro_letter");
    ck_assert(strstr(h_str(r, "content"), "联系工作") != NULL);
    ck_assert_int_eq(h_int(r, "count"), 1);
    ck_assert_int_eq(h_int(r, "handler_id"), h_user_id("zonghe1"));
    ck_assert_int_eq(h_int(r, "approver_id"), h_user_id("director"));
    ck_assert_int_eq(h_int(r, "stamper_id"), h_user_id("custodian"));
    ck_assert(strlen(h_str(r, "using_unit")) > 0);
    ck_assert(strlen(h_str(r, "stamper_name")) > 0);
    h_free(r);
    /* In the seal's log, for the requester too. */
    ck_assert(h_lists(sf("/api/v1/seal-usages?seal_id=%lld&limit=200", seal), h_token("director"),
                      usage));
    ck_assert(h_lists(sf("/api/v1/seal-usages?seal_id=%lld&limit=200", seal), h_token("zonghe1"),
                      usage));
    /* A letter refused at issue writes nothing. */
    long long late = approved_letter("zonghe1", seal, "director");
    const char *pt[] = {id_text(late)};
    h_sql_ll("UPDATE seals.intro_letters SET valid_until = current_date - 1 WHERE id = $1"
             " RETURNING id",
             1, pt);
    r = letter_act(late, "issue", "custodian", NULL);
    ck_assert(h_problem(r, 422, "intro_letter.expired", "R-LET-2", NULL));
    h_free(r);
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM seals.seal_usages WHERE letter_id = $1", 1, pt), 0);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.seal_usages WHERE seal_id = $1", 1, ps),
                     1);
}
END_TEST

/* 二.4 介绍信存根要归档,保存期三年: the three years run from the archiving (the
 * letter used, returned or expired), not from the issue. */
START_TEST(test_R_LET_4_retention_counts_from_archiving_not_issue)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    /* Issued long ago but returned a year ago: kept two more years. */
    long long returned = issued_letter(seal, NULL);
    resp_t *r = letter_act(returned, "return", "zonghe1", "{\"note\":\"未使用\"}");
    ck_status(r, 200);
    h_free(r);
    /* Used three years and two days ago: its time is up. */
    long long used = issued_letter(seal, NULL);
    r = letter_act(used, "use", "zonghe1", NULL);
    ck_status(r, 200);
    h_free(r);
    const char *p1[] = {id_text(returned)}, *p2[] = {id_text(used)};
    h_sql_ll("UPDATE seals.intro_letters SET issued_at = now() - interval '4 years',"
             " returned_at = now() - interval '1 year' WHERE id = $1 RETURNING id", 1, p1);
    h_sql_ll("UPDATE seals.intro_letters SET issued_at = now() - interval '3 years 10 days',"
             " used_at = now() - interval '3 years 2 days' WHERE id = $1 RETURNING id", 1, p2);
    r = h_get(sf("/api/v1/intro-letters/%lld", returned), h_token("admin"));
    ck_status(r, 200);
    const char *pa[] = {id_text(returned), h_str(r, "archived_at"), h_str(r, "retained_until")};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM seals.intro_letters WHERE id = $1"
                              " AND returned_at = $2::timestamptz"
                              " AND returned_at + interval '3 years' = $3::timestamptz",
                              3, pa),
                     1);
    h_free(r);
    r = h_req("DELETE", sf("/api/v1/intro-letters/%lld", returned), h_token("admin"), NULL, NULL);
    ck_assert(h_problem(r, 409, "intro_letter.retention", "R-LET-4", NULL));
    h_free(r);
    assert_letter_state(returned, "returned");
    /* The database refuses it as well. */
    char *st = sql_state_as("seals", sf("DELETE FROM seals.intro_letters WHERE id = %lld", returned));
    ck_assert_str_eq(st, "42501");
    free(st);
    r = h_post("/api/v1/intro-letters/purge", h_token("admin"), NULL);
    ck_status(r, 200);
    size_t i;
    json_t *e;
    bool has_used = false;
    json_array_foreach(json_object_get(r->json, "removed"), i, e) {
        long long id = json_integer_value(json_object_get(e, "id"));
        ck_assert_int_ne(id, returned);
        has_used = has_used || id == used;
    }
    h_free(r);
    ck_assert(has_used);
    assert_letter_state(returned, "returned");
    /* An issued letter still valid is not archived yet: kept at least three
     * years beyond its validity. */
    long long live = issued_letter(seal, NULL);
    const char *p3[] = {id_text(live)};
    h_sql_ll("UPDATE seals.intro_letters SET issued_at = now() - interval '5 years'"
             " WHERE id = $1 RETURNING id", 1, p3);
    r = h_req("DELETE", sf("/api/v1/intro-letters/%lld", live), h_token("admin"), NULL, NULL);
    ck_assert(h_problem(r, 409, "intro_letter.retention", "R-LET-4", NULL));
    h_free(r);
    assert_letter_state(live, "issued");
}
END_TEST

/* Waits up to 20 s for user's reminders about letter id to reach want. */
static long long overdue_notes(const char *user, long long id, long long want)
{
    long long n = 0;
    for (int i = 0; i < 100 && (n = notes(user, "intro_letter_overdue", "intro_letter", id)) < want;
         i++)
        usleep(200 * 1000);
    return n;
}

/* 二.3 开出的介绍信没有使用的,要退还: a letter past its validity, neither used
 * nor returned, is chased: its requester and the custodian are reminded,
 * again each day, until it is returned or recorded as used. */
START_TEST(test_R_LET_3_letter_past_validity_is_chased_until_accounted_for)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long used = issued_letter(seal, NULL);
    resp_t *r = letter_act(used, "use", "zonghe1", NULL);
    ck_status(r, 200);
    h_free(r);
    long long valid = issued_letter(seal, NULL);
    long long id = issued_letter(seal, NULL);
    /* Time passes: the letters' last valid day was yesterday (office time). */
    const char *set = "UPDATE seals.intro_letters SET valid_until ="
                      " (now() AT TIME ZONE 'Asia/Shanghai')::date - 1 WHERE id = $1 RETURNING id";
    const char *pu[] = {id_text(used)}, *pi[] = {id_text(id)};
    h_sql_ll(set, 1, pu);
    h_sql_ll(set, 1, pi);
    ck_assert_int_eq(overdue_notes("zonghe1", id, 1), 1);
    ck_assert_int_eq(overdue_notes("custodian", id, 1), 1);
    r = h_get(sf("/api/v1/intro-letters/%lld", id), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert(json_is_string(json_object_get(r->json, "chased_at")));
    ck_assert_str_eq(h_str(r, "state"), "issued");
    h_free(r);
    /* Not the one used, not the one still valid, and not twice a day. */
    ck_assert_int_eq(notes("zonghe1", "intro_letter_overdue", "intro_letter", used), 0);
    ck_assert_int_eq(notes("zonghe1", "intro_letter_overdue", "intro_letter", valid), 0);
    usleep(1500 * 1000);
    ck_assert_int_eq(notes("zonghe1", "intro_letter_overdue", "intro_letter", id), 1);
    /* A day later it is still out: reminded again. */
    const char *back = "UPDATE seals.intro_letters SET chased_at = now() - interval '25 hours'"
                       " WHERE id = $1 RETURNING id";
    h_sql_ll(back, 1, pi);
    ck_assert_int_eq(overdue_notes("zonghe1", id, 2), 2);
    ck_assert_int_eq(overdue_notes("custodian", id, 2), 2);
    /* Returned to its stub: the chase ends. */
    r = letter_act(id, "return", "zonghe1", "{\"note\":\"逾期未用，交回\"}");
    ck_status(r, 200);
    h_free(r);
    h_sql_ll(back, 1, pi);
    usleep(6500 * 1000);
    ck_assert_int_eq(notes("zonghe1", "intro_letter_overdue", "intro_letter", id), 2);
    ck_assert_int_eq(notes("custodian", "intro_letter_overdue", "intro_letter", id), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_letters");
    TCase *tc = tcase_create("letters");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_LET_2_no_blank_letters_each_field_missing_or_blank);
    tcase_add_test(tc, test_R_LET_2_director_or_deputy_director_approves);
    tcase_add_test(tc, test_R_SEC_3_secretary_cannot_approve_a_letter);
    tcase_add_test(tc, test_R_SEAL_1_keeper_of_the_seal_does_not_approve_its_letters);
    tcase_add_test(tc, test_R_LET_1_custodian_issues_next_number_of_the_seal_series);
    tcase_add_test(tc, test_R_LET_1_fifty_concurrent_issues_are_sequential_and_unique);
    tcase_add_test(tc, test_R_LET_3_unused_letter_returned_to_its_stub_with_a_note);
    tcase_add_test(tc, test_R_LET_3_used_letter_is_marked_used);
    tcase_add_test(tc, test_R_LET_4_stub_kept_three_years_delete_refused_before);
    tcase_add_test(tc, test_R_LET_4_purge_removes_only_stubs_past_retention);
    tcase_add_test(tc, letters_visible_only_to_those_concerned_and_listed);
    tcase_add_test(tc, letter_withdrawn_and_letters_on_inactive_seals);
    tcase_add_test(tc, letter_actions_refuse_bad_input_and_change_nothing);
    tcase_add_test(tc, test_R_LET_4_database_refuses_deleting_a_stub_before_three_years);
    tcase_add_test(tc, test_R_LET_2_every_bearer_counted_is_named);
    tcase_add_test(tc, test_R_LET_1_issuing_a_letter_writes_the_use_log);
    tcase_add_test(tc, test_R_LET_4_retention_counts_from_archiving_not_issue);
    tcase_add_test(tc, test_R_LET_3_letter_past_validity_is_chased_until_accounted_for);
    suite_add_tcase(s, tc);
    return h_run(s);
}
