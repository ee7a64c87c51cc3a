#ifndef OA_HTTP_INTERNAL_H
#define OA_HTTP_INTERNAL_H

/* Shared by the files of common/ that make up the HTTP server (http.c,
 * dispatch.c, reply.c, request.c, metrics.c, auth_refresh.c); not for
 * services. */

#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <ulfius.h>

#include "errors.h"
#include "service.h"

#define LAT_BUCKETS 12

/* One route as registered: the route and its counters for /metrics. */
typedef struct binding {
    service_t *svc;
    route_t *route;
    atomic_long by_class[6]; /* by status / 100 */
    atomic_long lat[LAT_BUCKETS + 1];
    atomic_llong lat_sum_us;
} binding;

/* ---- reply.c ---- */

/* Puts buf (malloc'd, taken over; may be NULL with len 0) as the body. */
void http_set_body(struct _u_response *resp, int status, char *buf, size_t len,
                   const char *ctype, const char *rid);
/* A problem+json answer outside a handler (no req_t yet). errors may be
 * NULL; it is not stolen. */
void http_answer_problem(struct _u_response *resp, const char *rid, err_code code,
                         const char *name, const char *rule, const char *detail,
                         json_t *errors);

/* ---- request.c ---- */

/* A decimal of at most 18 digits, no sign. */
bool http_parse_ll(const char *s, long long *out);
/* An If-Match value: 0 for "*", else the number of versions (at most
 * IF_MATCH_MAX) put into out; -1 with *why set when it is not valid. */
#define IF_MATCH_MAX 16
int http_parse_if_match(const char *v, long long *out, const char **why);

/* ---- dispatch.c ---- */

/* Registers the routes of svc (bindings has one slot per route), /healthz,
 * /readyz, /metrics and the 404 for everything else. 0 or -1. */
int http_register_routes(service_t *svc, struct _u_instance *inst, binding *bindings);

/* ---- metrics.c ---- */

/* Counts one answered request of b (its status and duration). */
void metrics_record(binding *b, int status, long long us);
/* The Ulfius callback of GET /metrics (ud is the service). */
int metrics_cb(const struct _u_request *u, struct _u_response *resp, void *ud);

/* ---- auth_refresh.c ---- */

/* The thread that re-reads the deactivated users every interval_s seconds,
 * so a deactivated user is refused within that time. */
typedef struct auth_refresher auth_refresher;
auth_refresher *auth_refresher_start(service_t *svc, long interval_s);
/* Wakes and joins the thread (svc->stopping must be set); NULL is a no-op. */
void auth_refresher_stop(auth_refresher *rf);

#endif
