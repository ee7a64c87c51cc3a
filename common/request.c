/* Reading a request: body, path and query parameters, If-Match, headers,
 * and whether the caller may decide (R-SEC-3). */
#include "request.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "http_internal.h"
#include "page.h"
#include "reply.h"

json_t *body_or_reply(req_t *r, const json_field *fields, void *out, uint64_t *present)
{
    problem_t p = {0};
    json_t *root = json_in_parse(r->u->binary_body, r->u->binary_body_length, &p);
    if (!root) {
        reply_problem_t(r, &p);
        return NULL;
    }
    if (json_in_validate(root, fields, out, present, &p)) {
        json_decref(root);
        reply_problem_t(r, &p);
        return NULL;
    }
    return root;
}

json_t *patch_body_or_reply(req_t *r, const json_field *fields, void *out, uint64_t *present)
{
    uint64_t got = 0;
    json_t *root = body_or_reply(r, fields, out, &got);
    if (root && !got) {
        json_decref(root);
        problem_t p = {0};
        for (const json_field *f = fields; f->name; f++)
            problem_field(&p, f->name, "can be changed here");
        snprintf(p.detail, sizeof p.detail, "the body names no field to change");
        reply_problem_t(r, &p);
        return NULL;
    }
    if (present)
        *present = got;
    return root;
}

bool http_parse_ll(const char *s, long long *out)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    long long v = 0;
    for (const char *c = s; *c; c++) {
        if (!isdigit((unsigned char)*c))
            return false;
        v = v * 10 + (*c - '0');
    }
    *out = v;
    return true;
}

long long path_id_or_reply(req_t *r, const char *name)
{
    long long id;
    if (!http_parse_ll(u_map_get(r->u->map_url, name), &id) || id <= 0) {
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "no such %s", name);
        return 0;
    }
    return id;
}

int query_str(req_t *r, const char *name, const char **out)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (v)
        *out = v;
    return 0;
}

static int bad_input(req_t *r, err_code code, const char *name, const char *msg)
{
    json_t *errors = json_pack("[{s:s, s:s}]", "field", name, "message", msg);
    problem_t p = {.code = code, .errors = errors};
    snprintf(p.detail, sizeof p.detail, "%s: %s", name, msg);
    reply_problem_t(r, &p);
    return -1;
}

int bad_query(req_t *r, const char *name, const char *msg)
{
    return bad_input(r, ERR_BAD_QUERY, name, msg);
}

int bad_header(req_t *r, const char *name, const char *msg)
{
    return bad_input(r, ERR_BAD_HEADER, name, msg);
}

int query_ll_or_reply(req_t *r, const char *name, long long min, long long max, long long *out,
                      bool *given)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (given)
        *given = v != NULL;
    if (!v)
        return 0;
    long long n;
    bool neg = v[0] == '-';
    if (!http_parse_ll(neg ? v + 1 : v, &n))
        return bad_query(r, name, "must be a whole number");
    if (neg)
        n = -n;
    if (n < min || n > max) {
        char msg[100];
        snprintf(msg, sizeof msg, "must be from %lld to %lld", min, max);
        return bad_query(r, name, msg);
    }
    *out = n;
    return 0;
}

int query_bool_or_reply(req_t *r, const char *name, bool *out, bool *given)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (given)
        *given = v != NULL;
    if (!v)
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        return bad_query(r, name, "must be true or false");
    return 0;
}

int query_enum_or_reply(req_t *r, const char *name, const char *const *values,
                        const char **out)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (!v)
        return 0;
    for (const char *const *e = values; *e; e++)
        if (!strcmp(*e, v)) {
            *out = *e;
            return 0;
        }
    return bad_query(r, name, "is not one of the allowed values");
}

int query_date_or_reply(req_t *r, const char *name, const char **out)
{
    const char *v = u_map_get(r->u->map_url, name);
    if (!v)
        return 0;
    if (!json_in_is_date(v))
        return bad_query(r, name, "must be a date YYYY-MM-DD");
    *out = v;
    return 0;
}

int page_or_reply(req_t *r, long *limit, long long *after)
{
    long long l = PAGE_DEFAULT_LIMIT;
    if (query_ll_or_reply(r, "limit", 1, PAGE_MAX_LIMIT, &l, NULL))
        return -1;
    *limit = (long)l;
    *after = 0;
    const char *c = u_map_get(r->u->map_url, "cursor");
    if (c && *c && !page_cursor_decode(c, after))
        return bad_query(r, "cursor", "is not a cursor this server issued");
    return 0;
}

/* Parses an If-Match value: "*" gives 0 (any version), otherwise the
 * versions of its comma-separated entity tags ("3", W/"3"; a weak tag
 * counts as its version), at most IF_MATCH_MAX, into out. -1 with *why set
 * when it is not what HTTP allows. */
int http_parse_if_match(const char *v, long long *out, const char **why)
{
    int n = 0;
    const char *s = v;
    while (*s == ' ' || *s == '\t')
        s++;
    if (s[0] == '*') {
        for (s++; *s == ' ' || *s == '\t'; s++)
            ;
        if (*s) {
            *why = "\"*\" stands alone";
            return -1;
        }
        return 0;
    }
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!strncmp(s, "W/", 2))
            s += 2;
        if (*s != '"') {
            *why = *s >= '0' && *s <= '9'
                       ? "an entity tag is quoted: send the version as \"3\", not 3"
                       : "must be \"*\" or resource versions such as \"3\", comma-separated";
            return -1;
        }
        const char *close = strchr(s + 1, '"');
        char tmp[24];
        size_t len = close ? (size_t)(close - s - 1) : 0;
        long long version;
        if (!close || len == 0 || len >= sizeof tmp) {
            *why = "must be \"*\" or resource versions such as \"3\", comma-separated";
            return -1;
        }
        memcpy(tmp, s + 1, len);
        tmp[len] = '\0';
        if (!http_parse_ll(tmp, &version) || version < 0) {
            *why = "a resource version is a whole number such as \"3\"";
            return -1;
        }
        if (n == IF_MATCH_MAX) {
            *why = "names too many versions";
            return -1;
        }
        out[n++] = version;
        for (s = close + 1; *s == ' ' || *s == '\t'; s++)
            ;
        if (!*s)
            return n;
        if (*s != ',') {
            *why = "entity tags are separated by commas";
            return -1;
        }
        s++;
    }
}

int if_match_or_reply(req_t *r, long long *version)
{
    *version = IF_MATCH_ANY;
    const char *v = u_map_get_case(r->u->map_header, "If-Match");
    if (!v)
        return 0;
    long long list[IF_MATCH_MAX];
    const char *why = NULL;
    int n = http_parse_if_match(v, list, &why);
    if (n < 0)
        return bad_header(r, "If-Match", why);
    if (n == 1)
        *version = list[0];
    else if (n > 1)
        *version = IF_MATCH_LIST;
    return 0;
}

bool if_match_accepts(const req_t *r, long long if_match, long long version)
{
    if (if_match == IF_MATCH_ANY)
        return true;
    if (if_match != IF_MATCH_LIST)
        return if_match == version;
    long long list[IF_MATCH_MAX];
    const char *why;
    const char *v = u_map_get_case(r->u->map_header, "If-Match");
    int n = v ? http_parse_if_match(v, list, &why) : -1;
    for (int i = 0; i < n; i++)
        if (list[i] == version)
            return true;
    return false;
}

bool accepts_csv(req_t *r)
{
    const char *v = u_map_get_case(r->u->map_header, "Accept");
    if (!v)
        return false;
    /* The first media range names what the client wants most. */
    while (*v == ' ')
        v++;
    return !strncasecmp(v, "text/csv", 8) && (v[8] == '\0' || v[8] == ';' || v[8] == ',' || v[8] == ' ');
}

bool csv_requested(req_t *r, const char *format)
{
    if (u_map_get(r->u->map_url, "format"))
        return !strcmp(format, "csv");
    return accepts_csv(r);
}

const char *req_header(req_t *r, const char *name)
{
    return u_map_get_case(r->u->map_header, name);
}

bool decider_or_reply(req_t *r)
{
    if (!r->caller || !r->caller->is_secretary)
        return true;
    reply_problem(r, ERR_SECRETARY_CANNOT_DECIDE, NULL, NULL,
                  "a government affairs secretary assists but cannot approve, sign or decide");
    return false;
}

int period_or_reply(req_t *r, const char *from, const char *to)
{
    if (!from || !to || strcmp(from, to) <= 0)
        return 0;
    problem_t p = {.code = ERR_BAD_QUERY};
    problem_field(&p, "to", "must not be before from");
    snprintf(p.detail, sizeof p.detail, "the period ends before it starts");
    reply_problem_t(r, &p);
    return -1;
}
