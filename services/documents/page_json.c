/* Pages of documents and incoming items built from plain columns (see
 * page_json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "page_json.h"
#include "reply.h"
#include "textbuf.h"

const page_col document_cols[] = {
    {"id", PK_NUM},
    {"issuer", PK_STR},
    {"doc_type", PK_STR},
    {"title", PK_STR},
    {"body", PK_STR},
    {"main_recipients", PK_STR},
    {"cc_recipients", PK_STR},
    {"secrecy", PK_STR},
    {"urgency", PK_STR},
    {"print_count", PK_NUM},
    {"assigned_by", PK_STR},
    {"reply_to_incoming_id", PK_NUM},
    {"department_id", PK_NUM},
    {"creator_id", PK_NUM},
    {"co_department_ids", PK_IDS},
    {"co_signed_department_ids", PK_IDS},
    {"state", PK_STR},
    {"reviewer_id", PK_NUM},
    {"reviewed_at", PK_JSON},
    {"signer_id", PK_NUM},
    {"signed_by", PK_NUM},
    {"signed_at", PK_JSON},
    {"signed_body_sha256", PK_STR},
    {"doc_number", PK_STR},
    {"doc_year", PK_NUM},
    {"doc_seq", PK_NUM},
    {"numbered_at", PK_JSON},
    {"letterhead_count", PK_NUM},
    {"printed_copies", PK_NUM},
    {"printed_at", PK_JSON},
    {"archived_at", PK_JSON},
    {"stamped_count", PK_NUM},
    {"stamp_mismatch", PK_BOOL},
    {"issued_at", PK_JSON},
    {"decline_reason", PK_STR},
    {"last_comment", PK_STR},
    {"body_version", PK_NUM},
    {"version", PK_NUM},
    {"created_at", PK_JSON},
    {"updated_at", PK_JSON},
    PAGE_COLS_END,
};

const page_col incoming_cols[] = {
    {"id", PK_NUM},
    {"registry_number", PK_STR},
    {"source_kind", PK_STR},
    {"source_org", PK_STR},
    {"original_number", PK_STR},
    {"kind", PK_STR},
    {"title", PK_STR},
    {"received_at", PK_JSON},
    {"urgency", PK_STR},
    {"secrecy", PK_STR},
    {"deadline", PK_JSON},
    {"summary", PK_STR},
    {"state", PK_STR},
    {"creator_id", PK_NUM},
    {"leader_ids", PK_IDS},
    {"instructed_leader_ids", PK_IDS},
    {"department_ids", PK_IDS},
    {"completed_department_ids", PK_IDS},
    {"reply_document_id", PK_NUM},
    {"reminded_at", PK_JSON},
    {"overdue", PK_BOOL},
    {"overdue_at", PK_JSON},
    {"archived_at", PK_JSON},
    {"entries", PK_JSON},
    {"version", PK_NUM},
    {"created_at", PK_JSON},
    {"updated_at", PK_JSON},
    PAGE_COLS_END,
};

/* {1,2,3} as [1,2,3]: a bigint[] prints digits, minus signs, commas and
 * NULL for a null element. */
static void put_ids(text_buf *b, const char *s, size_t n)
{
    tb_put(b, "[", 1);
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == 'N') {
            tb_put(b, "null", 4);
            i += 3;
        } else {
            tb_put(b, s + i, 1);
        }
    }
    tb_put(b, "]", 1);
}

void reply_page_cols(req_t *r, PGresult *res, long limit, const page_col *cols)
{
    int ncols = 0;
    while (cols[ncols].name)
        ncols++;
    int *num = malloc(sizeof *num * (size_t)(ncols ? ncols : 1));
    int idcol = PQfnumber(res, "id");
    bool ok = num && idcol >= 0;
    for (int k = 0; ok && k < ncols; k++)
        ok = (num[k] = PQfnumber(res, cols[k].name)) >= 0;
    if (!ok) {
        free(num);
        PQclear(res);
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "a list's columns do not match its items");
        return;
    }
    int n = PQntuples(res);
    int shown = n > limit ? (int)limit : n;
    text_buf b = {0};
    tb_puts(&b, "{\"items\":[");
    for (int i = 0; i < shown; i++) {
        tb_put(&b, i ? ",{" : "{", i ? 2 : 1);
        for (int k = 0; k < ncols; k++) {
            if (k)
                tb_put(&b, ",", 1);
            tb_put(&b, "\"", 1);
            tb_puts(&b, cols[k].name);
            tb_put(&b, "\":", 2);
            if (PQgetisnull(res, i, num[k])) {
                tb_put(&b, "null", 4);
                continue;
            }
            const char *v = PQgetvalue(res, i, num[k]);
            size_t len = (size_t)PQgetlength(res, i, num[k]);
            switch (cols[k].kind) {
            case PK_STR: tb_json_string(&b, v, len); break;
            case PK_BOOL: tb_puts(&b, v[0] == 't' ? "true" : "false"); break;
            case PK_IDS: put_ids(&b, v, len); break;
            case PK_NUM:
            case PK_JSON: tb_put(&b, v, len); break;
            }
        }
        tb_put(&b, "}", 1);
    }
    if (n > limit) {
        char cur[PAGE_CURSOR_MAX], tail[PAGE_CURSOR_MAX + 32];
        page_cursor_encode(db_get_ll(res, shown - 1, idcol), cur);
        snprintf(tail, sizeof tail, "],\"next_cursor\":\"%s\"}", cur);
        tb_puts(&b, tail);
    } else {
        tb_puts(&b, "],\"next_cursor\":null}");
    }
    free(num);
    PQclear(res);
    if (b.failed)
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
    else
        reply_raw(r, 200, b.s, b.len);
    free(b.s);
}
