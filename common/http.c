#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "log.h"

/* One request's own state: its caller (once authenticated), its clock and
 * its id. */
typedef struct req_state {
    caller_t caller;
    bool has_caller;
    struct timespec t0;
    char rid[65];
} req_state;

#define LAT_BUCKETS 12

typedef struct binding {
    service_t *svc;
    route_t *route;
    atomic_long by_class[6]; /* by status / 100 */
    atomic_long lat[LAT_BUCKETS + 1];
    atomic_llong lat_sum_us;
} binding;

typedef struct http_config {
    long port, threads, pool_size, max_body, max_conns, conn_timeout;
    long stmt_timeout, lock_timeout, acquire_timeout, refresh_s;
    const char *bind, *db_url, *migrations, *pubkey_file;
} http_config;

static size_t max_body_bytes = 1024 * 1024;
static const long lat_bounds_us[LAT_BUCKETS] = {250,   500,    1000,   2500,   5000,   10000,
                                                25000, 50000,  100000, 250000, 500000, 1000000};

long long now_s(void)
{
    return (long long)time(NULL);
}

/* ---------- request state ---------- */

static bool sane_request_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= 64 || !(isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_' ||
                         s[n] == '.' || s[n] == ':'))
            return false;
    return n > 0;
}

/* A fresh request id: 24 hex digits, unique across threads and processes.
 * Each thread draws a random 128-bit seed once and then steps a SplitMix64
 * generator, so no request pays a getrandom(2) call. The ids are for
 * correlating logs, not secrets. */
static void new_request_id(char out[25])
{
    static _Thread_local uint64_t state, salt;
    static _Thread_local bool seeded;
    if (!seeded) {
        randombytes_buf(&state, sizeof state);
        randombytes_buf(&salt, sizeof salt);
        seeded = true;
    }
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    unsigned char raw[12];
    memcpy(raw, &z, 8);
    uint32_t tag = (uint32_t)(salt ^ (salt >> 32));
    memcpy(raw + 8, &tag, 4);
    sodium_bin2hex(out, 25, raw, sizeof raw);
}

/* Starts the state of one request: its clock and its id. The state lives
 * on the stack of the one callback that serves the request. */
static void state_init(req_state *st, const struct _u_request *u)
{
    memset(st, 0, sizeof *st);
    clock_gettime(CLOCK_MONOTONIC, &st->t0);
    const char *rid = u_map_get_case(u->map_header, "X-Request-Id");
    if (rid && sane_request_id(rid))
        snprintf(st->rid, sizeof st->rid, "%s", rid);
    else
        new_request_id(st->rid);
}

static void finish(binding *b, req_state *st, const struct _u_request *u,
                   struct _u_response *resp)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long us = (t1.tv_sec - st->t0.tv_sec) * 1000000LL + (t1.tv_nsec - st->t0.tv_nsec) / 1000;
    int cls = (int)(resp->status / 100);
    if (b) {
        binding *rt = b;
        atomic_fetch_add(&rt->by_class[cls >= 1 && cls <= 5 ? cls : 0], 1);
        int i = 0;
        while (i < LAT_BUCKETS && us > lat_bounds_us[i])
            i++;
        atomic_fetch_add(&rt->lat[i], 1);
        atomic_fetch_add(&rt->lat_sum_us, us);
    }
    log_request(st->rid, u->http_verb, b ? b->route->path : u->url_path, (int)resp->status,
                us / 1000.0, st->has_caller ? st->caller.id : 0);
}

/* ---------- answers ---------- */

static void set_body(struct _u_response *resp, int status, char *buf, size_t len,
                     const char *ctype, const char *rid)
{
    free(resp->binary_body);
    resp->binary_body = buf;
    resp->binary_body_length = len;
    resp->status = status;
    u_map_put(resp->map_header, "Content-Type", ctype);
    if (rid)
        u_map_put(resp->map_header, "X-Request-Id", rid);
}

void reply_json(req_t *r, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!s) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "could not encode the answer");
        return;
    }
    set_body(r->resp, status, s, strlen(s), "application/json", r->rid);
}

void reply_raw(req_t *r, int status, const char *json_text, size_t len)
{
    char *s = malloc(len + 1);
    if (!s) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
        return;
    }
    memcpy(s, json_text, len);
    s[len] = '\0';
    set_body(r->resp, status, s, len, "application/json", r->rid);
}

void reply_no_content(req_t *r)
{
    set_body(r->resp, 204, NULL, 0, "application/json", r->rid);
}

static void answer_problem(struct _u_response *resp, const char *rid, err_code code,
                           const char *name, const char *rule, const char *detail,
                           json_t *errors)
{
    int status = err_status(code);
    json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
                          err_title(code), "status", status, "detail", detail ? detail : "",
                          "code", name ? name : err_name(code));
    if (rule)
        json_object_set_new(o, "rule", json_string(rule));
    if (errors)
        json_object_set(o, "errors", errors);
    if (rid)
        json_object_set_new(o, "request_id", json_string(rid));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (status == 401)
        u_map_put(resp->map_header, "WWW-Authenticate", "Bearer");
    set_body(resp, status, s, s ? strlen(s) : 0, "application/problem+json", rid);
}

void reply_problem(req_t *r, err_code code, const char *name, const char *rule,
                   const char *fmt, ...)
{
    char detail[400] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    if (err_status(code) >= 500)
        log_msg(LOG_WARN, r->rid, "%s %s answered %d: %s", r->u->http_verb, r->route,
                err_status(code), detail);
    answer_problem(r->resp, r->rid, code, name, rule, detail, NULL);
}

void reply_problem_t(req_t *r, problem_t *p)
{
    if (p->code == ERR_NONE)
        p->code = ERR_INTERNAL;
    if (err_status(p->code) >= 500)
        log_msg(LOG_WARN, r->rid, "%s %s answered %d: %s", r->u->http_verb, r->route,
                err_status(p->code), p->detail);
    answer_problem(r->resp, r->rid, p->code, p->name, p->rule, p->detail, p->errors);
    problem_clear(p);
}

/* ---------- input ---------- */

json_t *body_or_reply(req_t *r, const json_field *fields, void *out, uint64_t *present)
{
    problem_t p = {0};
    json_t *root = json_in_parse(r->u->binary_body, r->u->binary_body_length, &p);
    if (!root) {
        reply_problem_t(r, &p);
        return NULL;
    }
    if (json_in_validate(root, fields, out, present, &p)) {
        json_decref(root);
        reply_problem_t(r, &p);
        return NULL;
    }
    return root;
}

json_t *patch_body_or_reply(req_t *r, const json_field *fields, void *out, uint64_t *present)
{
    uint64_t got = 0;
    json_t *root = body_or_reply(r, fields, out, &got);
    if (root && !got) {
        json_decref(root);
        problem_t p = {0};
        for (const json_field *f = fields; f->name; f++)
            problem_field(&p, f->name, "can be changed here");
        snprintf(p.detail, sizeof p.detail, "the body names no field to change");
        reply_problem_t(r, &p);
        return NULL;
    }
    if (present)
        *present = got;
    return root;
}

static bool parse_ll(const char *s, long long *out)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    long long v = 0;
    for (const char *c = s; *c; c++) {
        if (!isdigit((unsigned char)*c))
            return false;
        v = v * 10 + (*c - '0');
    }
    *out = v;
    return true;
}

long long path_id_or_reply(req_t *r, const char *name)
{
    long long id;
    if (!parse_ll(u_map_get(r->u->map_url, name), &id) || id <= 0) {
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "no such %s", name);
        return 0;
    }
    return id;
}

int query_str(req_t *r, const char *name, const char **out)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (v)
        *out = v;
    return 0;
}

static int bad_query(req_t *r, const char *name, const char *msg)
{
    json_t *errors = json_pack("[{s:s, s:s}]", "field", name, "message", msg);
    problem_t p = {.code = ERR_BAD_QUERY, .errors = errors};
    snprintf(p.detail, sizeof p.detail, "%s: %s", name, msg);
    reply_problem_t(r, &p);
    return -1;
}

int query_ll_or_reply(req_t *r, const char *name, long long min, long long max, long long *out,
                      bool *given)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (given)
        *given = v != NULL;
    if (!v)
        return 0;
    long long n;
    bool neg = v[0] == '-';
    if (!parse_ll(neg ? v + 1 : v, &n))
        return bad_query(r, name, "must be a whole number");
    if (neg)
        n = -n;
    if (n < min || n > max) {
        char msg[100];
        snprintf(msg, sizeof msg, "must be from %lld to %lld", min, max);
        return bad_query(r, name, msg);
    }
    *out = n;
    return 0;
}

int query_bool_or_reply(req_t *r, const char *name, bool *out, bool *given)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (given)
        *given = v != NULL;
    if (!v)
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        return bad_query(r, name, "must be true or false");
    return 0;
}

int query_enum_or_reply(req_t *r, const char *name, const char *const *values,
                        const char **out)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (!v)
        return 0;
    for (const char *const *e = values; *e; e++)
        if (!strcmp(*e, v)) {
            *out = *e;
            return 0;
        }
    return bad_query(r, name, "is not one of the allowed values");
}

int query_date_or_reply(req_t *r, const char *name, const char **out)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (!v)
        return 0;
    if (!json_in_is_date(v))
        return bad_query(r, name, "must be a date YYYY-MM-DD");
    *out = v;
    return 0;
}

int page_or_reply(req_t *r, long *limit, long long *after)
{
    long long l = PAGE_DEFAULT_LIMIT;
    if (query_ll_or_reply(r, "limit", 1, PAGE_MAX_LIMIT, &l, NULL))
        return -1;
    *limit = (long)l;
    *after = 0;
    const char *c = u_map_get(r->u->map_url, "cursor");
    if (c && *c && !page_cursor_decode(c, after))
        return bad_query(r, "cursor", "is not a cursor this server issued");
    return 0;
}

void reply_page(req_t *r, PGresult *res, long limit)
{
    int n = PQntuples(res);
    int shown = n > limit ? (int)limit : n;
    size_t cap = 64;
    for (int i = 0; i < shown; i++)
        cap += (size_t)PQgetlength(res, i, 1) + 1;
    char *buf = malloc(cap + PAGE_CURSOR_MAX + 32);
    if (!buf) {
        PQclear(res);
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
        return;
    }
    size_t pos = 0;
    memcpy(buf, "{\"items\":[", 10);
    pos = 10;
    for (int i = 0; i < shown; i++) {
        if (i)
            buf[pos++] = ',';
        size_t len = (size_t)PQgetlength(res, i, 1);
        memcpy(buf + pos, PQgetvalue(res, i, 1), len);
        pos += len;
    }
    if (n > limit) {
        char cur[PAGE_CURSOR_MAX];
        page_cursor_encode(db_get_ll(res, shown - 1, 0), cur);
        pos += (size_t)sprintf(buf + pos, "],\"next_cursor\":\"%s\"}", cur);
    } else {
        pos += (size_t)sprintf(buf + pos, "],\"next_cursor\":null}");
    }
    PQclear(res);
    set_body(r->resp, 200, buf, pos, "application/json", r->rid);
}

int if_match_or_reply(req_t *r, long long *version)
{
    *version = -1;
    const char *v = u_map_get_case(r->u->map_header, "If-Match");
    if (!v)
        return 0;
    char tmp[32];
    const char *s = v;
    if (!strncmp(s, "W/", 2))
        s += 2;
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"' && len - 2 < sizeof tmp) {
        memcpy(tmp, s + 1, len - 2);
        tmp[len - 2] = '\0';
        s = tmp;
    }
    if (!parse_ll(s, version) || *version <= 0) {
        *version = -1;
        return bad_query(r, "If-Match", "must be a resource version such as \"3\"");
    }
    return 0;
}

const char *req_header(req_t *r, const char *name)
{
    return u_map_get_case(r->u->map_header, name);
}

bool decider_or_reply(req_t *r)
{
    if (!r->caller || !r->caller->is_secretary)
        return true;
    reply_problem(r, ERR_FORBIDDEN, "secretary.cannot_decide", "R-SEC-3",
                  "a government affairs secretary assists but cannot approve, sign or decide");
    return false;
}

/* ---------- database shortcuts ---------- */

PGresult *db_read_or_reply(req_t *r, const db_stmt *st, int n, const char *const *params)
{
    PGresult *res = NULL;
    /* A read is safe to repeat: one more try on a fresh connection when the
     * first one turns out to be dead (server restart, terminated backend). */
    for (int attempt = 0; attempt < 2; attempt++) {
        db_conn *c = db_acquire(r->svc->db, r->svc->db_timeout_ms);
        if (!c) {
            reply_problem(r, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
            return NULL;
        }
        res = db_exec(c, st, n, params);
        bool lost = !res && db_conn_broken(c);
        db_release(r->svc->db, c);
        if (!lost)
            break;
    }
    problem_t p = {0};
    if (!db_ok(res, &p)) {
        PQclear(res);
        reply_problem_t(r, &p);
        return NULL;
    }
    return res;
}

void reply_row(req_t *r, PGresult *res, int status)
{
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "not found");
        return;
    }
    reply_raw(r, status, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
}

/* ---------- idempotency ---------- */

static const db_stmt Q_IDEM_GET = {
    "common_idem_get", "SELECT status, body, route FROM idempotency_keys"
                       " WHERE user_id = $1 AND key = $2"};
static const db_stmt Q_IDEM_PUT = {
    "common_idem_put", "INSERT INTO idempotency_keys(user_id, key, route, status, body)"
                       " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"};

bool idem_replayed(req_t *r)
{
    const char *key = req_header(r, "Idempotency-Key");
    if (!key || !r->caller)
        return false;
    if (!*key || strlen(key) > 200) {
        bad_query(r, "Idempotency-Key", "must be 1 to 200 characters");
        return true;
    }
    char uid[24];
    const char *params[] = {db_int(uid, r->caller->id), key};
    PGresult *res = db_read_or_reply(r, &Q_IDEM_GET, 2, params);
    if (!res)
        return true;
    bool found = PQntuples(res) == 1;
    if (found && strcmp(PQgetvalue(res, 0, 2), r->route))
        reply_problem(r, ERR_IDEMPOTENCY, NULL, NULL,
                      "this Idempotency-Key was used for another kind of request");
    else if (found)
        reply_raw(r, atoi(PQgetvalue(res, 0, 0)), PQgetvalue(res, 0, 1),
                  (size_t)PQgetlength(res, 0, 1));
    PQclear(res);
    return found;
}

int idem_store(db_conn *c, req_t *r, int status, const char *body, problem_t *p)
{
    const char *key = req_header(r, "Idempotency-Key");
    if (!key || !r->caller)
        return 0;
    char uid[24], st[12];
    snprintf(st, sizeof st, "%d", status);
    const char *params[] = {db_int(uid, r->caller->id), key, r->route, st, body};
    PGresult *res = db_exec(c, &Q_IDEM_PUT, 5, params);
    bool ok = db_ok(res, p);
    bool inserted = ok && atoi(PQcmdTuples(res)) == 1;
    PQclear(res);
    if (!ok)
        return -1;
    if (!inserted)
        return problem_set(p, ERR_IDEMPOTENCY, NULL, NULL,
                           "a request with this Idempotency-Key is already being processed");
    return 0;
}

/* ---------- callbacks ---------- */

/* The authentication step of every route that is not public: verifies the
 * bearer token and hands the caller to the handler through the request
 * state. Returns false after answering 401. */
static bool authenticate(binding *b, req_state *st, const struct _u_request *u,
                         struct _u_response *resp)
{
    const char *h = u_map_get_case(u->map_header, "Authorization");
    if (h && !strncasecmp(h, "Bearer ", 7) &&
        auth_verify(b->svc->auth, h + 7, &st->caller, now_s()) == 0) {
        st->has_caller = true;
        return true;
    }
    answer_problem(resp, st->rid, ERR_UNAUTHENTICATED, NULL, NULL,
                   "a valid access token is required", NULL);
    return false;
}

static bool is_json_type(const char *ct)
{
    if (!ct)
        return false;
    const char *semi = strchr(ct, ';');
    size_t len = semi ? (size_t)(semi - ct) : strlen(ct);
    while (len && ct[len - 1] == ' ')
        len--;
    if (len == 16 && !strncasecmp(ct, "application/json", 16))
        return true;
    return len > 17 && !strncasecmp(ct, "application/", 12) && !strncasecmp(ct + len - 5, "+json", 5);
}

/* The one Ulfius callback of every route: authentication (unless the route
 * is public), the body checks, the handler, the metrics and the access log.
 * Authentication is a step here rather than a callback of its own at a
 * higher priority because Ulfius compares each request's URL with every
 * registered endpoint: a second endpoint per route doubled that work, a
 * quarter of the service's own CPU per request. */
static int route_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    binding *b = ud;
    req_state state, *st = &state;
    state_init(st, u);
    if (!(b->route->flags & ROUTE_PUBLIC) && !authenticate(b, st, u, resp)) {
        finish(b, st, u, resp);
        return U_CALLBACK_COMPLETE;
    }
    req_t r = {u, resp, b->svc, st->has_caller ? &st->caller : NULL, st->rid, b->route->path};
    const char *cl = u_map_get_case(u->map_header, "Content-Length");
    if ((cl && strtoull(cl, NULL, 10) > max_body_bytes) || u->binary_body_length >= max_body_bytes)
        reply_problem(&r, ERR_TOO_LARGE, NULL, NULL, "the request body exceeds %zu bytes",
                      max_body_bytes);
    else if (u->binary_body_length > 0 &&
             !is_json_type(u_map_get_case(u->map_header, "Content-Type")))
        reply_problem(&r, ERR_UNSUPPORTED_MEDIA, NULL, NULL,
                      "the request body must be application/json");
    else
        b->route->fn(&r);
    finish(b, st, u, resp);
    return U_CALLBACK_COMPLETE;
}

static int not_found_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    (void)ud;
    req_state state, *st = &state;
    state_init(st, u);
    answer_problem(resp, st->rid, ERR_ROUTE_NOT_FOUND, NULL, NULL, "no such endpoint", NULL);
    finish(NULL, st, u, resp);
    return U_CALLBACK_COMPLETE;
}

static int healthz_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    (void)u;
    (void)ud;
    set_body(resp, 200, strdup("{\"status\":\"ok\"}"), 15, "application/json", NULL);
    return U_CALLBACK_COMPLETE;
}

static const db_stmt Q_READY = {"common_ready", "SELECT 1"};

static int readyz_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    (void)u;
    service_t *svc = ud;
    db_conn *c = db_acquire(svc->db, 1000);
    PGresult *res = c ? db_exec(c, &Q_READY, 0, NULL) : NULL;
    bool ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    db_release(svc->db, c);
    if (ok)
        set_body(resp, 200, strdup("{\"status\":\"ready\"}"), 18, "application/json", NULL);
    else
        answer_problem(resp, NULL, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not reachable",
                       NULL);
    return U_CALLBACK_COMPLETE;
}

/* Appends printf output to a growing buffer. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n) * 2;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return;
        b->s = ns;
        b->cap = cap;
    }
}

static int metrics_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    (void)u;
    service_t *svc = ud;
    sbuf b = {malloc(4096), 0, 4096};
    if (!b.s)
        return U_CALLBACK_ERROR;
    b.s[0] = '\0';
    sb_printf(&b, "# TYPE oa_http_requests_total counter\n");
    for (size_t i = 0; i < svc->nroutes; i++) {
        binding *bd = &svc->bindings[i];
        route_t *rt = bd->route;
        for (int c = 1; c <= 5; c++) {
            long n = atomic_load(&bd->by_class[c]);
            if (n)
                sb_printf(&b,
                          "oa_http_requests_total{service=\"%s\",route=\"%s %s\",status=\"%dxx\"} %ld\n",
                          svc->name, rt->method, rt->path, c, n);
        }
    }
    sb_printf(&b, "# TYPE oa_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < svc->nroutes; i++) {
        binding *bd = &svc->bindings[i];
        route_t *rt = bd->route;
        long cum = 0;
        for (int k = 0; k <= LAT_BUCKETS; k++)
            cum += atomic_load(&bd->lat[k]);
        if (!cum)
            continue;
        long acc = 0;
        for (int k = 0; k < LAT_BUCKETS; k++) {
            acc += atomic_load(&bd->lat[k]);
            sb_printf(&b,
                      "oa_http_request_duration_seconds_bucket{service=\"%s\",route=\"%s %s\",le=\"%g\"} %ld\n",
                      svc->name, rt->method, rt->path, lat_bounds_us[k] / 1e6, acc);
        }
        sb_printf(&b,
                  "oa_http_request_duration_seconds_bucket{service=\"%s\",route=\"%s %s\",le=\"+Inf\"} %ld\n"
                  "oa_http_request_duration_seconds_sum{service=\"%s\",route=\"%s %s\"} %g\n"
                  "oa_http_request_duration_seconds_count{service=\"%s\",route=\"%s %s\"} %ld\n",
                  svc->name, rt->method, rt->path, cum, svc->name, rt->method, rt->path,
                  atomic_load(&bd->lat_sum_us) / 1e6, svc->name, rt->method, rt->path, cum);
    }
    int size, in_use;
    long waits, timeouts;
    db_pool_stats(svc->db, &size, &in_use, &waits, &timeouts);
    sb_printf(&b,
              "# TYPE oa_db_pool_connections gauge\n"
              "oa_db_pool_connections{service=\"%s\",state=\"total\"} %d\n"
              "oa_db_pool_connections{service=\"%s\",state=\"in_use\"} %d\n"
              "# TYPE oa_db_pool_waits_total counter\n"
              "oa_db_pool_waits_total{service=\"%s\"} %ld\n"
              "# TYPE oa_db_pool_timeouts_total counter\n"
              "oa_db_pool_timeouts_total{service=\"%s\"} %ld\n",
              svc->name, size, svc->name, in_use, svc->name, waits, svc->name, timeouts);
    set_body(resp, 200, b.s, b.len, "text/plain; version=0.0.4", NULL);
    return U_CALLBACK_COMPLETE;
}

/* ---------- deactivated users ---------- */

static const db_stmt Q_INACTIVE = {"common_inactive_users",
                                   "SELECT id FROM identity.inactive_users"};

static void refresh_inactive(service_t *svc)
{
    db_conn *c = db_acquire(svc->db, 1000);
    if (!c)
        return;
    PGresult *res = db_exec(c, &Q_INACTIVE, 0, NULL);
    db_release(svc->db, c);
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
        int n = PQntuples(res);
        long long *ids = malloc(((size_t)n + 1) * sizeof *ids);
        if (ids) {
            for (int i = 0; i < n; i++)
                ids[i] = db_get_ll(res, i, 0);
            auth_set_inactive(svc->auth, ids, (size_t)n);
            free(ids);
        }
    }
    PQclear(res);
}

typedef struct refresher {
    service_t *svc;
    long interval_s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} refresher;

static void *refresher_main(void *arg)
{
    refresher *rf = arg;
    pthread_mutex_lock(&rf->mu);
    while (!atomic_load(&rf->svc->stopping)) {
        pthread_mutex_unlock(&rf->mu);
        refresh_inactive(rf->svc);
        pthread_mutex_lock(&rf->mu);
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += rf->interval_s;
        if (!atomic_load(&rf->svc->stopping))
            pthread_cond_timedwait(&rf->cv, &rf->mu, &t);
    }
    pthread_mutex_unlock(&rf->mu);
    return NULL;
}

/* ---------- start-up ---------- */

static int read_config(http_config *c)
{
    int bad = 0;
    bad |= cfg_long("PORT", 8080, 1, 65535, &c->port);
    bad |= cfg_str("BIND_ADDR", "0.0.0.0", &c->bind);
    bad |= cfg_str("DATABASE_URL", NULL, &c->db_url);
    bad |= cfg_str("MIGRATIONS_DIR", NULL, &c->migrations);
    bad |= cfg_str("JWT_PUBLIC_KEY_FILE", NULL, &c->pubkey_file);
    bad |= cfg_long("HTTP_THREADS", 8, 1, 256, &c->threads);
    bad |= cfg_long("DB_POOL_SIZE", 0, 0, 256, &c->pool_size);
    bad |= cfg_long("HTTP_MAX_BODY_BYTES", 1024 * 1024, 1024, 64L * 1024 * 1024, &c->max_body);
    bad |= cfg_long("HTTP_MAX_CONNECTIONS", 4096, 16, 65536, &c->max_conns);
    bad |= cfg_long("HTTP_CONNECTION_TIMEOUT", 30, 1, 3600, &c->conn_timeout);
    bad |= cfg_long("DB_STATEMENT_TIMEOUT_MS", 5000, 10, 600000, &c->stmt_timeout);
    bad |= cfg_long("DB_LOCK_TIMEOUT_MS", 2000, 10, 600000, &c->lock_timeout);
    bad |= cfg_long("DB_ACQUIRE_TIMEOUT_MS", 2000, 1, 60000, &c->acquire_timeout);
    bad |= cfg_long("AUTH_REFRESH_SECONDS", 30, 1, 3600, &c->refresh_s);
    if (!c->db_url) {
        fprintf(stderr, "configuration error: DATABASE_URL is not set\n");
        bad = -1;
    }
    if (c->pool_size == 0)
        c->pool_size = c->threads;
    return bad ? -1 : 0;
}

static int register_routes(service_t *svc, struct _u_instance *inst, binding *bindings)
{
    int rc = 0;
    for (size_t i = 0; i < svc->nroutes; i++) {
        route_t *rt = &svc->routes[i];
        bindings[i].svc = svc;
        bindings[i].route = rt;
        rc |= ulfius_add_endpoint_by_val(inst, rt->method, "/api/v1", rt->path, 1, route_cb,
                                         &bindings[i]);
    }
    rc |= ulfius_add_endpoint_by_val(inst, "GET", NULL, "/healthz", 0, healthz_cb, svc);
    rc |= ulfius_add_endpoint_by_val(inst, "GET", NULL, "/readyz", 0, readyz_cb, svc);
    rc |= ulfius_add_endpoint_by_val(inst, "GET", NULL, "/metrics", 0, metrics_cb, svc);
    rc |= ulfius_set_default_endpoint(inst, not_found_cb, NULL);
    return rc == U_OK ? 0 : -1;
}

int http_run(service_t *svc)
{
    http_config cfg = {0};
    if (log_init(svc->name) || read_config(&cfg))
        return 2;
    if (sodium_init() < 0)
        return 2;
    max_body_bytes = (size_t)cfg.max_body;
    svc->db_timeout_ms = cfg.acquire_timeout;
    cfg_str("JWT_ISSUER", "oa-identity", &svc->issuer);
    cfg_str("JWT_AUDIENCE", "oa-api", &svc->audience);
    svc->public_pem = cfg_read_file("JWT_PUBLIC_KEY_FILE", cfg.pubkey_file, &svc->public_pem_len);
    if (!svc->public_pem)
        return 2;
    /* Room for the tokens of ~16 000 callers at once (144 bytes each, the
     * memory touched only as callers come), so RS256 is checked once per
     * token, not once per request. */
    svc->auth = auth_verifier_new(svc->public_pem, svc->public_pem_len, svc->issuer,
                                  svc->audience, 16384);
    if (!svc->auth) {
        fprintf(stderr, "configuration error: JWT_PUBLIC_KEY_FILE is not a usable key\n");
        free(svc->public_pem);
        return 2;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg.port)};
    if (inet_pton(AF_INET, cfg.bind, &addr.sin_addr) != 1) {
        fprintf(stderr, "configuration error: BIND_ADDR=%s is not an IPv4 address\n", cfg.bind);
        return 2;
    }

    int exit_code = 1;
    struct _u_instance inst;
    binding *bindings = NULL;
    refresher rf = {.svc = svc, .interval_s = cfg.refresh_s};
    pthread_t rf_thread;
    bool rf_started = false, inst_ready = false;

    /* The pool connects in the background while the migrations run; its
     * statements are prepared on first use, after the migrations. */
    svc->db = db_pool_open(cfg.db_url, svc->name, (int)cfg.pool_size, cfg.stmt_timeout,
                           cfg.lock_timeout);
    if (!svc->db)
        goto cleanup;
    if (cfg.migrations && db_migrate(cfg.db_url, svc->name, cfg.migrations)) {
        log_msg(LOG_ERROR, NULL, "migrations failed; not starting");
        goto cleanup;
    }
    if (svc->init && svc->init(svc)) {
        log_msg(LOG_ERROR, NULL, "service initialisation failed");
        goto cleanup;
    }
    if (ulfius_init_instance(&inst, (unsigned)cfg.port, NULL, NULL) != U_OK)
        goto cleanup;
    inst_ready = true;
    inst.max_post_body_size = max_body_bytes;
    u_map_put(inst.default_headers, "Cache-Control", "no-store");
    u_map_put(inst.default_headers, "X-Content-Type-Options", "nosniff");
    bindings = calloc(svc->nroutes + 1, sizeof *bindings);
    svc->bindings = bindings;
    if (!bindings || register_routes(svc, &inst, bindings))
        goto cleanup;

    pthread_mutex_init(&rf.mu, NULL);
    pthread_cond_init(&rf.cv, NULL);
    rf_started = pthread_create(&rf_thread, NULL, refresher_main, &rf) == 0;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_THREAD_POOL_SIZE, cfg.threads, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, cfg.max_conns, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, cfg.conn_timeout, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, &addr},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    if (ulfius_start_framework_with_mhd_options(
            &inst, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, ops) != U_OK) {
        log_msg(LOG_ERROR, NULL, "cannot listen on %s:%ld", cfg.bind, cfg.port);
        goto cleanup;
    }
    log_msg(LOG_INFO, NULL, "listening on %s:%ld with %ld threads", cfg.bind, cfg.port,
            cfg.threads);
    int sig = 0;
    sigwait(&set, &sig);
    log_msg(LOG_INFO, NULL, "signal %d: shutting down", sig);
    ulfius_stop_framework(&inst);
    exit_code = 0;

cleanup:
    atomic_store(&svc->stopping, true);
    if (rf_started) {
        pthread_mutex_lock(&rf.mu);
        pthread_cond_broadcast(&rf.cv);
        pthread_mutex_unlock(&rf.mu);
        pthread_join(rf_thread, NULL);
    }
    if (svc->fini)
        svc->fini(svc);
    if (inst_ready)
        ulfius_clean_instance(&inst);
    free(bindings);
    db_pool_close(svc->db);
    auth_verifier_free(svc->auth);
    free(svc->public_pem);
    return exit_code;
}
