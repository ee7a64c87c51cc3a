/* Locking the row a change is about to make. */
#include "row_lock.h"

#include <stdlib.h>
#include <string.h>

int row_lock(db_conn *c, const db_stmt *st, long long id, const char *doc_col, err_code missing,
             const char *detail, row_locked *out, problem_t *p)
{
    char s[24];
    const char *params[] = {db_int(s, id)};
    PGresult *res;
    if (db_query(c, st, 1, params, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, missing, NULL, NULL, "%s", detail);
    }
    char *before = strdup(db_col_str(res, 0, doc_col));
    if (!before) {
        PQclear(res);
        return problem_oom(p);
    }
    *out = (row_locked){.res = res,
                        .before = before,
                        .version = db_col_ll(res, 0, "version"),
                        .state = db_col_str(res, 0, "state")};
    return 0;
}
