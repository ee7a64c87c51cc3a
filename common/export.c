/* A list that also answers as a CSV export: its query and its answer. */
#include "export.h"

#include <stdio.h>

#include "problem.h"
#include "reply.h"
#include "request.h"

static const char *const formats[] = {"json", "csv", NULL};

int export_query_or_reply(req_t *r, const csv_export *x, long *limit, long long *after,
                          export_query *q)
{
    const char *format = "json";
    q->from = q->to = NULL;
    if (query_date_or_reply(r, "from", &q->from) || query_date_or_reply(r, "to", &q->to) ||
        query_enum_or_reply(r, "format", formats, &format) || period_or_reply(r, q->from, q->to))
        return -1;
    q->csv = csv_requested(r, format);
    if (q->csv) {
        *after = 0;
        *limit = x->max_rows;
    }
    return 0;
}

void reply_export(req_t *r, const PGresult *res, int col, const csv_export *x)
{
    if (PQntuples(res) <= x->max_rows) {
        reply_csv_docs(r, res, col, x->columns, x->filename);
        return;
    }
    problem_t p = {.code = ERR_BAD_QUERY};
    problem_field(&p, "from", x->too_many, x->max_rows);
    snprintf(p.detail, sizeof p.detail, x->too_many_detail, x->max_rows);
    reply_problem_t(r, &p);
}
