#ifndef OA_AUTH_H
#define OA_AUTH_H

#include <stdbool.h>
#include <stddef.h>

/* Who is calling: taken from a verified access token and handed to every
 * handler. */
typedef struct caller {
    long long id;
    char username[64];
    char position[24];          /* district_mayor ... staff, "" for none */
    long long department_id;    /* 0 when none */
    bool is_admin;
    bool is_secretary;
    long long serves_leader_id; /* 0 when none */
    bool external;              /* of an external unit (township, bureau) */
} caller_t;

typedef struct auth_verifier auth_verifier;

/* A verifier pinned to one RS256 public key (PEM, parsed once), issuer and
 * audience, with a bounded cache of verified tokens keyed by a hash of the
 * token (cache_slots, rounded up to a power of two, in 4-way sets; an entry
 * never outlives its token's exp; 0 disables it). NULL when the key is not
 * an RSA public key. */
auth_verifier *auth_verifier_new(const char *public_pem, size_t pem_len, const char *issuer,
                                 const char *audience, unsigned cache_slots);
void auth_verifier_free(auth_verifier *v);

/* Allows `seconds` of clock skew between the issuer and this verifier: a
 * token is accepted until exp + seconds and from nbf - seconds (0 when never
 * called). Call before the first auth_verify. */
void auth_set_leeway(auth_verifier *v, long seconds);

/* Verifies a compact JWS: alg must be RS256 with this key, exp in the future,
 * nbf (if any) not in the future, iss and aud equal to the pinned ones, a
 * numeric sub, and the user not in the deactivated set. Fills out and returns
 * 0; -1 for any refusal (the reason is logged at debug level only). `now` is
 * in seconds since the epoch. Thread-safe. */
int auth_verify(auth_verifier *v, const char *token, caller_t *out, long long now);

/* Replaces the set of deactivated user ids (copied). Thread-safe. */
void auth_set_inactive(auth_verifier *v, const long long *ids, size_t n);
bool auth_is_inactive(auth_verifier *v, long long user_id);

/* Signs an RS256 access token for c with the private key (PEM), valid from
 * now for ttl seconds. Returns a malloc'd string (caller frees) or NULL. */
char *auth_mint(const char *private_pem, size_t pem_len, const char *issuer,
                const char *audience, const caller_t *c, long long now, long ttl);

#endif
