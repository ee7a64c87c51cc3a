/* Attachments of outgoing documents: the file's bytes are the request body
 * in the file's own content type (checked against the file's first bytes),
 * up to ATTACHMENT_MAX_BYTES (20 MiB by default); stored in PostgreSQL with
 * their SHA-256; downloaded with a Content-Disposition that carries the
 * Chinese file name (RFC 6266 filename*). */
#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "documents.h"
#include "list.h"

/* The content types accepted, each with the bytes its files start with
 * (NULL: any, for plain text). */
static const struct {
    const char *type;
    const char *magic;
    size_t magic_len;
} types[] = {
    {"application/pdf", "%PDF-", 5},
    {"image/png", "\x89PNG\r\n\x1a\n", 8},
    {"image/jpeg", "\xff\xd8\xff", 3},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04", 4},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04", 4},
    {"application/ofd", "PK\x03\x04", 4},
    {"application/zip", "PK\x03\x04", 4},
    {"application/msword", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8},
    {"application/vnd.ms-excel", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8},
    {"text/plain", NULL, 0},
};

/* The media type of a Content-Type header without its parameters, lower
 * case, into out (cap bytes). */
static void media_type(const char *header, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *s = header ? header : ""; *s && *s != ';' && n + 1 < cap; s++)
        if (*s != ' ' && *s != '\t')
            out[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    out[n] = '\0';
}

/* 0 when the bytes are a file of that type; else -1 with p. */
static int check_content(const char *type, const unsigned char *data, size_t len, problem_t *p)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(types[i].type, type))
            continue;
        if (types[i].magic &&
            (len < types[i].magic_len || memcmp(data, types[i].magic, types[i].magic_len)))
            return problem_set(p, ERR_DOCUMENT_ATTACHMENT_MISMATCH, NULL, NULL,
                               "the file's bytes are not those of %s", type);
        if (!types[i].magic && !g_utf8_validate((const gchar *)data, (gssize)len, NULL))
            return problem_set(p, ERR_DOCUMENT_ATTACHMENT_MISMATCH, NULL, NULL,
                               "text/plain attachments are UTF-8 text");
        return 0;
    }
    return problem_set(p, ERR_DOCUMENT_ATTACHMENT_TYPE, NULL, NULL,
                       "attachments are PDF, OFD, PNG, JPEG, Word, Excel, ZIP or plain text");
}

/* ---------- upload ---------- */

typedef struct upload_tx {
    req_t *r;
    long long doc, id;
    const char *filename, *type;
    const unsigned char *data;
    size_t len;
    char *hex;
    char sha[65];
    char *out;
} upload_tx;

/* Who may attach: the drafting department while it drafts or revises,
 * the secretariat while it reviews or proofreads. */
static const db_stmt Q_ATTACH_TARGET = {
    "attachments_target",
    "SELECT d.state, (d.department_id = $3 AND d.state IN ('draft', 'revising')"
    " OR (d.state IN ('secretariat_review', 'proofreading') AND EXISTS"
    "   (SELECT 1 FROM identity.org_departments s WHERE s.id = $3 AND s.is_secretariat)))"
    "  AS may_attach"
    " FROM documents d WHERE d.id = $1 AND document_visible(d, $2, $3) FOR SHARE"};

static const db_stmt Q_ATTACH_INSERT = {
    "attachments_insert",
    "INSERT INTO document_attachments(document_id, filename, content_type, size, sha256, data,"
    " uploader_id) VALUES ($1, $2, $3, $4, $5, $6::bytea, $7)"
    " RETURNING id, json_build_object('id', id, 'document_id', document_id, 'filename', filename,"
    " 'content_type', content_type, 'size', size, 'sha256', sha256, 'uploader_id', uploader_id,"
    " 'created_at', created_at) AS doc"};

static int upload_run(db_conn *c, void *arg, problem_t *p)
{
    upload_tx *t = arg;
    free(t->out);
    t->out = NULL;
    char doc[24], u[24], d[24], size[24];
    const char *p1[] = {db_int(doc, t->doc), db_int(u, t->r->caller->id),
                        db_int(d, t->r->caller->department_id)};
    PGresult *res;
    if (db_query(c, &Q_ATTACH_TARGET, 3, p1, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_DOCUMENT_NOT_FOUND, NULL, NULL, "no such document");
    }
    bool may = db_col_bool(res, 0, "may_attach");
    char state[24];
    snprintf(state, sizeof state, "%s", db_col_str(res, 0, "state"));
    PQclear(res);
    if (!may)
        return problem_set(p, ERR_DOCUMENT_ATTACHMENT_NOT_EDITOR, NULL, NULL,
                           "a %s document takes attachments from its drafting department while "
                           "drafted or revised, or from the secretariat while reviewed",
                           state);
    const char *p2[] = {doc, t->filename, t->type, db_int(size, (long long)t->len), t->sha,
                        t->hex, u};
    if (db_query(c, &Q_ATTACH_INSERT, 7, p2, &res, p))
        return -1;
    t->id = db_col_ll(res, 0, "id");
    t->out = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!t->out)
        return problem_oom(p);
    return audit_write(c, &t->r->actor, "document", t->doc, "attach", NULL, t->out, p);
}

void h_attachments_create(req_t *r)
{
    upload_tx t = {.r = r, .doc = path_id_or_reply(r, "id")};
    if (!t.doc || query_str(r, "filename", &t.filename))
        return;
    problem_t p = {0};
    char type[128];
    media_type(req_header(r, "Content-Type"), type, sizeof type);
    t.data = (const unsigned char *)r->u->binary_body;
    t.len = r->u->binary_body_length;
    documents_ctx *ctx = r->svc->ctx;
    if (!t.filename || !*t.filename)
        problem_field(&p, "filename", "the file's name is required (?filename=)");
    else if (json_in_utf8_len(t.filename) > 255 || strpbrk(t.filename, "/\\") ||
             !g_utf8_validate(t.filename, -1, NULL))
        problem_field(&p, "filename", "is a file name of at most 255 characters, without / or \\");
    else if (t.len == 0)
        problem_field(&p, "body", "the file's bytes are the request body; it is empty");
    else if (t.len > (size_t)ctx->attachment_max)
        problem_set(&p, ERR_TOO_LARGE, NULL, NULL, "an attachment is at most %ld bytes",
                    ctx->attachment_max);
    else
        check_content(type, t.data, t.len, &p);
    if (p.code != ERR_NONE) {
        reply_problem_t(r, &p);
        return;
    }
    for (const char *s = t.filename; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            reply_problem(r, ERR_VALIDATION, NULL, NULL, "the file name holds control characters");
            return;
        }
    t.type = type;
    sha256_hex(t.data, t.len, t.sha);
    t.hex = malloc(2 * t.len + 3);
    if (!t.hex) {
        reply_oom(r);
        return;
    }
    t.hex[0] = '\\';
    t.hex[1] = 'x';
    sodium_bin2hex(t.hex + 2, 2 * t.len + 1, t.data, t.len);
    int rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, upload_run, &t, &p);
    free(t.hex);
    reply_doc(r, rc, &p, t.out, 201);
}

/* ---------- reads ---------- */

static const db_stmt Q_ATTACH_LIST = {
    "attachments_list",
    "SELECT a.id, json_build_object('id', a.id, 'document_id', a.document_id, 'filename',"
    " a.filename, 'content_type', a.content_type, 'size', a.size, 'sha256', a.sha256,"
    " 'uploader_id', a.uploader_id, 'created_at', a.created_at), a.document_id, d.secrecy"
    " FROM document_attachments a JOIN documents d ON d.id = a.document_id"
    " WHERE a.document_id = $1 AND document_visible(d, $2, $3)"
    " AND " PAGE_BEFORE("a.id", "$4") " ORDER BY a.id DESC LIMIT $5"};

static const list_t attachments_list = {
    .stmt = &Q_ATTACH_LIST,
    .path_id = true,
    .params = {"@id", "@caller", "@department", "@cursor", "@limit"},
};

void h_attachments_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &attachments_list, &q))
        return;
    PGresult *res = list_read_or_reply(&q, attachments_list.stmt, attachments_list.params);
    if (!res)
        return;
    /* A secret document's attachments listed: one audited read of the
     * document (its first row speaks for the page). */
    if (audit_page_or_reply(r, res, 1, "document_id", "secrecy", "document", "list_attachments")) {
        PQclear(res);
        return;
    }
    reply_page(r, res, q.limit);
}

static const db_stmt Q_ATTACH_GET = {
    "attachments_get",
    "SELECT a.filename, a.content_type, a.sha256, a.data, d.secrecy"
    " FROM document_attachments a JOIN documents d ON d.id = a.document_id"
    " WHERE a.id = $4 AND a.document_id = $1 AND document_visible(d, $2, $3)"};

typedef struct download_tx {
    req_t *r;
    long long doc, id;
    PGresult *row;
} download_tx;

static int download_run(db_conn *c, void *arg, problem_t *p)
{
    download_tx *t = arg;
    PQclear(t->row);
    t->row = NULL;
    char b[24], u[24], d[24], a[24];
    const char *params[] = {db_int(b, t->doc), db_int(u, t->r->caller->id),
                            db_int(d, t->r->caller->department_id), db_int(a, t->id)};
    if (db_query(c, &Q_ATTACH_GET, 4, params, &t->row, p))
        return -1;
    if (PQntuples(t->row) == 0)
        return problem_set(p, ERR_DOCUMENT_ATTACHMENT_NOT_FOUND, NULL, NULL, "no such attachment");
    if (!strcmp(db_col_str(t->row, 0, "secrecy"), "none"))
        return 0;
    return audit_write(c, &t->r->actor, "document", t->doc, "read_attachment", NULL, NULL, p);
}

/* RFC 6266: an ASCII fallback (other characters as '_') and the UTF-8 name
 * percent-encoded in filename*. */
static void content_disposition(const char *name, char *out, size_t cap)
{
    char ascii[300], enc[1000];
    size_t a = 0, e = 0;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        if (a + 1 < sizeof ascii)
            ascii[a++] = (*s < 0x80 && *s != '"' && *s != '\\' && *s >= 0x20) ? (char)*s : '_';
        bool plain = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                     (*s >= '0' && *s <= '9') || strchr("!#$&+-.^_`|~", *s);
        if (e + 4 < sizeof enc) {
            if (plain && *s)
                enc[e++] = (char)*s;
            else
                e += (size_t)snprintf(enc + e, sizeof enc - e, "%%%02X", *s);
        }
    }
    ascii[a] = enc[e] = '\0';
    snprintf(out, cap, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

void h_attachments_get(req_t *r)
{
    download_tx t = {.r = r, .doc = path_id_or_reply(r, "id")};
    if (!t.doc || !(t.id = path_id_or_reply(r, "aid")))
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, download_run, &t, &p)) {
        PQclear(t.row);
        reply_problem_t(r, &p);
        return;
    }
    size_t len = 0;
    unsigned char *data = PQunescapeBytea((const unsigned char *)db_col_str(t.row, 0, "data"), &len);
    if (!data) {
        PQclear(t.row);
        reply_oom(r);
        return;
    }
    char disp[1400], etag[80];
    content_disposition(db_col_str(t.row, 0, "filename"), disp, sizeof disp);
    snprintf(etag, sizeof etag, "\"%s\"", db_col_str(t.row, 0, "sha256"));
    ulfius_set_binary_body_response(r->resp, 200, (const char *)data, len);
    u_map_put(r->resp->map_header, "Content-Type", db_col_str(t.row, 0, "content_type"));
    u_map_put(r->resp->map_header, "Content-Disposition", disp);
    u_map_put(r->resp->map_header, "ETag", etag);
    u_map_put(r->resp->map_header, "X-Content-SHA256", db_col_str(t.row, 0, "sha256"));
    u_map_put(r->resp->map_header, "X-Request-Id", r->rid);
    PQfreemem(data);
    PQclear(t.row);
}
