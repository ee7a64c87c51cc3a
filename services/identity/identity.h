#ifndef IDENTITY_H
#define IDENTITY_H

#include <semaphore.h>
#include <stdatomic.h>

#include "create.h"
#include "http.h"
#include "org.h"

/* The identity service's own state: the signing key, the bound on
 * concurrent password hashes and the login guard's attempt counter. */
typedef struct identity_ctx {
    char *private_pem;
    size_t private_pem_len;
    char *jwks; /* the JSON Web Key Set text */
    long access_ttl, refresh_ttl;
    long max_failures, lockout_s, delay_after;
    long hash_slots;
    sem_t hash_sem;               /* hash_slots free slots (password.c) */
    atomic_long guard_attempts;   /* logins seen, to sweep the guard's rows now and then */
} identity_ctx;

identity_ctx *identity_of(req_t *r);

/* Hashing passwords (argon2id, moderate limits). Both return 0 on success;
 * password_hash() returns -1 when no hashing slot was free in time. */
int password_hash(identity_ctx *ctx, const char *password, char out[128]);
int password_verify(identity_ctx *ctx, const char *hash, const char *password, bool *ok);
int password_init(identity_ctx *ctx);

/* ---- login lock-outs and delays (login_guard.c) ---- */

#define LOGIN_ADDR_BYTES 64

/* One login attempt as the guard sees it. */
typedef struct login_guard {
    req_t *r;
    const char *username;
    long long user_id; /* 0 when no user has this name */
    char addr[LOGIN_ADDR_BYTES];
    long long retry_after; /* > 0: refused, try again in this many seconds */
} login_guard;

/* The client's address: X-Real-IP from the gateway, else the peer. */
void login_client_addr(req_t *r, char out[LOGIN_ADDR_BYTES]);
/* Counts the attempt before its password is checked, in its own
 * transaction. 0 with retry_after > 0 when the attempt is refused (locked
 * out or delayed), 0 and retry_after 0 when admitted; -1 with p. */
int login_guard_admit(login_guard *g, problem_t *p);
/* Inside the transaction that records a wrong password: locks the address
 * out at LOGIN_MAX_FAILURES and audits the failure. 0, or -1 with p. */
int login_guard_failed(db_conn *c, login_guard *g, problem_t *p);
/* Inside the transaction that issues the tokens: sets retry_after when the
 * address was locked meanwhile (the caller refuses then), else clears the
 * counters and remembers the address. 0, or -1 with p. */
int login_guard_succeeded(db_conn *c, login_guard *g, problem_t *p);

int jwks_build(const char *public_pem, size_t len, char **out);

/* Handlers, by resource. */
void h_login(req_t *r);
void h_refresh(req_t *r);
void h_logout(req_t *r);
void h_jwks(req_t *r);

void h_me_get(req_t *r);
void h_me_patch(req_t *r);
void h_users_list(req_t *r);
void h_users_get(req_t *r);
void h_users_create(req_t *r);
void h_users_patch(req_t *r);

void h_departments_list(req_t *r);
void h_departments_get(req_t *r);
void h_departments_create(req_t *r);
void h_departments_patch(req_t *r);

void h_notifications_list(req_t *r);
void h_notifications_read(req_t *r);

void h_audit_list(req_t *r);
void h_audit_verify(req_t *r);
void h_audit_heads(req_t *r);

/* `identity verify-audit FROM TO`: checks the audit chain of those days in
 * the database DATABASE_URL names, prints the report; exit 0 intact, 1 a
 * mismatch, 2 an error. */
int audit_verify_cli(int argc, char **argv);

#endif
