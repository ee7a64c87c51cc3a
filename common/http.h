#ifndef OA_HTTP_H
#define OA_HTTP_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <ulfius.h>

#include "auth.h"
#include "db.h"
#include "json_in.h"
#include "page.h"
#include "problem.h"

typedef struct service service_t;

/* One request as a handler sees it. */
typedef struct req {
    const struct _u_request *u;
    struct _u_response *resp;
    service_t *svc;
    const caller_t *caller; /* NULL on public routes */
    const char *rid;        /* request id (X-Request-Id or generated) */
    const char *route;      /* the route pattern, for logs */
} req_t;

typedef void (*handler_fn)(req_t *r);

enum { ROUTE_PUBLIC = 1 };

/* One line of a service's route table. */
typedef struct route {
    const char *method;
    const char *path; /* under /api/v1, Ulfius syntax: "/users/:id" */
    handler_fn fn;
    unsigned flags;
} route_t;

/* A service: its name (also its schema), its route table, and what start-up
 * fills in. `init`, when set, runs after the database is ready and before
 * serving (to start background jobs); `ctx` is the service's own. */
struct service {
    const char *name;
    route_t *routes;
    size_t nroutes;
    int (*init)(service_t *svc);
    void (*fini)(service_t *svc);
    void *ctx;
    /* filled by http_run */
    db_pool *db;
    auth_verifier *auth;
    long db_timeout_ms;
    char *public_pem;
    size_t public_pem_len;
    const char *issuer;
    const char *audience;
    atomic_bool stopping;
    struct binding *bindings; /* per-route counters, internal to http.c */
};

/* Reads the configuration (PORT, BIND_ADDR, DATABASE_URL, MIGRATIONS_DIR,
 * JWT_PUBLIC_KEY_FILE, JWT_ISSUER, JWT_AUDIENCE, HTTP_THREADS, DB_POOL_SIZE,
 * HTTP_MAX_BODY_BYTES, HTTP_MAX_CONNECTIONS, HTTP_CONNECTION_TIMEOUT,
 * DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS, DB_ACQUIRE_TIMEOUT_MS,
 * AUTH_REFRESH_SECONDS, LOG_LEVEL), applies the migrations, opens the pool,
 * registers the routes plus /healthz, /readyz and /metrics, serves on an
 * epoll thread pool until SIGTERM or SIGINT, then shuts down cleanly.
 * Returns the process exit code (2 for a configuration error). */
int http_run(service_t *svc);

/* ---- answers (each sets status, body, Content-Type, X-Request-Id) ---- */

/* Steals body. */
void reply_json(req_t *r, int status, json_t *body);
/* body is JSON text produced elsewhere (e.g. by PostgreSQL); copied. */
void reply_raw(req_t *r, int status, const char *json_text, size_t len);
void reply_problem(req_t *r, err_code code, const char *name, const char *rule,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Answers p and clears it. */
void reply_problem_t(req_t *r, problem_t *p);
void reply_no_content(req_t *r);

/* ---- input ---- */

/* Parses and validates the JSON body against fields into out. On success
 * returns the parsed root (the caller json_decref()s it after the last use
 * of any borrowed value); on failure answers 400 and returns NULL. */
json_t *body_or_reply(req_t *r, const json_field *fields, void *out, uint64_t *present);

/* body_or_reply for a PATCH: a body that names none of the fields (such as
 * {}) changes nothing, so it is refused with 400 listing the fields that
 * can be changed, instead of a new version that equals the old one.
 * present may be NULL. */
json_t *patch_body_or_reply(req_t *r, const json_field *fields, void *out, uint64_t *present);

/* The positive integer path parameter `name`; 0 after answering 404. */
long long path_id_or_reply(req_t *r, const char *name);

/* Query parameters. Each returns 0 (with *out set, or left as is when the
 * parameter is absent) or -1 after answering 400 naming the parameter. */
int query_str(req_t *r, const char *name, const char **out);
int query_ll_or_reply(req_t *r, const char *name, long long min, long long max, long long *out,
                      bool *given);
int query_bool_or_reply(req_t *r, const char *name, bool *out, bool *given);
int query_enum_or_reply(req_t *r, const char *name, const char *const *values,
                        const char **out);
int query_date_or_reply(req_t *r, const char *name, const char **out);

/* limit (1..200, default 20) and cursor. *after is 0 without a cursor. */
int page_or_reply(req_t *r, long *limit, long long *after);

/* Answers a page from a result whose column 0 is the id and column 1 the
 * item's JSON text, fetched with LIMIT limit+1: {"items": [...],
 * "next_cursor": ...}. Clears res. */
void reply_page(req_t *r, PGresult *res, long limit);

/* The If-Match version: returns 0 and sets *version (-1 when absent), or -1
 * after answering 400 for a header that is not a version. */
int if_match_or_reply(req_t *r, long long *version);

/* A header value or NULL (case-insensitive name). */
const char *req_header(req_t *r, const char *name);

/* ---- database shortcuts for handlers ---- */

/* Runs one statement on a pooled connection; NULL after answering 503/500. */
PGresult *db_read_or_reply(req_t *r, const db_stmt *st, int n, const char *const *params);

/* Answers the single-row, single-column JSON result (200 or `status`), or
 * 404 when there is no row. Clears res. */
void reply_row(req_t *r, PGresult *res, int status);

/* ---- Idempotency-Key on creates ---- */

/* When the request has an Idempotency-Key this caller used before on this
 * route, answers the stored reply and returns true. */
bool idem_replayed(req_t *r);
/* Inside the creating transaction: remembers the answer for the key (no-op
 * without the header). Returns 0, or -1 with p set when the key was used for
 * another request at the same time. */
int idem_store(db_conn *c, req_t *r, int status, const char *body, problem_t *p);

/* R-SEC-3: a secretary assists but never decides. For a secretary's token
 * answers 403 with rule R-SEC-3 and returns false; otherwise true. Call it
 * first in every approve, reject, sign, decide, assign and instruct action. */
bool decider_or_reply(req_t *r);

/* Seconds since the epoch. */
long long now_s(void);

#endif
