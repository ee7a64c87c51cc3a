/* Pages written from plain columns (see page_cols.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "page.h"
#include "page_cols.h"
#include "reply.h"
#include "textbuf.h"

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

static void put_value(text_buf *b, page_kind kind, const char *v, size_t len)
{
    switch (kind) {
    case PK_STR: tb_json_string(b, v, len); break;
    case PK_BOOL: tb_puts(b, v[0] == 't' ? "true" : "false"); break;
    case PK_IDS: put_ids(b, v, len); break;
    case PK_NUM:
    case PK_JSON: tb_put(b, v, len); break;
    case PK_ONE: tb_put(b, "1", 1); break;
    }
}

/* The column number of each member (-1 for PK_ONE), or NULL when one is
 * missing from res. */
static int *column_numbers(const PGresult *res, const page_col *cols, int ncols)
{
    int *num = malloc(sizeof *num * (size_t)(ncols ? ncols : 1));
    for (int k = 0; num && k < ncols; k++) {
        num[k] = cols[k].kind == PK_ONE ? -1
                                        : PQfnumber(res, cols[k].col ? cols[k].col : cols[k].name);
        if (num[k] < 0 && cols[k].kind != PK_ONE) {
            free(num);
            return NULL;
        }
    }
    return num;
}

void reply_page_cols(req_t *r, PGresult *res, long limit, const page_col *cols)
{
    int ncols = 0;
    while (cols[ncols].name)
        ncols++;
    int *num = column_numbers(res, cols, ncols);
    int idcol = PQfnumber(res, "id");
    if (!num || idcol < 0) {
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
            if (num[k] >= 0 && PQgetisnull(res, i, num[k]))
                tb_put(&b, "null", 4);
            else if (num[k] >= 0)
                put_value(&b, cols[k].kind, PQgetvalue(res, i, num[k]),
                          (size_t)PQgetlength(res, i, num[k]));
            else
                put_value(&b, cols[k].kind, "", 0);
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
        reply_oom(r);
    else
        reply_raw(r, 200, b.s, b.len);
    free(b.s);
}
