/* Idempotency-Key on creates: a replayed key answers the stored reply; the
 * reply of a new one is stored inside the creating transaction. */
#include "idem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "request.h"

static const db_stmt Q_IDEM_GET = {
    "common_idem_get", "SELECT status, body, route FROM idempotency_keys"
                       " WHERE user_id = $1 AND key = $2"};
static const db_stmt Q_IDEM_PUT = {
    "common_idem_put", "INSERT INTO idempotency_keys(user_id, key, route, status, body)"
                       " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"};

bool idem_replayed(req_t *r)
{
    const char *key = req_header(r, "Idempotency-Key");
    if (!key || !r->caller)
        return false;
    if (!*key || strlen(key) > 200) {
        bad_header(r, "Idempotency-Key", "must be 1 to 200 characters");
        return true;
    }
    char uid[24];
    const char *params[] = {db_int(uid, r->caller->id), key};
    PGresult *res = db_read_or_reply(r, &Q_IDEM_GET, 2, params);
    if (!res)
        return true;
    bool found = PQntuples(res) == 1;
    if (found && strcmp(PQgetvalue(res, 0, 2), r->route))
        reply_problem(r, ERR_IDEMPOTENCY, NULL, NULL,
                      "this Idempotency-Key was used for another kind of request");
    else if (found)
        reply_raw(r, atoi(PQgetvalue(res, 0, 0)), PQgetvalue(res, 0, 1),
                  (size_t)PQgetlength(res, 0, 1));
    PQclear(res);
    return found;
}

int idem_store(db_conn *c, req_t *r, int status, const char *body, problem_t *p)
{
    const char *key = req_header(r, "Idempotency-Key");
    if (!key || !r->caller)
        return 0;
    char uid[24], st[12];
    snprintf(st, sizeof st, "%d", status);
    const char *params[] = {db_int(uid, r->caller->id), key, r->route, st, body};
    PGresult *res = db_exec(c, &Q_IDEM_PUT, 5, params);
    bool ok = db_ok(res, p);
    bool inserted = ok && atoi(PQcmdTuples(res)) == 1;
    PQclear(res);
    if (!ok)
        return -1;
    if (!inserted)
        return problem_set(p, ERR_IDEMPOTENCY, NULL, NULL,
                           "a request with this Idempotency-Key is already being processed");
    return 0;
}
