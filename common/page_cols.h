#ifndef COMMON_PAGE_COLS_H
#define COMMON_PAGE_COLS_H

#include <libpq-fe.h>

#include "service.h"

/* A page whose items are written here from plain columns, instead of by
 * json_build_object or row_to_json in PostgreSQL (which looks up the
 * output function of every field of every row: over half of a list's
 * database time). The members of an item are listed in a table whose
 * order is the order of the keys of the document the same resource's GET
 * answers, so that a list item and a GET say the same thing. */

typedef enum page_kind {
    PK_NUM,  /* an integer, as PostgreSQL prints it */
    PK_STR,  /* text, escaped */
    PK_BOOL, /* 't' or 'f' */
    PK_IDS,  /* a bigint[] such as {1,2}, as [1,2] */
    PK_JSON, /* JSON text (to_json of a timestamp, an aggregate) */
    PK_ONE,  /* the number 1 and no column: the version of a row never changed */
} page_kind;

/* One member of an item: its key, and the column it is read from (the
 * column named as the key when col is NULL). A null column is null. */
typedef struct page_col {
    const char *name;
    page_kind kind;
    const char *col;
} page_col;

#define PAGE_COLS_END {.name = NULL}

/* Answers 200 {"items": [...], "next_cursor": ...} from a result fetched
 * with LIMIT limit+1 (one more row when there is a next page) whose column
 * "id" is each item's id, each item an object of cols in their order.
 * Clears res. A column missing from res is a 500: the statement and the
 * table disagree. */
void reply_page_cols(req_t *r, PGresult *res, long limit, const page_col *cols);

#endif
