/* Answers: JSON, raw JSON text from PostgreSQL, problem+json, pages and
 * single rows. */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "http_internal.h"
#include "log.h"
#include "page.h"
#include "request.h"

void http_set_body(struct _u_response *resp, int status, char *buf, size_t len,
                   const char *ctype, const char *rid)
{
    free(resp->binary_body);
    resp->binary_body = buf;
    resp->binary_body_length = len;
    resp->status = status;
    if (ctype)
        u_map_put(resp->map_header, "Content-Type", ctype);
    if (rid)
        u_map_put(resp->map_header, "X-Request-Id", rid);
}

void reply_json(req_t *r, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!s) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "could not encode the answer");
        return;
    }
    http_set_body(r->resp, status, s, strlen(s), "application/json", r->rid);
}

void reply_raw(req_t *r, int status, const char *json_text, size_t len)
{
    char *s = malloc(len + 1);
    if (!s) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
        return;
    }
    memcpy(s, json_text, len);
    s[len] = '\0';
    http_set_body(r->resp, status, s, len, "application/json", r->rid);
}

void reply_no_content(req_t *r)
{
    http_set_body(r->resp, 204, NULL, 0, NULL, r->rid);
}

void http_answer_problem(struct _u_response *resp, const char *rid, err_code code,
                         const char *name, const char *rule, const char *detail,
                         json_t *errors)
{
    int status = err_status(code);
    json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
                          err_title(code), "status", status, "detail", detail ? detail : "",
                          "code", name ? name : err_name(code));
    if (!rule)
        rule = err_rule(code);
    if (rule)
        json_object_set_new(o, "rule", json_string(rule));
    if (errors)
        json_object_set(o, "errors", errors);
    if (rid)
        json_object_set_new(o, "request_id", json_string(rid));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (status == 401)
        u_map_put(resp->map_header, "WWW-Authenticate", "Bearer");
    /* the database or a service is briefly away: a client may try again
     * (unless the handler said when) */
    if (status == 503 && !u_map_has_key_case(resp->map_header, "Retry-After"))
        u_map_put(resp->map_header, "Retry-After", "2");
    http_set_body(resp, status, s, s ? strlen(s) : 0, "application/problem+json", rid);
}

void reply_problem(req_t *r, err_code code, const char *name, const char *rule,
                   const char *fmt, ...)
{
    char detail[400] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    if (err_status(code) >= 500)
        log_msg(LOG_WARN, r->rid, "%s %s answered %d: %s", r->u->http_verb, r->route,
                err_status(code), detail);
    http_answer_problem(r->resp, r->rid, code, name, rule, detail, NULL);
}

void reply_oom(req_t *r)
{
    reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
}

void reply_problem_t(req_t *r, problem_t *p)
{
    if (p->code == ERR_NONE)
        p->code = ERR_INTERNAL;
    if (err_status(p->code) >= 500)
        log_msg(LOG_WARN, r->rid, "%s %s answered %d: %s", r->u->http_verb, r->route,
                err_status(p->code), p->detail);
    http_answer_problem(r->resp, r->rid, p->code, p->name, p->rule, p->detail, p->errors);
    problem_clear(p);
}

void reply_page(req_t *r, PGresult *res, long limit)
{
    int n = PQntuples(res);
    int shown = n > limit ? (int)limit : n;
    size_t cap = 64;
    for (int i = 0; i < shown; i++)
        cap += (size_t)PQgetlength(res, i, 1) + 1;
    char *buf = malloc(cap + PAGE_CURSOR_MAX + 32);
    if (!buf) {
        PQclear(res);
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
        return;
    }
    size_t pos = 0;
    memcpy(buf, "{\"items\":[", 10);
    pos = 10;
    for (int i = 0; i < shown; i++) {
        if (i)
            buf[pos++] = ',';
        size_t len = (size_t)PQgetlength(res, i, 1);
        memcpy(buf + pos, PQgetvalue(res, i, 1), len);
        pos += len;
    }
    if (n > limit) {
        char cur[PAGE_CURSOR_MAX];
        page_cursor_encode(db_get_ll(res, shown - 1, 0), cur);
        pos += (size_t)sprintf(buf + pos, "],\"next_cursor\":\"%s\"}", cur);
    } else {
        pos += (size_t)sprintf(buf + pos, "],\"next_cursor\":null}");
    }
    PQclear(res);
    http_set_body(r->resp, 200, buf, pos, "application/json", r->rid);
}

PGresult *db_read_or_reply(req_t *r, const db_stmt *st, int n, const char *const *params)
{
    PGresult *res = NULL;
    /* A read is safe to repeat: one more try on a fresh connection when the
     * first one turns out to be dead (server restart, terminated backend). */
    for (int attempt = 0; attempt < 2; attempt++) {
        db_conn *c = db_acquire(r->svc->db, r->svc->db_timeout_ms);
        if (!c) {
            reply_problem(r, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
            return NULL;
        }
        res = db_exec(c, st, n, params);
        bool lost = !res && db_conn_broken(c);
        db_release(r->svc->db, c);
        if (!lost)
            break;
    }
    problem_t p = {0};
    if (!db_ok(res, &p)) {
        PQclear(res);
        reply_problem_t(r, &p);
        return NULL;
    }
    return res;
}

void reply_row(req_t *r, PGresult *res, int status)
{
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "not found");
        return;
    }
    reply_raw(r, status, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
}

void reply_doc(req_t *r, int rc, problem_t *p, char *doc, int status)
{
    if (rc)
        reply_problem_t(r, p);
    else if (!doc)
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
    else
        reply_raw(r, status, doc, strlen(doc));
    free(doc);
}

static int csv_docs(csv_buf *b, const PGresult *res, int col, const char *const *columns)
{
    csv_raw(b, "\xEF\xBB\xBF");
    for (const char *const *k = columns; *k; k++)
        csv_cell(b, *k);
    csv_row_end(b);
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *doc = json_loads(PQgetvalue(res, i, col), 0, NULL);
        if (!doc)
            return -1;
        for (const char *const *k = columns; *k; k++) {
            json_t *v = json_object_get(doc, *k);
            char num[24];
            if (json_is_integer(v)) {
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
                csv_cell(b, num);
            } else if (json_is_boolean(v)) {
                csv_cell(b, json_is_true(v) ? "true" : "false");
            } else {
                csv_cell(b, json_string_value(v));
            }
        }
        csv_row_end(b);
        json_decref(doc);
    }
    return b->failed ? -1 : 0;
}

void reply_csv_docs(req_t *r, const PGresult *res, int col, const char *const *columns,
                    const char *filename)
{
    csv_buf b = {0};
    if (csv_docs(&b, res, col, columns)) {
        csv_free(&b);
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "the export could not be written");
        return;
    }
    char disposition[200];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    http_set_body(r->resp, 200, b.s, b.len, "text/csv; charset=utf-8", r->rid);
    u_map_put(r->resp->map_header, "Content-Disposition", disposition);
}

void reply_list(req_t *r, const db_stmt *st, int n, const char *const *params, long limit)
{
    PGresult *res = db_read_or_reply(r, st, n, params);
    if (res)
        reply_page(r, res, limit);
}

void reply_page_of(req_t *r, const db_stmt *parent, err_code missing, const char *detail,
                   const db_stmt *list)
{
    long long id = path_id_or_reply(r, "id");
    long limit;
    long long after;
    if (!id || page_or_reply(r, &limit, &after))
        return;
    char b[24], a[24], l[24];
    const char *p1[] = {db_int(b, id)};
    PGresult *res = db_read_or_reply(r, parent, 1, p1);
    if (!res)
        return;
    bool exists = PQntuples(res) > 0;
    PQclear(res);
    if (!exists) {
        reply_problem(r, missing, NULL, NULL, "%s", detail);
        return;
    }
    const char *params[] = {b, after ? db_int(a, after) : NULL, db_int(l, limit + 1)};
    reply_list(r, list, 3, params, limit);
}
