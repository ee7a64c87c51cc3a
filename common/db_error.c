/* What a failed statement means for the client: SQLSTATE to error code. */
#include <string.h>

#include "db.h"
#include "log.h"

const char *db_sqlstate(const PGresult *res)
{
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}


bool db_ok(const PGresult *res, problem_t *p)
{
    if (res) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
            return true;
    }
    if (!res) {
        problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not reachable");
        return false;
    }
    const char *state = db_sqlstate(res);
    if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
        problem_set(p, ERR_DB_RETRY, NULL, NULL, "a concurrent change interfered; try again");
    else if (!strcmp(state, "23505"))
        problem_set(p, ERR_DUPLICATE, NULL, NULL, "a record with the same unique value exists");
    else if (!strcmp(state, "23503"))
        problem_set(p, ERR_VALIDATION, NULL, NULL, "a referenced record does not exist");
    else if (!strcmp(state, "55P03"))
        problem_set(p, ERR_CONFLICT, NULL, NULL, "the record is being changed by another request");
    else if (!strcmp(state, "23514") || !strcmp(state, "22P02") || !strcmp(state, "22007") ||
             !strcmp(state, "22008") || !strcmp(state, "22003"))
        problem_set(p, ERR_VALIDATION, NULL, NULL, "a value is out of range");
    else if (!strcmp(state, "57014"))
        problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database did not answer in time");
    /* The server went away (shutdown, crash, a standby not yet promoted,
     * a connection that broke: libpq's own errors carry no SQLSTATE). */
    else if (!*state || !strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
             !strcmp(state, "25006"))
        problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not reachable");
    else {
        log_msg(LOG_ERROR, NULL, "database error %s: %s", state, PQresultErrorMessage(res));
        problem_set(p, ERR_INTERNAL, NULL, NULL, "an internal error occurred");
    }
    return false;
}
