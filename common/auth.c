#include "auth.h"

#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <jwt.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "log.h"

#define MAX_TOKEN_LEN 4096
#define LOCK_STRIPES 256
/* The cache is set-associative: a token may sit in any of the ways of the
 * set its hash selects, so a few thousand callers do not evict each other
 * as they would in a direct-mapped table. */
#define CACHE_WAYS 4

typedef struct cache_entry {
    unsigned char digest[16];
    long long exp; /* 0: empty */
    caller_t caller;
} cache_entry;

struct auth_verifier {
    gnutls_pubkey_t key; /* parsed once; verifying only reads it */
    char *issuer;
    char *audience;
    long long leeway; /* seconds of clock skew allowed on exp and nbf */
    unsigned set_mask;
    cache_entry *cache; /* (set_mask + 1) * CACHE_WAYS entries */
    size_t cache_bytes;
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
    v->issuer = strdup(issuer);
    v->audience = strdup(audience);
    unsigned sets = 0;
    if (cache_slots) {
        sets = 1;
        while (sets * CACHE_WAYS < cache_slots)
            sets <<= 1;
        /* Every page of the cache is made resident now (MAP_POPULATE), not
         * as callers come: a bounded cache that filled over the first hours
         * looked like a service's memory growing (a 10-minute soak read
         * +1 to +2 MB of it in every service, up to 14 % of the whole), and
         * its full cost is what a service must be given room for anyway.
         * Fresh anonymous pages read as zero: every entry starts empty. */
        v->cache_bytes = (size_t)sets * CACHE_WAYS * sizeof *v->cache;
        v->cache = mmap(NULL, v->cache_bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (v->cache == MAP_FAILED)
            v->cache = NULL;
    }
    gnutls_datum_t pem = {(unsigned char *)public_pem, (unsigned)pem_len};
    bool key_ok = gnutls_pubkey_init(&v->key) >= 0 &&
                  gnutls_pubkey_import(v->key, &pem, GNUTLS_X509_FMT_PEM) >= 0 &&
                  gnutls_pubkey_get_pk_algorithm(v->key, NULL) == GNUTLS_PK_RSA;
    if (!key_ok || !v->issuer || !v->audience || (sets && !v->cache)) {
        auth_verifier_free(v);
        return NULL;
    }
    v->set_mask = sets ? sets - 1 : 0;
    for (int i = 0; i < LOCK_STRIPES; i++)
        pthread_mutex_init(&v->stripes[i], NULL);
    pthread_rwlock_init(&v->inactive_lock, NULL);
    return v;
}

void auth_verifier_free(auth_verifier *v)
{
    if (!v)
        return;
    if (v->key)
        gnutls_pubkey_deinit(v->key);
    free(v->issuer);
    free(v->audience);
    if (v->cache)
        munmap(v->cache, v->cache_bytes);
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

/* The claim readers keep the semantics the verifier had with libjwt: a
 * string claim of another type reads as absent; errno says absent (ENOENT)
 * or of another type (EINVAL). */
static const char *claim_str(json_t *claims, const char *name)
{
    return json_string_value(json_object_get(claims, name));
}

static long long claim_int(json_t *claims, const char *name)
{
    json_t *j = json_object_get(claims, name);
    if (!j) {
        errno = ENOENT;
        return -1;
    }
    if (!json_is_integer(j)) {
        errno = EINVAL;
        return -1;
    }
    return (long long)json_integer_value(j);
}

static int claim_bool(json_t *claims, const char *name)
{
    json_t *j = json_object_get(claims, name);
    if (!j) {
        errno = ENOENT;
        return -1;
    }
    if (!json_is_boolean(j)) {
        errno = EINVAL;
        return -1;
    }
    return json_is_true(j);
}

/* Reads the claims of a signature-checked token; -1 when one is missing,
 * expired, not yet valid or pinned to another issuer or audience. */
static int claims_of(auth_verifier *v, json_t *claims, caller_t *out, long long now,
                     long long *exp)
{
    const char *iss = claim_str(claims, "iss");
    const char *aud = claim_str(claims, "aud");
    const char *sub = claim_str(claims, "sub");
    if (!iss || strcmp(iss, v->issuer) || !aud || strcmp(aud, v->audience) || !sub)
        return -1;
    errno = 0;
    long long e = claim_int(claims, "exp");
    if (errno || e > INT64_MAX / 2 || e + v->leeway <= now)
        return -1;
    errno = 0;
    long long nbf = claim_int(claims, "nbf");
    if (errno == 0 && nbf > now + v->leeway)
        return -1;
    char *end;
    errno = 0;
    long long id = strtoll(sub, &end, 10);
    if (errno || end == sub || *end || id <= 0)
        return -1;
    memset(out, 0, sizeof *out);
    out->id = id;
    copy_str(out->username, sizeof out->username, claim_str(claims, "username"));
    copy_str(out->position, sizeof out->position, claim_str(claims, "position"));
    errno = 0;
    long long dep = claim_int(claims, "department_id");
    out->department_id = errno ? 0 : dep;
    errno = 0;
    long long srv = claim_int(claims, "serves_leader_id");
    out->serves_leader_id = errno ? 0 : srv;
    errno = 0;
    int adm = claim_bool(claims, "is_admin");
    out->is_admin = errno ? false : adm != 0;
    errno = 0;
    int sec = claim_bool(claims, "is_secretary");
    out->is_secretary = errno ? false : sec != 0;
    errno = 0;
    int ext = claim_bool(claims, "external");
    out->external = errno ? false : ext != 0;
    *exp = e + v->leeway;
    return 0;
}

void auth_set_leeway(auth_verifier *v, long seconds)
{
    v->leeway = seconds < 0 ? 0 : seconds;
}

/* Decodes one base64url (unpadded) part into a malloc'd buffer, NUL-ended. */
static unsigned char *b64_part(const char *s, size_t len, size_t *out_len)
{
    unsigned char *buf = malloc(len * 3 / 4 + 2);
    if (!buf)
        return NULL;
    size_t n = 0;
    if (sodium_base642bin(buf, len * 3 / 4 + 1, s, len, NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *out_len = n;
    return buf;
}

static json_t *json_part(const char *s, size_t len)
{
    size_t n;
    unsigned char *raw = b64_part(s, len, &n);
    if (!raw)
        return NULL;
    json_t *j = json_loadb((const char *)raw, n, 0, NULL);
    free(raw);
    if (j && !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The signature check of a compact JWS: the header must name RS256 (and, if
 * it has a string typ, JWT; both compared without case, as libjwt did), and the RSA signature over "header.payload" must be
 * valid for the pinned key. Returns the payload's claims (caller decrefs)
 * or NULL. */
static json_t *verified_claims(auth_verifier *v, const char *token, size_t len)
{
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
        return NULL;
    json_t *head = json_part(token, (size_t)(dot1 - token));
    /* The key is pinned to RS256: a token claiming HS256 would otherwise be
     * checked with the public key as an HMAC secret. */
    const char *alg = json_string_value(json_object_get(head, "alg"));
    const char *typ = json_string_value(json_object_get(head, "typ"));
    bool head_ok = alg && !strcasecmp(alg, "RS256") && (!typ || !strcasecmp(typ, "JWT"));
    json_decref(head);
    if (!head_ok)
        return NULL;
    size_t sig_len;
    unsigned char *sig = b64_part(dot2 + 1, len - (size_t)(dot2 + 1 - token), &sig_len);
    if (!sig)
        return NULL;
    gnutls_datum_t data = {(unsigned char *)token, (unsigned)(dot2 - token)};
    gnutls_datum_t signature = {sig, (unsigned)sig_len};
    int rc = gnutls_pubkey_verify_data2(v->key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &signature);
    free(sig);
    if (rc < 0)
        return NULL;
    return json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
}

int auth_verify(auth_verifier *v, const char *token, caller_t *out, long long now)
{
    size_t len = token ? strnlen(token, MAX_TOKEN_LEN + 1) : 0;
    if (len == 0 || len > MAX_TOKEN_LEN)
        return -1;
    unsigned char digest[16];
    cache_entry *set = NULL;
    pthread_mutex_t *lock = NULL;
    if (v->cache) {
        crypto_generichash(digest, sizeof digest, (const unsigned char *)token, len, NULL, 0);
        uint32_t h;
        memcpy(&h, digest, sizeof h);
        set = &v->cache[(size_t)(h & v->set_mask) * CACHE_WAYS];
        lock = &v->stripes[(h & v->set_mask) % LOCK_STRIPES];
        bool hit = false;
        pthread_mutex_lock(lock);
        for (int w = 0; w < CACHE_WAYS && !hit; w++)
            if (set[w].exp > now && sodium_memcmp(set[w].digest, digest, sizeof digest) == 0) {
                *out = set[w].caller;
                hit = true;
            }
        pthread_mutex_unlock(lock);
        if (hit)
            return auth_is_inactive(v, out->id) ? -1 : 0;
    }
    json_t *claims = verified_claims(v, token, len);
    if (!claims) {
        log_msg(LOG_DEBUG, NULL, "token refused: bad signature or format");
        return -1;
    }
    long long exp = 0;
    int rc = claims_of(v, claims, out, now, &exp);
    json_decref(claims);
    if (rc != 0)
        return -1;
    if (set) {
        /* Into an empty or expired way, else over the one that expires
         * first: the cache never holds a token past its exp. */
        pthread_mutex_lock(lock);
        cache_entry *victim = &set[0];
        for (int w = 0; w < CACHE_WAYS; w++) {
            if (set[w].exp <= now ||
                sodium_memcmp(set[w].digest, digest, sizeof digest) == 0) {
                victim = &set[w];
                break;
            }
            if (set[w].exp < victim->exp)
                victim = &set[w];
        }
        memcpy(victim->digest, digest, sizeof digest);
        victim->exp = exp;
        victim->caller = *out;
        pthread_mutex_unlock(lock);
    }
    return auth_is_inactive(v, out->id) ? -1 : 0;
}

/* An id claim, or null when there is none (a user with no department, anyone
 * but a secretary for serves_leader_id): 0 is never an id. */
static int add_grant_id_or_null(jwt_t *jwt, const char *name, long long id)
{
    if (id > 0)
        return jwt_add_grant_int(jwt, name, (long)id);
    char json[64];
    snprintf(json, sizeof json, "{\"%s\":null}", name);
    return jwt_add_grants_json(jwt, json);
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
              add_grant_id_or_null(jwt, "department_id", c->department_id) ||
              add_grant_id_or_null(jwt, "serves_leader_id", c->serves_leader_id) ||
              jwt_add_grant_bool(jwt, "is_admin", c->is_admin) ||
              jwt_add_grant_bool(jwt, "is_secretary", c->is_secretary) ||
              jwt_add_grant_bool(jwt, "external", c->external) ||
              jwt_set_alg(jwt, JWT_ALG_RS256, (const unsigned char *)private_pem, (int)pem_len);
    char *out = err ? NULL : jwt_encode_str(jwt);
    jwt_free(jwt);
    return out;
}
