#ifndef OA_LIST_H
#define OA_LIST_H

/* A list, described instead of written: the filters its query accepts and
 * the order of its statement's parameters. Every list of every service
 * reads the page, then its filters, then runs one statement with the
 * filters, the cursor, the page's size and the caller in the order the
 * statement numbers them; what differs between lists is only that
 * description, so one runner reads it.
 *
 *     static const list_filter filters[] = {
 *         {.name = "seal_id", .kind = LIST_ID},
 *         {.name = "state", .kind = LIST_ENUM, .values = states},
 *         {.name = "to_confirm", .kind = LIST_BOOL},
 *         LIST_FILTERS_END,
 *     };
 *     static const list_t handovers_list = {
 *         .stmt = &Q_HANDOVERS_LIST,
 *         .filters = filters,
 *         .params = {"@cursor", "seal_id", "state", "to_confirm", "@caller", "@sees_all",
 *                    "@limit"},
 *         .sees_all = seals_privileged,
 *     };
 *     void h_handovers_list(req_t *r) { list_handle(r, &handovers_list); }
 */

#include <libpq-fe.h>
#include <stdbool.h>

#include "export.h"
#include "service.h"

#define LIST_MAX_FILTERS 12
#define LIST_MAX_PARAMS 16

typedef enum list_kind {
    LIST_ID,   /* a positive id (1..INT64_MAX/2), or the bounds min..max when given */
    LIST_INT,  /* a whole number from min to max (a year, a level) */
    LIST_ENUM, /* one of values */
    LIST_BOOL, /* true/false (or 1/0): "false" when absent, or NULL with .null_absent */
    LIST_DATE, /* YYYY-MM-DD */
    LIST_TEXT, /* any text, as given */
} list_kind;

/* One query parameter a list accepts. Absent, it stands for NULL (or
 * `absent`, such as "-infinity" for an open period's start). */
typedef struct list_filter {
    const char *name;
    list_kind kind;
    const char *const *values; /* LIST_ENUM: the allowed values, NULL-ended */
    long long min, max;        /* LIST_INT (LIST_ID: 0, 0 for any id) */
    const char *absent;        /* the text an absent filter stands for */
    bool null_absent;          /* LIST_BOOL: absent is NULL, not "false" */
} list_filter;

#define LIST_FILTERS_END {.name = NULL}

/* The statement's parameters, $1 first, each a filter's name or one of:
 *   "@id"         the path's id (list_t.path_id)
 *   "@cursor"     the id of the cursor, NULL on the first page
 *   "@limit"      the page's size plus one (one more row tells a next page)
 *   "@caller"     the caller's user id
 *   "@department" the caller's department id, NULL without one
 *   "@position"   the caller's position
 *   "@external"   "true" when the caller is of an external unit, else "false"
 *   "@sees_all"   "true" when sees_all (sees_all_of, sees_all_or_reply)
 *                 says the caller reads every row, else "false"
 *   "@may"        "true" when may says the caller may act on the rows the
 *                 list can show (approve letters), else "false"
 *   "@from", "@to" the period of an export list (list_t.export)
 *   "@rid", "@client_rid"  the request's id and the client's (for reads
 *                 that audit in SQL) */
typedef struct list_t {
    const db_stmt *stmt;
    const list_filter *filters; /* read in this order, LIST_FILTERS_END-ended; may be NULL */
    const char *params[LIST_MAX_PARAMS];
    bool (*sees_all)(const caller_t *c);
    bool (*sees_all_of)(req_t *r); /* where it asks the database (a department's role) */
    /* The same where a failed look-up is answered (503): asked after the
     * filters, 0 or -1 after answering. */
    int (*sees_all_or_reply)(req_t *r, bool *sees_all);
    bool (*may)(const caller_t *c);
    bool period;                   /* the filters "from" and "to" are a period: to >= from */
    /* A list that is also an export (export.h): ?from, ?to and ?format
     * are read after the filters, and "@from" and "@to" name the period's
     * dates ("-infinity" and "infinity" where it is open). */
    const csv_export *export;
    /* A list of what belongs to the row of the path's id (a meeting's
     * topics): the id is read first (404 when it is not one), "@id". */
    bool path_id;
} list_t;

/* A list's query as read: the page and each filter's text (NULL when
 * absent and without `absent`). Its strings live in the request or in
 * the struct itself, so it stays in the handler's frame. */
typedef struct list_query {
    req_t *r;
    const list_t *list;
    long long id; /* the path's id, with list_t.path_id */
    long limit;
    long long after;
    const char *value[LIST_MAX_FILTERS];
    bool given[LIST_MAX_FILTERS];
    char num[LIST_MAX_FILTERS][24];
    char path[24], cursor[24], limit1[24], caller[24], department[24];
    int sees_all;         /* -1 until asked */
    export_query period;  /* with list_t.export: the period and whether CSV is asked */
} list_query;

/* Reads the page and the list's filters, in order, into q. 0, or -1 after
 * answering 400 naming the first bad parameter. */
int list_query_or_reply(req_t *r, const list_t *l, list_query *q);

/* The text `name` stands for in q: a filter's value or one of the "@"
 * names above. NULL for an absent filter. An unknown name is a
 * programming error: it aborts. */
const char *list_value(list_query *q, const char *name);

/* Whether the filter `name` was given. */
bool list_given(const list_query *q, const char *name);

/* Whether the LIST_BOOL filter `name` is true. */
bool list_true(list_query *q, const char *name);

/* Runs st with the parameters `params` (names as in list_t.params,
 * NULL-ended or LIST_MAX_PARAMS long) on a pooled connection; NULL after
 * answering 503/500. */
PGresult *list_read_or_reply(list_query *q, const db_stmt *st, const char *const *params);

/* Runs the list's statement with its parameters and answers its page
 * (reply_page: column 0 the id, column 1 the item's JSON), for a handler
 * that checks more between reading the query and the list (that the
 * caller may see the row the list belongs to). */
void list_reply(list_query *q);

/* The whole list: list_query_or_reply, then list_reply. */
void list_handle(req_t *r, const list_t *l);

#endif
