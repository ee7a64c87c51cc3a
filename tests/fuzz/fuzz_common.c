/* Fuzz targets of the common library: the token verifier, the list cursor,
 * If-Match and the CSV writer. */
#include <jansson.h>
#include <stdbool.h>

#include "auth.h"
#include "csv.h"
#include "fuzz.h"
#include "http_internal.h"
#include "page.h"

/* A fixed RS256 public key; its private half signed the seed token
 * corpus/token/signed (user 7, valid at the fuzzing clock) and was then
 * thrown away. Any other token the verifier accepts is a forgery. */
static const char fuzz_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwe8UrwOvl1WO39P01EO1\n"
    "b4WqH4jBYjA1bkY+3e1nBB0Pn7nGVVUXeKt2qBaV2RA4M20Lb0uBI82/E69Vm4CU\n"
    "Q5X+UzraBJhBWYfhebVwPyZVwNvPlOuhbav2SuAEmloTEgR8IvCq7fyQqriit7qm\n"
    "n+hIZHCEyVILKpGvZy6N79vF72rxFPT+Zt/CVDHd9ozgsR14s8V02+/5+stvdfGL\n"
    "kmWKTeVd5MiT6ercoR9UCjdyjYuflqOvMQwI+I0c+yqtS+rdab9a1iOOuKRNXuHX\n"
    "j/tO/TXwXg6DY8G1goE+9hInkY2bP+pu0hwLc+vcF0/+XWcTvoqJo/vYZBI7WTMx\n"
    "3wIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

int fuzz_token(const uint8_t *data, size_t size)
{
    static auth_verifier *v;
    if (!v)
        v = auth_verifier_new(fuzz_public_pem, sizeof fuzz_public_pem - 1, "oa-identity",
                              "oa-api", 64);
    FUZZ_ASSERT(v != NULL);
    char *t = fuzz_str(data, size);
    caller_t c;
    memset(&c, 0, sizeof c);
    if (auth_verify(v, t, &c, 1700000000) == 0)
        FUZZ_ASSERT(c.id == 7 && !c.is_admin && !strcmp(c.username, "zonghe1"));
    free(t);
    return 0;
}

int fuzz_cursor(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    long long id = 0;
    if (page_cursor_decode(s, &id)) {
        /* what decodes encodes back to a cursor that decodes the same */
        char again[PAGE_CURSOR_MAX];
        long long id2 = 0;
        page_cursor_encode(id, again);
        FUZZ_ASSERT(page_cursor_decode(again, &id2) && id2 == id);
    }
    free(s);
    return 0;
}

int fuzz_if_match(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    long long list[IF_MATCH_MAX];
    const char *why = NULL;
    int n = http_parse_if_match(s, list, &why);
    FUZZ_ASSERT(n >= -1 && n <= IF_MATCH_MAX);
    FUZZ_ASSERT(n >= 0 || why != NULL);
    for (int i = 0; i < n; i++)
        FUZZ_ASSERT(list[i] >= 0);
    free(s);
    return 0;
}

/* Cells are split at NUL bytes and rows at 0x1e; the text must keep every
 * row's cell count and never start a cell with a formula character. */
int fuzz_csv(const uint8_t *data, size_t size)
{
    csv_buf b;
    memset(&b, 0, sizeof b);
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == 0 || data[i] == 0x1e) {
            char *cell = fuzz_str(data + start, i - start);
            csv_cell(&b, cell);
            free(cell);
            if (i < size && data[i] == 0x1e)
                csv_row_end(&b);
            start = i + 1;
        }
    }
    csv_row_end(&b);
    FUZZ_ASSERT(!b.failed);
    FUZZ_ASSERT(b.len == 0 || (b.s && strlen(b.s) <= b.len));
    csv_free(&b);
    return 0;
}
