/* Login, refresh-token rotation with reuse detection, logout. */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "identity.h"
#include "log.h"

typedef struct login_in {
    const char *username;
    const char *password;
} login_in;

static const json_field login_fields[] = {
    {.name = "username", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 64,
     .offset = offsetof(login_in, username)},
    {.name = "password", .type = JF_TEXT, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(login_in, password)},
    JF_END,
};

/* A hash of a password nobody has, verified when the username is unknown so
 * that both failures take the same time. Made on the first unknown-user
 * login, not at start-up: an argon2id hash (19 MiB, two passes) would take
 * most of the start-up budget. */
static char dummy_hash[128];
static atomic_bool dummy_ready;
static pthread_mutex_t dummy_mu = PTHREAD_MUTEX_INITIALIZER;

/* The dummy hash, made now if need be; NULL when no hashing slot was free
 * in time. */
static const char *dummy_hash_get(identity_ctx *ctx)
{
    if (atomic_load_explicit(&dummy_ready, memory_order_acquire))
        return dummy_hash;
    pthread_mutex_lock(&dummy_mu);
    if (!atomic_load_explicit(&dummy_ready, memory_order_relaxed) &&
        password_hash(ctx, "no such user: dummy", dummy_hash) == 0)
        atomic_store_explicit(&dummy_ready, true, memory_order_release);
    pthread_mutex_unlock(&dummy_mu);
    return atomic_load_explicit(&dummy_ready, memory_order_acquire) ? dummy_hash : NULL;
}

/* Whether the user (the table alias t) belongs to an external unit: a
 * claim of the access token, so that readers need no look-up per request. */
#define EXTERNAL(t)                                                                        \
    " coalesce((SELECT d.kind = 'external' FROM departments d"                            \
    " WHERE d.id = " t ".department_id), false)"

static const db_stmt Q_LOGIN_USER = {
    "identity_login_user",
    "SELECT id, password_hash, active,"
    " username, position, coalesce(department_id, 0) AS department_id, is_admin, is_secretary,"
    " coalesce(serves_leader_id, 0) AS serves_leader_id," EXTERNAL("users") " AS external"
    " FROM users WHERE username = $1"};

static const db_stmt Q_TOKEN_INSERT = {
    "identity_token_insert",
    "INSERT INTO refresh_tokens(user_id, family_id, token_hash, expires_at)"
    " VALUES ($1, coalesce($2::bigint, nextval('refresh_families')), $3::bytea,"
    "  now() + make_interval(secs => $4))"};

/* A fresh opaque refresh token (base64url of 32 random bytes) and the hex
 * form of its hash as a bytea literal. */
static void new_refresh(char token[64], char hash_hex[80])
{
    unsigned char rnd[32];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2base64(token, 64, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    hash_hex[0] = '\\';
    hash_hex[1] = 'x';
    sodium_bin2hex(hash_hex + 2, 78, h, sizeof h);
}

static void hash_of(const char *token, char hash_hex[80])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    hash_hex[0] = '\\';
    hash_hex[1] = 'x';
    sodium_bin2hex(hash_hex + 2, 78, h, sizeof h);
}

/* Row 0 of Q_LOGIN_USER or Q_CALLER. */
static void caller_from_row(PGresult *res, caller_t *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_ll(res, 0, "id");
    snprintf(c->username, sizeof c->username, "%s", db_col_str(res, 0, "username"));
    snprintf(c->position, sizeof c->position, "%s", db_col_str(res, 0, "position"));
    c->department_id = db_col_ll(res, 0, "department_id");
    c->is_admin = db_col_bool(res, 0, "is_admin");
    c->is_secretary = db_col_bool(res, 0, "is_secretary");
    c->serves_leader_id = db_col_ll(res, 0, "serves_leader_id");
    c->external = db_col_bool(res, 0, "external");
}

/* Answers {access_token, refresh_token, token_type, expires_in}. */
static void reply_tokens(req_t *r, const caller_t *c, const char *refresh)
{
    identity_ctx *ctx = identity_of(r);
    char *access = auth_mint(ctx->private_pem, ctx->private_pem_len, r->svc->issuer,
                             r->svc->audience, c, now_s(), ctx->access_ttl);
    if (!access) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "could not sign the access token");
        return;
    }
    reply_json(r, 200,
               json_pack("{s:s, s:s, s:s, s:i}", "access_token", access, "refresh_token", refresh,
                         "token_type", "Bearer", "expires_in", (json_int_t)ctx->access_ttl));
    free(access);
}

typedef struct login_tx {
    login_guard *g;
    bool ok;
    char refresh[64];
} login_tx;

/* After the password was checked: a failure is audited and may lock the
 * address out; a success is refused when the address was locked meanwhile,
 * else it clears the counters and issues a refresh token. */
static int login_record(db_conn *c, void *arg, problem_t *p)
{
    login_tx *t = arg;
    req_t *r = t->g->r;
    identity_ctx *ctx = identity_of(r);
    if (!t->ok)
        return login_guard_failed(c, t->g, p);
    if (login_guard_succeeded(c, t->g, p))
        return -1;
    if (t->g->retry_after > 0)
        return 0;
    char uid[24], a[24], hash[80];
    new_refresh(t->refresh, hash);
    const char *params[] = {db_int(uid, t->g->user_id), NULL, hash, db_int(a, ctx->refresh_ttl)};
    if (db_write(c, &Q_TOKEN_INSERT, 4, params, p))
        return -1;
    return audit_write(c, &r->actor, "user", t->g->user_id, "login", NULL, NULL, p);
}

static void reply_locked_out(req_t *r, long long seconds)
{
    char ra[24];
    u_map_put(r->resp->map_header, "Retry-After", db_int(ra, seconds));
    reply_problem(r, ERR_LOCKED_OUT, NULL, NULL,
                  "too many failed logins; try again in %lld seconds", seconds);
}

void h_login(req_t *r)
{
    identity_ctx *ctx = identity_of(r);
    login_in in = {0};
    json_t *root = body_or_reply(r, login_fields, &in, NULL);
    if (!root)
        return;
    const char *params[] = {in.username};
    PGresult *res = db_read_or_reply(r, &Q_LOGIN_USER, 1, params);
    if (!res) {
        json_decref(root);
        return;
    }
    bool found = PQntuples(res) == 1;
    login_guard g = {.r = r, .username = in.username, .user_id = found ? db_col_ll(res, 0, "id") : 0};
    login_client_addr(r, g.addr);
    problem_t p = {0};
    if (login_guard_admit(&g, &p)) {
        reply_problem_t(r, &p);
        goto cleanup;
    }
    if (g.retry_after > 0) {
        reply_locked_out(r, g.retry_after);
        goto cleanup;
    }
    bool ok = false;
    const char *hash = found ? db_col_str(res, 0, "password_hash") : dummy_hash_get(ctx);
    if (!hash || password_verify(ctx, hash, in.password, &ok)) {
        /* The attempt was counted all the same. */
        u_map_put(r->resp->map_header, "Retry-After", "1");
        reply_problem(r, ERR_BUSY, NULL, NULL, "too many logins at once; try again");
        goto cleanup;
    }
    ok = ok && found && db_col_bool(res, 0, "active");
    login_tx t = {.g = &g, .ok = ok};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, login_record, &t, &p)) {
        reply_problem_t(r, &p);
        goto cleanup;
    }
    if (!ok) {
        reply_problem(r, ERR_BAD_CREDENTIALS, NULL, NULL, "wrong username or password");
        goto cleanup;
    }
    if (g.retry_after > 0) {
        reply_locked_out(r, g.retry_after);
        goto cleanup;
    }
    caller_t c;
    caller_from_row(res, &c);
    reply_tokens(r, &c, t.refresh);
cleanup:
    PQclear(res);
    json_decref(root);
}

typedef struct refresh_in {
    const char *refresh_token;
} refresh_in;

static const json_field refresh_fields[] = {
    {.name = "refresh_token", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(refresh_in, refresh_token)},
    JF_END,
};

static const db_stmt Q_TOKEN_GET = {
    "identity_token_get",
    "SELECT t.id, t.family_id, t.used_at IS NOT NULL OR t.revoked_at IS NOT NULL AS spent,"
    " t.expires_at <= now() AS expired, u.active, u.id AS user_id"
    " FROM refresh_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = $1::bytea FOR UPDATE OF t"};

static const db_stmt Q_TOKEN_USE = {"identity_token_use",
                                    "UPDATE refresh_tokens SET used_at = now() WHERE id = $1"};

static const db_stmt Q_FAMILY_REVOKE = {
    "identity_family_revoke",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL"};

typedef struct refresh_tx {
    req_t *r;
    const char *token;
    bool logout;
    bool valid;
    caller_t caller;
    char refresh[64];
} refresh_tx;

static int refresh_run(db_conn *c, void *arg, problem_t *p)
{
    refresh_tx *t = arg;
    char hash[80], a[24], b[24];
    hash_of(t->token, hash);
    const char *params[] = {hash};
    PGresult *res = db_exec(c, &Q_TOKEN_GET, 1, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    t->valid = false;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    long long family = db_col_ll(res, 0, "family_id"), user_id = db_col_ll(res, 0, "user_id");
    bool spent = db_col_bool(res, 0, "spent");
    bool expired = db_col_bool(res, 0, "expired");
    bool active = db_col_bool(res, 0, "active");
    if (t->logout || spent || expired || !active) {
        /* A second use of a spent token means it was copied: end the whole
         * family, so whoever holds the newer one must log in again. */
        const char *fp[] = {db_int(a, family)};
        PGresult *rv = db_exec(c, &Q_FAMILY_REVOKE, 1, fp);
        bool ok = db_ok(rv, p);
        PQclear(rv);
        PQclear(res);
        if (!ok)
            return -1;
        if (spent && !t->logout)
            log_msg(LOG_WARN, t->r->rid, "refresh token reuse: family %lld of user %lld revoked",
                    family, user_id);
        if (t->logout)
            return audit_write(c, &t->r->actor, "user", user_id, "logout", NULL, NULL, p);
        return spent ? audit_write(c, &t->r->actor, "user", user_id, "refresh_reuse_revoked", NULL,
                                   NULL, p)
                     : 0;
    }
    const char *up[] = {db_int(a, db_col_ll(res, 0, "id"))};
    PGresult *u = db_exec(c, &Q_TOKEN_USE, 1, up);
    bool ok = db_ok(u, p);
    PQclear(u);
    t->caller.id = user_id;
    PQclear(res);
    if (!ok)
        return -1;
    /* caller fields are re-read below from the same row set */
    char nhash[80];
    new_refresh(t->refresh, nhash);
    const char *ip[] = {db_int(a, user_id), db_int(b, family), nhash, NULL};
    char ttl[24];
    ip[3] = db_int(ttl, identity_of(t->r)->refresh_ttl);
    PGresult *ins = db_exec(c, &Q_TOKEN_INSERT, 4, ip);
    ok = db_ok(ins, p);
    PQclear(ins);
    t->valid = ok;
    return ok ? 0 : -1;
}

static const db_stmt Q_CALLER = {
    "identity_caller",
    "SELECT id, username, position, coalesce(department_id, 0) AS department_id, is_admin,"
    " is_secretary, coalesce(serves_leader_id, 0) AS serves_leader_id,"
    EXTERNAL("users") " AS external FROM users WHERE id = $1 AND active"};

void h_refresh(req_t *r)
{
    refresh_in in = {0};
    json_t *root = body_or_reply(r, refresh_fields, &in, NULL);
    if (!root)
        return;
    refresh_tx t = {.r = r, .token = in.refresh_token};
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, refresh_run, &t, &p)) {
        reply_problem_t(r, &p);
    } else if (!t.valid) {
        reply_problem(r, ERR_BAD_REFRESH, NULL, NULL,
                      "the refresh token is unknown, expired, revoked or already used");
    } else {
        char uid[24];
        const char *params[] = {db_int(uid, t.caller.id)};
        PGresult *res = db_read_or_reply(r, &Q_CALLER, 1, params);
        if (res && PQntuples(res) == 1) {
            caller_from_row(res, &t.caller);
            reply_tokens(r, &t.caller, t.refresh);
        } else if (res) {
            reply_problem(r, ERR_BAD_REFRESH, NULL, NULL, "the user is no longer active");
        }
        PQclear(res);
    }
    json_decref(root);
}

void h_logout(req_t *r)
{
    refresh_in in = {0};
    json_t *root = body_or_reply(r, refresh_fields, &in, NULL);
    if (!root)
        return;
    refresh_tx t = {.r = r, .token = in.refresh_token, .logout = true};
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, refresh_run, &t, &p))
        reply_problem_t(r, &p);
    else
        reply_no_content(r);
    json_decref(root);
}
