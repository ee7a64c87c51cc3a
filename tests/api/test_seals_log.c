/* The seal use log (R-SEAL-4): one entry per stamp with every field the
 * regulation names, append-only in the database, listed by seal and period
 * newest first, exported as CSV, and published to documents. */
#include "test_seals_fixtures.h"

/* A signed, numbered document of 综合科 with this number, written straight
 * into the documents service's table (in a year of its own, so that no
 * series is touched), as the sign-off and numbering would leave it: a seal
 * request names only such a document (R-DOC-6). Signed by the director,
 * who may not approve the district seal, so the request waits for its
 * approver. */
static long long signed_document_row(const char *number)
{
    static int seq;
    char s[32];
    snprintf(s, sizeof s, "%d", (int)getpid() * 100 + ++seq);
    const char *p[] = {number, s, id_text(h_user_id("zonghe1")), id_text(h_user_id("director"))};
    return h_sql_ll("INSERT INTO documents.documents(issuer, doc_type, title, body,"
                    " main_recipients, print_count, department_id, creator_id, state, signed_by,"
                    " signed_at, signed_body_sha256, doc_year, doc_seq, doc_number, numbered_at)"
                    " SELECT 'district_government', 'notice', 'seal log test', 'body', '各部门', 3,"
                    " u.department_id, u.id, 'numbered', $4::bigint, now(), repeat('a', 64), 2998,"
                    " $2::bigint, $1, now() FROM identity.users u WHERE u.id = $3::bigint"
                    " RETURNING id",
                    4, p);
}

/* Makes, approves and stamps a request; answers the log entry's id. With
 * a document, number is its number. */
static long long stamped_entry(long long seal, const char *approver, const char *content,
                               long long document_id, const char *number, int count)
{
    resp_t *r = h_post("/api/v1/seal-requests", h_token("zonghe1"),
                       sf("{\"seal_id\":%lld,\"matter\":\"general\",\"document_number\":\"%s\","
                          "\"content\":\"%s\",\"using_unit\":\"综合科\",\"copies\":%d%s}",
                          seal, number ? number : unique("船营府发"), content, count + 1,
                          document_id ? sf(",\"document_id\":%lld", document_id) : ""));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    r = request_act(id, "approve", approver, NULL);
    ck_status(r, 200);
    h_free(r);
    r = request_act(id, "stamp", "custodian", sf("{\"count\":%d}", count));
    ck_status(r, 200);
    long long usage = h_int(r, "usage_id");
    h_free(r);
    return usage;
}

/* A log entry stamped at `at` (an SQL timestamptz text), written straight
 * into the database as an older entry would be: only INSERT is possible. */
static long long backdated_entry(long long seal, const char *at)
{
    const char *p[] = {id_text(seal), at, id_text(h_user_id("zonghe1")),
                       id_text(h_user_id("director")), id_text(h_user_id("custodian"))};
    return h_sql_ll(
        "WITH q AS (INSERT INTO seals.seal_requests(seal_id, requester_id, matter,"
        "  document_number, content, using_unit, copies, approver_role, state, approved_by,"
        "  approved_at, stamped_by, stamped_at, stamped_count)"
        " VALUES ($1, $3, 'general', 'old-' || $2, 'old', '综合科', 1, 'office_director',"
        "  'stamped', $4, $2::timestamptz, $5, $2::timestamptz, 1) RETURNING *)"
        " INSERT INTO seals.seal_usages(seal_id, request_id, stamped_at, matter, document_number,"
        "  content, using_unit, count, handler_id, handler_name, approver_id, approver_name,"
        "  stamper_id, stamper_name)"
        " SELECT q.seal_id, q.id, q.stamped_at, q.matter, q.document_number, q.content,"
        "  q.using_unit, 1, q.requester_id, 'x', q.approved_by, 'y', q.stamped_by, 'z' FROM q"
        " RETURNING id",
        5, p);
}

static json_t *items_of(resp_t *r)
{
    return json_object_get(r->json, "items");
}

static long long item_id(resp_t *r, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(items_of(r), i), "id"));
}

START_TEST(test_R_SEAL_4_each_stamp_logs_time_number_content_unit_count_and_people)
{
    long long seal = new_seal("district_government", "custodian", NULL);
    const char *number = h_fmt("%s", unique("船营府发"));
    long long doc = signed_document_row(number);
    long long usage = stamped_entry(seal, "vmayor1", "关于印发年度工作要点的通知", doc, number, 2);
    ck_assert_int_gt(usage, 0);

    resp_t *r = h_get(sf("/api/v1/seal-usages?seal_id=%lld", seal), h_token("director"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(items_of(r)), 1);
    json_t *e = json_array_get(items_of(r), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "id")), usage);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "seal_id")), seal);
    ck_assert(json_is_string(json_object_get(e, "stamped_at")));
    ck_assert_str_eq(json_string_value(json_object_get(e, "content")), "关于印发年度工作要点的通知");
    ck_assert_str_eq(json_string_value(json_object_get(e, "using_unit")), "综合科");
    ck_assert_str_eq(json_string_value(json_object_get(e, "matter")), "general");
    ck_assert(!strncmp(json_string_value(json_object_get(e, "document_number")), "船营府发", 12));
    ck_assert_int_eq(json_integer_value(json_object_get(e, "count")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "document_id")), doc);
    const char *people[][2] = {{"handler", "zonghe1"}, {"approver", "vmayor1"},
                               {"stamper", "custodian"}};
    for (int i = 0; i < 3; i++) {
        const char *p[] = {people[i][1]};
        char *name =
            h_sql_str("SELECT display_name FROM identity.users WHERE username = $1", 1, p);
        ck_assert_int_eq(json_integer_value(json_object_get(e, sf("%s_id", people[i][0]))),
                         h_user_id(people[i][1]));
        ck_assert_str_eq(json_string_value(json_object_get(e, sf("%s_name", people[i][0]))),
                         name);
        free(name);
    }
    long long request = json_integer_value(json_object_get(e, "request_id"));
    h_free(r);

    r = h_get(sf("/api/v1/seal-usages/%lld", usage), h_token("custodian"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "request_id"), request);
    h_free(r);
    ck_assert_int_eq(usages_of_request(request), 1);

    /* The documents service reads the stamps of its document through the
     * published view, with its own role. */
    PGconn *db = h_db();
    PQclear(PQexec(db, "SET ROLE documents"));
    char q[200];
    snprintf(q, sizeof q,
             "SELECT count(*), sum(count), min(usage_id) FROM seals.document_stamps"
             " WHERE document_id = %lld",
             doc);
    PGresult *res = PQexec(db, q);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "1");
    ck_assert_str_eq(PQgetvalue(res, 0, 1), "2");
    ck_assert_int_eq(atoll(PQgetvalue(res, 0, 2)), usage);
    PQclear(res);
    res = PQexec(db, "SELECT count(*) FROM seals.seal_usages");
    ck_assert_int_ne(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    PQclear(PQexec(db, "RESET ROLE"));
}
END_TEST

/* Runs sql on the admin connection, optionally as role; answers the
 * SQLSTATE ("" on success). */
static char *try_sql(const char *role, const char *sql)
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

START_TEST(test_R_SEAL_4_log_is_append_only_even_for_the_service_role)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long usage = stamped_entry(seal, "director", "关于预算的函", 0, NULL, 2);
    const char *changes[] = {
        sf("UPDATE seals.seal_usages SET count = 99 WHERE id = %lld", usage),
        sf("UPDATE seals.seal_usages SET stamper_name = '别人' WHERE id = %lld", usage),
        sf("DELETE FROM seals.seal_usages WHERE id = %lld", usage),
        "TRUNCATE seals.seal_usages",
    };
    for (int i = 0; i < 4; i++) {
        /* The service's own role has no such privilege... */
        char *st = try_sql("seals", changes[i]);
        ck_assert_msg(!strcmp(st, "42501"), "as seals: %s -> '%s'", changes[i], st);
        free(st);
        /* ...and the trigger refuses even a superuser. */
        st = try_sql(NULL, changes[i]);
        ck_assert_msg(!strcmp(st, "42501"), "as superuser: %s -> '%s'", changes[i], st);
        free(st);
    }
    const char *p[] = {id_text(usage)};
    ck_assert_int_eq(h_sql_ll("SELECT count FROM seals.seal_usages WHERE id = $1", 1, p), 2);
    char *name = h_sql_str("SELECT stamper_name FROM seals.seal_usages WHERE id = $1", 1, p);
    ck_assert_str_ne(name, "别人");
    free(name);
    /* The service role keeps appending and reading, nothing more. */
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM unnest(ARRAY['INSERT', 'SELECT']) p"
                              " WHERE has_table_privilege('seals', 'seals.seal_usages', p)",
                              0, NULL),
                     2);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) p"
                              " WHERE has_table_privilege('seals', 'seals.seal_usages', p)",
                              0, NULL),
                     0);
    /* And no route writes to the log: only GET is allowed on it. */
    resp_t *r = h_req("DELETE", sf("/api/v1/seal-usages/%lld", usage), h_token("admin"), NULL,
                      NULL);
    ck_assert_int_eq(r->status, 405);
    ck_assert_str_eq(h_header(r, "Allow"), "GET");
    h_free(r);
    r = h_patch(sf("/api/v1/seal-usages/%lld", usage), h_token("admin"), "{\"count\":1}");
    ck_assert_int_eq(r->status, 405);
    ck_assert_str_eq(h_header(r, "Allow"), "GET");
    h_free(r);
    r = h_post("/api/v1/seal-usages", h_token("admin"), "{\"count\":1}");
    ck_assert_int_eq(r->status, 405);
    ck_assert_str_eq(h_header(r, "Allow"), "GET");
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count FROM seals.seal_usages WHERE id = $1", 1, p), 2);
}
END_TEST

START_TEST(test_R_SEAL_4_log_by_seal_and_period_newest_first)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long now1 = stamped_entry(seal, "director", "今天一", 0, NULL, 1);
    long long now2 = stamped_entry(seal, "director", "今天二", 0, NULL, 1);
    /* Older entries come later in id order: the log is ordered by time. */
    long long feb = backdated_entry(seal, "2025-02-28 23:59:00+08");
    long long mar1 = backdated_entry(seal, "2025-03-01 00:00:00+08");
    long long mar31 = backdated_entry(seal, "2025-03-31 23:59:59+08");
    long long apr = backdated_entry(seal, "2025-04-01 00:00:00+08");
    long long other = new_seal("government_office", "custodian", NULL);
    backdated_entry(other, "2025-03-15 12:00:00+08");

    const char *dir = h_token("director");
    resp_t *r = h_get(sf("/api/v1/seal-usages?seal_id=%lld&from=2025-03-01&to=2025-03-31", seal),
                      dir);
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(items_of(r)), 2);
    ck_assert_int_eq(item_id(r, 0), mar31);
    ck_assert_int_eq(item_id(r, 1), mar1);
    h_free(r);

    r = h_get(sf("/api/v1/seal-usages?seal_id=%lld&to=2025-03-01", seal), dir);
    ck_assert_int_eq(json_array_size(items_of(r)), 2);
    ck_assert_int_eq(item_id(r, 0), mar1);
    ck_assert_int_eq(item_id(r, 1), feb);
    h_free(r);

    /* The whole log of the seal, two at a time, newest first. */
    long long want[] = {now2, now1, apr, mar31, mar1, feb};
    long long got[8];
    int n = 0;
    char cursor[64] = "";
    for (int page = 0; page < 5; page++) {
        r = h_get(sf("/api/v1/seal-usages?seal_id=%lld&limit=2%s%s", seal,
                     cursor[0] ? "&cursor=" : "", cursor),
                  dir);
        ck_status(r, 200);
        for (size_t i = 0; i < json_array_size(items_of(r)) && n < 8; i++)
            got[n++] = item_id(r, i);
        const char *next = h_str(r, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", next ? next : "");
        h_free(r);
        if (!cursor[0])
            break;
    }
    ck_assert_int_eq(n, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(got[i], want[i]);

    /* Without a seal, a period lists every seal's entries. */
    r = h_get("/api/v1/seal-usages?from=2025-03-15&to=2025-03-15&limit=200", dir);
    ck_status(r, 200);
    ck_assert_int_ge(json_array_size(items_of(r)), 1);
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_4_log_exported_as_csv)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    stamped_entry(seal, "director", "关于\\\"年度\\\"预算,请审批", 0, NULL, 2);
    stamped_entry(seal, "director", "关于会议的通知", 0, NULL, 1);
    resp_t *r = h_get(sf("/api/v1/seal-usages?seal_id=%lld&format=csv", seal),
                      h_token("custodian"));
    ck_status(r, 200);
    ck_assert(!strncmp(h_header(r, "Content-Type"), "text/csv", 8));
    ck_assert_ptr_nonnull(strstr(h_header(r, "Content-Disposition"), "attachment"));
    const char *body = r->body;
    ck_assert(!strncmp(body, "\xEF\xBB\xBF", 3));
    body += 3;
    const char *header = "id,seal_id,seal_name,request_id,stamped_at,matter,document_number,"
                         "content,using_unit,count,handler_id,handler_name,approver_id,"
                         "approver_name,stamper_id,stamper_name,document_id\r\n";
    ck_assert(!strncmp(body, header, strlen(header)));
    ck_assert_ptr_nonnull(strstr(body, "\"关于\"\"年度\"\"预算,请审批\""));
    ck_assert_ptr_nonnull(strstr(body, ",关于会议的通知,综合科,1,"));
    int lines = 0;
    for (const char *c = body; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 3);
    h_free(r);

    r = h_get(sf("/api/v1/seal-usages?seal_id=%lld&format=csv&from=2025-01-01&to=2025-01-31",
                 seal),
              h_token("custodian"));
    ck_status(r, 200);
    lines = 0;
    for (const char *c = r->body; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq(lines, 1);
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_4_log_visible_to_custodian_leaders_and_participants)
{
    long long seal = new_seal("government_office", "custodian", NULL);
    long long usage = stamped_entry(seal, "director", "可见性", 0, NULL, 1);
    const char *all[] = {"custodian", "director", "deputy2", "mayor", "admin", "zonghe1"};
    for (int i = 0; i < 6; i++) {
        resp_t *r = h_get(sf("/api/v1/seal-usages?seal_id=%lld", seal), h_token(all[i]));
        ck_status(r, 200);
        ck_assert_msg(json_array_size(items_of(r)) == 1, "%s sees %zu", all[i],
                      json_array_size(items_of(r)));
        h_free(r);
        r = h_get(sf("/api/v1/seal-usages/%lld", usage), h_token(all[i]));
        ck_status(r, 200);
        h_free(r);
    }
    const char *none[] = {"zonghe2", "xinxi1", "wenmi1"};
    for (int i = 0; i < 3; i++) {
        resp_t *r = h_get(sf("/api/v1/seal-usages?seal_id=%lld", seal), h_token(none[i]));
        ck_status(r, 200);
        ck_assert_int_eq(json_array_size(items_of(r)), 0);
        h_free(r);
        r = h_get(sf("/api/v1/seal-usages/%lld", usage), h_token(none[i]));
        ck_assert(h_problem(r, 404, NULL, NULL, NULL));
        h_free(r);
        r = h_get(sf("/api/v1/seal-usages?seal_id=%lld&format=csv", seal), h_token(none[i]));
        ck_status(r, 200);
        ck_assert_ptr_null(strstr(r->body, "可见性"));
        h_free(r);
    }
}
END_TEST

START_TEST(log_query_bad_input_is_400)
{
    const char *tok = h_token("director");
    const char *bad[][2] = {{"/api/v1/seal-usages?from=2025-13-01", "from"},
                            {"/api/v1/seal-usages?from=2025-02-30", "from"},
                            {"/api/v1/seal-usages?to=yesterday", "to"},
                            {"/api/v1/seal-usages?from=2025-03-02&to=2025-03-01", "to"},
                            {"/api/v1/seal-usages?seal_id=x", "seal_id"},
                            {"/api/v1/seal-usages?seal_id=0", "seal_id"},
                            {"/api/v1/seal-usages?format=pdf", "format"},
                            {"/api/v1/seal-usages?limit=0", "limit"},
                            {"/api/v1/seal-usages?cursor=abc", "cursor"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = h_get(bad[i][0], tok);
        ck_assert_msg(h_problem(r, 400, "request.invalid_query", NULL, bad[i][1]), "%s: %s",
                      bad[i][0], r->body);
        h_free(r);
    }
    resp_t *r = h_get("/api/v1/seal-usages/999999999", tok);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_SEAL_4_a_seals_month_is_served_by_its_index)
{
    char *def = h_sql_str("SELECT indexdef FROM pg_indexes WHERE schemaname = 'seals'"
                          " AND indexname = 'seal_usages_seal_time'",
                          0, NULL);
    ck_assert_ptr_nonnull(def);
    ck_assert_ptr_nonnull(strstr(def, "(seal_id, stamped_at, id)"));
    free(def);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_log");
    TCase *tc = tcase_create("log");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_SEAL_4_each_stamp_logs_time_number_content_unit_count_and_people);
    tcase_add_test(tc, test_R_SEAL_4_log_is_append_only_even_for_the_service_role);
    tcase_add_test(tc, test_R_SEAL_4_log_by_seal_and_period_newest_first);
    tcase_add_test(tc, test_R_SEAL_4_log_exported_as_csv);
    tcase_add_test(tc, test_R_SEAL_4_log_visible_to_custodian_leaders_and_participants);
    tcase_add_test(tc, log_query_bad_input_is_400);
    tcase_add_test(tc, test_R_SEAL_4_a_seals_month_is_served_by_its_index);
    suite_add_tcase(s, tc);
    return h_run(s);
}
