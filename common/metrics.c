/* Prometheus metrics: per-route request counts by status class and a
 * latency histogram, and the pool's gauges, served on GET /metrics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "http_internal.h"

static const long lat_bounds_us[LAT_BUCKETS] = {250,   500,    1000,   2500,   5000,   10000,
                                                25000, 50000,  100000, 250000, 500000, 1000000};

void metrics_record(binding *b, int status, long long us)
{
    int cls = status / 100;
    atomic_fetch_add(&b->by_class[cls >= 1 && cls <= 5 ? cls : 0], 1);
    int i = 0;
    while (i < LAT_BUCKETS && us > lat_bounds_us[i])
        i++;
    atomic_fetch_add(&b->lat[i], 1);
    atomic_fetch_add(&b->lat_sum_us, us);
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

int metrics_cb(const struct _u_request *u, struct _u_response *resp, void *ud)
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
    http_set_body(resp, 200, b.s, b.len, "text/plain; version=0.0.4", NULL);
    return U_CALLBACK_COMPLETE;
}
