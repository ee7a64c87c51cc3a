/* What the documents API tests share: drafts made through the API and
 * driven along the chain, actions, and database checks. Each test makes
 * its own documents, so tests never depend on each other's data. */
#ifndef TEST_DOCUMENTS_FIXTURES_H
#define TEST_DOCUMENTS_FIXTURES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define FIXTURE static __attribute__((unused))

/* Like h_fmt, from a pool of 64 buffers per thread. */
__attribute__((format(printf, 1, 2))) FIXTURE const char *df(const char *fmt, ...)
{
    static __thread char pool[64][2048];
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
    return df("%s-%d-%ld%03ld-%d", prefix, (int)getpid(), (long)t.tv_sec % 100000,
              t.tv_nsec / 1000000, seq++);
}

/* Creates a draft as `who`; extra is more JSON members (",\"secrecy\":...")
 * or "". Returns the response. */
FIXTURE resp_t *post_draft(const char *who, const char *issuer, const char *extra)
{
    return h_post("/api/v1/documents", h_token(who),
                  df("{\"issuer\":\"%s\",\"doc_type\":\"notice\",\"title\":\"关于%s的通知\","
                     "\"body\":\"各单位：\\n现将有关事项通知如下。\",\"main_recipients\":\"各科室\","
                     "\"print_count\":3%s}",
                     issuer, unique("事项"), extra));
}

FIXTURE long long new_draft(const char *who, const char *issuer, const char *extra)
{
    resp_t *r = post_draft(who, issuer, extra);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* POST /documents/{id}/<verb> as who with body (NULL for none). */
FIXTURE resp_t *doc_act(long long id, const char *verb, const char *who, const char *body)
{
    return h_post(df("/api/v1/documents/%lld/%s", id, verb), h_token(who), body);
}

/* The same, asserting 200 and the state after. */
FIXTURE void doc_step(long long id, const char *verb, const char *who, const char *body,
                      const char *state)
{
    resp_t *r = doc_act(id, verb, who, body);
    ck_status(r, 200);
    ck_assert_msg(!strcmp(h_str(r, "state"), state), "%s: expected state %s, got %s", verb,
                  state, h_str(r, "state"));
    h_free(r);
}

FIXTURE char *doc_state(long long id)
{
    const char *p[] = {df("%lld", id)};
    return h_sql_str("SELECT state FROM documents.documents WHERE id = $1", 1, p);
}

FIXTURE void assert_doc_state(long long id, const char *state)
{
    char *s = doc_state(id);
    ck_assert_msg(s && !strcmp(s, state), "document %lld: expected %s, got %s", id, state,
                  s ? s : "(none)");
    free(s);
}

/* Notifications of `kind` about document id for user `who`. */
FIXTURE long long notified(const char *who, const char *kind, long long id)
{
    const char *p[] = {df("%lld", h_user_id(who)), kind, df("%lld", id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = 'document' AND entity_id = $3",
                    3, p);
}

FIXTURE long long audited(long long id, const char *action)
{
    const char *p[] = {df("%lld", id), action};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE service = 'documents'"
                    " AND entity_type = 'document' AND entity_id = $1 AND action = $2",
                    2, p);
}

/* A draft of 综合科 for the office, reviewed and forwarded to deputy2
 * (who supervises 综合科), awaiting sign-off. */
FIXTURE long long awaiting_signoff(const char *issuer, const char *signer)
{
    long long id = new_draft("zonghe1", issuer, "");
    doc_step(id, "submit", "zonghe1", NULL, "secretariat_review");
    doc_step(id, "forward", "wenmi1", df("{\"signer_id\":%lld}", h_user_id(signer)),
             "awaiting_signoff");
    return id;
}

/* The same, signed: in proofreading. */
FIXTURE long long signed_doc(const char *issuer, const char *signer)
{
    long long id = awaiting_signoff(issuer, signer);
    doc_step(id, "sign", signer, NULL, "proofreading");
    return id;
}

/* The same, proofread and numbered. */
FIXTURE long long numbered_doc(const char *issuer, const char *signer)
{
    long long id = signed_doc(issuer, signer);
    doc_step(id, "approve-proof", "wenmi1", NULL, "proofread");
    doc_step(id, "assign-number", "wenmi1", NULL, "numbered");
    return id;
}

#endif
