/* Fuzz targets of the common library: the token verifier, the list cursor,
 * If-Match, the CSV writer and the path and query parameter readers. */
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <ulfius.h>

#include "auth.h"
#include "csv.h"
#include "fuzz.h"
#include "http_internal.h"
#include "json_in.h"
#include "page.h"
#include "request.h"

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

/* The answer a reader left: either none (status still 200) and rc 0, or
 * rc -1 (0 for a path id) with a problem+json of `status` naming `field`
 * in its errors (when field is not NULL). Resets the answer. */
static void fuzz_expect_answer(struct _u_response *resp, bool refused, int status,
                               const char *field)
{
    if (!refused) {
        FUZZ_ASSERT(resp->status == 200 && resp->binary_body == NULL);
        return;
    }
    FUZZ_ASSERT(resp->status == status && resp->binary_body != NULL);
    json_t *o = json_loadb(resp->binary_body, resp->binary_body_length, 0, NULL);
    FUZZ_ASSERT(o != NULL);
    FUZZ_ASSERT(json_integer_value(json_object_get(o, "status")) == status);
    if (field) {
        json_t *e = json_array_get(json_object_get(o, "errors"), 0);
        const char *named = json_string_value(json_object_get(e, "field"));
        FUZZ_ASSERT(named && !strcmp(named, field));
    }
    json_decref(o);
    free(resp->binary_body);
    resp->binary_body = NULL;
    resp->binary_body_length = 0;
    resp->status = 200;
}

/* Path and query parameters as the handlers read them. The input is a
 * query string, `name=value` pairs joined by `&` (Ulfius hands the handler
 * the path parameters in the same map, already percent-decoded); every
 * reader runs on it and either gives a value inside its bounds or answers
 * 400 (404 for a path id) naming the parameter. */
int fuzz_query(const uint8_t *data, size_t size)
{
    /* One request and answer for every input (made once: cheaper). */
    static struct _u_request u;
    static struct _u_response resp;
    static bool made;
    if (!made) {
        if (ulfius_init_request(&u) != U_OK || ulfius_init_response(&resp) != U_OK)
            abort();
        made = true;
    }
    u_map_clean(u.map_url);
    if (u_map_init(u.map_url) != U_OK)
        abort();
    char *s = fuzz_str(data, size);
    char *save = NULL;
    for (char *pair = strtok_r(s, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq)
            *eq++ = '\0';
        u_map_put(u.map_url, pair, eq ? eq : "");
    }
    req_t r = {.u = &u, .resp = &resp, .rid = "fuzz", .route = "/fuzz/:id"};

    long long id = path_id_or_reply(&r, "id");
    FUZZ_ASSERT(id >= 0);
    fuzz_expect_answer(&resp, id == 0, 404, NULL);
    if (id > 0) {
        const char *raw = u_map_get(u.map_url, "id");
        FUZZ_ASSERT(raw && strtoll(raw, NULL, 10) == id);
    }

    long long n = LLONG_MIN;
    bool given = false;
    int rc = query_ll_or_reply(&r, "n", -1000, 1000, &n, &given);
    fuzz_expect_answer(&resp, rc != 0, 400, "n");
    FUZZ_ASSERT(given == u_map_has_key(u.map_url, "n"));
    if (rc == 0)
        FUZZ_ASSERT(given ? n >= -1000 && n <= 1000 : n == LLONG_MIN);

    bool b = false, b_given = false;
    rc = query_bool_or_reply(&r, "unread", &b, &b_given);
    fuzz_expect_answer(&resp, rc != 0, 400, "unread");
    FUZZ_ASSERT(b_given == u_map_has_key(u.map_url, "unread"));

    static const char *const states[] = {"draft", "issued", "declined", NULL};
    const char *state = NULL;
    rc = query_enum_or_reply(&r, "status", states, &state);
    fuzz_expect_answer(&resp, rc != 0, 400, "status");
    if (rc == 0 && state) {
        bool known = false;
        for (const char *const *e = states; *e; e++)
            known |= state == *e;
        FUZZ_ASSERT(known && !strcmp(state, u_map_get(u.map_url, "status")));
    }

    const char *date = NULL;
    rc = query_date_or_reply(&r, "from", &date);
    fuzz_expect_answer(&resp, rc != 0, 400, "from");
    if (rc == 0 && date)
        FUZZ_ASSERT(json_in_is_date(date) && strlen(date) == 10);

    const char *q = NULL;
    FUZZ_ASSERT(query_str(&r, "q", &q) == 0);
    FUZZ_ASSERT(q == u_map_get(u.map_url, "q"));

    long limit = -1;
    long long after = -1;
    rc = page_or_reply(&r, &limit, &after);
    FUZZ_ASSERT(rc == 0 || rc == -1);
    if (rc == 0) {
        fuzz_expect_answer(&resp, false, 0, NULL);
        FUZZ_ASSERT(limit >= 1 && limit <= PAGE_MAX_LIMIT && after >= 0);
    } else {
        const char *named = u_map_has_key(u.map_url, "limit") && resp.binary_body &&
                                    strstr((const char *)resp.binary_body, "\"field\":\"limit\"")
                                ? "limit"
                                : "cursor";
        fuzz_expect_answer(&resp, true, 400, named);
    }

    free(s);
    return 0;
}
