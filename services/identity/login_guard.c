/* Lock-outs and delays of POST /auth/login (migration 008).
 *
 * Counted per username and client address: LOGIN_MAX_FAILURES failures
 * from one address lock that username for that address for
 * LOGIN_LOCKOUT_SECONDS; failures from every address together slow down
 * (1 s, 2 s, 4 s ... up to the lock-out length, after
 * LOGIN_DELAY_AFTER_FAILURES) the attempts from addresses where the user has
 * not logged in lately. Whoever knows a username thus locks out only
 * himself, and the owner keeps logging in from his usual address. An
 * unknown username is counted like a real one, so the answers are the same.
 *
 * Each attempt is counted before its password is checked, under the rows'
 * locks, and a right password is refused when the address was locked
 * meanwhile: parallel guesses cannot check more than LOGIN_MAX_FAILURES
 * passwords. */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "identity.h"
#include "log.h"

/* How long an address where the user logged in counts as his. */
#define KNOWN_ADDRESS_DAYS "90"
/* The stale rows are swept once every this many attempts. */
#define SWEEP_EVERY 256

void login_client_addr(req_t *r, char out[LOGIN_ADDR_BYTES])
{
    /* The gateway puts the client's address (after its trusted proxies,
     * real_ip) in X-Real-IP; only the gateway reaches the services. */
    const char *h = req_header(r, "X-Real-IP");
    if (h && h[0] && strlen(h) < LOGIN_ADDR_BYTES && strspn(h, "0123456789abcdefABCDEF:.") == strlen(h)) {
        snprintf(out, LOGIN_ADDR_BYTES, "%s", h);
        return;
    }
    const struct sockaddr *sa = r->u->client_address;
    if (sa && sa->sa_family == AF_INET &&
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, LOGIN_ADDR_BYTES))
        return;
    if (sa && sa->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, LOGIN_ADDR_BYTES))
        return;
    snprintf(out, LOGIN_ADDR_BYTES, "unknown");
}

static const db_stmt Q_GUARD_ENSURE = {
    "identity_guard_ensure",
    "INSERT INTO login_guards(username, addr) VALUES ($1, $2), ($1, '*') ON CONFLICT DO NOTHING"};

/* The address's row, then the username's: always in this order. */
static const db_stmt Q_GUARD_LOCK = {
    "identity_guard_lock",
    "SELECT addr = '*' AS star, failures,"
    " greatest(0, ceil(extract(epoch FROM locked_until - now())))::bigint AS wait,"
    " locked_until IS NOT NULL AND locked_until <= now() AS expired,"
    " coalesce(succeeded_at > now() - interval '" KNOWN_ADDRESS_DAYS " days', false) AS known"
    " FROM login_guards WHERE username = $1 AND addr IN ($2, '*')"
    " ORDER BY addr = '*' FOR UPDATE"};

/* $4: seconds from now the row is locked until; -1 clears the lock, 0
 * keeps it. */
static const db_stmt Q_GUARD_SET = {
    "identity_guard_set",
    "UPDATE login_guards SET failures = $3, updated_at = now(),"
    " locked_until = CASE WHEN $4::bigint < 0 THEN NULL WHEN $4::bigint = 0 THEN locked_until"
    "   ELSE now() + make_interval(secs => $4::bigint) END"
    " WHERE username = $1 AND addr = $2"};

static const db_stmt Q_GUARD_OK = {
    "identity_guard_ok",
    "UPDATE login_guards SET failures = 0, locked_until = NULL, updated_at = now(),"
    " succeeded_at = CASE WHEN addr = '*' THEN NULL ELSE now() END"
    " WHERE username = $1 AND addr IN ($2, '*')"};

static const db_stmt Q_GUARD_SWEEP = {
    "identity_guard_sweep",
    "DELETE FROM login_guards WHERE updated_at < now() - interval '1 day'"
    " AND (locked_until IS NULL OR locked_until < now())"
    " AND (succeeded_at IS NULL OR succeeded_at < now() - interval '" KNOWN_ADDRESS_DAYS " days')"};

typedef struct guard_rows {
    long long addr_failures, addr_wait, star_failures, star_wait;
    bool addr_expired, star_expired, known;
} guard_rows;

static int guard_lock(db_conn *c, const login_guard *g, guard_rows *out, problem_t *p)
{
    const char *params[] = {g->username, g->addr};
    PGresult *res;
    if (db_query(c, &Q_GUARD_LOCK, 2, params, &res, p))
        return -1;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < PQntuples(res); i++) {
        bool star = db_col_bool(res, i, "star");
        long long failures = db_col_ll(res, i, "failures"), wait = db_col_ll(res, i, "wait");
        bool expired = db_col_bool(res, i, "expired");
        if (star) {
            out->star_failures = failures;
            out->star_wait = wait;
            out->star_expired = expired;
        } else {
            out->addr_failures = failures;
            out->addr_wait = wait;
            out->addr_expired = expired;
            out->known = db_col_bool(res, i, "known");
        }
    }
    PQclear(res);
    return 0;
}

static int guard_set(db_conn *c, const login_guard *g, const char *addr, long long failures,
                     long long lock, problem_t *p)
{
    char f[24], l[24];
    const char *params[] = {g->username, addr, db_int(f, failures), db_int(l, lock)};
    return db_write(c, &Q_GUARD_SET, 4, params, p);
}

/* An audit event about a login: of the user when the username is known,
 * else of the name (entity "login_name", id 0). */
static int guard_audit(db_conn *c, req_t *r, const login_guard *g, const char *action,
                       long long failures, problem_t *p)
{
    json_t *o = json_pack("{s:s, s:I}", "address", g->addr, "failures", (json_int_t)failures);
    if (o && !g->user_id)
        json_object_set_new(o, "username", json_string(g->username));
    char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!after)
        return problem_oom(p);
    int rc = audit_write(c, &r->actor, g->user_id ? "user" : "login_name", g->user_id, action, NULL,
                         after, p);
    free(after);
    return rc;
}

static int admit_run(db_conn *c, void *arg, problem_t *p)
{
    login_guard *g = arg;
    identity_ctx *ctx = identity_of(g->r);
    g->retry_after = 0;
    const char *params[] = {g->username, g->addr};
    if (db_write(c, &Q_GUARD_ENSURE, 2, params, p))
        return -1;
    if (atomic_fetch_add(&ctx->guard_attempts, 1) % SWEEP_EVERY == 0 &&
        db_write(c, &Q_GUARD_SWEEP, 0, NULL, p))
        return -1;
    guard_rows k;
    if (guard_lock(c, g, &k, p))
        return -1;
    if (k.addr_wait > 0) {
        g->retry_after = k.addr_wait;
        return 0;
    }
    long long addr_failures = k.addr_expired ? 0 : k.addr_failures;
    if (addr_failures >= ctx->max_failures) {
        /* As many attempts as allowed are still being checked: this one
         * locks the address instead of checking another password. */
        g->retry_after = ctx->lockout_s;
        if (guard_set(c, g, g->addr, addr_failures, ctx->lockout_s, p))
            return -1;
        log_msg(LOG_WARN, g->r->rid, "login lock-out of %s from %s", g->username, g->addr);
        return guard_audit(c, g->r, g, "login_locked", addr_failures, p);
    }
    if (!k.known && k.star_wait > 0) {
        g->retry_after = k.star_wait;
        return 0;
    }
    if (guard_set(c, g, g->addr, addr_failures + 1, k.addr_expired ? -1 : 0, p))
        return -1;
    long long star = k.star_failures + 1, delay = k.star_expired ? -1 : 0;
    if (star >= ctx->delay_after) {
        long long shift = star - ctx->delay_after;
        delay = shift >= 20 ? ctx->lockout_s : 1LL << shift;
        if (delay > ctx->lockout_s)
            delay = ctx->lockout_s;
    }
    return guard_set(c, g, "*", star, delay, p);
}

int login_guard_admit(login_guard *g, problem_t *p)
{
    return db_tx(g->r->svc->db, g->r->svc->db_timeout_ms, NULL, admit_run, g, p);
}

int login_guard_failed(db_conn *c, login_guard *g, problem_t *p)
{
    identity_ctx *ctx = identity_of(g->r);
    guard_rows k;
    if (guard_lock(c, g, &k, p))
        return -1;
    if (k.addr_failures >= ctx->max_failures && k.addr_wait == 0) {
        if (guard_set(c, g, g->addr, k.addr_failures, ctx->lockout_s, p) ||
            guard_audit(c, g->r, g, "login_locked", k.addr_failures, p))
            return -1;
        log_msg(LOG_WARN, g->r->rid, "login lock-out of %s from %s", g->username, g->addr);
    }
    return guard_audit(c, g->r, g, "login_failed", k.addr_failures, p);
}

int login_guard_succeeded(db_conn *c, login_guard *g, problem_t *p)
{
    guard_rows k;
    g->retry_after = 0;
    if (guard_lock(c, g, &k, p))
        return -1;
    if (k.addr_wait > 0) {
        g->retry_after = k.addr_wait;
        return 0;
    }
    const char *params[] = {g->username, g->addr};
    return db_write(c, &Q_GUARD_OK, 2, params, p);
}
