#ifndef DOCUMENTS_H
#define DOCUMENTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "create.h"
#include "http.h"
#include "job.h"
#include "org.h"

/* The service's own configuration and background job (main.c, sweep.c). */
typedef struct documents_ctx {
    long sweep_seconds; /* how often the incoming register is swept (R-DOC-9) */
    long remind_days;   /* reminders this many days before a deadline */
    long attachment_max; /* bytes of one attachment */
    job_t sweep;
} documents_ctx;

/* R-DOC-9: starts and stops the background sweep. 0, or -1. */
int sweep_start(service_t *svc);
void sweep_stop(service_t *svc);

/* Titles of notifications built from document titles (200 characters). */
#define TITLE_BYTES 1536

/* The SQL expression of document d's JSON (an alias of documents). */
#define DOCUMENT_DOC(d) " document_doc(" d ")"

/* The JSON of incoming item i (an alias of incoming) in a list: its
 * register entries are aggregated here so that incoming_doc is inlined and
 * the statement planned once (sql/read.sql). */
#define INCOMING_DOC(i)                                                                     \
    " incoming_doc(" i ", (SELECT coalesce(json_agg(json_build_object('no', e.no,"          \
    " 'step', e.step, 'actor_id', e.actor_id, 'text', e.text, 'at', e.at) ORDER BY e.no),"  \
    " '[]') FROM incoming_entries e WHERE e.incoming_id = " i ".id))"

/* document_visible(d, user, dept) and incoming_visible(i, user, dept)
 * (sql/read.sql) written into a list's statement: as functions with
 * an EXISTS they are not inlined and ran row by row, each planned anew;
 * here the EXISTS, which depends on the reader only, runs once a
 * statement. user and dept are bigint parameters. */
#define DOCUMENT_VISIBLE(d, user, dept)                                                     \
    " (" user "::bigint = " d ".creator_id OR " user "::bigint = ANY (" d ".path_ids)"      \
    " OR (" d ".secrecy = 'none' AND (" dept "::bigint = " d ".department_id"               \
    "  OR " dept "::bigint = ANY (" d ".co_department_ids)))"                               \
    " OR (" d ".state <> 'draft' AND EXISTS (SELECT 1 FROM identity.org_departments s"      \
    "  WHERE s.id = " dept "::bigint AND s.is_secretariat)))"
#define INCOMING_VISIBLE(i, user, dept)                                                     \
    " (" user "::bigint = ANY (" i ".path_ids)"                                             \
    " OR (" i ".secrecy = 'none' AND " dept "::bigint = ANY (" i ".department_ids))"        \
    " OR EXISTS (SELECT 1 FROM identity.org_people pp"                                      \
    "  LEFT JOIN identity.org_departments od ON od.id = pp.department_id"                   \
    "  WHERE pp.id = " user "::bigint AND pp.active"                                        \
    "  AND (od.is_secretariat OR pp.position = 'office_director')))"

/* ---- the regulations as pure functions (doc_rules.c) ---- */

/* R-DOC-5: "船营府发〔2027〕7号" from the series prefix, the year and the
 * sequence number. out has `cap` bytes; false when it does not fit. */
bool doc_number_format(const char *prefix, int year, long long seq, char *out, size_t cap);

/* R-DOC-8: the registry number of an incoming item, "收〔2027〕12号". */
bool registry_number_format(int year, long long seq, char *out, size_t cap);

/* The lowercase hex SHA-256 of len bytes (out has 65 bytes). */
void sha256_hex(const void *data, size_t len, char out[65]);

/* R-ORG-2 .. R-ORG-4: how an internal report (请示报告) may travel. The
 * sender's chain of superiors is chain[0] (the direct superior), chain[1]
 * and so on. */
#define REPORT_CHAIN_MAX 8

typedef struct report_route_in {
    const long long *chain;
    size_t chain_len;
    long long to;             /* the addressee */
    long long authorized_by;  /* 0 when none */
    bool sender_is_chief;     /* a section chief */
    bool to_is_director;      /* the addressee is the office director */
    bool urgent, has_reason;  /* marked urgent, with a reason */
    bool has_deputy_opinion;  /* the supervising deputy's opinion is stated */
    bool deputy_away;         /* the supervising deputy is away now */
} report_route_in;

typedef enum report_route_kind {
    ROUTE_DIRECT,            /* to the direct superior */
    ROUTE_AUTHORIZED,        /* skipping levels with a superior's authorisation (R-ORG-2) */
    ROUTE_URGENT,            /* skipping levels for an urgent matter (R-ORG-2) */
    ROUTE_DEPUTY_OPINION,    /* a chief to the director with the deputy's opinion (R-ORG-3) */
    ROUTE_DEPUTY_AWAY,       /* urgent, straight to the director, the deputy away (R-ORG-4) */
} report_route_kind;

/* Decides the route. Returns 0 with *kind and *bypassed (how many of
 * chain[0..] are skipped, each to be notified); or -1 with *rule, *field
 * (may be NULL) and *why set to static text. Pure; can't fail otherwise. */
int report_route(const report_route_in *in, report_route_kind *kind, size_t *bypassed,
                 const char **rule, const char **field, const char **why);

/* The stored name of a route kind ("direct", ...). Static. */
const char *report_route_name(report_route_kind kind);

/* ---- database steps shared by the handlers (store.c) ---- */

/* Notifies every active member of the secretariat (文秘科). */
int store_notify_secretariat(db_conn *c, const char *kind, const char *title, const char *body,
                             const char *entity_type, long long entity_id, problem_t *p);

/* Notifies the active office director(s). */
int store_notify_director(db_conn *c, const char *kind, const char *title,
                          const char *entity_type, long long entity_id, problem_t *p);

/* Adds a step to an incoming item's processing card (actor 0: the office's
 * own background job). 0, or -1 with p. */
int incoming_entry(db_conn *c, long long id, const char *step, long long actor, const char *text,
                   problem_t *p);

/* The JSON document of incoming item id, malloc'd; NULL with p. */
char *incoming_doc_text(db_conn *c, long long id, problem_t *p);

/* Whether department dept is the secretariat. 0 with *out, or -1 with p. */
int store_is_secretariat(db_conn *c, long long dept, bool *out, problem_t *p);

/* The current year in the office's zone. */
int office_year(void);

/* ---- handlers, by resource ---- */

void h_documents_list(req_t *r);
void h_documents_create(req_t *r);
void h_documents_get(req_t *r);
void h_documents_patch(req_t *r);
void h_documents_versions(req_t *r);
/* The PDF renderer (pdf.c): its configuration, read at start-up (PDF_RENDERER,
 * PDF_RENDERER_IDLE_MS, PDF_RENDER_TIMEOUT_MS; -1 when bad), and its stop. */
int pdf_init(void);
void pdf_fini(void);
void h_documents_pdf(req_t *r);

void h_attachments_create(req_t *r);
void h_attachments_list(req_t *r);
void h_attachments_get(req_t *r);

void h_documents_co_sign(req_t *r);
void h_documents_submit(req_t *r);
void h_documents_return(req_t *r);
void h_documents_decline(req_t *r);
void h_documents_forward(req_t *r);
void h_documents_review(req_t *r);
void h_documents_sign(req_t *r);
void h_documents_send_back(req_t *r);
void h_documents_request_changes(req_t *r);
void h_documents_resubmit(req_t *r);
void h_documents_approve_proof(req_t *r);
void h_documents_assign_number(req_t *r);
void h_documents_issue_letterheads(req_t *r);
void h_documents_report_printed(req_t *r);
void h_documents_archive_original(req_t *r);
void h_documents_record_stamp(req_t *r);

void h_incoming_list(req_t *r);
void h_incoming_create(req_t *r);
void h_incoming_get(req_t *r);
void h_incoming_card(req_t *r);
void h_incoming_propose(req_t *r);
void h_incoming_assign(req_t *r);
void h_incoming_instruct(req_t *r);
void h_incoming_forward(req_t *r);
void h_incoming_complete(req_t *r);
void h_incoming_reply(req_t *r);
void h_incoming_archive(req_t *r);

void h_reports_list(req_t *r);
void h_reports_create(req_t *r);
void h_reports_get(req_t *r);
void h_reports_respond(req_t *r);
void h_reports_feedback(req_t *r);
void h_reports_outcome(req_t *r);

void h_secretary_auth_list(req_t *r);
void h_secretary_auth_create(req_t *r);
void h_secretary_auth_get(req_t *r);
void h_secretary_auth_revoke(req_t *r);
void h_number_series_get(req_t *r);
void h_number_series_put(req_t *r);

#endif
