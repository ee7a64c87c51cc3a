#ifndef OA_LIST_EXPORT_H
#define OA_LIST_EXPORT_H

/* A log listed over a period and by one thing it belongs to (a seal, a
 * department), newest first, that is also a CSV export (the seal use log,
 * the copy register): the same runner for both, described by the
 * statements it chooses between.
 *
 * Every statement takes list.params (with "@from" and "@to", the period,
 * among them) except `first`, which takes first_params. */

#include "list.h"
#include "page_cols.h"

typedef struct list_export_t {
    list_t list;    /* its filters, .export and the statements' parameters */
    const char *by; /* the filter that narrows the log to one thing */
    /* A page, of one thing (`by` given) or of all; answered from plain
     * columns with cols, else as reply_page reads it. */
    const db_stmt *page_by, *page_all;
    const page_col *cols;
    /* The export: column 1 of each row the entry's document. */
    const db_stmt *export_by, *export_all;
    /* The first page of one thing for a reader who sees every entry (the
     * read asked for most, with a plan made once), answered from
     * first_cols; NULL where there is none. */
    const db_stmt *first;
    const char *first_params[LIST_MAX_PARAMS];
    const page_col *first_cols;
} list_export_t;

/* Reads the query (the page, the filters, then the period and the
 * format), runs the statement the query asks for and answers its page or
 * its export. */
void list_export_handle(req_t *r, const list_export_t *x);

#endif
