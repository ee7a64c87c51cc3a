/* The gateway against slow and flooding clients, its own error answers,
 * its upstream connections and TLS. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static int gateway_port(void)
{
    const char *url = getenv("GATEWAY_URL");
    ck_assert_ptr_nonnull(url);
    const char *colon = strrchr(url, ':');
    ck_assert_ptr_nonnull(colon);
    return atoi(colon + 1);
}

static int open_slow(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        return -1;
    }
    /* the start of a request whose headers never end */
    const char *part = "GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n";
    if (write(fd, part, strlen(part)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* True when the peer has closed fd (or reset it). */
static bool closed_by_peer(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return false;
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) /* an answer (408) is followed by the close */
        n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

START_TEST(slowloris_200_slow_connections_leave_the_gateway_answering)
{
    enum { N = 200 };
    int fds[N], open_n = 0, port = gateway_port();
    for (int i = 0; i < N; i++) {
        fds[i] = open_slow(port);
        open_n += fds[i] >= 0;
    }
    ck_assert_int_eq(open_n, N);
    /* while they hang, the gateway still answers */
    resp_t *r = h_get("/healthz", NULL);
    ck_status(r, 200);
    h_free(r);
    r = h_get("/api/v1/me", h_token("zonghe1"));
    ck_status(r, 200);
    h_free(r);
    /* and drops them once client_header_timeout (10 s) has passed */
    sleep(12);
    int closed = 0;
    for (int i = 0; i < N; i++) {
        closed += closed_by_peer(fds[i]);
        close(fds[i]);
    }
    ck_assert_int_eq(closed, N);
    r = h_get("/healthz", NULL);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

/* How many times a header appears in the raw response headers. */
static int header_count(resp_t *r, const char *name)
{
    int n = 0;
    size_t len = strlen(name);
    for (const char *p = r->headers; p && *p;) {
        if (!strncasecmp(p, name, len) && p[len] == ':')
            n++;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static void assert_secured(resp_t *r, const char *what)
{
    const char *ct = h_header(r, "Content-Type");
    ck_assert_msg(ct && strstr(ct, "application/problem+json"), "%s: Content-Type %s", what,
                  ct ? ct : "(none)");
    ck_assert_msg(h_str(r, "code") != NULL, "%s: no code in %s", what, r->body);
    ck_assert_msg(header_count(r, "X-Content-Type-Options") == 1, "%s: X-Content-Type-Options", what);
    ck_assert_msg(header_count(r, "X-Frame-Options") == 1, "%s: X-Frame-Options", what);
    ck_assert_msg(header_count(r, "Referrer-Policy") == 1, "%s: Referrer-Policy", what);
    ck_assert_msg(header_count(r, "Cache-Control") == 1, "%s: Cache-Control", what);
    ck_assert_msg(header_count(r, "X-Request-Id") == 1, "%s: X-Request-Id", what);
    /* plain HTTP: no HSTS */
    ck_assert_msg(header_count(r, "Strict-Transport-Security") == 0, "%s: HSTS on HTTP", what);
}

START_TEST(gateway_errors_are_problem_json_with_the_security_headers)
{
    resp_t *r = h_get("/api/v1/no-such-thing", NULL);
    ck_status(r, 404);
    assert_secured(r, "404");
    h_free(r);
    char *big = malloc(2 * 1024 * 1024 + 1);
    memset(big, 'a', 2 * 1024 * 1024);
    big[2 * 1024 * 1024] = '\0';
    r = h_post("/api/v1/leave-requests", h_token("zonghe1"), big);
    ck_status(r, 413);
    assert_secured(r, "413");
    h_free(r);
    free(big);
    char *hdr = malloc(40 * 1024);
    strcpy(hdr, "X-Huge: ");
    memset(hdr + 8, 'b', 40 * 1024 - 9);
    hdr[40 * 1024 - 1] = '\0';
    const char *extra[] = {hdr, NULL};
    r = h_req("GET", "/api/v1/me", NULL, NULL, extra);
    ck_status(r, 431);
    assert_secured(r, "431");
    h_free(r);
    free(hdr);
    const char *text[] = {"Content-Type: text/plain", NULL};
    r = h_req("POST", "/api/v1/leave-requests", h_token("zonghe1"), "x", text);
    ck_status(r, 415);
    assert_secured(r, "415");
    h_free(r);
    /* a service's own answers get the same headers, once */
    r = h_get("/api/v1/me", NULL);
    ck_status(r, 401);
    assert_secured(r, "401 from identity");
    h_free(r);
}
END_TEST

START_TEST(upstream_keepalive_is_shorter_than_the_services_idle_timeout)
{
    /* nginx must close an idle upstream connection before the service does,
     * or a request sent down it as the service closes it gets 502 */
    const char *state = getenv("STATE_DIR");
    ck_assert_ptr_nonnull(state);
    FILE *f = fopen(h_fmt("%s/nginx/nginx.conf", state), "r");
    ck_assert_ptr_nonnull(f);
    const char *svc_timeout = getenv("OA_HTTP_CONNECTION_TIMEOUT");
    long service_idle = svc_timeout ? atol(svc_timeout) : 30; /* HTTP_CONNECTION_TIMEOUT */
    char line[512];
    bool in_upstream = false;
    int upstreams = 0, bounded = 0;
    while (fgets(line, sizeof line, f)) {
        char name[64];
        long secs;
        if (sscanf(line, " upstream %63s {", name) == 1) {
            in_upstream = true;
            upstreams++;
        } else if (in_upstream && sscanf(line, " keepalive_timeout %lds;", &secs) == 1) {
            ck_assert_msg(secs < service_idle, "upstream %s keeps idle connections %lds", name,
                          secs);
            bounded++;
        } else if (in_upstream && strchr(line, '}')) {
            in_upstream = false;
        }
    }
    fclose(f);
    ck_assert_int_gt(upstreams, 0);
    ck_assert_int_eq(bounded, upstreams);
}
END_TEST

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    size_t len = size * n;
    char **buf = ud;
    size_t old = *buf ? strlen(*buf) : 0;
    char *nb = realloc(*buf, old + len + 1);
    if (!nb)
        return 0;
    memcpy(nb + old, p, len);
    nb[old + len] = '\0';
    *buf = nb;
    return len;
}

START_TEST(https_answers_with_hsts)
{
    const char *url = getenv("GATEWAY_TLS_URL");
    const char *ca = getenv("GATEWAY_TLS_CERT_FILE");
    ck_assert_ptr_nonnull(url);
    ck_assert_ptr_nonnull(ca);
    CURL *c = curl_easy_init();
    char *headers = NULL, *body = NULL;
    struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, h_fmt("%s/api/v1/auth/login", url));
    curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"username\":\"zonghe1\",\"password\":\"demo123\"}");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(body);
    ck_assert_ptr_nonnull(strstr(body, "access_token"));
    ck_assert_ptr_nonnull(headers);
    ck_assert_ptr_nonnull(strcasestr(headers, "Strict-Transport-Security: max-age="));
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    free(headers);
    free(body);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gateway_security");
    TCase *tc = tcase_create("gateway");
    tcase_set_timeout(tc, 90);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, slowloris_200_slow_connections_leave_the_gateway_answering);
    tcase_add_test(tc, gateway_errors_are_problem_json_with_the_security_headers);
    tcase_add_test(tc, upstream_keepalive_is_shorter_than_the_services_idle_timeout);
    tcase_add_test(tc, https_answers_with_hsts);
    suite_add_tcase(s, tc);
    return h_run(s);
}
