#ifndef OA_REQUEST_H
#define OA_REQUEST_H

/* Reading a request: its body, path, query, headers and caller. Each
 * `..._or_reply` function that fails has already answered 400 (or 403, 404)
 * naming what was wrong, so the handler just returns. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "json_in.h"
#include "service.h"

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

/* The period of a list or an export, from the dates `from` and `to` (each
 * may be NULL): 0 when it is fine, -1 after answering 400 naming `to` when
 * it ends before it starts. */
int period_or_reply(req_t *r, const char *from, const char *to);

/* limit (1..200, default 20) and cursor. *after is 0 without a cursor. */
int page_or_reply(req_t *r, long *limit, long long *after);

/* If-Match, as HTTP allows it: absent or "*" set *version to IF_MATCH_ANY,
 * one entity tag ("3" or W/"3") to its version (0 for a resource that does
 * not exist yet), several ("3", "4") to IF_MATCH_LIST. Returns 0, or -1
 * after answering 400 (request.invalid_header) for a value that is not one
 * of these, an unquoted version among them. */
enum { IF_MATCH_ANY = -1, IF_MATCH_LIST = -2 };
int if_match_or_reply(req_t *r, long long *version);

/* Whether the current version of a resource satisfies the If-Match that
 * if_match_or_reply read into if_match. */
bool if_match_accepts(const req_t *r, long long if_match, long long version);

/* Whether the Accept header asks for text/csv first (what ?format=csv asks). */
bool accepts_csv(req_t *r);

/* Whether a list that exports CSV answers CSV: ?format=csv, or no format
 * and an Accept that asks for text/csv first. format is the value read
 * (its default when absent). */
bool csv_requested(req_t *r, const char *format);

/* A header value or NULL (case-insensitive name). */
const char *req_header(req_t *r, const char *name);

/* Answer 400 naming the query parameter (request.invalid_query) or the
 * header (request.invalid_header) `name` with msg; return -1. */
int bad_query(req_t *r, const char *name, const char *msg);
int bad_header(req_t *r, const char *name, const char *msg);

/* R-SEC-3: a secretary assists but never decides. For a secretary's token
 * answers 403 with rule R-SEC-3 and returns false; otherwise true. Call it
 * first in every approve, reject, sign, decide, assign and instruct action. */
bool decider_or_reply(req_t *r);

#endif
