/* What the seals API tests share: fresh seals, requests and letters made
 * through the API, and database checks. Each test makes its own objects
 * with unique names, so tests never depend on each other's data. */
#ifndef TEST_SEALS_FIXTURES_H
#define TEST_SEALS_FIXTURES_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* Not every test file uses every fixture. */
#define FIXTURE static __attribute__((unused))

/* Like h_fmt, but from a pool of 64 buffers per thread, so that a table
 * of test cases can hold many formatted strings at once. */
__attribute__((format(printf, 1, 2))) FIXTURE const char *sf(const char *fmt, ...)
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
    return sf("%s-%d-%ld%03ld-%d", prefix, (int)getpid(), (long)t.tv_sec % 100000,
              t.tv_nsec / 1000000, seq++);
}

FIXTURE const char *id_text(long long id)
{
    return sf("%lld", id);
}

/* Registers a seal (as admin) kept by `custodian`; approvers is a JSON
 * array text or NULL. Returns its id. */
FIXTURE long long new_seal(const char *kind, const char *custodian, const char *approvers)
{
    const char *body =
        approvers ? h_fmt("{\"name\":\"%s\",\"kind\":\"%s\",\"custodian_id\":%lld,"
                          "\"approver_ids\":%s}",
                          unique("印章"), kind, h_user_id(custodian), approvers)
                  : h_fmt("{\"name\":\"%s\",\"kind\":\"%s\",\"custodian_id\":%lld}",
                          unique("印章"), kind, h_user_id(custodian));
    resp_t *r = h_post("/api/v1/seals", h_token("admin"), body);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* Creates a seal-use request as `who`; answers the response. */
FIXTURE resp_t *post_request(const char *who, long long seal, const char *matter, int copies,
                            const char *number)
{
    return h_post("/api/v1/seal-requests", h_token(who),
                  h_fmt("{\"seal_id\":%lld,\"matter\":\"%s\",\"document_number\":\"%s\","
                        "\"content\":\"关于%s的通知\",\"using_unit\":\"综合科\",\"copies\":%d}",
                        seal, matter, number, number, copies));
}

FIXTURE long long new_request(const char *who, long long seal, const char *matter, int copies)
{
    resp_t *r = post_request(who, seal, matter, copies, unique("船营府发"));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* POST /seal-requests/{id}/<action> as who with body (NULL = none). */
FIXTURE resp_t *request_act(long long id, const char *action, const char *who, const char *body)
{
    return h_post(h_fmt("/api/v1/seal-requests/%lld/%s", id, action), h_token(who), body);
}

/* A request approved by `approver`, ready to stamp. */
FIXTURE long long approved_request(const char *who, long long seal, const char *matter,
                                  int copies, const char *approver)
{
    long long id = new_request(who, seal, matter, copies);
    resp_t *r = request_act(id, "approve", approver, NULL);
    ck_status(r, 200);
    h_free(r);
    return id;
}

FIXTURE char *request_state(long long id)
{
    const char *p[] = {id_text(id)};
    return h_sql_str("SELECT state FROM seals.seal_requests WHERE id = $1", 1, p);
}

FIXTURE void assert_request_state(long long id, const char *want)
{
    char *s = request_state(id);
    ck_assert_msg(s && !strcmp(s, want), "request %lld is %s, expected %s", id, s ? s : "(none)",
                  want);
    free(s);
}

FIXTURE long long usages_of_request(long long id)
{
    const char *p[] = {id_text(id)};
    return h_sql_ll("SELECT count(*) FROM seals.seal_usages WHERE request_id = $1", 1, p);
}

/* Notifications of `user` of `kind` about entity_type/entity_id. */
FIXTURE long long notes(const char *user, const char *kind, const char *entity_type,
                       long long entity_id)
{
    const char *p[] = {id_text(h_user_id(user)), kind, entity_type, h_fmt("%lld", entity_id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = $3 AND entity_id = $4",
                    4, p);
}

/* Audit events of the seals service on an entity, by action. */
FIXTURE long long audits(const char *entity_type, long long entity_id, const char *action)
{
    const char *p[] = {entity_type, id_text(entity_id), action};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE service = 'seals'"
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

/* Introduction letters. */
FIXTURE resp_t *post_letter(const char *who, long long seal, const char *recipient)
{
    char until[11];
    time_t t = time(NULL) + 30 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
    return h_post("/api/v1/intro-letters", h_token(who),
                  h_fmt("{\"seal_id\":%lld,\"bearer_names\":[\"张三\",\"李四\"],"
                        "\"bearer_count\":2,\"recipient_org\":\"%s\","
                        "\"matter\":\"联系工作\",\"valid_until\":\"%s\"}",
                        seal, recipient, until));
}

FIXTURE long long new_letter(const char *who, long long seal)
{
    resp_t *r = post_letter(who, seal, unique("某某局"));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

FIXTURE resp_t *letter_act(long long id, const char *action, const char *who, const char *body)
{
    return h_post(h_fmt("/api/v1/intro-letters/%lld/%s", id, action), h_token(who), body);
}

FIXTURE long long approved_letter(const char *who, long long seal, const char *approver)
{
    long long id = new_letter(who, seal);
    resp_t *r = letter_act(id, "approve", approver, NULL);
    ck_status(r, 200);
    h_free(r);
    return id;
}

FIXTURE char *letter_state(long long id)
{
    const char *p[] = {id_text(id)};
    return h_sql_str("SELECT state FROM seals.intro_letters WHERE id = $1", 1, p);
}

/* Runs n copies of fn(arg, i) on threads at once, as concurrent clients. */
FIXTURE void run_concurrently(int n, void *(*fn)(void *), void **args)
{
    pthread_t th[64];
    ck_assert_int_le(n, 64);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, fn, args[i]), 0);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
}

#endif
