/* HTTP as clients and generated code expect it, on every service: 405 with
 * Allow for a known path with the wrong method, If-Match as HTTP writes it,
 * request ids on the gateway's own errors, plain messages for bad bodies,
 * 204 without a body type, null claims, and CSV chosen by Accept. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

START_TEST(wrong_method_on_a_real_path_is_405_with_allow)
{
    const char *admin = h_token("admin");
    resp_t *r = h_req("DELETE", "/api/v1/seals/1", admin, NULL, NULL);
    ck_assert(h_problem(r, 405, "route.method_not_allowed", NULL, NULL));
    ck_assert_str_eq(h_header(r, "Allow"), "GET, PATCH");
    ck_assert_ptr_nonnull(h_str(r, "request_id"));
    h_free(r);
    r = h_req("PUT", "/api/v1/leave-requests", admin, "{}", NULL);
    ck_assert(h_problem(r, 405, "route.method_not_allowed", NULL, NULL));
    ck_assert_str_eq(h_header(r, "Allow"), "GET, POST");
    h_free(r);
    r = h_req("GET", "/api/v1/seal-requests/7/approve", admin, NULL, NULL);
    ck_assert(h_problem(r, 405, NULL, NULL, NULL));
    ck_assert_str_eq(h_header(r, "Allow"), "POST");
    h_free(r);
    /* a path no route has stays 404 */
    r = h_req("GET", "/api/v1/seals/1/nothing", admin, NULL, NULL);
    ck_assert(h_problem(r, 404, "route.not_found", NULL, NULL));
    ck_assert_ptr_null(h_header(r, "Allow"));
    h_free(r);
}
END_TEST

/* The same on every service, and on the gateway's own pages. */
START_TEST(wrong_method_is_405_on_every_service_and_the_gateway)
{
    const char *admin = h_token("admin");
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"DELETE", "/api/v1/users/1", "GET, PATCH"},            /* identity */
        {"GET", "/api/v1/auth/login", "POST"},                  /* identity, public */
        {"DELETE", "/api/v1/documents/1", "GET, PATCH"},        /* documents */
        {"PUT", "/api/v1/meetings", "GET, POST"},               /* meetings */
        {"DELETE", "/api/v1/print-jobs", "GET, POST"},          /* printing */
        {"POST", "/api/v1/calendar/2027", "GET, PUT"},          /* attendance */
        {"PATCH", "/api/v1/seal-usages", "GET"},                /* seals */
        {"POST", "/", "GET, HEAD"},                             /* the gateway: console */
        {"DELETE", "/healthz", "GET, HEAD"},                    /* the gateway: health */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *body = strcmp(cases[i].method, "GET") && strcmp(cases[i].method, "DELETE")
                               ? "{}" : NULL;
        resp_t *r = h_req(cases[i].method, cases[i].path, admin, body, NULL);
        ck_assert_msg(h_problem(r, 405, "route.method_not_allowed", NULL, NULL), "%s %s: %ld %s",
                      cases[i].method, cases[i].path, r->status, r->body);
        ck_assert_msg(h_header(r, "Allow") && !strcmp(h_header(r, "Allow"), cases[i].allow),
                      "%s %s: Allow %s", cases[i].method, cases[i].path,
                      h_header(r, "Allow") ? h_header(r, "Allow") : "(none)");
        ck_assert_ptr_nonnull(h_str(r, "request_id"));
        ck_assert_str_eq(h_str(r, "request_id"), h_header(r, "X-Request-Id"));
        h_free(r);
    }
}
END_TEST

static long long user_version(long long id)
{
    resp_t *g = h_get(h_fmt("/api/v1/users/%lld", id), h_token("admin"));
    ck_status(g, 200);
    long long v = h_int(g, "version");
    h_free(g);
    return v;
}

static resp_t *patch_user(long long id, const char *if_match, const char *name)
{
    const char *hdr[] = {h_fmt("If-Match: %s", if_match), NULL};
    return h_req("PATCH", h_fmt("/api/v1/users/%lld", id), h_token("admin"),
                 h_fmt("{\"display_name\":\"%s\"}", name), hdr);
}

START_TEST(if_match_takes_star_weak_tags_and_lists)
{
    long long id = h_user_id("zonghe2");
    long long v = user_version(id);
    resp_t *r = patch_user(id, "*", "冯科员");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), ++v);
    h_free(r);
    r = patch_user(id, h_fmt("W/\"%lld\"", v), "冯科员");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), ++v);
    h_free(r);
    r = patch_user(id, h_fmt("\"%lld\", \"%lld\"", v + 7, v), "冯科员");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "version"), ++v);
    h_free(r);
    /* a list none of whose versions is current */
    r = patch_user(id, h_fmt("\"%lld\", W/\"%lld\"", v + 7, v - 1), "改名");
    ck_assert(h_problem(r, 412, "resource.version_mismatch", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(user_version(id), v);
}
END_TEST

START_TEST(if_match_unquoted_or_malformed_is_a_header_error)
{
    long long id = h_user_id("zonghe2");
    long long v = user_version(id);
    const char *bad[] = {h_fmt("%lld", v), "\"3", "\"x\"", "*, \"3\"", "\"3\" \"4\"", "\"-1\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = patch_user(id, bad[i], "改名");
        ck_assert_msg(h_problem(r, 400, "request.invalid_header", NULL, "If-Match"), "%s: %s",
                      bad[i], r->body);
        if (i == 0)
            ck_assert_ptr_nonnull(strstr(r->body, "quoted"));
        h_free(r);
    }
    ck_assert_int_eq(user_version(id), v);
}
END_TEST

START_TEST(test_R_ATT_2_calendar_year_never_set_takes_if_match_zero)
{
    const char *admin = h_token("admin");
    const char *zero[] = {"If-Match: \"0\"", NULL};
    const char *body = "{\"holidays\":[],\"workdays\":[]}";
    resp_t *r = h_req("PUT", "/api/v1/calendar/2079", admin, body, zero);
    ck_status(r, 200);
    h_free(r);
    /* now that it is set, "0" is stale */
    r = h_req("PUT", "/api/v1/calendar/2079", admin, body, zero);
    ck_assert(h_problem(r, 412, "resource.version_mismatch", NULL, NULL));
    h_free(r);
    /* a year never set is created without If-Match too */
    r = h_req("PUT", "/api/v1/calendar/2078", admin, "{\"holidays\":[\"2078-10-03\"],\"workdays\":[]}",
              NULL);
    ck_status(r, 200);
    h_free(r);
    r = h_get("/api/v1/calendar/2078", admin);
    ck_status(r, 200);
    ck_assert_ptr_nonnull(strstr(r->body, "2078-10-03"));
    h_free(r);
}
END_TEST

START_TEST(gateway_errors_carry_the_request_id)
{
    const char *hdr[] = {"X-Request-Id: gw-trace-42", NULL};
    resp_t *r = h_req("GET", "/api/v1/no-such-resource", NULL, NULL, hdr);
    ck_assert(h_problem(r, 404, "route.not_found", NULL, NULL));
    /* the gateway's own id, the client's beside it */
    ck_assert_str_eq(h_str(r, "request_id"), h_header(r, "X-Request-Id"));
    ck_assert_str_eq(h_header(r, "X-Client-Request-Id"), "gw-trace-42");
    h_free(r);
    const char *text[] = {"Content-Type: text/plain", NULL};
    r = h_req("POST", "/api/v1/leave-requests", h_token("zonghe1"), "hello", text);
    ck_assert(h_problem(r, 415, NULL, NULL, NULL));
    const char *rid = h_str(r, "request_id");
    ck_assert_ptr_nonnull(rid);
    ck_assert_str_eq(rid, h_header(r, "X-Request-Id"));
    h_free(r);
}
END_TEST

START_TEST(nul_in_a_string_is_refused_plainly)
{
    resp_t *r = h_post("/api/v1/leave-requests", h_token("zonghe1"),
                       "{\"reason\":\"a\\u0000b\"}");
    ck_assert(h_problem(r, 400, "request.malformed_json", NULL, NULL));
    const char *detail = h_str(r, "detail");
    ck_assert_ptr_nonnull(strstr(detail, "NUL"));
    ck_assert_ptr_null(strstr(detail, "JSON_ALLOW_NUL"));
    h_free(r);
}
END_TEST

START_TEST(no_content_has_no_content_type)
{
    resp_t *login = h_post("/api/v1/auth/login", NULL,
                           "{\"username\":\"xinxi1\",\"password\":\"demo123\"}");
    ck_status(login, 200);
    const char *refresh = h_str(login, "refresh_token");
    resp_t *r = h_post("/api/v1/auth/logout", NULL, h_fmt("{\"refresh_token\":\"%s\"}", refresh));
    ck_status(r, 204);
    ck_assert_ptr_null(h_header(r, "Content-Type"));
    ck_assert_int_eq(strlen(r->body ? r->body : ""), 0);
    h_free(r);
    h_free(login);
}
END_TEST

/* The claims of an access token, without checking its signature. */
static json_t *claims_of(const char *token)
{
    const char *p = strchr(token, '.') + 1;
    size_t len = strcspn(p, ".");
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = calloc(len, 1);
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        const char *c = strchr(alphabet, p[i]);
        ck_assert_ptr_nonnull(c);
        acc = (acc << 6) | (unsigned)(c - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    json_t *j = json_loadb(out, n, 0, NULL);
    free(out);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(token_serves_leader_null_unless_secretary)
{
    json_t *c = claims_of(h_token("zonghe1"));
    json_t *v = json_object_get(c, "serves_leader_id");
    ck_assert_ptr_nonnull(v);
    ck_assert(json_is_null(v));
    json_decref(c);
    c = claims_of(h_token("sec1"));
    ck_assert_int_eq(json_integer_value(json_object_get(c, "serves_leader_id")),
                     h_user_id("mayor"));
    json_decref(c);
    /* the services read a null claim as "none" */
    resp_t *r = h_get("/api/v1/me", h_token("zonghe1"));
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(accept_text_csv_selects_csv)
{
    const char *csv[] = {"Accept: text/csv", NULL};
    resp_t *r = h_req("GET", "/api/v1/seal-usages", h_token("custodian"), NULL, csv);
    ck_status(r, 200);
    ck_assert(!strncmp(h_header(r, "Content-Type"), "text/csv", 8));
    ck_assert(!strncmp(r->body, "\xEF\xBB\xBFid,seal_id,", 13));
    h_free(r);
    const char *json[] = {"Accept: application/json, text/csv;q=0.5", NULL};
    r = h_req("GET", "/api/v1/seal-usages", h_token("custodian"), NULL, json);
    ck_status(r, 200);
    ck_assert(!strncmp(h_header(r, "Content-Type"), "application/json", 16));
    h_free(r);
    /* ?format= wins over Accept */
    r = h_req("GET", "/api/v1/seal-usages?format=json", h_token("custodian"), NULL, csv);
    ck_status(r, 200);
    ck_assert(!strncmp(h_header(r, "Content-Type"), "application/json", 16));
    h_free(r);
    /* every list that exports CSV: the copy register, the supervision report */
    static const struct {
        const char *path, *who, *head;
    } lists[] = {
        {"/api/v1/copy-register", "director", "\xEF\xBB\xBFid,job_id,"},
        {"/api/v1/supervision-report", "director", "\xEF\xBB\xBF" "decision_id,meeting_id,"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        r = h_req("GET", lists[i].path, h_token(lists[i].who), NULL, csv);
        ck_status(r, 200);
        ck_assert_msg(!strncmp(h_header(r, "Content-Type"), "text/csv", 8), "%s: %s", lists[i].path,
                      h_header(r, "Content-Type"));
        ck_assert_msg(!strncmp(r->body, lists[i].head, strlen(lists[i].head)), "%s: %.60s",
                      lists[i].path, r->body);
        ck_assert_ptr_null(strstr(r->body, "\"items\""));
        h_free(r);
        r = h_req("GET", h_fmt("%s?format=json", lists[i].path), h_token(lists[i].who), NULL, csv);
        ck_status(r, 200);
        ck_assert(!strncmp(h_header(r, "Content-Type"), "application/json", 16));
        h_free(r);
        r = h_get(lists[i].path, h_token(lists[i].who));
        ck_status(r, 200);
        ck_assert(!strncmp(h_header(r, "Content-Type"), "application/json", 16));
        h_free(r);
    }
}
END_TEST

/* The web console: index.html revalidated on every load, the assets under
 * a versioned path kept for a year, nothing loaded from another host. */
START_TEST(console_is_served_with_caching_headers)
{
    resp_t *r = h_get("/", NULL);
    ck_status(r, 200);
    ck_assert(!strncmp(h_header(r, "Content-Type"), "text/html", 9));
    ck_assert_str_eq(h_header(r, "Cache-Control"), "no-cache");
    ck_assert_ptr_nonnull(h_header(r, "ETag"));
    ck_assert_ptr_nonnull(strstr(h_header(r, "Content-Security-Policy"), "default-src 'self'"));
    ck_assert_ptr_nonnull(strstr(r->body, "工作台"));
    ck_assert_ptr_null(strstr(r->body, "http://"));
    ck_assert_ptr_null(strstr(r->body, "https://"));
    const char *js = strstr(r->body, "src=\"assets/");
    ck_assert_ptr_nonnull(js);
    js += 5;
    size_t len = strcspn(js, "\"");
    const char *path = h_fmt("/%.*s", (int)len, js);
    h_free(r);
    r = h_get(path, NULL);
    ck_status(r, 200);
    ck_assert(!strncmp(h_header(r, "Content-Type"), "text/javascript", 15));
    ck_assert_ptr_nonnull(strstr(h_header(r, "Cache-Control"), "immutable"));
    h_free(r);
    /* the console's paths do not hide the API's errors */
    r = h_get("/assets/none/app.js", NULL);
    ck_status(r, 404);
    h_free(r);
    r = h_get("/api/v1/me", NULL);
    ck_assert(h_problem(r, 401, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http_conventions");
    TCase *t = tcase_create("http");
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, wrong_method_on_a_real_path_is_405_with_allow);
    tcase_add_test(t, wrong_method_is_405_on_every_service_and_the_gateway);
    tcase_add_test(t, if_match_takes_star_weak_tags_and_lists);
    tcase_add_test(t, if_match_unquoted_or_malformed_is_a_header_error);
    tcase_add_test(t, test_R_ATT_2_calendar_year_never_set_takes_if_match_zero);
    tcase_add_test(t, gateway_errors_carry_the_request_id);
    tcase_add_test(t, nul_in_a_string_is_refused_plainly);
    tcase_add_test(t, no_content_has_no_content_type);
    tcase_add_test(t, token_serves_leader_null_unless_secretary);
    tcase_add_test(t, accept_text_csv_selects_csv);
    tcase_add_test(t, console_is_served_with_caching_headers);
    suite_add_tcase(s, t);
    return h_run(s);
}
