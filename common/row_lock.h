#ifndef OA_ROW_LOCK_H
#define OA_ROW_LOCK_H

#include <libpq-fe.h>

#include "db.h"
#include "problem.h"

/* The row a change (a PATCH, a retirement) locks before it checks anything:
 * its document as it was, for the audit event, its version, for the
 * If-Match, and its state. */
typedef struct row_locked {
    PGresult *res;     /* the row, for the caller's other columns; the caller clears it */
    char *before;      /* a copy of the document; the caller frees it */
    long long version; /* column "version" */
    const char *state; /* column "state", inside res */
} row_locked;

/* Runs st, a SELECT ... FOR UPDATE of the row whose id is $1 (its only
 * parameter), whose columns include the document (doc_col), "version" and
 * "state". 0 with *out filled (the caller clears out->res and frees
 * out->before); -1 with p set and nothing to free: `missing` with detail
 * when there is no such row, a 500 when memory ran out, or the database's
 * problem. */
int row_lock(db_conn *c, const db_stmt *st, long long id, const char *doc_col, err_code missing,
             const char *detail, row_locked *out, problem_t *p);

#endif
