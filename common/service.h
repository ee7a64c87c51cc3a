#ifndef OA_SERVICE_H
#define OA_SERVICE_H

/* What a service declares (its name and route table) and what a handler
 * receives (one request). The functions that work on them are in reply.h,
 * request.h, idem.h and http.h. */

#include <stdatomic.h>
#include <stddef.h>
#include <ulfius.h>

#include "auth.h"
#include "db.h"

typedef struct service service_t;

/* Who does something, as domain code (audit, absences, discipline) sees
 * it: the service acting (its name goes into the audit trail, its ctx holds
 * its configuration), the user (0 for the service's own background jobs,
 * and before login), the user's position ("" then) and the request id (a
 * job's own name for a job) with the client's id beside it. */
typedef struct actor {
    service_t *svc;
    long long user_id;
    const char *position;
    const char *rid;
    const char *client_rid;
} actor_t;

/* The actor of a service's own background job `rid`. */
static inline actor_t actor_job(service_t *svc, const char *rid)
{
    return (actor_t){.svc = svc, .position = "", .rid = rid};
}

/* One request as a handler sees it. */
typedef struct req {
    const struct _u_request *u;
    struct _u_response *resp;
    service_t *svc;
    const caller_t *caller; /* NULL on public routes */
    const char *rid;        /* request id (the gateway's X-Request-Id, or generated) */
    const char *route;      /* the route pattern, for logs */
    /* The id the client gave (X-Client-Request-Id from the gateway, 1-64 of
     * [A-Za-z0-9._:-]), kept beside rid and never in its place; NULL when
     * none. */
    const char *client_rid;
    /* The same caller and request as an actor, for domain code. */
    actor_t actor;
} req_t;

typedef void (*handler_fn)(req_t *r);

/* ROUTE_PUBLIC: no token needed. ROUTE_BINARY: the body is the bytes of a
 * file in its own content type (an upload), not JSON. */
enum { ROUTE_PUBLIC = 1, ROUTE_BINARY = 2 };

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
    /* The body limit of the ROUTE_BINARY routes (uploads) when larger than
     * HTTP_MAX_BODY_BYTES; 0 for that limit. `init` may set it. */
    size_t binary_max_body;
    /* filled by http_run */
    db_pool *db;
    auth_verifier *auth;
    long db_timeout_ms;
    size_t max_body_bytes; /* HTTP_MAX_BODY_BYTES */
    char *public_pem;
    size_t public_pem_len;
    const char *issuer;
    const char *audience;
    long idem_ttl_s;   /* IDEMPOTENCY_TTL_SECONDS: how long a key is remembered */
    long idem_sweep_s; /* IDEMPOTENCY_SWEEP_SECONDS: how often expired keys are removed */
    atomic_bool stopping;
    /* Set on SIGTERM: /readyz answers 503 and every answer closes its
     * connection (Connection: close) while the requests in flight finish. */
    atomic_bool draining;
    struct binding *bindings; /* per-route counters, internal (metrics.c) */
};

#endif
