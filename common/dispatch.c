/* Dispatch: each request's id and clock, authentication, the body checks,
 * the handler, the access log; /healthz, /readyz and the 404 of unknown
 * paths; registering a service's routes. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "http_internal.h"
#include "log.h"

/* One request's own state: its caller (once authenticated), its clock and
 * its id. */
typedef struct req_state {
    caller_t caller;
    bool has_caller;
    struct timespec t0;
    char rid[65];
    char client_rid[65];
} req_state;

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
    const char *client = u_map_get_case(u->map_header, "X-Client-Request-Id");
    if (client && sane_request_id(client))
        snprintf(st->client_rid, sizeof st->client_rid, "%s", client);
}

static void finish(binding *b, req_state *st, const struct _u_request *u,
                   struct _u_response *resp)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long us = (t1.tv_sec - st->t0.tv_sec) * 1000000LL + (t1.tv_nsec - st->t0.tv_nsec) / 1000;
    if (b)
        metrics_record(b, (int)resp->status, us);
    /* Stopping: the gateway opens its next connection to another copy. */
    if (b && atomic_load(&b->svc->draining))
        u_map_put(resp->map_header, "Connection", "close");
    log_request(st->rid, u->http_verb, b ? b->route->path : u->url_path, (int)resp->status,
                us / 1000.0, st->has_caller ? st->caller.id : 0);
}

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
    http_answer_problem(resp, st->rid, ERR_UNAUTHENTICATED, NULL, NULL,
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
    req_t r = {.u = u,
               .resp = resp,
               .svc = b->svc,
               .caller = st->has_caller ? &st->caller : NULL,
               .rid = st->rid,
               .route = b->route->path,
               .client_rid = st->client_rid[0] ? st->client_rid : NULL};
    r.actor = (actor_t){.svc = b->svc,
                        .user_id = r.caller ? r.caller->id : 0,
                        .position = r.caller ? r.caller->position : "",
                        .rid = r.rid,
                        .client_rid = r.client_rid};
    const char *cl = u_map_get_case(u->map_header, "Content-Length");
    size_t limit = (b->route->flags & ROUTE_BINARY) &&
                           b->svc->binary_max_body > b->svc->max_body_bytes
                       ? b->svc->binary_max_body
                       : b->svc->max_body_bytes;
    if ((cl && strtoull(cl, NULL, 10) > limit) || u->binary_body_length >= limit)
        reply_problem(&r, ERR_TOO_LARGE, NULL, NULL, "the request body exceeds %zu bytes",
                      limit);
    else if (u->binary_body_length > 0 && !(b->route->flags & ROUTE_BINARY) &&
             !is_json_type(u_map_get_case(u->map_header, "Content-Type")))
        reply_problem(&r, ERR_UNSUPPORTED_MEDIA, NULL, NULL,
                      "the request body must be application/json");
    else
        b->route->fn(&r);
    finish(b, st, u, resp);
    return U_CALLBACK_COMPLETE;
}

/* The next segment of a path: its start and length; NULL after the last. */
static const char *next_segment(const char *s, size_t *len)
{
    while (*s == '/')
        s++;
    if (!*s)
        return NULL;
    *len = strcspn(s, "/");
    return s;
}

/* The rest of url after its segments "api" and "v1"; NULL when it does not
 * start with them. Runs of '/' count as one, as everywhere in matching. */
static const char *after_prefix(const char *url)
{
    static const char *const prefix[] = {"api", "v1"};
    size_t len;
    for (size_t i = 0; i < 2; i++) {
        url = next_segment(url, &len);
        if (!url || len != strlen(prefix[i]) || strncmp(url, prefix[i], len))
            return NULL;
        url += len;
    }
    return url;
}

/* Whether url (under /api/v1) has the shape of a route pattern, where a
 * ":name" segment stands for any one segment. */
static bool path_fits(const char *pattern, const char *url)
{
    const char *p = pattern, *q = url ? after_prefix(url) : NULL;
    size_t pl, ql;
    if (!q)
        return false;
    for (;;) {
        p = next_segment(p, &pl);
        q = next_segment(q, &ql);
        if (!p || !q)
            return !p && !q;
        if (*p != ':' && (pl != ql || strncmp(p, q, pl)))
            return false;
        p += pl;
        q += ql;
    }
}

/* Whether s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t more;
        unsigned cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            more = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i <= more)
            return false;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

/* Puts the values of the pattern's ":name" segments into the request's URL
 * parameters, beside its query parameters, as Ulfius would for a route of
 * its own: a segment that is not UTF-8 is left out, and a name that is
 * also a query parameter gets "query,segment". url fits the pattern. */
static void put_path_params(const char *pattern, const char *url, struct _u_map *params)
{
    const char *p = pattern, *q = after_prefix(url);
    size_t pl, ql;
    while ((p = next_segment(p, &pl)) && (q = next_segment(q, &ql))) {
        char name[64];
        if (*p == ':' && pl - 1 < sizeof name && utf8_ok((const unsigned char *)q, ql)) {
            memcpy(name, p + 1, pl - 1);
            name[pl - 1] = '\0';
            const char *had = u_map_get(params, name);
            size_t hl = had ? strlen(had) + 1 : 0;
            char *v = malloc(hl + ql + 1);
            if (v) {
                if (had) {
                    memcpy(v, had, hl - 1);
                    v[hl - 1] = ',';
                }
                memcpy(v + hl, q, ql);
                v[hl + ql] = '\0';
                u_map_put(params, name, v);
                free(v);
            }
        }
        p += pl;
        q += ql;
    }
}

/* The methods the service answers on url, as an Allow value ("GET, POST");
 * empty when no route has that path. */
static void allowed_methods(const service_t *svc, const char *url, char *out, size_t cap)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    size_t len = 0;
    out[0] = '\0';
    for (size_t m = 0; svc && m < sizeof methods / sizeof methods[0]; m++)
        for (size_t i = 0; i < svc->nroutes; i++) {
            const route_t *rt = &svc->routes[i];
            if (!strcmp(rt->method, methods[m]) && path_fits(rt->path, url)) {
                len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "",
                                        methods[m]);
                break;
            }
        }
}

/* No route has this method and path: 405 with Allow when the path exists
 * with other methods, else 404. */
static int not_found_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    const service_t *svc = ud;
    req_state state, *st = &state;
    state_init(st, u);
    char allow[128];
    allowed_methods(svc, u->url_path, allow, sizeof allow);
    if (allow[0]) {
        char detail[200];
        snprintf(detail, sizeof detail, "%s is not allowed here; this path answers %s",
                 u->http_verb, allow);
        http_answer_problem(resp, st->rid, ERR_METHOD_NOT_ALLOWED, NULL, NULL, detail, NULL);
        u_map_put(resp->map_header, "Allow", allow);
    } else {
        http_answer_problem(resp, st->rid, ERR_ROUTE_NOT_FOUND, NULL, NULL, "no such endpoint", NULL);
    }
    finish(NULL, st, u, resp);
    return U_CALLBACK_COMPLETE;
}

/* Every request under /api/v1 (and every other path Ulfius has no endpoint
 * for) comes here: the first route of the table, in order, whose method
 * and path fit gets it, with its path parameters, as when each route was an
 * Ulfius endpoint; else 405 or 404. Ulfius compared the URL with every
 * registered endpoint, splitting both into freshly allocated segments for
 * each one (~130 allocations a request in identity, more in the services
 * with more routes); here the table is walked in place. */
static int dispatch_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    service_t *svc = ud;
    for (size_t i = 0; u->http_verb && i < svc->nroutes; i++) {
        binding *b = &svc->bindings[i];
        if (!strcasecmp(b->route->method, u->http_verb) && path_fits(b->route->path, u->url_path)) {
            put_path_params(b->route->path, u->url_path, (struct _u_map *)u->map_url);
            return route_cb(u, resp, b);
        }
    }
    return not_found_cb(u, resp, svc);
}

static int healthz_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    (void)u;
    (void)ud;
    http_set_body(resp, 200, strdup("{\"status\":\"ok\"}"), 15, "application/json", NULL);
    return U_CALLBACK_COMPLETE;
}

static const db_stmt Q_READY = {"common_ready", "SELECT 1"};

static int readyz_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
{
    (void)u;
    service_t *svc = ud;
    if (atomic_load(&svc->draining)) {
        http_answer_problem(resp, NULL, ERR_BUSY, NULL, NULL, "the service is stopping", NULL);
        u_map_put(resp->map_header, "Connection", "close");
        return U_CALLBACK_COMPLETE;
    }
    /* Never waits on a reconnect: while the database is down the pool
     * refuses at once. Nor on a busy pool: when every open connection is
     * out serving a request (a burst, or the background jobs' first rounds
     * at start-up) the database answered each when it was taken, and a
     * probe that waited its turn would take a busy service out of the
     * gateway's rotation. */
    bool busy = false;
    db_conn *c = db_pool_down(svc->db) ? NULL : db_acquire_unless_busy(svc->db, 1000, &busy);
    PGresult *res = c ? db_exec(c, &Q_READY, 0, NULL) : NULL;
    bool ok = busy || (res && PQresultStatus(res) == PGRES_TUPLES_OK);
    PQclear(res);
    db_release(svc->db, c);
    if (ok)
        http_set_body(resp, 200, strdup("{\"status\":\"ready\"}"), 18, "application/json", NULL);
    else
        http_answer_problem(resp, NULL, ERR_DB_UNAVAILABLE, NULL, NULL,
                            "the database is not reachable", NULL);
    return U_CALLBACK_COMPLETE;
}

int http_register_routes(service_t *svc, struct _u_instance *inst, binding *bindings)
{
    int rc = 0;
    for (size_t i = 0; i < svc->nroutes; i++) {
        bindings[i].svc = svc;
        bindings[i].route = &svc->routes[i];
    }
    rc |= ulfius_add_endpoint_by_val(inst, "GET", NULL, "/healthz", 0, healthz_cb, svc);
    rc |= ulfius_add_endpoint_by_val(inst, "GET", NULL, "/readyz", 0, readyz_cb, svc);
    rc |= ulfius_add_endpoint_by_val(inst, "GET", NULL, "/metrics", 0, metrics_cb, svc);
    rc |= ulfius_set_default_endpoint(inst, dispatch_cb, svc);
    return rc == U_OK ? 0 : -1;
}

