/* The runner of a log that is listed by period and exported as CSV. */
#include "list_export.h"

#include "export.h"
#include "reply.h"

void list_export_handle(req_t *r, const list_export_t *x)
{
    list_query q;
    if (list_query_or_reply(r, &x->list, &q))
        return;
    bool by = list_given(&q, x->by);
    if (x->first && by && !q.after && !q.period.csv && list_true(&q, "@sees_all")) {
        PGresult *res = list_read_or_reply(&q, x->first, x->first_params);
        if (res)
            reply_page_cols(r, res, q.limit, x->first_cols);
        return;
    }
    const db_stmt *st = q.period.csv ? (by ? x->export_by : x->export_all)
                                     : (by ? x->page_by : x->page_all);
    PGresult *res = list_read_or_reply(&q, st, x->list.params);
    if (!res)
        return;
    if (q.period.csv) {
        reply_export(r, res, 1, x->list.export);
        PQclear(res);
    } else if (x->cols) {
        reply_page_cols(r, res, q.limit, x->cols);
    } else {
        reply_page(r, res, q.limit);
    }
}
