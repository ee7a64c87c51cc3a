#ifndef OA_EXPORT_H
#define OA_EXPORT_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "http.h"

/* A list over a period that also answers as a CSV export (the copy
 * register, the seal use log, the supervision report): ?from and ?to
 * bound the period, ?format (or an Accept of text/csv) asks for the
 * export, and an export is one statement of at most max_rows rows, not a
 * page. A service describes each export once. Static storage. */
typedef struct csv_export {
    long max_rows;                /* the most rows one export holds */
    const char *const *columns;   /* the document's keys, in order, NULL-ended */
    const char *filename;         /* of the attachment: "seal-usages.csv" */
    /* The 400 of a longer export: the message naming `from` and the
     * detail, each with one %ld, max_rows. */
    const char *too_many;
    const char *too_many_detail;
} csv_export;

/* What the query asked of such a list. */
typedef struct export_query {
    const char *from, *to; /* the period's dates; NULL where it is open */
    bool csv;              /* answer the export, not a page */
} export_query;

/* Reads ?from and ?to (dates, `to` not before `from`) and ?format (json or
 * csv) into q, after the caller has read the page (page_or_reply) and its
 * own filters, so that a bad parameter is named in the same order as
 * before. For an export the page becomes the whole export: *after 0 and
 * *limit max_rows. 0, or -1 after answering 400 naming the parameter. */
int export_query_or_reply(req_t *r, const csv_export *x, long *limit, long long *after,
                          export_query *q);

/* Answers the export of res, each row's document in column `col` written
 * as x->columns: 400 naming `from` when res holds more than x->max_rows
 * rows (it was fetched with one more to tell), else 200 text/csv as an
 * attachment. Does not clear res. */
void reply_export(req_t *r, const PGresult *res, int col, const csv_export *x);

#endif
