/* Users, departments, the directory, notifications and the audit trail. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static long long count_users(void)
{
    return h_sql_ll("SELECT count(*) FROM identity.users", 0, NULL);
}

static const char *unique(const char *prefix)
{
    static int seq;
    return h_fmt("%s%d_%ld_%d", prefix, (int)getpid(), (long)time(NULL) % 100000, seq++);
}

START_TEST(directory_readable_by_everyone)
{
    resp_t *r = h_get("/api/v1/users?username=wenmi_chief", h_token("town1_clerk"));
    ck_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "position")),
                     "section_chief");
    h_free(r);
    r = h_get("/api/v1/users?position=deputy_director&limit=200", h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_ge(json_array_size(json_object_get(r->json, "items")), 3);
    h_free(r);
    r = h_get("/api/v1/users?position=king", h_token("zonghe1"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "position"));
    h_free(r);
    r = h_get("/api/v1/users?limit=0", h_token("zonghe1"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "limit"));
    h_free(r);
    r = h_get("/api/v1/users?limit=201", h_token("zonghe1"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "limit"));
    h_free(r);
    r = h_get("/api/v1/users?cursor=bogus", h_token("zonghe1"));
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "cursor"));
    h_free(r);
    r = h_get("/api/v1/users/999999999", h_token("zonghe1"));
    ck_assert(h_problem(r, 404, "resource.not_found", NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(admin_only_writes_refused_to_others)
{
    long long before = count_users();
    const char *body = h_fmt("{\"username\":\"%s\",\"display_name\":\"x\",\"password\":"
                             "\"password1\",\"position\":\"staff\"}",
                             unique("x"));
    const char *who[] = {"director", "zonghe1", "mayor", "sec1"};
    for (int i = 0; i < 4; i++) {
        resp_t *r = h_post("/api/v1/users", h_token(who[i]), body);
        ck_assert_msg(h_problem(r, 403, "auth.forbidden", NULL, NULL), "%s: %s", who[i], r->body);
        h_free(r);
    }
    resp_t *r = h_patch(h_fmt("/api/v1/users/%lld", h_user_id("zonghe2")), h_token("zonghe1"),
                        "{\"is_admin\":true}");
    ck_assert(h_problem(r, 403, "auth.forbidden", NULL, NULL));
    h_free(r);
    r = h_post("/api/v1/departments", h_token("director"),
               "{\"name\":\"新科室\",\"kind\":\"section\"}");
    ck_assert(h_problem(r, 403, "auth.forbidden", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(count_users(), before);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.users WHERE username='zonghe2'"
                              " AND is_admin", 0, NULL), 0);
}
END_TEST

START_TEST(bad_input_named_and_nothing_stored)
{
    const char *admin = h_token("admin");
    long long before = count_users();
    struct {
        const char *body, *code, *field;
    } cases[] = {
        {"{\"username\":", "request.malformed_json", NULL},
        {"{\"username\":\"a1\",\"username\":\"a2\"}", "request.malformed_json", NULL},
        {"[1,2]", "request.malformed_json", NULL},
        {"{\"username\":\"okname1\",\"display_name\":\"x\",\"password\":\"password1\","
         "\"position\":\"staff\",\"shoe_size\":42}", "request.invalid", "shoe_size"},
        {"{\"username\":5,\"display_name\":\"x\",\"password\":\"password1\","
         "\"position\":\"staff\"}", "request.invalid", "username"},
        {"{\"username\":\"okname2\",\"display_name\":\"x\",\"password\":\"short\","
         "\"position\":\"staff\"}", "request.invalid", "password"},
        {"{\"username\":\"okname3\",\"display_name\":\"x\",\"password\":\"password1\","
         "\"position\":\"emperor\"}", "request.invalid", "position"},
        {"{\"username\":\"okname4\",\"display_name\":\"x\",\"password\":\"password1\","
         "\"position\":\"staff\",\"phone\":\"call me\"}", "request.invalid", "phone"},
        {"{\"username\":\"okname5\",\"display_name\":\"x\",\"password\":\"password1\","
         "\"position\":\"staff\",\"is_admin\":\"yes\"}", "request.invalid", "is_admin"},
        {"{\"display_name\":\"x\",\"password\":\"password1\",\"position\":\"staff\"}",
         "request.invalid", "username"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/users", admin, cases[i].body);
        ck_assert_msg(h_problem(r, 400, cases[i].code, NULL, cases[i].field), "case %zu: %ld %s",
                      i, r->status, r->body);
        h_free(r);
    }
    /* a display name of 101 characters */
    char longname[400] = "";
    for (int i = 0; i < 101; i++)
        strcat(longname, "长");
    resp_t *r = h_post("/api/v1/users", admin,
                       h_fmt("{\"username\":\"%s\",\"display_name\":\"%s\",\"password\":"
                             "\"password1\",\"position\":\"staff\"}",
                             unique("l"), longname));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "display_name"));
    h_free(r);
    /* JSON nested 3000 deep */
    char *deep = malloc(3000 * 2 + 64);
    strcpy(deep, "{\"username\":");
    size_t o = strlen(deep);
    for (int i = 0; i < 3000; i++)
        deep[o++] = '[';
    for (int i = 0; i < 3000; i++)
        deep[o++] = ']';
    strcpy(deep + o, "}");
    r = h_post("/api/v1/users", admin, deep);
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    h_free(r);
    free(deep);
    /* several bad fields at once are all named */
    r = h_post("/api/v1/users", admin, "{\"username\":1,\"position\":2,\"x\":3}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "username"));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "position"));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "x"));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "password"));
    h_free(r);
    ck_assert_int_eq(count_users(), before);
}
END_TEST

START_TEST(refused_combinations_name_the_field)
{
    const char *admin = h_token("admin");
    long long before = count_users();
    struct {
        const char *extra, *field;
    } cases[] = {
        {"\"position\":\"section_chief\",\"is_secretary\":true", "is_secretary"},
        {"\"position\":\"staff\",\"gov_affairs\":true", "gov_affairs"},
        {"\"position\":\"staff\",\"department_id\":999999999", "department_id"},
        {"\"position\":\"staff\",\"serves_leader_id\":999999999,\"is_secretary\":true",
         "serves_leader_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_t *r = h_post("/api/v1/users", admin,
                           h_fmt("{\"username\":\"%s\",\"display_name\":\"x\","
                                 "\"password\":\"password1\",%s}",
                                 unique("c"), cases[i].extra));
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, cases[i].field), "case %zu: %s",
                      i, r->body);
        h_free(r);
    }
    resp_t *r = h_post("/api/v1/users", admin,
                       "{\"username\":\"Upper_Case\",\"display_name\":\"x\","
                       "\"password\":\"password1\",\"position\":\"staff\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "username"));
    h_free(r);
    ck_assert_int_eq(count_users(), before);
}
END_TEST

START_TEST(test_R_SEC_1_a_secretary_serves_a_district_leader)
{
    const char *admin = h_token("admin");
    /* serving the office director is refused: secretaries serve district leaders */
    resp_t *r = h_post("/api/v1/users", admin,
                       h_fmt("{\"username\":\"%s\",\"display_name\":\"秘书\","
                             "\"password\":\"password1\",\"position\":\"staff\","
                             "\"is_secretary\":true,\"serves_leader_id\":%lld}",
                             unique("s"), h_user_id("director")));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "serves_leader_id"));
    h_free(r);
    r = h_post("/api/v1/users", admin,
               h_fmt("{\"username\":\"%s\",\"display_name\":\"秘书\","
                     "\"password\":\"password1\",\"position\":\"staff\","
                     "\"is_secretary\":true,\"serves_leader_id\":%lld}",
                     unique("s"), h_user_id("vmayor2")));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    /* nor can an existing secretary be moved to serve a section chief */
    r = h_patch(h_fmt("/api/v1/users/%lld", id), admin,
                h_fmt("{\"serves_leader_id\":%lld}", h_user_id("zonghe_chief")));
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "serves_leader_id"));
    h_free(r);
}
END_TEST

START_TEST(body_of_two_mib_is_413)
{
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 32);
    strcpy(big, "{\"display_name\":\"");
    size_t o = strlen(big);
    memset(big + o, 'a', n);
    strcpy(big + o + n, "\"}");
    resp_t *r = h_patch("/api/v1/me", h_token("zonghe1"), big);
    ck_assert_msg(r->status == 413, "got %ld", r->status);
    ck_assert_str_eq(h_str(r, "code"), "request.too_large");
    h_free(r);
    free(big);
}
END_TEST

START_TEST(non_json_body_refused)
{
    const char *hdr[] = {"Content-Type: text/plain", NULL};
    resp_t *r = h_req("PATCH", "/api/v1/me", h_token("zonghe1"), "phone=1", hdr);
    ck_assert_msg(r->status == 415, "got %ld %s", r->status, r->body);
    h_free(r);
}
END_TEST

START_TEST(create_user_with_idempotency_key_and_audit)
{
    const char *name = unique("n");
    const char *body = h_fmt("{\"username\":\"%s\",\"display_name\":\"新同事\",\"password\":"
                             "\"password1\",\"position\":\"staff\"}",
                             name);
    const char *key = unique("key-");
    char hdr[200];
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *hdrs[] = {hdr, NULL};
    resp_t *a = h_req("POST", "/api/v1/users", h_token("admin"), body, hdrs);
    ck_status(a, 201);
    resp_t *b = h_req("POST", "/api/v1/users", h_token("admin"), body, hdrs);
    ck_status(b, 201);
    ck_assert_int_eq(h_int(a, "id"), h_int(b, "id"));
    const char *p[] = {name};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.users WHERE username=$1", 1, p), 1);
    const char *id[] = {h_fmt("%lld", h_int(a, "id"))};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type='user'"
                              " AND entity_id=$1 AND action='create' AND after IS NOT NULL",
                              1, id),
                     1);
    /* the same name again without a key is a duplicate */
    resp_t *c = h_post("/api/v1/users", h_token("admin"), body);
    ck_assert(h_problem(c, 409, "resource.duplicate", NULL, "username"));
    h_free(a);
    h_free(b);
    h_free(c);
}
END_TEST

START_TEST(pagination_stable_under_inserts)
{
    const char *admin = h_token("admin");
    for (int i = 0; i < 3; i++) {
        resp_t *r = h_post("/api/v1/users", admin,
                           h_fmt("{\"username\":\"%s\",\"display_name\":\"p\",\"password\":"
                                 "\"password1\",\"position\":\"staff\"}",
                                 unique("p")));
        ck_status(r, 201);
        h_free(r);
    }
    resp_t *p1 = h_get("/api/v1/users?limit=3", admin);
    ck_status(p1, 200);
    const char *cur = h_str(p1, "next_cursor");
    ck_assert_ptr_nonnull(cur);
    long long last = json_integer_value(
        json_object_get(json_array_get(json_object_get(p1->json, "items"), 2), "id"));
    /* inserts after the first page must not shift the second */
    for (int i = 0; i < 2; i++) {
        resp_t *r = h_post("/api/v1/users", admin,
                           h_fmt("{\"username\":\"%s\",\"display_name\":\"q\",\"password\":"
                                 "\"password1\",\"position\":\"staff\"}",
                                 unique("q")));
        ck_status(r, 201);
        h_free(r);
    }
    char *c = strdup(cur);
    resp_t *p2 = h_get(h_fmt("/api/v1/users?limit=3&cursor=%s", c), admin);
    ck_status(p2, 200);
    json_t *items = json_object_get(p2->json, "items");
    ck_assert_int_eq(json_array_size(items), 3);
    long long expect = h_sql_ll(h_fmt("SELECT id FROM identity.users WHERE id < %lld"
                                      " ORDER BY id DESC LIMIT 1", last), 0, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), expect);
    free(c);
    h_free(p1);
    h_free(p2);
}
END_TEST

START_TEST(if_match_conflict_is_412)
{
    const char *admin = h_token("admin");
    long long id = h_user_id("zonghe2");
    resp_t *g = h_get(h_fmt("/api/v1/users/%lld", id), admin);
    ck_status(g, 200);
    long long v = h_int(g, "version");
    ck_assert_ptr_nonnull(h_header(g, "ETag"));
    h_free(g);
    const char *stale[] = {h_fmt("If-Match: \"%lld\"", v + 5), NULL};
    resp_t *r = h_req("PATCH", h_fmt("/api/v1/users/%lld", id), admin,
                      "{\"display_name\":\"改名\"}", stale);
    ck_assert(h_problem(r, 412, "resource.version_mismatch", NULL, NULL));
    h_free(r);
    const char *p[] = {h_fmt("%lld", id)};
    char *name = h_sql_str("SELECT display_name FROM identity.users WHERE id=$1", 1, p);
    ck_assert_str_ne(name, "改名");
    free(name);
    const char *fresh[] = {h_fmt("If-Match: \"%lld\"", v), NULL};
    r = h_req("PATCH", h_fmt("/api/v1/users/%lld", id), admin, "{\"display_name\":\"冯科员\"}",
              fresh);
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), v + 1);
    h_free(r);
}
END_TEST

START_TEST(test_R_ORG_6_contact_change_notifies_secretariat_and_leaders)
{
    long long who = h_user_id("zonghe1");
    const char *p[] = {h_fmt("%lld", who)};
    long long before = h_sql_ll("SELECT count(*) FROM identity.notifications WHERE"
                                " kind='contact_changed' AND entity_id=$1", 1, p);
    const char *phone = h_fmt("139%08ld", (long)(time(NULL) % 100000000));
    resp_t *r = h_patch("/api/v1/me", h_token("zonghe1"), h_fmt("{\"phone\":\"%s\"}", phone));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "phone"), phone);
    h_free(r);
    /* the secretariat (文秘科: chief, clerk, custodian) and the office leaders
     * (director and three deputies): seven people */
    long long after = h_sql_ll("SELECT count(*) FROM identity.notifications WHERE"
                               " kind='contact_changed' AND entity_id=$1", 1, p);
    ck_assert_int_eq(after - before, 7);
    const char *users[] = {"director", "deputy_gov", "deputy2", "deputy3", "wenmi_chief"};
    for (int i = 0; i < 5; i++) {
        resp_t *n = h_get("/api/v1/notifications?unread=true&entity_type=user&limit=200",
                          h_token(users[i]));
        ck_status(n, 200);
        bool found = false;
        size_t k;
        json_t *it;
        json_array_foreach(json_object_get(n->json, "items"), k, it) found =
            found || json_integer_value(json_object_get(it, "entity_id")) == who;
        ck_assert_msg(found, "%s was not notified", users[i]);
        h_free(n);
    }
    /* a colleague outside both is not */
    const char *z2[] = {h_fmt("%lld", h_user_id("zonghe2")), h_fmt("%lld", who)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id=$1"
                              " AND kind='contact_changed' AND entity_id=$2", 2, z2), 0);
    ck_assert_int_ge(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type='user'"
                              " AND entity_id=$1 AND action='update_contact'", 1, p), 1);
    /* an invalid phone changes nothing */
    r = h_patch("/api/v1/me", h_token("zonghe1"), "{\"phone\":\"abc\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "phone"));
    h_free(r);
    r = h_patch("/api/v1/me", h_token("zonghe1"), "{\"position\":\"district_mayor\"}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "position"));
    h_free(r);
    char *now_phone = h_sql_str("SELECT phone FROM identity.users WHERE id=$1", 1, p);
    ck_assert_str_eq(now_phone, phone);
    free(now_phone);
}
END_TEST

START_TEST(notifications_are_private)
{
    long long who = h_user_id("deputy3");
    const char *p[] = {h_fmt("%lld", who)};
    long long nid = h_sql_ll("SELECT identity.notify($1, 'test', '测试', '', 'user', 1)", 1, p);
    resp_t *r = h_post(h_fmt("/api/v1/notifications/%lld/read", nid), h_token("deputy2"), NULL);
    ck_assert(h_problem(r, 404, "resource.not_found", NULL, NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/notifications/%lld/read", nid), h_token("deputy3"), NULL);
    ck_status(r, 200);
    ck_assert(json_is_true(json_object_get(r->json, "read")));
    h_free(r);
}
END_TEST

START_TEST(audit_trail_access_and_immutability)
{
    resp_t *r = h_get("/api/v1/audit-events?entity_type=user", h_token("zonghe1"));
    ck_assert(h_problem(r, 403, "auth.forbidden", NULL, NULL));
    h_free(r);
    const char *ok[] = {"admin", "director", "wenmi1"};
    for (int i = 0; i < 3; i++) {
        r = h_get("/api/v1/audit-events?entity_type=user&limit=5", h_token(ok[i]));
        ck_status(r, 200);
        h_free(r);
    }
    /* no service role can change or delete an audit row, nor can the owner */
    PGresult *res = PQexec(h_db(), "SET ROLE identity; UPDATE audit.events SET action='x'");
    ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
    PQclear(res);
    PQclear(PQexec(h_db(), "RESET ROLE"));
    res = PQexec(h_db(), "DELETE FROM audit.events");
    ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
    PQclear(res);
}
END_TEST

START_TEST(departments_managed_by_admin)
{
    const char *admin = h_token("admin");
    const char *name = unique("科室");
    resp_t *r = h_post("/api/v1/departments", admin,
                       h_fmt("{\"name\":\"%s\",\"kind\":\"section\",\"supervising_deputy_id\":%lld}",
                             name, h_user_id("zonghe1")));
    ck_assert(h_problem(r, 400, "request.invalid", "R-ORG-1", "supervising_deputy_id"));
    h_free(r);
    r = h_post("/api/v1/departments", admin,
               h_fmt("{\"name\":\"%s\",\"kind\":\"section\",\"supervising_deputy_id\":%lld}",
                     name, h_user_id("deputy3")));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    r = h_get(h_fmt("/api/v1/departments/%lld", id), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "supervising_deputy_id"), h_user_id("deputy3"));
    h_free(r);
    r = h_patch(h_fmt("/api/v1/departments/%lld", id), admin, "{\"has_printer\":true}");
    ck_status(r, 200);
    ck_assert(json_is_true(json_object_get(r->json, "has_printer")));
    h_free(r);
    r = h_get("/api/v1/departments?kind=external", h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_ge(json_array_size(json_object_get(r->json, "items")), 2);
    h_free(r);
}
END_TEST

/* Staff phone numbers are for the office: a user of an external unit reads
 * the directory without them, except their own. */
START_TEST(external_users_read_the_directory_without_phone_numbers)
{
    const char *town = h_token("town1_clerk");
    long long staff = h_user_id("zonghe1");
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", staff);
    const char *ps[] = {sid};
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM identity.users WHERE id = $1 AND phone IS NOT NULL", 1, ps),
        1);

    resp_t *r = h_get(h_fmt("/api/v1/users/%lld", staff), town);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "username"), "zonghe1");
    ck_assert(json_is_null(json_object_get(r->json, "phone")));
    h_free(r);
    r = h_get(h_fmt("/api/v1/users/%lld", staff), h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_ptr_nonnull(h_str(r, "phone"));
    h_free(r);
    r = h_get("/api/v1/me", town);
    ck_status(r, 200);
    ck_assert_ptr_nonnull(h_str(r, "phone"));
    h_free(r);

    /* Both list statements: the plain page and a filtered one. */
    const char *lists[] = {"/api/v1/users?limit=200", "/api/v1/users?username=zonghe1"};
    long long me = h_user_id("town1_clerk");
    for (size_t k = 0; k < 2; k++) {
        r = h_get(lists[k], town);
        ck_status(r, 200);
        size_t i, shown = 0;
        json_t *it;
        json_t *items = json_object_get(r->json, "items");
        ck_assert_int_ge(json_array_size(items), 1);
        json_array_foreach(items, i, it) {
            if (json_integer_value(json_object_get(it, "id")) != me)
                shown += !json_is_null(json_object_get(it, "phone"));
        }
        ck_assert_msg(shown == 0, "%s: %zu phone numbers shown", lists[k], shown);
        h_free(r);
    }
    r = h_get("/api/v1/users?username=zonghe1", h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_ptr_nonnull(
        json_string_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0),
                                          "phone")));
    h_free(r);
}
END_TEST

/* A PATCH whose body names no field would only bump the version and write
 * an audit event that changes nothing: it is refused, naming the fields. */
START_TEST(empty_patch_is_refused_and_changes_nothing)
{
    const char *admin = h_token("admin");
    const char *tok = h_token("zonghe2"); /* logging in is audited: before counting */
    long long me = h_user_id("zonghe2");
    char id[24];
    snprintf(id, sizeof id, "%lld", me);
    const char *p[] = {id};
    long long version = h_sql_ll("SELECT version FROM identity.users WHERE id = $1", 1, p);
    long long audits =
        h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type = 'user' AND entity_id = $1",
                 1, p);

    resp_t *r = h_patch("/api/v1/me", tok, "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "phone"));
    h_free(r);
    r = h_patch(h_fmt("/api/v1/users/%lld", me), admin, "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "display_name"));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT version FROM identity.users WHERE id = $1", 1, p), version);
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type = 'user' AND entity_id = $1",
                 1, p),
        audits);

    long long dep = h_sql_ll("SELECT min(id) FROM identity.departments", 0, NULL);
    char d[24];
    snprintf(d, sizeof d, "%lld", dep);
    const char *pd[] = {d};
    long long dv = h_sql_ll("SELECT version FROM identity.departments WHERE id = $1", 1, pd);
    r = h_patch(h_fmt("/api/v1/departments/%lld", dep), admin, "{}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "name"));
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT version FROM identity.departments WHERE id = $1", 1, pd), dv);
}
END_TEST

START_TEST(pool_reconnects_after_backends_are_terminated)
{
    const char *tok = h_token("zonghe1");
    resp_t *r = h_get("/api/v1/me", tok);
    ck_status(r, 200);
    h_free(r);
    /* every connection of the identity role is cut, as by a server restart */
    ck_assert_int_ge(h_sql_ll("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                              " WHERE usename = 'identity'", 0, NULL), 1);
    for (int i = 0; i < 20; i++) {
        r = h_get("/api/v1/me", tok);
        ck_status(r, 200);
        h_free(r);
        r = h_get("/api/v1/users?limit=2", tok);
        ck_status(r, 200);
        h_free(r);
    }
}
END_TEST

START_TEST(unknown_route_is_problem_404)
{
    resp_t *r = h_get("/api/v1/users/1/nothing-here", h_token("zonghe1"));
    ck_assert_int_eq(r->status, 404);
    ck_assert(json_is_object(r->json));
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_users");
    TCase *tc = tcase_create("users");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, directory_readable_by_everyone);
    tcase_add_test(tc, admin_only_writes_refused_to_others);
    tcase_add_test(tc, bad_input_named_and_nothing_stored);
    tcase_add_test(tc, refused_combinations_name_the_field);
    tcase_add_test(tc, test_R_SEC_1_a_secretary_serves_a_district_leader);
    tcase_add_test(tc, body_of_two_mib_is_413);
    tcase_add_test(tc, non_json_body_refused);
    tcase_add_test(tc, create_user_with_idempotency_key_and_audit);
    tcase_add_test(tc, pagination_stable_under_inserts);
    tcase_add_test(tc, if_match_conflict_is_412);
    tcase_add_test(tc, test_R_ORG_6_contact_change_notifies_secretariat_and_leaders);
    tcase_add_test(tc, notifications_are_private);
    tcase_add_test(tc, audit_trail_access_and_immutability);
    tcase_add_test(tc, departments_managed_by_admin);
    tcase_add_test(tc, external_users_read_the_directory_without_phone_numbers);
    tcase_add_test(tc, empty_patch_is_refused_and_changes_nothing);
    tcase_add_test(tc, pool_reconnects_after_backends_are_terminated);
    tcase_add_test(tc, unknown_route_is_problem_404);
    suite_add_tcase(s, tc);
    return h_run(s);
}
