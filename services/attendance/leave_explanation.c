/* The written explanation of an extended leave (R-ATT-4): the applicant
 * hands it in with a scan (a medical certificate), the final approver
 * accepts it or not, and those who see the request read the scan. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "audit.h"
#include "leave_action.h"

const json_field explanation_fields[] = {
    {.name = "text", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(explanation_in, text)},
    {.name = "attachment", .type = JF_OBJECT, .flags = JF_REQUIRED,
     .offset = offsetof(explanation_in, attachment)},
    JF_END,
};

static const char *const attachment_types[] = {"application/pdf", "image/jpeg", "image/png",
                                               NULL};

typedef struct attachment_in {
    const char *file_name, *content_type, *data;
} attachment_in;

static const json_field attachment_fields[] = {
    {.name = "file_name", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(attachment_in, file_name)},
    {.name = "content_type", .type = JF_ENUM, .flags = JF_REQUIRED, .values = attachment_types,
     .offset = offsetof(attachment_in, content_type)},
    /* bounded by the body limit; attachment_check applies the size limit */
    {.name = "data", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000000,
     .offset = offsetof(attachment_in, data)},
    JF_END,
};

/* Whether the bytes are what content_type says: the file's own signature. */
static bool attachment_is(const char *content_type, const unsigned char *b, size_t n)
{
    if (!strcmp(content_type, "application/pdf"))
        return n >= 5 && !memcmp(b, "%PDF-", 5);
    if (!strcmp(content_type, "image/jpeg"))
        return n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
    if (!strcmp(content_type, "image/png"))
        return n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8);
    return false;
}

/* Validates the attachment object: its fields, the base64 data, the size
 * limit and that the bytes are of the declared type. Fills *a and *size.
 * 0, or -1 with p (400 naming attachment.<field>, 413 when too large). */
static int attachment_check(json_t *obj, long max_bytes, attachment_in *a, size_t *size,
                            problem_t *p)
{
    problem_t q = {0};
    if (json_in_validate(obj, attachment_fields, a, NULL, &q)) {
        size_t i;
        json_t *e;
        json_array_foreach(q.errors, i, e) {
            problem_field(p, "attachment", "%s: %s",
                          json_string_value(json_object_get(e, "field")),
                          json_string_value(json_object_get(e, "message")));
        }
        problem_clear(&q);
        return -1;
    }
    size_t len = strlen(a->data), cap = len / 4 * 3 + 3;
    if (len > (size_t)max_bytes / 3 * 4 + 8)
        return problem_set(p, ERR_LEAVE_ATTACHMENT_TOO_LARGE, NULL, NULL,
                           "the attachment may be at most %ld bytes", max_bytes);
    unsigned char *bin = malloc(cap);
    if (!bin)
        return problem_oom(p);
    size_t n = 0;
    int bad = sodium_base642bin(bin, cap, a->data, len, NULL, &n, NULL,
                                sodium_base64_VARIANT_ORIGINAL);
    bool kind_ok = !bad && attachment_is(a->content_type, bin, n);
    free(bin);
    if (bad || n == 0)
        return problem_field(p, "attachment.data", "must be the file in base64");
    if (n > (size_t)max_bytes)
        return problem_set(p, ERR_LEAVE_ATTACHMENT_TOO_LARGE, NULL, NULL,
                           "the attachment may be at most %ld bytes", max_bytes);
    if (!kind_ok)
        return problem_field(p, "attachment.data", "is not a %s file", a->content_type);
    *size = n;
    return 0;
}

static const db_stmt Q_EXPLANATION_FILE = {
    "att_leave_explanation_file",
    "INSERT INTO leave_explanation_files(request_id, data, uploaded_by)"
    " VALUES ($1, decode($2, 'base64'), $3)"
    " RETURNING encode(sha256(data), 'hex') AS sha256, octet_length(data) AS size"};

static const db_stmt Q_LEAVE_EXPLAIN = {
    "att_leave_explain",
    "UPDATE leave_requests SET explanation = $2, explained_at = now(),"
    " explanation_file_type = $3, explanation_file_name = $4, explanation_file_size = $5,"
    " explanation_file_sha256 = $6, version = version + 1, updated_at = now() WHERE id = $1"};

/* The explanation and its scan, stored, and the final approver told. */
int leave_explain(db_conn *c, action_tx *t, problem_t *p)
{
    explanation_in *in = t->in;
    const leave_row *row = t->row;
    attachment_in a = {0};
    size_t size = 0;
    if (attachment_check(in->attachment, attendance_of(t->r)->attachment_max_bytes, &a, &size,
                         p))
        return -1;
    char id[24], me[24], sz[24];
    const char *pf[] = {db_int(id, t->id), a.data, db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_EXPLANATION_FILE, 3, pf, &res, p))
        return -1;
    char sha[65];
    snprintf(sha, sizeof sha, "%s", db_col_str(res, 0, "sha256"));
    PQclear(res);
    const char *pu[] = {id, in->text, a.content_type, a.file_name, db_int(sz, (long long)size),
                        sha};
    if (db_query(c, &Q_LEAVE_EXPLAIN, 6, pu, &res, p))
        return -1;
    PQclear(res);
    if (notify(c, row->final_approver_id, "leave_explanation_to_review",
               "Review the written explanation of an extended leave", in->text,
               "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

const json_field review_fields[] = {
    {.name = "accepted", .type = JF_BOOL, .flags = JF_REQUIRED,
     .offset = offsetof(review_in, accepted)},
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(review_in, comment)},
    JF_END,
};

static const db_stmt Q_LEAVE_REVIEW = {
    "att_leave_review",
    "UPDATE leave_requests SET explanation_review = $2, explanation_reviewed_by = $3,"
    " explanation_reviewed_at = now(), explanation_review_comment = $4,"
    " ext_outcome = CASE WHEN state = 'closed' AND ext_half_days > 0 AND ext_outcome IS NULL"
    "   THEN CASE WHEN $2 = 'accepted' THEN 'explained' ELSE 'absenteeism' END"
    "   ELSE ext_outcome END,"
    " ext_absence_id = coalesce($5::bigint, ext_absence_id),"
    " version = version + 1, updated_at = now() WHERE id = $1"
    " RETURNING state = 'closed' AND ext_half_days > 0, ext_first_date - DATE '1970-01-01',"
    " ext_half_days"};

static const db_stmt Q_LEAVE_EXT_COVERED = {
    "att_leave_ext_covered",
    "SELECT state = 'closed' AND coalesce(ext_half_days, 0) > 0 AND ext_outcome IS NULL"
    " AS settle, coalesce(ext_first_date - DATE '1970-01-01', 0) AS first_day,"
    " coalesce(ext_half_days, 0) AS half_days"
    " FROM leave_requests WHERE id = $1"};

/* Refused after the leave was closed, the extension's half-days become
 * absenteeism now; before, the closing settles them. */
int leave_review(db_conn *c, action_tx *t, problem_t *p)
{
    review_in *in = t->in;
    const leave_row *row = t->row;
    char id[24], me[24], ab[24];
    const char *pc[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_EXT_COVERED, 1, pc, &res, p))
        return -1;
    bool settle = db_col_bool(res, 0, "settle");
    long first = (long)db_col_ll(res, 0, "first_day"),
         halves = (long)db_col_ll(res, 0, "half_days");
    PQclear(res);
    long long absence = 0;
    if (settle && !in->accepted) {
        absence_new a = {row->applicant_id, first, halves, "unexplained_extension",
                         "leave_request", t->id, "the written explanation was not accepted"};
        if (absence_add(c, &t->r->actor, &a, &absence, p))
            return -1;
    }
    const char *pu[] = {id, in->accepted ? "accepted" : "refused", db_int(me, t->r->caller->id),
                        in->comment, absence ? db_int(ab, absence) : NULL};
    if (db_query(c, &Q_LEAVE_REVIEW, 5, pu, &res, p))
        return -1;
    PQclear(res);
    char body[1200];
    text_fmt(body, sizeof body, "%s%s%s",
             in->accepted ? "Your written explanation was accepted (R-ATT-4)"
                          : "Your written explanation was not accepted: the extension counts as "
                            "absenteeism (R-ATT-4)",
             in->comment && *in->comment ? ". " : "", in->comment ? in->comment : "");
    if (notify(c, row->applicant_id, "leave_explanation_reviewed",
               in->accepted ? "Written explanation accepted" : "Written explanation refused",
               body, "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

/* The scan, to those who see the request. */
static const db_stmt Q_EXPLANATION_DATA = {
    "att_leave_explanation_data",
    "SELECT l.explanation_file_type, l.explanation_file_name, l.explanation_file_sha256, f.data"
    " FROM leave_requests l JOIN leave_explanation_files f ON f.request_id = l.id"
    " WHERE l.id = $1 AND" LEAVE_VISIBLE("l", "$2", "$3")};

void h_leave_explanation_attachment(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    char b[24], u[24];
    const char *params[] = {db_int(b, id), db_int(u, r->caller->id),
                            sees_all(r->caller) ? "true" : "false"};
    PGresult *res = db_read_or_reply(r, &Q_EXPLANATION_DATA, 3, params);
    if (!res)
        return;
    if (PQntuples(res) == 0) {
        PQclear(res);
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "no such attachment");
        return;
    }
    size_t n = 0;
    unsigned char *bin = PQunescapeBytea((const unsigned char *)db_col_str(res, 0, "data"), &n);
    if (!bin) {
        PQclear(res);
        reply_oom(r);
        return;
    }
    char etag[72], disposition[300];
    snprintf(etag, sizeof etag, "\"%s\"", db_col_str(res, 0, "explanation_file_sha256"));
    /* The name is the applicant's: only its safe characters reach the header. */
    char name[201];
    size_t k = 0;
    for (const char *s = db_col_str(res, 0, "explanation_file_name"); *s && k < sizeof name - 1; s++)
        name[k++] = ((unsigned char)*s < 0x80 && *s != '"' && *s != '\\' && *s >= 0x20) ? *s : '_';
    name[k] = '\0';
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", name);
    ulfius_set_binary_body_response(r->resp, 200, (const char *)bin, n);
    u_map_put(r->resp->map_header, "Content-Type", db_col_str(res, 0, "explanation_file_type"));
    u_map_put(r->resp->map_header, "Content-Disposition", disposition);
    u_map_put(r->resp->map_header, "ETag", etag);
    u_map_put(r->resp->map_header, "X-Content-Type-Options", "nosniff");
    u_map_put(r->resp->map_header, "X-Request-Id", r->rid);
    PQfreemem(bin);
    PQclear(res);
}
