#ifndef IDENTITY_H
#define IDENTITY_H

#include "http.h"

/* The identity service's own state: the signing key and the bound on
 * concurrent password hashes. */
typedef struct identity_ctx {
    char *private_pem;
    size_t private_pem_len;
    char *jwks; /* the JSON Web Key Set text */
    long access_ttl, refresh_ttl;
    long max_failures, lockout_s;
    long hash_slots;
} identity_ctx;

identity_ctx *identity_of(req_t *r);

/* Hashing passwords (argon2id, moderate limits). Both return 0 on success;
 * password_hash() returns -1 when no hashing slot was free in time. */
int password_hash(identity_ctx *ctx, const char *password, char out[128]);
int password_verify(identity_ctx *ctx, const char *hash, const char *password, bool *ok);
int password_init(identity_ctx *ctx);

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

#endif
