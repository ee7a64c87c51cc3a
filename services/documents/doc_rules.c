/* The document regulations that need no database. */
#include <sodium.h>
#include <stdio.h>

#include "documents.h"

bool doc_number_format(const char *prefix, int year, long long seq, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s〔%d〕%lld号", prefix, year, seq);
    return n > 0 && (size_t)n < cap;
}

bool registry_number_format(int year, long long seq, char *out, size_t cap)
{
    int n = snprintf(out, cap, "收〔%d〕%lld号", year, seq);
    return n > 0 && (size_t)n < cap;
}

void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}
