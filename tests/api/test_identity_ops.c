/* Operations: health, readiness and metrics on the service port; each
 * service role writes only its own schema; every change is audited. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *service_url(const char *path)
{
    const char *base = getenv("IDENTITY_URL");
    ck_assert_ptr_nonnull(base);
    return h_fmt("%s%s", base, path);
}

START_TEST(health_ready_and_metrics)
{
    resp_t *r = h_get(service_url("/healthz"), NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "status"), "ok");
    h_free(r);
    r = h_get(service_url("/readyz"), NULL);
    ck_status(r, 200);
    h_free(r);
    r = h_get("/api/v1/me", h_token("zonghe1"));
    ck_status(r, 200);
    h_free(r);
    r = h_get(service_url("/metrics"), NULL);
    ck_status(r, 200);
    ck_assert_ptr_nonnull(strstr(r->body, "oa_http_requests_total{service=\"identity\",route=\"GET /me\",status=\"2xx\"}"));
    ck_assert_ptr_nonnull(strstr(r->body, "oa_http_request_duration_seconds_bucket"));
    ck_assert_ptr_nonnull(strstr(r->body, "oa_db_pool_connections{service=\"identity\",state=\"in_use\"}"));
    h_free(r);
}
END_TEST

START_TEST(request_id_is_kept_or_made)
{
    /* the gateway's own id answers; the client's is kept beside it */
    const char *hdr[] = {"X-Request-Id: trace-abc-123", NULL};
    resp_t *r = h_req("GET", "/api/v1/me", h_token("zonghe1"), NULL, hdr);
    ck_status(r, 200);
    ck_assert_str_eq(h_header(r, "X-Client-Request-Id"), "trace-abc-123");
    ck_assert_ptr_nonnull(h_header(r, "X-Request-Id"));
    ck_assert_str_ne(h_header(r, "X-Request-Id"), "trace-abc-123");
    h_free(r);
    r = h_get("/api/v1/me", NULL);
    ck_status(r, 401);
    ck_assert_ptr_nonnull(h_header(r, "X-Request-Id"));
    ck_assert_ptr_nonnull(h_str(r, "request_id"));
    h_free(r);
}
END_TEST

/* Runs sql as the role; true when the server refused it. */
static bool refused_as(const char *role, const char *sql)
{
    PGresult *res = PQexec(h_db(), h_fmt("SET ROLE %s", role));
    PQclear(res);
    res = PQexec(h_db(), sql);
    bool refused = PQresultStatus(res) == PGRES_FATAL_ERROR;
    PQclear(res);
    PQclear(PQexec(h_db(), "RESET ROLE"));
    return refused;
}

START_TEST(roles_write_only_their_own_schema)
{
    ck_assert(refused_as("seals", "UPDATE identity.users SET is_admin = true"));
    ck_assert(refused_as("attendance", "INSERT INTO identity.notifications(user_id, kind, title)"
                                       " VALUES (1, 'x', 'x')"));
    ck_assert(refused_as("documents", "CREATE TABLE identity.intruder(id int)"));
    ck_assert(refused_as("identity", "CREATE TABLE seals.intruder(id int)"));
    ck_assert(refused_as("meetings", "SELECT password_hash FROM identity.users"));
    /* what is published may be read, and the notification function called */
    ck_assert(!refused_as("seals", "SELECT count(*) FROM identity.org_people"));
    ck_assert(!refused_as("attendance", "SELECT identity.notify(1, 'test', 'x', '', 'user', 1)"));
    /* the audit trail is insert-only for everyone */
    ck_assert(refused_as("identity", "DELETE FROM audit.events"));
    ck_assert(refused_as("seals", "SELECT * FROM audit.events"));
}
END_TEST

START_TEST(every_change_is_audited)
{
    long long before = h_sql_ll("SELECT count(*) FROM audit.events", 0, NULL);
    const char *admin = h_token("admin");
    resp_t *r = h_post("/api/v1/departments", admin,
                       h_fmt("{\"name\":\"审计科%d_%ld\",\"kind\":\"section\"}", (int)getpid(),
                             (long)time(NULL)));
    ck_status(r, 201);
    long long dep = h_int(r, "id");
    h_free(r);
    r = h_patch(h_fmt("/api/v1/departments/%lld", dep), admin, "{\"has_printer\":true}");
    ck_status(r, 200);
    h_free(r);
    char id[24];
    snprintf(id, sizeof id, "%lld", dep);
    const char *p[] = {id};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type='department'"
                              " AND entity_id=$1 AND action IN ('create','update')"
                              " AND actor_id = (SELECT id FROM identity.users WHERE username='admin')",
                              1, p),
                     2);
    char *after = h_sql_str("SELECT after->>'has_printer' FROM audit.events WHERE"
                            " entity_type='department' AND entity_id=$1 AND action='update'",
                            1, p);
    ck_assert_str_eq(after, "true");
    free(after);
    /* a refused change writes nothing */
    long long mid = h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type='department'",
                             0, NULL);
    r = h_patch(h_fmt("/api/v1/departments/%lld", dep), h_token("zonghe1"), "{\"has_printer\":false}");
    ck_status(r, 403);
    h_free(r);
    r = h_patch(h_fmt("/api/v1/departments/%lld", dep), admin, "{\"kind\":\"castle\"}");
    ck_status(r, 400);
    h_free(r);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type='department'",
                              0, NULL),
                     mid);
    ck_assert_int_gt(h_sql_ll("SELECT count(*) FROM audit.events", 0, NULL), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_ops");
    TCase *tc = tcase_create("ops");
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, health_ready_and_metrics);
    tcase_add_test(tc, request_id_is_kept_or_made);
    tcase_add_test(tc, roles_write_only_their_own_schema);
    tcase_add_test(tc, every_change_is_audited);
    suite_add_tcase(s, tc);
    return h_run(s);
}
