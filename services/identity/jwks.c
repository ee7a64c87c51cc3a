/* The JSON Web Key Set that lets integrating systems verify our tokens. */
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"

static json_t *b64url(const gnutls_datum_t *d)
{
    const unsigned char *p = d->data;
    size_t n = d->size;
    while (n > 1 && *p == 0) { /* drop the sign byte */
        p++;
        n--;
    }
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *s = malloc(cap);
    if (!s)
        return NULL;
    sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    json_t *j = json_string(s);
    free(s);
    return j;
}

int jwks_build(const char *public_pem, size_t len, char **out)
{
    gnutls_pubkey_t key;
    gnutls_datum_t pem = {(unsigned char *)public_pem, (unsigned)len}, m = {0}, e = {0};
    if (gnutls_pubkey_init(&key) < 0)
        return -1;
    int rc = -1;
    if (gnutls_pubkey_import(key, &pem, GNUTLS_X509_FMT_PEM) >= 0 &&
        gnutls_pubkey_export_rsa_raw(key, &m, &e) >= 0) {
        unsigned char kid_raw[8];
        char kid[17];
        crypto_generichash(kid_raw, sizeof kid_raw, m.data, m.size, NULL, 0);
        sodium_bin2hex(kid, sizeof kid, kid_raw, sizeof kid_raw);
        json_t *k = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "kty", "RSA", "use", "sig", "alg",
                              "RS256", "kid", kid, "n", b64url(&m), "e", b64url(&e));
        json_t *set = json_pack("{s:[o]}", "keys", k);
        *out = set ? json_dumps(set, JSON_COMPACT) : NULL;
        json_decref(set);
        rc = *out ? 0 : -1;
    }
    gnutls_free(m.data);
    gnutls_free(e.data);
    gnutls_pubkey_deinit(key);
    return rc;
}

void h_jwks(req_t *r)
{
    const char *s = identity_of(r)->jwks;
    reply_raw(r, 200, s, strlen(s));
}
