#include "auth.h"

#include <errno.h>
#include <jwt.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define MAX_TOKEN_LEN 4096
#define LOCK_STRIPES 64

typedef struct cache_entry {
    unsigned char digest[16];
    long long exp;
    caller_t caller;
} cache_entry;

struct auth_verifier {
    unsigned char *key;
    int key_len;
    char *issuer;
    char *audience;
    unsigned mask;
    cache_entry *cache;
    pthread_mutex_t stripes[LOCK_STRIPES];
    pthread_rwlock_t inactive_lock;
    long long *inactive;
    size_t ninactive;
};

auth_verifier *auth_verifier_new(const char *public_pem, size_t pem_len, const char *issuer,
                                 const char *audience, unsigned cache_slots)
{
    if (sodium_init() < 0 || !public_pem || pem_len == 0)
        return NULL;
    auth_verifier *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->key = malloc(pem_len + 1);
    v->issuer = strdup(issuer);
    v->audience = strdup(audience);
    unsigned slots = 0;
    if (cache_slots) {
        slots = 1;
        while (slots < cache_slots)
            slots <<= 1;
        v->cache = calloc(slots, sizeof *v->cache);
    }
    if (!v->key || !v->issuer || !v->audience || (slots && !v->cache)) {
        auth_verifier_free(v);
        return NULL;
    }
    memcpy(v->key, public_pem, pem_len);
    v->key[pem_len] = '\0';
    v->key_len = (int)pem_len;
    v->mask = slots ? slots - 1 : 0;
    for (int i = 0; i < LOCK_STRIPES; i++)
        pthread_mutex_init(&v->stripes[i], NULL);
    pthread_rwlock_init(&v->inactive_lock, NULL);
    return v;
}

void auth_verifier_free(auth_verifier *v)
{
    if (!v)
        return;
    free(v->key);
    free(v->issuer);
    free(v->audience);
    free(v->cache);
    free(v->inactive);
    free(v);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

void auth_set_inactive(auth_verifier *v, const long long *ids, size_t n)
{
    long long *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy)
            return;
        memcpy(copy, ids, n * sizeof *copy);
        qsort(copy, n, sizeof *copy, cmp_ll);
    }
    pthread_rwlock_wrlock(&v->inactive_lock);
    long long *old = v->inactive;
    v->inactive = copy;
    v->ninactive = n;
    pthread_rwlock_unlock(&v->inactive_lock);
    free(old);
}

bool auth_is_inactive(auth_verifier *v, long long user_id)
{
    pthread_rwlock_rdlock(&v->inactive_lock);
    bool found = v->ninactive &&
                 bsearch(&user_id, v->inactive, v->ninactive, sizeof user_id, cmp_ll) != NULL;
    pthread_rwlock_unlock(&v->inactive_lock);
    return found;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Reads the claims of a signature-checked token; -1 when one is missing,
 * expired, not yet valid or pinned to another issuer or audience. */
static int claims_of(auth_verifier *v, jwt_t *jwt, caller_t *out, long long now, long long *exp)
{
    const char *iss = jwt_get_grant(jwt, "iss");
    const char *aud = jwt_get_grant(jwt, "aud");
    const char *sub = jwt_get_grant(jwt, "sub");
    if (!iss || strcmp(iss, v->issuer) || !aud || strcmp(aud, v->audience) || !sub)
        return -1;
    errno = 0;
    long e = jwt_get_grant_int(jwt, "exp");
    if (errno || e <= now)
        return -1;
    errno = 0;
    long nbf = jwt_get_grant_int(jwt, "nbf");
    if (errno == 0 && nbf > now)
        return -1;
    char *end;
    long long id = strtoll(sub, &end, 10);
    if (*end || id <= 0)
        return -1;
    memset(out, 0, sizeof *out);
    out->id = id;
    copy_str(out->username, sizeof out->username, jwt_get_grant(jwt, "username"));
    copy_str(out->position, sizeof out->position, jwt_get_grant(jwt, "position"));
    errno = 0;
    long dep = jwt_get_grant_int(jwt, "department_id");
    out->department_id = errno ? 0 : dep;
    errno = 0;
    long srv = jwt_get_grant_int(jwt, "serves_leader_id");
    out->serves_leader_id = errno ? 0 : srv;
    errno = 0;
    int adm = jwt_get_grant_bool(jwt, "is_admin");
    out->is_admin = errno ? false : adm != 0;
    errno = 0;
    int sec = jwt_get_grant_bool(jwt, "is_secretary");
    out->is_secretary = errno ? false : sec != 0;
    *exp = e;
    return 0;
}

int auth_verify(auth_verifier *v, const char *token, caller_t *out, long long now)
{
    size_t len = token ? strnlen(token, MAX_TOKEN_LEN + 1) : 0;
    if (len == 0 || len > MAX_TOKEN_LEN)
        return -1;
    unsigned char digest[16];
    cache_entry *slot = NULL;
    pthread_mutex_t *lock = NULL;
    if (v->cache) {
        crypto_generichash(digest, sizeof digest, (const unsigned char *)token, len, NULL, 0);
        uint32_t h;
        memcpy(&h, digest, sizeof h);
        slot = &v->cache[h & v->mask];
        lock = &v->stripes[(h & v->mask) % LOCK_STRIPES];
        pthread_mutex_lock(lock);
        bool hit = slot->exp > now && sodium_memcmp(slot->digest, digest, sizeof digest) == 0;
        if (hit)
            *out = slot->caller;
        pthread_mutex_unlock(lock);
        if (hit)
            return auth_is_inactive(v, out->id) ? -1 : 0;
    }
    jwt_t *jwt = NULL;
    if (jwt_decode(&jwt, token, v->key, v->key_len) != 0 || !jwt) {
        log_msg(LOG_DEBUG, NULL, "token refused: bad signature or format");
        return -1;
    }
    long long exp = 0;
    int rc = -1;
    /* The key is pinned to RS256: a token claiming HS256 would otherwise be
     * checked with the public key as an HMAC secret. */
    if (jwt_get_alg(jwt) == JWT_ALG_RS256 && claims_of(v, jwt, out, now, &exp) == 0)
        rc = 0;
    jwt_free(jwt);
    if (rc != 0)
        return -1;
    if (slot) {
        pthread_mutex_lock(lock);
        memcpy(slot->digest, digest, sizeof digest);
        slot->exp = exp;
        slot->caller = *out;
        pthread_mutex_unlock(lock);
    }
    return auth_is_inactive(v, out->id) ? -1 : 0;
}

char *auth_mint(const char *private_pem, size_t pem_len, const char *issuer,
                const char *audience, const caller_t *c, long long now, long ttl)
{
    jwt_t *jwt = NULL;
    if (jwt_new(&jwt))
        return NULL;
    char sub[24], jti[33];
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(jti, sizeof jti, rnd, sizeof rnd);
    snprintf(sub, sizeof sub, "%lld", c->id);
    int err = jwt_add_grant(jwt, "iss", issuer) || jwt_add_grant(jwt, "aud", audience) ||
              jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, "jti", jti) ||
              jwt_add_grant_int(jwt, "iat", (long)now) ||
              jwt_add_grant_int(jwt, "nbf", (long)now) ||
              jwt_add_grant_int(jwt, "exp", (long)(now + ttl)) ||
              jwt_add_grant(jwt, "username", c->username) ||
              jwt_add_grant(jwt, "position", c->position) ||
              jwt_add_grant_int(jwt, "department_id", (long)c->department_id) ||
              jwt_add_grant_int(jwt, "serves_leader_id", (long)c->serves_leader_id) ||
              jwt_add_grant_bool(jwt, "is_admin", c->is_admin) ||
              jwt_add_grant_bool(jwt, "is_secretary", c->is_secretary) ||
              jwt_set_alg(jwt, JWT_ALG_RS256, (const unsigned char *)private_pem, (int)pem_len);
    char *out = err ? NULL : jwt_encode_str(jwt);
    jwt_free(jwt);
    return out;
}
