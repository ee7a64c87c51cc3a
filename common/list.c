/* The list runner: a list's filters read from its query, its statement's
 * parameters put in the order the statement numbers them, its page
 * answered. */
#include "list.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reply.h"
#include "request.h"

static int filter_or_reply(req_t *r, const list_filter *f, list_query *q, int i)
{
    q->value[i] = f->absent;
    switch (f->kind) {
    case LIST_ID:
    case LIST_INT: {
        long long min = f->min, max = f->max, v = 0;
        if (f->kind == LIST_ID && !min && !max) {
            min = 1;
            max = INT64_MAX / 2;
        }
        if (query_ll_or_reply(r, f->name, min, max, &v, &q->given[i]))
            return -1;
        if (q->given[i])
            q->value[i] = db_int(q->num[i], v);
        return 0;
    }
    case LIST_ENUM:
        if (query_enum_or_reply(r, f->name, f->values, &q->value[i]))
            return -1;
        q->given[i] = q->value[i] != f->absent;
        return 0;
    case LIST_BOOL: {
        bool v = false;
        if (query_bool_or_reply(r, f->name, &v, &q->given[i]))
            return -1;
        q->value[i] = q->given[i] || !f->null_absent ? (v ? "true" : "false") : NULL;
        return 0;
    }
    case LIST_DATE:
        if (query_date_or_reply(r, f->name, &q->value[i]))
            return -1;
        q->given[i] = q->value[i] != f->absent;
        return 0;
    case LIST_TEXT:
        query_str(r, f->name, &q->value[i]);
        q->given[i] = q->value[i] != f->absent;
        return 0;
    }
    return 0;
}

/* The list's name in a log line: its statement's. */
static const char *list_name(const list_t *l)
{
    return l->stmt ? l->stmt->name : "an export list";
}

static int filter_index(const list_t *l, const char *name)
{
    for (int i = 0; l->filters && l->filters[i].name; i++)
        if (!strcmp(l->filters[i].name, name))
            return i;
    return -1;
}

int list_query_or_reply(req_t *r, const list_t *l, list_query *q)
{
    memset(q, 0, sizeof *q);
    q->r = r;
    q->list = l;
    q->sees_all = -1;
    if (l->path_id && !(q->id = path_id_or_reply(r, "id")))
        return -1;
    if (page_or_reply(r, &q->limit, &q->after))
        return -1;
    for (int i = 0; l->filters && l->filters[i].name; i++)
        if (filter_or_reply(r, &l->filters[i], q, i))
            return -1;
    if (l->export && export_query_or_reply(r, l->export, &q->limit, &q->after, &q->period))
        return -1;
    if (l->sees_all_or_reply) {
        bool all = false;
        if (l->sees_all_or_reply(r, &all))
            return -1;
        q->sees_all = all;
    }
    if (l->period) {
        int from = filter_index(l, "from"), to = filter_index(l, "to");
        if (period_or_reply(r, from < 0 || !q->given[from] ? NULL : q->value[from],
                            to < 0 || !q->given[to] ? NULL : q->value[to]))
            return -1;
    }
    return 0;
}

bool list_given(const list_query *q, const char *name)
{
    int i = filter_index(q->list, name);
    return i >= 0 && q->given[i];
}

bool list_true(list_query *q, const char *name)
{
    const char *v = list_value(q, name);
    return v && !strcmp(v, "true");
}

const char *list_value(list_query *q, const char *name)
{
    const caller_t *c = q->r->caller;
    if (name[0] != '@') {
        int i = filter_index(q->list, name);
        if (i < 0) {
            log_msg(LOG_ERROR, q->r->rid, "list: no filter %s for %s", name,
                    list_name(q->list));
            abort();
        }
        return q->value[i];
    }
    if (!strcmp(name, "@id"))
        return db_int(q->path, q->id);
    if (!strcmp(name, "@cursor"))
        return q->after ? db_int(q->cursor, q->after) : NULL;
    if (!strcmp(name, "@limit"))
        return db_int(q->limit1, q->limit + 1);
    if (!strcmp(name, "@caller"))
        return db_int(q->caller, c->id);
    if (!strcmp(name, "@department"))
        return c->department_id ? db_int(q->department, c->department_id) : NULL;
    if (!strcmp(name, "@position"))
        return c->position;
    if (!strcmp(name, "@external"))
        return c->external ? "true" : "false";
    if (!strcmp(name, "@from"))
        return q->period.from ? q->period.from : "-infinity";
    if (!strcmp(name, "@to"))
        return q->period.to ? q->period.to : "infinity";
    if (!strcmp(name, "@rid"))
        return q->r->rid;
    if (!strcmp(name, "@client_rid"))
        return q->r->client_rid;
    if (!strcmp(name, "@may"))
        return q->list->may(c) ? "true" : "false";
    if (!strcmp(name, "@sees_all")) {
        /* Asked once: sees_all_of may ask the database. */
        if (q->sees_all < 0)
            q->sees_all = q->list->sees_all_of ? q->list->sees_all_of(q->r)
                                               : q->list->sees_all && q->list->sees_all(c);
        return q->sees_all ? "true" : "false";
    }
    log_msg(LOG_ERROR, q->r->rid, "list: no parameter %s for %s", name, list_name(q->list));
    abort();
}

PGresult *list_read_or_reply(list_query *q, const db_stmt *st, const char *const *params)
{
    const char *values[LIST_MAX_PARAMS];
    int n = 0;
    for (; n < LIST_MAX_PARAMS && params[n]; n++)
        values[n] = list_value(q, params[n]);
    return db_read_or_reply(q->r, st, n, values);
}

void list_reply(list_query *q)
{
    PGresult *res = list_read_or_reply(q, q->list->stmt, q->list->params);
    if (res)
        reply_page(q->r, res, q->limit);
}

void list_handle(req_t *r, const list_t *l)
{
    list_query q;
    if (list_query_or_reply(r, l, &q) == 0)
        list_reply(&q);
}
