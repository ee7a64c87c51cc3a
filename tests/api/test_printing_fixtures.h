/* What the printing API tests share: jobs made through the API, the demo
 * office's departments, and database checks. Each test makes its own jobs
 * with unique titles, so tests never depend on each other's data. */
#ifndef TEST_PRINTING_FIXTURES_H
#define TEST_PRINTING_FIXTURES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* Not every test file uses every fixture. */
#define FIXTURE static __attribute__((unused))

/* Like h_fmt, but from a pool of 64 buffers per thread. */
__attribute__((format(printf, 1, 2))) FIXTURE const char *pf(const char *fmt, ...)
{
    static __thread char pool[64][1024];
    static __thread int next;
    char *out = pool[next++ % 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sizeof pool[0], fmt, ap);
    va_end(ap);
    return out;
}

FIXTURE const char *unique(const char *prefix)
{
    static int seq;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return pf("%s-%d-%ld%03ld-%d", prefix, (int)getpid(), (long)t.tv_sec % 100000,
              t.tv_nsec / 1000000, seq++);
}

/* The id of a demo department by name. */
FIXTURE long long dept_id(const char *name)
{
    const char *p[] = {name};
    return h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, p);
}

/* POST /print-jobs as who; extra is more JSON members (",\"duplex\":true")
 * or "". */
FIXTURE resp_t *post_job(const char *who, const char *kind, int pages, int copies,
                        const char *extra);

/* The sheet count over which a job is large (R-PRN-3), as the service is
 * configured: read from a small job it computed, once per process. */
FIXTURE long long large_threshold(void)
{
    static long long cached;
    if (!cached) {
        resp_t *r = post_job("zonghe1", "print", 1, 1, NULL);
        ck_status(r, 201);
        cached = h_int(r, "large_threshold");
        h_free(r);
    }
    return cached;
}

/* POST /print-jobs as who; extra is more JSON members (",\"duplex\":true")
 * or "". */
FIXTURE resp_t *post_job(const char *who, const char *kind, int pages, int copies,
                        const char *extra)
{
    return h_post("/api/v1/print-jobs", h_token(who),
                  pf("{\"kind\":\"%s\",\"title\":\"%s\",\"pages\":%d,\"copies\":%d%s}", kind,
                     unique("材料"), pages, copies, extra ? extra : ""));
}

FIXTURE long long new_job(const char *who, const char *kind, int pages, int copies,
                         const char *extra)
{
    resp_t *r = post_job(who, kind, pages, copies, extra);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* POST /print-jobs/{id}/<action> as who with body (NULL = none). */
FIXTURE resp_t *job_act(long long id, const char *action, const char *who, const char *body)
{
    return h_post(pf("/api/v1/print-jobs/%lld/%s", id, action), h_token(who), body);
}

FIXTURE void job_act_ok(long long id, const char *action, const char *who, const char *body)
{
    resp_t *r = job_act(id, action, who, body);
    ck_status(r, 200);
    h_free(r);
}

FIXTURE char *job_state(long long id)
{
    const char *p[] = {pf("%lld", id)};
    return h_sql_str("SELECT state FROM printing.print_jobs WHERE id = $1", 1, p);
}

FIXTURE void assert_job_state(long long id, const char *want)
{
    char *s = job_state(id);
    ck_assert_msg(s && !strcmp(s, want), "job %lld is %s, expected %s", id, s ? s : "(none)",
                  want);
    free(s);
}

/* The rules of a job's required approvals, in order, as "R-PRN-2,R-PRN-3". */
FIXTURE const char *step_rules(resp_t *r)
{
    static char out[64];
    out[0] = '\0';
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(r->json, "required_approvals"), i, s) {
        if (i)
            strcat(out, ",");
        strncat(out, json_string_value(json_object_get(s, "rule")), 10);
    }
    return out;
}

/* Notifications of `user` of `kind` about entity_type/entity_id. */
FIXTURE long long notes(const char *user, const char *kind, const char *entity_type,
                       long long entity_id)
{
    const char *p[] = {pf("%lld", h_user_id(user)), kind, entity_type, pf("%lld", entity_id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = $3 AND entity_id = $4",
                    4, p);
}

/* Audit events of the printing service on an entity, by action. */
FIXTURE long long audits(const char *entity_type, long long entity_id, const char *action)
{
    const char *p[] = {entity_type, pf("%lld", entity_id), action};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE service = 'printing'"
                    " AND entity_type = $1 AND entity_id = $2 AND action = $3",
                    3, p);
}

/* True when the JSON array `arr` holds the integer v. */
FIXTURE bool array_has(json_t *arr, long long v)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) if (json_integer_value(e) == v) return true;
    return false;
}

/* A large job of zonghe1's (over the threshold), signed by deputy2, the
 * supervising deputy of 综合科, ready to run at 文秘科 (copying). */
FIXTURE long long ready_large_copy(void)
{
    long long id = new_job("zonghe1", "copy", 10, (int)large_threshold() / 10 + 5, NULL);
    job_act_ok(id, "approve", "deputy2", NULL);
    assert_job_state(id, "ready");
    return id;
}

#endif
