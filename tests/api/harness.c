#include "harness.h"
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jwt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static const char *gateway;
static PGconn *db;
static char *private_pem, *public_pem;
static size_t private_len;

typedef struct buf {
    char *s;
    size_t n;
} buf;

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
    buf *b = ud;
    size_t len = sz * n;
    char *ns = realloc(b->s, b->n + len + 1);
    if (!ns)
        return 0;
    memcpy(ns + b->n, p, len);
    b->s = ns;
    b->n += len;
    b->s[b->n] = '\0';
    return len;
}

static char *slurp(const char *path)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return NULL;
    buf b = {0};
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        on_data(chunk, 1, got, &b);
    fclose(f);
    return b.s;
}

/* Seconds one request may take: API_REQUEST_TIMEOUT (the services under
 * valgrind are many times slower), else 30. */
static long h_request_timeout(void)
{
    const char *v = getenv("API_REQUEST_TIMEOUT");
    long t = v ? strtol(v, NULL, 10) : 0;
    return t > 0 ? t : 30L;
}

void h_setup(void)
{
    gateway = getenv("GATEWAY_URL");
    ck_assert_msg(gateway != NULL, "GATEWAY_URL is not set (run through make test)");
    if (!db) {
        db = PQconnectdb(getenv("ADMIN_DATABASE_URL"));
        ck_assert_msg(PQstatus(db) == CONNECTION_OK, "admin db: %s", PQerrorMessage(db));
    }
    if (!private_pem) {
        private_pem = slurp(getenv("JWT_PRIVATE_KEY_FILE"));
        public_pem = slurp(getenv("JWT_PUBLIC_KEY_FILE"));
        private_len = private_pem ? strlen(private_pem) : 0;
    }
}

void h_teardown(void)
{
}

PGconn *h_db(void)
{
    return db;
}

/* With CONTRACT_LOG set, each answer of the API (a path under /api/v1) is
 * appended to that file as one JSON line, for tests/contract to check
 * against api/openapi.yaml. One write() a line, so the forked tests of
 * every binary can share the file. */
static void record_answer(const char *method, const char *path, const char *body, resp_t *r)
{
    const char *file = getenv("CONTRACT_LOG");
    if (!file || !*file || strncmp(path, "/api/v1", 7) || !r->status)
        return;
    const char *ct = h_header(r, "Content-Type");
    /* A file's bytes (a PDF, an image) are not text: its type is checked,
     * not its body. */
    bool text = !ct || strstr(ct, "json") || !strncasecmp(ct, "text/", 5);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s?, s:s?, s:b, s:b}", "test",
                          program_invocation_short_name, "method", method, "path", path,
                          "status", (json_int_t)r->status, "content_type", ct, "body",
                          text ? r->body : NULL, "sent_body", body != NULL, "binary", !text);
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!line)
        return;
    size_t len = strlen(line);
    line[len] = '\n';
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, line, len + 1);
        (void)w;
        close(fd);
    }
    free(line);
}

resp_t *h_req(const char *method, const char *path, const char *token, const char *body,
              const char *const *extra)
{
    resp_t *r = calloc(1, sizeof *r);
    CURL *c = curl_easy_init();
    char url[4096];
    if (!strncmp(path, "http", 4))
        snprintf(url, sizeof url, "%s", path);
    else
        snprintf(url, sizeof url, "%s%s", gateway, path);
    struct curl_slist *hs = NULL;
    char auth[20000];
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hs = curl_slist_append(hs, auth);
    }
    bool has_ct = false;
    for (const char *const *e = extra; e && *e; e++) {
        hs = curl_slist_append(hs, *e);
        if (!strncasecmp(*e, "Content-Type:", 13))
            has_ct = true;
    }
    if (body && !has_ct)
        hs = curl_slist_append(hs, "Content-Type: application/json");
    hs = curl_slist_append(hs, "Expect:");
    buf b = {0}, h = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, h_request_timeout());
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    r->body = b.s ? b.s : strdup("");
    r->headers = h.s ? h.s : strdup("");
    r->json = json_loads(r->body, 0, NULL);
    record_answer(method, path, body, r);
    return r;
}

resp_t *h_get(const char *path, const char *token)
{
    return h_req("GET", path, token, NULL, NULL);
}

resp_t *h_post(const char *path, const char *token, const char *body)
{
    return h_req("POST", path, token, body ? body : "", NULL);
}

resp_t *h_patch(const char *path, const char *token, const char *body)
{
    return h_req("PATCH", path, token, body, NULL);
}

void h_free(resp_t *r)
{
    if (!r)
        return;
    json_decref(r->json);
    free(r->body);
    free(r->headers);
    free(r);
}

/* Every formatted string stays alive until the process ends, so a test can
 * hold several at once; the list keeps them reachable. */
static char **fmt_keep;
static size_t fmt_n, fmt_cap;
static pthread_mutex_t fmt_mu = PTHREAD_MUTEX_INITIALIZER;

const char *h_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    ck_assert_ptr_nonnull(out);
    pthread_mutex_lock(&fmt_mu);
    if (fmt_n == fmt_cap) {
        fmt_cap = fmt_cap ? fmt_cap * 2 : 256;
        fmt_keep = realloc(fmt_keep, fmt_cap * sizeof *fmt_keep);
    }
    fmt_keep[fmt_n++] = out;
    pthread_mutex_unlock(&fmt_mu);
    return out;
}

const char *h_header(resp_t *r, const char *name)
{
    static __thread char val[1024];
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        if (!strncasecmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            size_t len = end ? (size_t)(end - v) : strlen(v);
            if (len >= sizeof val)
                len = sizeof val - 1;
            memcpy(val, v, len);
            val[len] = '\0';
            return val;
        }
        line = end ? end + 2 : NULL;
    }
    return NULL;
}

typedef struct tok {
    char user[64];
    char *token;
} tok;

static tok tokens[64];
static int ntokens;
static pthread_mutex_t tokens_mu = PTHREAD_MUTEX_INITIALIZER;

const char *h_token(const char *username)
{
    pthread_mutex_lock(&tokens_mu);
    for (int i = 0; i < ntokens; i++)
        if (!strcmp(tokens[i].user, username)) {
            pthread_mutex_unlock(&tokens_mu);
            return tokens[i].token;
        }
    pthread_mutex_unlock(&tokens_mu);
    resp_t *r = h_post("/api/v1/auth/login", NULL,
                       h_fmt("{\"username\":\"%s\",\"password\":\"demo123\"}", username));
    ck_assert_msg(r->status == 200, "login %s: %ld %s", username, r->status, r->body);
    char *t = strdup(json_string_value(json_object_get(r->json, "access_token")));
    h_free(r);
    pthread_mutex_lock(&tokens_mu);
    if (ntokens < 64) {
        snprintf(tokens[ntokens].user, sizeof tokens[ntokens].user, "%s", username);
        tokens[ntokens++].token = t;
    }
    pthread_mutex_unlock(&tokens_mu);
    return t;
}

long long h_user_id(const char *username)
{
    const char *p[] = {username};
    long long id = h_sql_ll("SELECT id FROM identity.users WHERE username = $1", 1, p);
    ck_assert_msg(id > 0, "no user %s", username);
    return id;
}

int h_audit_count(const char *service, const char *entity_type, long long id, const char *action,
                  const char *who, const char *request_id)
{
    resp_t *r = h_get(h_fmt("/api/v1/audit-events?entity_type=%s&entity_id=%lld&limit=200",
                            entity_type, id),
                      h_token("admin"));
    ck_status(r, 200);
    long long actor = h_user_id(who);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        const char *a = json_string_value(json_object_get(it, "action"));
        const char *m = json_string_value(json_object_get(it, "client_request_id"));
        const char *s = json_string_value(json_object_get(it, "service"));
        n += a && m && s && !strcmp(a, action) && !strcmp(m, request_id) &&
             json_integer_value(json_object_get(it, "actor_id")) == actor && !strcmp(s, service);
    }
    h_free(r);
    return n;
}

static PGresult *run(const char *sql, int n, const char *const *params)
{
    PGresult *res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    ck_assert_msg(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "SQL failed: %s: %s", sql,
                  PQresultErrorMessage(res));
    return res;
}

long long h_sql_ll(const char *sql, int n, const char *const *params)
{
    PGresult *res = run(sql, n, params);
    long long v = (PQntuples(res) && !PQgetisnull(res, 0, 0)) ? atoll(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return v;
}

char *h_sql_str(const char *sql, int n, const char *const *params)
{
    PGresult *res = run(sql, n, params);
    char *v = (PQntuples(res) && !PQgetisnull(res, 0, 0)) ? strdup(PQgetvalue(res, 0, 0)) : NULL;
    PQclear(res);
    return v;
}

char *h_schema_definitions(const char *s)
{
    const char *p[] = {s};
    return h_sql_str(DB_SCHEMA_DEFINITIONS, 1, p);
}

int h_migrate_again(const char *svc)
{
    return db_migrate(getenv("ADMIN_DATABASE_URL"), svc, h_fmt("services/%s/migrations", svc));
}

void h_sql(const char *sql)
{
    PQclear(run(sql, 0, NULL));
}

char *h_sign(const char *payload_json, const char *alg)
{
    jwt_t *jwt = NULL;
    jwt_new(&jwt);
    jwt_add_grants_json(jwt, payload_json);
    jwt_set_alg(jwt, jwt_str_alg(alg), (const unsigned char *)private_pem, (int)private_len);
    char *s = jwt_encode_str(jwt);
    jwt_free(jwt);
    return s;
}

const char *h_public_pem(void)
{
    return public_pem;
}

long long h_int(resp_t *r, const char *key)
{
    return json_integer_value(json_object_get(r->json, key));
}

const char *h_str(resp_t *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

bool h_page_has(resp_t *r, long long id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        if (json_integer_value(json_object_get(it, "id")) == id)
            return true;
    }
    return false;
}

bool h_lists(const char *path, const char *token, long long id)
{
    resp_t *r = h_get(path, token);
    ck_assert_msg(r->status == 200, "GET %s: %ld", path, r->status);
    bool found = h_page_has(r, id);
    h_free(r);
    return found;
}

bool h_problem(resp_t *r, long status, const char *code, const char *rule, const char *field)
{
    if (r->status != status || !json_is_object(r->json))
        return false;
    const char *ct = h_header(r, "Content-Type");
    if (!ct || strncmp(ct, "application/problem+json", 24))
        return false;
    if (json_integer_value(json_object_get(r->json, "status")) != status)
        return false;
    if (code && (!h_str(r, "code") || strcmp(h_str(r, "code"), code)))
        return false;
    if (rule && (!h_str(r, "rule") || strcmp(h_str(r, "rule"), rule)))
        return false;
    if (field) {
        size_t i;
        json_t *e;
        bool found = false;
        json_array_foreach(json_object_get(r->json, "errors"), i, e) {
            const char *f = json_string_value(json_object_get(e, "field"));
            found = found || (f && !strcmp(f, field));
        }
        if (!found)
            return false;
    }
    return true;
}

int h_run(Suite *s)
{
    curl_global_init(CURL_GLOBAL_ALL);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (db)
        PQfinish(db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}

int h_free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

pid_t h_start_copy(const char *service, int port, const char *log_name,
                   const char *const *env)
{
    const char *admin = getenv("ADMIN_DATABASE_URL"), *repo = getenv("REPO_DIR");
    ck_assert_ptr_nonnull(admin);
    ck_assert_ptr_nonnull(repo);
    const char *at = strchr(admin, '@');
    ck_assert_ptr_nonnull(at);
    char role_var[64];
    int n = snprintf(role_var, sizeof role_var, "DB_%s_PASSWORD", service);
    for (int i = 3; i < n && role_var[i] != '_'; i++)
        role_var[i] = (char)toupper((unsigned char)role_var[i]);
    const char *pw = getenv(role_var);
    const char *url = h_fmt("postgresql://%s:%s%s", service, pw ? pw : "oa-dev-password", at);
    const char *bin = getenv("BIN_DIR") ? h_fmt("%s/%s", getenv("BIN_DIR"), service)
                                        : h_fmt("%s/build/asan/bin/%s", repo, service);
    const char *port_s = h_fmt("%d", port);
    const char *log = h_fmt("%s/logs/%s", getenv("STATE_DIR") ? getenv("STATE_DIR") : "/tmp",
                            log_name);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setenv("DATABASE_URL", url, 1);
        setenv("PORT", port_s, 1);
        setenv("BIND_ADDR", "127.0.0.1", 1);
        setenv("LOG_LEVEL", "warn", 1);
        unsetenv("MIGRATIONS_DIR");
        for (const char *const *e = env; e && *e; e++)
            putenv((char *)*e);
        if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        resp_t *r = h_get(h_fmt("http://127.0.0.1:%d/readyz", port), NULL);
        long st = r->status;
        h_free(r);
        if (st == 200)
            return pid;
        usleep(100000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ck_abort_msg("the second copy of %s did not become ready", service);
    return -1;
}

void h_stop_copy(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}
