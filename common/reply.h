#ifndef OA_REPLY_H
#define OA_REPLY_H

/* Answers. Each sets the status, the body, Content-Type and X-Request-Id. */

#include <jansson.h>
#include <libpq-fe.h>

#include "errors.h"
#include "problem.h"
#include "service.h"

/* Steals body. */
void reply_json(req_t *r, int status, json_t *body);
/* body is JSON text produced elsewhere (e.g. by PostgreSQL); copied. */
void reply_raw(req_t *r, int status, const char *json_text, size_t len);
void reply_problem(req_t *r, err_code code, const char *name, const char *rule,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* reply_problem(r, ERR_INTERNAL, ..., "out of memory"): 500 after an
 * allocation failed. */
void reply_oom(req_t *r);
/* Answers p and clears it. */
void reply_problem_t(req_t *r, problem_t *p);
void reply_no_content(req_t *r);

/* The answer of a transaction that produced a document: the problem when rc
 * is not 0, 500 when doc is NULL, otherwise `status` with doc. Frees doc. */
void reply_doc(req_t *r, int rc, problem_t *p, char *doc, int status);

/* Answers a page from a result whose column 0 is the id and column 1 the
 * item's JSON text, fetched with LIMIT limit+1: {"items": [...],
 * "next_cursor": ...}. Clears res. */
void reply_page(req_t *r, PGresult *res, long limit);

/* A list: runs st, whose result is as reply_page reads it (fetched with
 * LIMIT limit + 1), and answers its page; 503/500 when the database
 * fails. */
void reply_list(req_t *r, const db_stmt *st, int n, const char *const *params, long limit);

/* GET /<collection>/{id}/<children>, a page of what belongs to a row that
 * every caller may see (a seal's custodians, a machine's maintenance log):
 * the path id and the page (400); `parent` with $1 the id, a row when it
 * exists, else 404 `missing` with detail; then `list` with $1 the id, $2
 * the cursor's id (NULL on the first page) and $3 limit + 1, answered as
 * reply_page. */
void reply_page_of(req_t *r, const db_stmt *parent, err_code missing, const char *detail,
                   const db_stmt *list);

/* Answers the single-row, single-column JSON result (200 or `status`), or
 * 404 when there is no row. Clears res. */
void reply_row(req_t *r, PGresult *res, int status);

/* Answers 200 text/csv, as the attachment `filename`: a byte order mark
 * (so that spreadsheets read UTF-8), a header row of `columns`, then a row
 * per result row whose column `col` is a JSON document: each cell the
 * document's member of that name (integers as digits, booleans as
 * true/false, strings as they are, anything else empty). 500 when a
 * document cannot be read or memory runs out. Does not clear res. */
void reply_csv_docs(req_t *r, const PGresult *res, int col, const char *const *columns,
                    const char *filename);

/* Runs one statement on a pooled connection; NULL after answering 503/500. */
PGresult *db_read_or_reply(req_t *r, const db_stmt *st, int n, const char *const *params);

#endif
