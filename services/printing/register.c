/* The copy register (复印登记簿, R-PRN-3): the real figures of every large
 * job, read-only here, listed by department and period newest first, or
 * exported as CSV. Office leaders and administrators read every entry;
 * anyone else the entries of their own department and those they asked
 * for or ran. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "export.h"
#include "list.h"
#include "list_export.h"
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
    static const read_arg args[] = {READ_SEES_ALL, READ_USER, READ_DEPARTMENT, READ_END};
    action_get_doc_as(r, &Q_REGISTER_GET, printing_privileged(r->caller), args);
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

static const list_filter register_filters[] = {
    {.name = "department_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

static const list_export_t register_list = {
    .list = {.filters = register_filters,
             .export = &register_export,
             .params = {"department_id", "@from", "@to", "@cursor", "@sees_all", "@caller",
                        "@department", "@limit"},
             .sees_all = printing_privileged},
    .by = "department_id",
    .page_by = &Q_REGISTER_ROWS_OF_DEPT,
    .page_all = &Q_REGISTER_ROWS_ALL,
    .cols = entry_cols,
    .export_by = &Q_REGISTER_OF_DEPT,
    .export_all = &Q_REGISTER_ALL,
    .first = &Q_REGISTER_OF_DEPT_FIRST,
    .first_params = {"department_id", "@from", "@to", "@limit"},
    .first_cols = entry_cols,
};

void h_register_list(req_t *r)
{
    list_export_handle(r, &register_list);
}
