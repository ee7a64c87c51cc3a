/* Attacks on what identity keeps: reading personal matters through the
 * audit trail, forging the request id an audit event carries, and one
 * service's database role reaching another's data. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* Plants an audit event of a personal matter, as attendance writes them,
 * with an entity id nobody else uses; returns the id. */
static long long plant_event(const char *entity_type, const char *after)
{
    long long id = 900000000LL + (long long)getpid() * 100 + (time(NULL) % 100);
    const char *params[] = {entity_type, h_fmt("%lld", id), after};
    h_sql_ll("INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action,"
             " before, after) VALUES ('attendance', NULL, $1, $2::bigint, 'create', NULL,"
             " $3::jsonb) RETURNING id",
             3, params);
    return id;
}

static json_t *first_event(resp_t *r)
{
    json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    return json_array_get(items, 0);
}

START_TEST(audit_trail_hides_personal_matters_from_the_secretariat)
{
    struct {
        const char *type, *after, *secret_key;
    } cases[] = {
        {"leave_request", "{\"id\":1,\"state\":\"approved\",\"reason\":\"住院治疗\"}", "reason"},
        {"discipline_case", "{\"id\":2,\"state\":\"talk_held\",\"talk_notes\":\"谈话记录\"}",
         "talk_notes"},
        {"absence", "{\"id\":3,\"state\":\"recorded\",\"explanation\":\"医院证明\"}", "explanation"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long id = plant_event(cases[i].type, cases[i].after);
        const char *path =
            h_fmt("/api/v1/audit-events?entity_type=%s&entity_id=%lld", cases[i].type, id);
        /* the secretariat (a clerk, the seal custodian) reads the event, not the secret */
        const char *readers[] = {"wenmi1", "custodian"};
        for (size_t k = 0; k < 2; k++) {
            resp_t *r = h_get(path, h_token(readers[k]));
            ck_status(r, 200);
            json_t *e = first_event(r);
            json_t *after = json_object_get(e, "after");
            ck_assert_ptr_null(json_object_get(after, cases[i].secret_key));
            ck_assert_ptr_nonnull(json_object_get(after, "state"));
            ck_assert(json_is_true(json_object_get(e, "redacted")));
            ck_assert_ptr_null(strstr(r->body, cases[i].secret_key));
            h_free(r);
        }
        /* the director and administrators see it whole */
        const char *full[] = {"director", "admin"};
        for (size_t k = 0; k < 2; k++) {
            resp_t *r = h_get(path, h_token(full[k]));
            ck_status(r, 200);
            json_t *e = first_event(r);
            ck_assert_ptr_nonnull(json_object_get(json_object_get(e, "after"), cases[i].secret_key));
            ck_assert(json_is_false(json_object_get(e, "redacted")));
            h_free(r);
        }
    }
    /* other events are whole for the secretariat */
    long long id = plant_event("seal", "{\"id\":4,\"name\":\"公章\"}");
    resp_t *r = h_get(h_fmt("/api/v1/audit-events?entity_type=seal&entity_id=%lld", id),
                      h_token("wenmi1"));
    ck_status(r, 200);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(first_event(r), "after"),
                                                       "name")),
                     "公章");
    h_free(r);
}
END_TEST

START_TEST(audit_request_id_is_the_gateways_never_the_clients)
{
    /* a client names its request after someone else's */
    char *victim = h_sql_str("SELECT request_id FROM audit.events WHERE request_id IS NOT NULL"
                             " ORDER BY id LIMIT 1",
                             0, NULL);
    ck_assert_ptr_nonnull(victim);
    const char *hdr[] = {h_fmt("X-Request-Id: %s", victim), NULL};
    resp_t *r = h_req("PATCH", "/api/v1/me", h_token("zonghe2"),
                      "{\"phone\":\"13800000002\"}", hdr);
    ck_status(r, 200);
    const char *rid = h_header(r, "X-Request-Id");
    ck_assert_ptr_nonnull(rid);
    char *own = strdup(rid);
    ck_assert_str_ne(own, victim);
    ck_assert_str_eq(h_header(r, "X-Client-Request-Id"), victim);
    h_free(r);
    const char *p[] = {own, victim};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE request_id = $1"
                              " AND client_request_id = $2",
                              2, p),
                     1);
    /* one limit for ids, the gateway's and the services': 64 characters */
    char longid[100];
    memset(longid, 'a', 80);
    longid[80] = '\0';
    const char *hdr2[] = {h_fmt("X-Request-Id: %s", longid), NULL};
    r = h_req("GET", "/api/v1/me", h_token("zonghe2"), NULL, hdr2);
    ck_status(r, 200);
    ck_assert_ptr_null(h_header(r, "X-Client-Request-Id"));
    h_free(r);
    free(own);
    free(victim);
}
END_TEST

/* A connection as role with password, to the test database. */
static PGconn *connect_as(const char *role, const char *password)
{
    const char *admin = getenv("ADMIN_DATABASE_URL");
    ck_assert_ptr_nonnull(admin);
    const char *at = strchr(admin, '@');
    ck_assert_ptr_nonnull(at);
    return PQconnectdb(h_fmt("postgresql://%s:%s%s", role, password, at));
}

static bool refused(PGconn *db, const char *sql)
{
    PGresult *res = PQexec(db, sql);
    bool no = PQresultStatus(res) == PGRES_FATAL_ERROR;
    PQclear(res);
    return no;
}

START_TEST(a_service_role_cannot_read_another_services_tables)
{
    const char *seals_pw = getenv("DB_SEALS_PASSWORD");
    const char *identity_pw = getenv("DB_IDENTITY_PASSWORD");
    ck_assert_ptr_nonnull(seals_pw);
    ck_assert_ptr_nonnull(identity_pw);
    /* one password per role */
    ck_assert_str_ne(seals_pw, identity_pw);
    PGconn *other = connect_as("seals", identity_pw);
    ck_assert_int_ne(PQstatus(other), CONNECTION_OK);
    PQfinish(other);
    PGconn *db = connect_as("seals", seals_pw);
    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
    ck_assert(!refused(db, "SELECT count(*) FROM seals.seals"));
    ck_assert(refused(db, "SELECT password_hash FROM identity.users"));
    ck_assert(refused(db, "SELECT * FROM identity.refresh_tokens"));
    ck_assert(refused(db, "SELECT reason FROM attendance.leave_requests"));
    ck_assert(refused(db, "SELECT * FROM identity.login_guards"));
    /* no temporary objects that could shadow a definer function's names */
    ck_assert(refused(db, "CREATE TEMP TABLE notifications(id int)"));
    PQfinish(db);
    /* the definer function searches identity, then pg_temp, and names its table */
    char *cfg = h_sql_str("SELECT array_to_string(proconfig, ',') FROM pg_proc"
                          " WHERE proname = 'notify' AND pronamespace = 'identity'::regnamespace",
                          0, NULL);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_str_eq(cfg, "search_path=identity, pg_temp");
    free(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_security");
    TCase *tc = tcase_create("security");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, audit_trail_hides_personal_matters_from_the_secretariat);
    tcase_add_test(tc, audit_request_id_is_the_gateways_never_the_clients);
    tcase_add_test(tc, a_service_role_cannot_read_another_services_tables);
    suite_add_tcase(s, tc);
    return h_run(s);
}
