/* Operations: health, readiness and metrics on the service port; each
 * service role writes only its own schema; every change is audited. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jwt.h>

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

/* The identity binary's command-line check, run against the test database
 * as its superuser. Returns its exit status; *out gets what it printed. */
static int verify_cli(const char *day, char **out)
{
    const char *repo = getenv("REPO_DIR");
    const char *bin = getenv("BIN_DIR");
    char path[4096];
    if (bin)
        snprintf(path, sizeof path, "%s/identity", bin);
    else {
        snprintf(path, sizeof path, "%s/build/asan/bin/identity", repo ? repo : ".");
        if (access(path, X_OK))
            snprintf(path, sizeof path, "%s/build/release/bin/identity", repo ? repo : ".");
    }
    ck_assert_msg(access(path, X_OK) == 0, "no identity binary at %s", path);
    FILE *f = popen(h_fmt("DATABASE_URL='%s' '%s' verify-audit %s %s 2>&1",
                          getenv("ADMIN_DATABASE_URL"), path, day, day),
                    "r");
    ck_assert(f != NULL);
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    while ((got = fread(b + n, 1, cap - 1 - n, f)) > 0)
        n += got;
    b[n] = '\0';
    *out = b;
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(audit_chain_finds_an_event_changed_by_a_superuser)
{
    const char *admin = h_token("admin");
    resp_t *r = h_post("/api/v1/departments", admin,
                       h_fmt("{\"name\":\"档案科%d_%ld\",\"kind\":\"section\"}", (int)getpid(),
                             (long)time(NULL)));
    ck_status(r, 201);
    char dep[24];
    snprintf(dep, sizeof dep, "%lld", h_int(r, "id"));
    h_free(r);
    const char *p[] = {dep};
    long long ev = h_sql_ll("SELECT id FROM audit.events WHERE entity_type='department'"
                            " AND entity_id=$1 AND action='create'",
                            1, p);
    char evs[24];
    snprintf(evs, sizeof evs, "%lld", ev);
    const char *pe[] = {evs};
    /* the event was linked in its own transaction */
    char *day = h_sql_str("SELECT day::text FROM audit.chain WHERE event_id=$1", 1, pe);
    const char *verify = h_fmt("/api/v1/audit-events/verify?from=%s&to=%s", day, day);

    r = h_get(verify, admin);
    ck_status(r, 200);
    ck_assert_msg(json_is_true(json_object_get(r->json, "intact")), "%s", r->body);
    ck_assert_int_gt(h_int(r, "events_checked"), 0);
    h_free(r);
    char *out;
    ck_assert_int_eq(verify_cli(day, &out), 0);
    free(out);

    /* only administrators check the chain; the dates are checked */
    r = h_get(verify, h_token("director"));
    ck_status(r, 403);
    h_free(r);
    r = h_get(h_fmt("/api/v1/audit-events/verify?from=%s", day), admin);
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "to"));
    h_free(r);
    r = h_get("/api/v1/audit-events/verify?from=2026-02-30&to=2026-03-01", admin);
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "from"));
    h_free(r);
    r = h_get("/api/v1/audit-events/verify?from=2026-03-02&to=2026-03-01", admin);
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "to"));
    h_free(r);

    /* the day's heads, signed with the token key, for the archive */
    r = h_get(h_fmt("/api/v1/audit-events/heads?day=%s", day), admin);
    ck_status(r, 200);
    const char *jws = h_str(r, "jws");
    ck_assert_ptr_nonnull(jws);
    jwt_t *jwt = NULL;
    const char *pem = h_public_pem();
    ck_assert_int_eq(jwt_decode(&jwt, jws, (const unsigned char *)pem, (int)strlen(pem)), 0);
    ck_assert_int_eq(jwt_get_alg(jwt), JWT_ALG_RS256);
    ck_assert_str_eq(jwt_get_grant(jwt, "typ"), "audit_chain_heads");
    ck_assert_str_eq(jwt_get_grant(jwt, "day"), day);
    char *signed_heads = jwt_get_grants_json(jwt, "heads");
    json_t *sh = json_loads(signed_heads, 0, NULL);
    ck_assert(json_equal(sh, json_object_get(r->json, "heads")));
    bool has_identity = false;
    size_t i;
    json_t *h;
    json_array_foreach(sh, i, h) {
        if (strcmp(json_string_value(json_object_get(h, "service")), "identity"))
            continue;
        has_identity = true;
        /* the identity chain's head is at least as far as this event's link */
        ck_assert_int_ge(json_integer_value(json_object_get(h, "seq")),
                         h_sql_ll("SELECT seq FROM audit.chain WHERE event_id=$1", 1, pe));
    }
    ck_assert(has_identity);
    json_decref(sh);
    free(signed_heads);
    jwt_free(jwt);
    /* the signature covers the heads: a changed payload does not verify */
    char *forged = strdup(jws);
    char *payload = strchr(forged, '.') + 1;
    payload[5] = payload[5] == 'A' ? 'B' : 'A';
    jwt = NULL;
    ck_assert_int_ne(jwt_decode(&jwt, forged, (const unsigned char *)pem, (int)strlen(pem)), 0);
    jwt_free(jwt);
    free(forged);
    h_free(r);
    /* only administrators; the day is required */
    r = h_get(h_fmt("/api/v1/audit-events/heads?day=%s", day), h_token("director"));
    ck_status(r, 403);
    h_free(r);
    r = h_get("/api/v1/audit-events/heads", admin);
    ck_assert(h_problem(r, 400, "request.invalid_query", NULL, "day"));
    h_free(r);

    /* a superuser rewrites history past the insert-only trigger */
    char *was = h_sql_str("SELECT after::text FROM audit.events WHERE id=$1", 1, pe);
    h_sql("SET session_replication_role = replica");
    h_sql(h_fmt("UPDATE audit.events SET after = after || '{\"name\":\"改写\"}' WHERE id=%lld",
                ev));
    h_sql("RESET session_replication_role");

    r = h_get(verify, admin);
    ck_status(r, 200);
    ck_assert_msg(json_is_false(json_object_get(r->json, "intact")), "%s", r->body);
    json_t *m = json_object_get(r->json, "first_mismatch");
    ck_assert_int_eq(json_integer_value(json_object_get(m, "event_id")), ev);
    ck_assert_str_eq(json_string_value(json_object_get(m, "problem")), "content_changed");
    ck_assert_str_eq(json_string_value(json_object_get(m, "service")), "identity");
    h_free(r);
    ck_assert_int_eq(verify_cli(day, &out), 1);
    ck_assert_msg(strstr(out, h_fmt("\"event_id\": %lld", ev)) != NULL, "%s", out);
    free(out);

    /* put it back: the chain is whole again */
    const char *back[] = {was, evs};
    PQclear(PQexec(h_db(), "SET session_replication_role = replica"));
    PGresult *res = PQexecParams(h_db(), "UPDATE audit.events SET after = $1::jsonb WHERE id = $2",
                                 2, NULL, back, NULL, NULL, 0);
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQclear(PQexec(h_db(), "RESET session_replication_role"));
    r = h_get(verify, admin);
    ck_status(r, 200);
    ck_assert_msg(json_is_true(json_object_get(r->json, "intact")), "%s", r->body);
    h_free(r);

    free(was);
    free(day);
}
END_TEST

/* A row locked by hand past DB_LOCK_TIMEOUT_MS: the change waits at most
 * that long and answers 409 problem+json, not 500 and not a hang, and its
 * connection is free again afterwards. */
START_TEST(a_row_locked_by_hand_answers_409_and_frees_the_connection)
{
    const char *admin = h_token("admin");
    resp_t *r = h_post("/api/v1/departments", admin,
                       h_fmt("{\"name\":\"锁科%d_%ld\",\"kind\":\"section\"}", (int)getpid(),
                             (long)time(NULL)));
    ck_status(r, 201);
    long long dep = h_int(r, "id");
    h_free(r);
    PGconn *holder = PQconnectdb(getenv("ADMIN_DATABASE_URL"));
    ck_assert_int_eq(PQstatus(holder), CONNECTION_OK);
    PQclear(PQexec(holder, "BEGIN"));
    PGresult *res = PQexec(holder, h_fmt("SELECT 1 FROM identity.departments WHERE id = %lld"
                                         " FOR UPDATE",
                                         dep));
    ck_assert_int_eq(PQntuples(res), 1);
    PQclear(res);
    const char *path = h_fmt("/api/v1/departments/%lld", dep);
    for (int i = 0; i < 3; i++) {
        r = h_patch(path, admin, "{\"has_printer\":true}");
        ck_assert_msg(r->status == 409 || r->status == 503, "%ld %s", r->status, r->body);
        ck_assert(h_problem(r, r->status, NULL, NULL, NULL));
        if (r->status == 503)
            ck_assert_ptr_nonnull(h_header(r, "Retry-After"));
        h_free(r);
    }
    PQclear(PQexec(holder, "ROLLBACK"));
    PQfinish(holder);
    /* nothing was changed while it waited, and the service still answers */
    r = h_patch(path, admin, "{\"has_printer\":true}");
    ck_status(r, 200);
    h_free(r);
    char id[24];
    snprintf(id, sizeof id, "%lld", dep);
    const char *p[] = {id};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type='department'"
                              " AND entity_id=$1 AND action='update'",
                              1, p),
                     1);
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
    tcase_add_test(tc, audit_chain_finds_an_event_changed_by_a_superuser);
    tcase_add_test(tc, a_row_locked_by_hand_answers_409_and_frees_the_connection);
    suite_add_tcase(s, tc);
    return h_run(s);
}
