/* The seal use log (R-SEAL-4): read-only here, listed by seal and period
 * newest first, or exported as CSV. Leaders, administrators and a seal's
 * custodian read all of a seal's entries; anyone else the entries they
 * handled, approved or stamped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "export.h"
#include "list.h"
#include "list_export.h"
#include "page_cols.h"
#include "seals.h"

/* Keyset on (stamped_at, id): the cursor is the id of the last entry shown,
 * whose time the statement looks up. The visibility test is $5 (sees
 * everything) or the viewer $6 keeps the seal or took part.
 *
 * (stamped_at, id) < (t, c) is written as stamped_at <= t AND (stamped_at < t
 * OR id < c): a row comparison in the index condition becomes the start of
 * the backward scan ahead of the period's end (btree keeps it apart from
 * the plain bounds), so the scan began at the newest entry of the whole log
 * and walked back to the period; plain bounds are merged and the scan
 * starts at the period's end (or the cursor). */
#define USAGE_CURSOR_AT                                                                     \
    "coalesce((SELECT c.stamped_at FROM seal_usages c WHERE c.id = $4::bigint),"           \
    " 'infinity'::timestamptz)"
#define USAGE_WINDOW                                                                        \
    " u.stamped_at >= $2::date AND u.stamped_at < $3::date + 1"                            \
    " AND u.stamped_at <= " USAGE_CURSOR_AT                                                 \
    " AND (u.stamped_at < " USAGE_CURSOR_AT " OR u.id < $4::bigint)"                        \
    " AND ($5 OR u.seal_id IN (SELECT k.id FROM seals k WHERE k.custodian_id = $6)"        \
    "  OR $6 IN (u.handler_id, u.approver_id, u.stamper_id))"                              \
    " ORDER BY u.stamped_at DESC, u.id DESC LIMIT $7"

/* The seal's name comes from the join, so that usage_doc is inlined
 * (sql/read.sql). */
#define USAGE_FROM " FROM seal_usages u JOIN seals s ON s.id = u.seal_id"

/* One seal's log: served by the index (seal_id, stamped_at, id). */
static const db_stmt Q_USAGES_OF_SEAL = {
    "seals_usages_of_seal",
    "SELECT u.id, usage_doc(u, s.name)" USAGE_FROM " WHERE u.seal_id = $1 AND" USAGE_WINDOW};

/* Every seal's log: served by the index (stamped_at, id). $1 is unused. */
static const db_stmt Q_USAGES_ALL = {
    "seals_usages_all",
    "SELECT u.id, usage_doc(u, s.name)" USAGE_FROM " WHERE ($1::bigint IS NULL) AND" USAGE_WINDOW};

/* The first page of one seal's log for a reader who sees every entry (an
 * office leader or an administrator): the list asked for most, with a plan
 * made once. The statement above is planned again on every call (half of
 * its database time): its cursor look-ups and visibility test, which a
 * fresh plan folds away, and "LIMIT $7", for which the planner guesses a
 * tenth of the seal's entries, make its generic plan look dearer. Here the
 * scan's bound is a constant, the largest page (PAGE_SCAN_LIMIT), so the
 * estimate is a page and the generic plan is kept; the outer LIMIT stops
 * the scan at the page asked for.
 *
 * Its entries come as plain columns and their documents are written here
 * (reply_page_cols): row_to_json over a page of entries was half of the
 * statement's time, most of it writing the one time three times. The
 * time comes once, already as JSON (to_json), so that it reads exactly as
 * usage_doc writes it (the time itself only orders the page), and the
 * seal's name once for the page. */
static const db_stmt Q_USAGES_OF_SEAL_FIRST = {
    "seals_usages_of_seal_first_cols",
    "SELECT x.id, x.seal_id, x.seal_name, x.request_id, x.stamped_at_json, x.matter,"
    " x.document_number, x.content, x.using_unit, x.count, x.handler_id, x.handler_name,"
    " x.approver_id, x.approver_name, x.stamper_id, x.stamper_name, x.document_id, x.letter_id"
    " FROM (SELECT u.id, u.seal_id,"
    " (SELECT s.name FROM seals s WHERE s.id = $1) AS seal_name, u.request_id,"
    " to_json(u.stamped_at)::text AS stamped_at_json, u.stamped_at, u.matter,"
    " u.document_number, u.content, u.using_unit, u.count, u.handler_id, u.handler_name,"
    " u.approver_id, u.approver_name, u.stamper_id, u.stamper_name, u.document_id,"
    " u.letter_id FROM seal_usages u WHERE u.seal_id = $1 AND u.stamped_at >= $2::date"
    " AND u.stamped_at < $3::date + 1 ORDER BY u.stamped_at DESC, u.id DESC"
    " LIMIT " PAGE_SCAN_LIMIT ") x ORDER BY x.stamped_at DESC, x.id DESC LIMIT $4"};

static const db_stmt Q_USAGE_GET = {
    "seals_usage_get",
    "SELECT usage_doc(u, s.name)" USAGE_FROM " WHERE u.id = $1"
    " AND ($2 OR u.seal_id IN (SELECT k.id FROM seals k WHERE k.custodian_id = $3)"
    "  OR $3 IN (u.handler_id, u.approver_id, u.stamper_id))"};

void h_usages_get(req_t *r)
{
    static const read_arg args[] = {READ_SEES_ALL, READ_USER, READ_END};
    action_get_doc_as(r, &Q_USAGE_GET, seals_privileged(r->caller), args);
}

/* ---------- a page of entries written from plain columns ---------- */

/* The members of an entry (reply_page_cols), usage_doc's keys in its order
 * (sql/read.sql), and the column each is read from where it is not the
 * key's. An entry is never changed (R-SEAL-4): its version is 1 and its
 * times are when it was stamped. */
static const page_col usage_cols[] = {
    {.name = "id", .kind = PK_NUM},
    {.name = "seal_id", .kind = PK_NUM},
    {.name = "seal_name", .kind = PK_STR},
    {.name = "request_id", .kind = PK_NUM},
    {.name = "stamped_at", .kind = PK_JSON, .col = "stamped_at_json"},
    {.name = "matter", .kind = PK_STR},
    {.name = "document_number", .kind = PK_STR},
    {.name = "content", .kind = PK_STR},
    {.name = "using_unit", .kind = PK_STR},
    {.name = "count", .kind = PK_NUM},
    {.name = "handler_id", .kind = PK_NUM},
    {.name = "handler_name", .kind = PK_STR},
    {.name = "approver_id", .kind = PK_NUM},
    {.name = "approver_name", .kind = PK_STR},
    {.name = "stamper_id", .kind = PK_NUM},
    {.name = "stamper_name", .kind = PK_STR},
    {.name = "document_id", .kind = PK_NUM},
    {.name = "version", .kind = PK_ONE},
    {.name = "created_at", .kind = PK_JSON, .col = "stamped_at_json"},
    {.name = "updated_at", .kind = PK_JSON, .col = "stamped_at_json"},
    {.name = "letter_id", .kind = PK_NUM},
    PAGE_COLS_END,
};

/* The export: at most 50000 entries (a longer period is split), the
 * columns of usage_doc's keys, in order. */
static const char *const csv_columns[] = {
    "id",          "seal_id",     "seal_name",     "request_id",    "stamped_at",
    "matter",      "document_number", "content",   "using_unit",    "count",
    "handler_id",  "handler_name", "approver_id",  "approver_name", "stamper_id",
    "stamper_name", "document_id", NULL};

static const csv_export usages_export = {
    .max_rows = 50000,
    .columns = csv_columns,
    .filename = "seal-usages.csv",
    .too_many = "the period holds more than %ld entries; export a shorter one",
    .too_many_detail = "the export is limited to %ld entries",
};

static const list_filter usage_filters[] = {
    {.name = "seal_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

/* One seal's log or every seal's: a page and the export are the same
 * statement. */
static const list_export_t usages_list = {
    .list = {.filters = usage_filters,
             .export = &usages_export,
             .params = {"seal_id", "@from", "@to", "@cursor", "@sees_all", "@caller", "@limit"},
             .sees_all = seals_privileged},
    .by = "seal_id",
    .page_by = &Q_USAGES_OF_SEAL,
    .page_all = &Q_USAGES_ALL,
    .export_by = &Q_USAGES_OF_SEAL,
    .export_all = &Q_USAGES_ALL,
    .first = &Q_USAGES_OF_SEAL_FIRST,
    .first_params = {"seal_id", "@from", "@to", "@limit"},
    .first_cols = usage_cols,
};

void h_usages_list(req_t *r)
{
    list_export_handle(r, &usages_list);
}
