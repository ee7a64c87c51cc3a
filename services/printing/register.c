/* The copy register (复印登记簿, R-PRN-3): the real figures of every large
 * job, read-only here, listed by department and period newest first, or
 * exported as CSV. Office leaders and administrators read every entry;
 * anyone else the entries of their own department and those they asked
 * for or ran. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "page_cols.h"
#include "printing.h"

/* Keyset on (completed_at, id), as the seal use log: the cursor is the id
 * of the last entry shown, whose time the statement looks up; plain bounds
 * rather than a row comparison, so the scan starts at the period's end. */
#define REGISTER_CURSOR_AT                                                                  \
    "coalesce((SELECT c.completed_at FROM copy_register c WHERE c.id = $4::bigint),"       \
    " 'infinity'::timestamptz)"
#define REGISTER_WINDOW                                                                     \
    " e.completed_at >= $2::date AND e.completed_at < $3::date + 1"                        \
    " AND e.completed_at <= " REGISTER_CURSOR_AT                                            \
    " AND (e.completed_at < " REGISTER_CURSOR_AT " OR e.id < $4::bigint)"                   \
    " AND ($5 OR e.department_id = $7 OR $6 IN (e.requester_id, e.operator_id))"           \
    " ORDER BY e.completed_at DESC, e.id DESC LIMIT $8"

/* One department's register as documents, for the CSV export: served by
 * (department_id, completed_at, id). */
static const db_stmt Q_REGISTER_OF_DEPT = {
    "printing_register_of_dept",
    "SELECT e.id, register_doc(e) FROM copy_register e WHERE e.department_id = $1 AND"
    REGISTER_WINDOW};

/* Every department's, for the export: served by (completed_at, id). $1 is
 * unused. */
static const db_stmt Q_REGISTER_ALL = {
    "printing_register_all",
    "SELECT e.id, register_doc(e) FROM copy_register e WHERE ($1::bigint IS NULL) AND"
    REGISTER_WINDOW};

/* The entries of a page as plain columns, in the order of register_doc's
 * keys: the answer's JSON is written here (reply_page_cols), which costs the
 * database a fraction of building each document there. The time is JSON
 * text already (to_json), as register_doc gives it. */
#define REGISTER_COLUMNS(e)                                                                 \
    e ".id, " e ".job_id, " e ".violation_id, to_json(" e ".completed_at) AS completed_at, " \
    e ".department_id, " e ".department_name, " e ".kind, " e ".title, " e ".pages, "        \
    e ".copies, " e ".sheets, " e ".requester_id, " e ".requester_name, " e ".operator_id, " \
    e ".operator_name, " e ".approver_id, " e ".approver_name, " e ".without_approval"

static const db_stmt Q_REGISTER_ROWS_OF_DEPT = {
    "printing_register_rows_of_dept",
    "SELECT " REGISTER_COLUMNS("e") " FROM copy_register e WHERE e.department_id = $1 AND"
    REGISTER_WINDOW};

static const db_stmt Q_REGISTER_ROWS_ALL = {
    "printing_register_rows_all",
    "SELECT " REGISTER_COLUMNS("e") " FROM copy_register e WHERE ($1::bigint IS NULL) AND"
    REGISTER_WINDOW};

/* The first page of one department's register for a reader who sees every
 * entry (an office leader or an administrator): the read asked for most,
 * with a plan made once, as the seal use log's first page (seals
 * usages.c): the scan's bound is the largest page, a constant, so the
 * planner estimates a page and keeps its generic plan; the outer LIMIT
 * stops the scan, and the conversions, at the page asked for. */
static const db_stmt Q_REGISTER_OF_DEPT_FIRST = {
    "printing_register_of_dept_first",
    "SELECT " REGISTER_COLUMNS("x") " FROM (SELECT e.* FROM copy_register e"
    " WHERE e.department_id = $1 AND e.completed_at >= $2::date"
    " AND e.completed_at < $3::date + 1 ORDER BY e.completed_at DESC, e.id DESC"
    " LIMIT " PAGE_SCAN_LIMIT ") x ORDER BY x.completed_at DESC, x.id DESC LIMIT $4"};

/* ---------- a page's JSON, written from the columns ---------- */

/* The members of an entry (reply_page_cols), register_doc's keys in its
 * order. An entry is never changed: its version is 1 and its times are
 * when the job was completed. */
static const page_col entry_cols[] = {
    {.name = "id", .kind = PK_NUM},
    {.name = "job_id", .kind = PK_NUM},
    {.name = "violation_id", .kind = PK_NUM},
    {.name = "completed_at", .kind = PK_JSON},
    {.name = "department_id", .kind = PK_NUM},
    {.name = "department_name", .kind = PK_STR},
    {.name = "kind", .kind = PK_STR},
    {.name = "title", .kind = PK_STR},
    {.name = "pages", .kind = PK_NUM},
    {.name = "copies", .kind = PK_NUM},
    {.name = "sheets", .kind = PK_NUM},
    {.name = "requester_id", .kind = PK_NUM},
    {.name = "requester_name", .kind = PK_STR},
    {.name = "operator_id", .kind = PK_NUM},
    {.name = "operator_name", .kind = PK_STR},
    {.name = "approver_id", .kind = PK_NUM},
    {.name = "approver_name", .kind = PK_STR},
    {.name = "without_approval", .kind = PK_BOOL},
    {.name = "version", .kind = PK_ONE},
    {.name = "created_at", .kind = PK_JSON, .col = "completed_at"},
    {.name = "updated_at", .kind = PK_JSON, .col = "completed_at"},
    PAGE_COLS_END,
};

static const db_stmt Q_REGISTER_GET = {
    "printing_register_get",
    "SELECT register_doc(e) FROM copy_register e WHERE e.id = $1"
    " AND ($2 OR e.department_id = $4 OR $3 IN (e.requester_id, e.operator_id))"};

void h_register_get(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    char b[24], u[24], d[24];
    const char *params[] = {db_int(b, id), printing_privileged(r->caller) ? "true" : "false",
                            db_int(u, r->caller->id),
                            r->caller->department_id ? db_int(d, r->caller->department_id)
                                                     : NULL};
    PGresult *res = db_read_or_reply(r, &Q_REGISTER_GET, 4, params);
    if (res)
        reply_row(r, res, 200);
}

/* The export: at most 50000 entries (a longer period is split), the
 * columns of register_doc's keys, in order. */
static const char *const csv_columns[] = {
    "id",           "job_id",        "completed_at", "department_id", "department_name",
    "kind",         "title",         "pages",        "copies",        "sheets",
    "requester_id", "requester_name", "operator_id", "operator_name", "approver_id",
    "approver_name", "without_approval", NULL};

static const csv_export register_export = {
    .max_rows = 50000,
    .columns = csv_columns,
    .filename = "copy-register.csv",
    .too_many = "the period holds more than %ld entries; export a shorter one",
    .too_many_detail = "the export is limited to %ld entries",
};

void h_register_list(req_t *r)
{
    long limit;
    long long after, dept = 0;
    bool has_dept = false;
    export_query q;
    if (page_or_reply(r, &limit, &after) ||
        query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dept, &has_dept) ||
        export_query_or_reply(r, &register_export, &limit, &after, &q))
        return;
    const char *from = q.from, *to = q.to;
    bool csv = q.csv;
    char d[24], a[24], u[24], vd[24], l[24];
    bool privileged = printing_privileged(r->caller);
    if (has_dept && !after && privileged && !csv) {
        const char *first[] = {db_int(d, dept), from ? from : "-infinity", to ? to : "infinity",
                               db_int(l, limit + 1)};
        PGresult *res = db_read_or_reply(r, &Q_REGISTER_OF_DEPT_FIRST, 4, first);
        if (res)
            reply_page_cols(r, res, limit, entry_cols);
        return;
    }
    const char *params[] = {has_dept ? db_int(d, dept) : NULL,
                            from ? from : "-infinity",
                            to ? to : "infinity",
                            after ? db_int(a, after) : NULL,
                            privileged ? "true" : "false",
                            db_int(u, r->caller->id),
                            r->caller->department_id ? db_int(vd, r->caller->department_id)
                                                     : NULL,
                            db_int(l, limit + 1)};
    const db_stmt *st = csv ? (has_dept ? &Q_REGISTER_OF_DEPT : &Q_REGISTER_ALL)
                            : (has_dept ? &Q_REGISTER_ROWS_OF_DEPT : &Q_REGISTER_ROWS_ALL);
    PGresult *res = db_read_or_reply(r, st, 8, params);
    if (!res)
        return;
    if (!csv) {
        reply_page_cols(r, res, limit, entry_cols);
        return;
    }
    reply_export(r, res, 1, &register_export);
    PQclear(res);
}
