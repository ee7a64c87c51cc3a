#ifndef DOCUMENTS_H
#define DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* Titles of notifications built from document titles (200 characters). */
#define TITLE_BYTES 1536

/* The SQL expression of document d's JSON (an alias of documents). */
#define DOCUMENT_DOC(d) " document_doc(" d ")"

/* ---- the regulations as pure functions (doc_rules.c) ---- */

/* R-DOC-5: "船营府发〔2027〕7号" from the series prefix, the year and the
 * sequence number. out has `cap` bytes; false when it does not fit. */
bool doc_number_format(const char *prefix, int year, long long seq, char *out, size_t cap);

/* R-DOC-8: the registry number of an incoming item, "收〔2027〕12号". */
bool registry_number_format(int year, long long seq, char *out, size_t cap);

/* The lowercase hex SHA-256 of len bytes (out has 65 bytes). */
void sha256_hex(const void *data, size_t len, char out[65]);

/* ---- database steps shared by the handlers (store.c) ---- */

/* Runs st and drops the result. Returns 0 or -1 with p. */
int store_run(db_conn *c, const db_stmt *st, int n, const char *const *params, problem_t *p);

/* Notifies every id of a PostgreSQL bigint[] text (e.g. "{3,4}"). */
int store_notify_all(db_conn *c, const char *ids, const char *kind, const char *title,
                     const char *body, const char *entity_type, long long entity_id,
                     problem_t *p);

/* Notifies every active member of the secretariat (文秘科). */
int store_notify_secretariat(db_conn *c, const char *kind, const char *title, const char *body,
                             const char *entity_type, long long entity_id, problem_t *p);

/* Whether department dept is the secretariat. 0 with *out, or -1 with p. */
int store_is_secretariat(db_conn *c, long long dept, bool *out, problem_t *p);

/* A PostgreSQL bigint[] text ("{1,2}") of a validated JF_ID_LIST array.
 * Malloc'd (caller frees); NULL when out of memory. */
char *store_id_array(json_t *ids);

/* Answers the transaction's outcome: the problem, or doc with `status`.
 * Frees doc. */
void reply_outcome(req_t *r, int rc, problem_t *p, char *doc, int status);

/* The current year in the office's zone. */
int office_year(void);

/* ---- handlers, by resource ---- */

void h_documents_list(req_t *r);
void h_documents_create(req_t *r);
void h_documents_get(req_t *r);
void h_documents_patch(req_t *r);
void h_documents_versions(req_t *r);
void h_documents_pdf(req_t *r);

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

void h_number_series_get(req_t *r);
void h_number_series_put(req_t *r);

#endif
