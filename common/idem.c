/* Idempotency-Key on creates: a replayed key answers the stored reply; the
 * reply of a new one is stored inside the creating transaction.
 *
 * A key belongs to its caller, the method and concrete path of the request
 * (POST /api/v1/seals/2/handovers, not the route template) and a hash of
 * the body: the same request again replays the answer, the same key with
 * another body is refused (422), and a key on another path is another key.
 * Keys expire after IDEMPOTENCY_TTL_SECONDS and are swept by the
 * background thread (idem_sweep). */
#include "idem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reply.h"
#include "request.h"

static const db_stmt Q_IDEM_GET = {
    "common_idem_get", "SELECT status, body, body_hash = $4 AS same_body FROM idempotency_keys"
                       " WHERE user_id = $1 AND path = $2 AND key = $3 AND expires_at > now()"};
/* An expired key that was not swept yet is taken over. */
static const db_stmt Q_IDEM_PUT = {
    "common_idem_put",
    "INSERT INTO idempotency_keys(user_id, key, route, path, body_hash, status, body, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8::bigint))"
    " ON CONFLICT (user_id, path, key) DO UPDATE SET route = EXCLUDED.route,"
    " body_hash = EXCLUDED.body_hash, status = EXCLUDED.status, body = EXCLUDED.body,"
    " created_at = now(), expires_at = EXCLUDED.expires_at"
    " WHERE idempotency_keys.expires_at <= now()"};
/* The same with the answer a statement kept on the server (AUDIT_DOC). */
static const db_stmt Q_IDEM_PUT_KEPT = {
    "common_idem_put_kept",
    "INSERT INTO idempotency_keys(user_id, key, route, path, body_hash, status, body, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, current_setting('oa.audit_doc'),"
    " now() + make_interval(secs => $7::bigint))"
    " ON CONFLICT (user_id, path, key) DO UPDATE SET route = EXCLUDED.route,"
    " body_hash = EXCLUDED.body_hash, status = EXCLUDED.status, body = EXCLUDED.body,"
    " created_at = now(), expires_at = EXCLUDED.expires_at"
    " WHERE idempotency_keys.expires_at <= now()"};
static const db_stmt Q_IDEM_SWEEP = {
    "common_idem_sweep", "DELETE FROM idempotency_keys WHERE expires_at <= now()"};

/* "METHOD /path" of the request (no query), at most 1 KiB. */
static void request_path(req_t *r, char out[1100])
{
    snprintf(out, 1100, "%s %.1024s", r->u->http_verb, r->u->url_path ? r->u->url_path : "");
}

/* Hex of a BLAKE2b hash of the body. */
static void body_hash(req_t *r, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, r->u->binary_body, r->u->binary_body_length, NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool idem_replayed(req_t *r)
{
    const char *key = req_header(r, "Idempotency-Key");
    if (!key || !r->caller)
        return false;
    if (!*key || strlen(key) > 200) {
        bad_header(r, "Idempotency-Key", "must be 1 to 200 characters");
        return true;
    }
    char uid[24], path[1100], hash[65];
    request_path(r, path);
    body_hash(r, hash);
    const char *params[] = {db_int(uid, r->caller->id), path, key, hash};
    PGresult *res = db_read_or_reply(r, &Q_IDEM_GET, 4, params);
    if (!res)
        return true;
    bool found = PQntuples(res) == 1;
    if (found && !db_col_bool(res, 0, "same_body"))
        reply_problem(r, ERR_IDEMPOTENCY_REUSED, NULL, NULL,
                      "this Idempotency-Key was used for a request with another body");
    else if (found)
        reply_raw(r, (int)db_col_ll(res, 0, "status"), db_col_str(res, 0, "body"),
                  strlen(db_col_str(res, 0, "body")));
    PQclear(res);
    return found;
}

int idem_store(db_conn *c, req_t *r, int status, const char *body, problem_t *p)
{
    const char *key = req_header(r, "Idempotency-Key");
    if (!key || !r->caller)
        return 0;
    char uid[24], st[12], path[1100], hash[65], ttl[24];
    request_path(r, path);
    body_hash(r, hash);
    snprintf(st, sizeof st, "%d", status);
    db_int(ttl, r->svc->idem_ttl_s);
    const char *params[] = {db_int(uid, r->caller->id), key, r->route, path, hash, st,
                            body ? body : ttl, ttl};
    PGresult *res = body ? db_exec(c, &Q_IDEM_PUT, 8, params) : db_exec(c, &Q_IDEM_PUT_KEPT, 7, params);
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

void idem_sweep(service_t *svc)
{
    db_conn *c = db_acquire(svc->db, 1000);
    if (!c)
        return;
    PGresult *res = db_exec(c, &Q_IDEM_SWEEP, 0, NULL);
    if (res && PQresultStatus(res) == PGRES_COMMAND_OK && atoi(PQcmdTuples(res)) > 0)
        log_msg(LOG_DEBUG, NULL, "removed %s expired idempotency keys", PQcmdTuples(res));
    else if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        log_msg(LOG_WARN, NULL, "idempotency key sweep failed");
    PQclear(res);
    db_release(svc->db, c);
}
