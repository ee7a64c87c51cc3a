/* Incoming documents (收文): the secretariat registers each on a processing
 * card with a yearly registry number and proposes handling (拟办); the
 * director assigns it to leaders (分拨); each leader instructs (批示); the
 * secretariat forwards it to the handling departments, which report it
 * done; a subordinate's request needing a reply gets a 批复 drafted by the
 * secretariat as a linked outgoing document (R-DOC-7, R-DOC-8). Deadlines,
 * reminders and overdue flags are the background job's (sweep.c, R-DOC-9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "documents.h"
#include "list.h"
#include "page_json.h"

static const char *const source_kinds[] = {"superior", "peer", "subordinate", NULL};
static const char *const kinds[] = {"document", "request", "report", NULL};
static const char *const urgencies[] = {"normal", "urgent", "extra_urgent", NULL};
static const char *const secrecies[] = {"none", "secret", "confidential", NULL};
static const char *const states[] = {"registered", "proposed", "assigned", "instructed",
                                     "forwarded",  "completed", "replied", "archived", NULL};

/* ---------- reads ---------- */

/* The items are built from plain columns (page_json.h). */
static const db_stmt Q_INCOMING_LIST = {
    "incoming_list",
    "SELECT" INCOMING_COLS("i") " FROM incoming i"
    " WHERE " PAGE_BEFORE("i.id", "$1") " AND ($2::text IS NULL OR i.state = $2)"
    " AND (NOT $3 OR (i.overdue AND i.state NOT IN ('completed', 'replied', 'archived')))"
    " AND (NOT $4 OR ($5::bigint = ANY (i.leader_ids) AND NOT $5::bigint = ANY (i.instructed_ids)"
    "      AND i.state = 'assigned'))"
    " AND" INCOMING_VISIBLE("i", "$5", "$6")
    " ORDER BY i.id DESC LIMIT $7"};

/* The overdue list (R-DOC-9) with no other filter, the one the
 * secretariat watches: a statement whose generic plan is kept (the
 * general one above is planned again on every call, a third of its
 * time). The scan walks the partial index incoming_overdue newest first;
 * its bound is a constant (PAGE_SCAN_LIMIT), so the estimate is a page.
 * $1 cursor, $2 reader, $3 reader's department, $4 limit. */
static const db_stmt Q_INCOMING_OVERDUE = {
    "incoming_overdue",
    "SELECT x.* FROM (SELECT" INCOMING_COLS("i") " FROM incoming i"
    " WHERE i.overdue AND " PAGE_BEFORE("i.id", "$1")
    " AND i.state NOT IN ('completed', 'replied', 'archived')"
    " AND" INCOMING_VISIBLE("i", "$2", "$3")
    " ORDER BY i.id DESC LIMIT " PAGE_SCAN_LIMIT ") x ORDER BY x.id DESC LIMIT $4"};

static const list_filter incoming_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "overdue", .kind = LIST_BOOL},
    {.name = "assigned_to_me", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t incoming_list = {
    .stmt = &Q_INCOMING_LIST,
    .filters = incoming_filters,
    .params = {"@cursor", "state", "overdue", "assigned_to_me", "@caller", "@department",
               "@limit"},
};

static const char *const overdue_params[] = {"@cursor", "@caller", "@department", "@limit", NULL};

void h_incoming_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &incoming_list, &q))
        return;
    bool overdue_only = list_true(&q, "overdue") && !list_true(&q, "assigned_to_me") &&
                        !list_given(&q, "state");
    PGresult *res = overdue_only ? list_read_or_reply(&q, &Q_INCOMING_OVERDUE, overdue_params)
                                 : list_read_or_reply(&q, incoming_list.stmt, incoming_list.params);
    if (!res)
        return;
    /* Every read of a secret item is audited, in a list as alone. */
    if (audit_page_or_reply(r, res, q.limit, "id", "secrecy", "incoming", "read_list")) {
        PQclear(res);
        return;
    }
    reply_page_cols(r, res, q.limit, incoming_cols);
}

static const db_stmt Q_INCOMING_GET = {
    "incoming_get",
    "SELECT incoming_doc(i), i.version, i.id, i.secrecy FROM incoming i"
    " WHERE i.id = $1 AND incoming_visible(i, $2, $3)"};

void h_incoming_get(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    char b[24], u[24], d[24];
    const char *params[] = {db_int(b, id), db_int(u, r->caller->id),
                            db_int(d, r->caller->department_id)};
    PGresult *res = db_read_or_reply(r, &Q_INCOMING_GET, 3, params);
    if (!res)
        return;
    /* A secret item's every read is audited, as a document's. */
    if (audit_page_or_reply(r, res, 1, "id", "secrecy", "incoming", "read")) {
        PQclear(res);
        return;
    }
    action_reply_versioned(r, res);
}

/* ---------- create ---------- */

typedef struct incoming_in {
    const char *source_kind, *source_org, *original_number, *kind, *title, *received_at,
        *urgency, *secrecy, *deadline, *summary;
} incoming_in;

static const json_field incoming_fields[] = {
    {.name = "source_kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = source_kinds,
     .offset = offsetof(incoming_in, source_kind)},
    {.name = "source_org", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(incoming_in, source_org)},
    {.name = "original_number", .type = JF_TEXT, .max = 100,
     .offset = offsetof(incoming_in, original_number)},
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = kinds,
     .offset = offsetof(incoming_in, kind)},
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(incoming_in, title)},
    {.name = "received_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(incoming_in, received_at)},
    {.name = "urgency", .type = JF_ENUM, .values = urgencies,
     .offset = offsetof(incoming_in, urgency)},
    {.name = "secrecy", .type = JF_ENUM, .values = secrecies,
     .offset = offsetof(incoming_in, secrecy)},
    {.name = "deadline", .type = JF_DATE, .flags = JF_NULLABLE,
     .offset = offsetof(incoming_in, deadline)},
    {.name = "summary", .type = JF_TEXT, .max = 4000, .offset = offsetof(incoming_in, summary)},
    JF_END,
};

typedef struct incoming_tx {
    incoming_in in;
} incoming_tx;

static const db_stmt Q_INCOMING_INSERT = {
    "incoming_insert",
    "WITH n AS (SELECT take_number('incoming', $11::int) AS seq),"
    " i AS (INSERT INTO incoming(source_kind, source_org, original_number, kind, title,"
    " received_at, urgency, secrecy, deadline, summary, registry_year, registry_seq,"
    " registry_number, creator_id, path_ids)"
    " SELECT $1, $2, coalesce($3, ''), $4, $5, $6, coalesce($7, 'normal'),"
    " coalesce($8, 'none'), $9, coalesce($10, ''), $11, n.seq,"
    " '收〔' || $11 || '〕' || n.seq || '号', $12, ARRAY[$12::bigint] FROM n RETURNING id)"
    " SELECT id FROM i"};

static const db_stmt Q_ENTRY = {
    "incoming_entry", "SELECT incoming_add_entry($1, $2, $3, $4)"};

static const db_stmt Q_INCOMING_DOC = {
    "incoming_doc", "SELECT incoming_doc(i) AS doc FROM incoming i WHERE i.id = $1"};

int incoming_entry(db_conn *c, long long id, const char *step, long long actor, const char *text,
                   problem_t *p)
{
    char i[24], a[24];
    const char *params[] = {db_int(i, id), step, actor ? db_int(a, actor) : NULL, text};
    return db_run(c, &Q_ENTRY, 4, params, p);
}

char *incoming_doc_text(db_conn *c, long long id, problem_t *p)
{
    char i[24];
    const char *params[] = {db_int(i, id)};
    PGresult *res;
    if (db_query(c, &Q_INCOMING_DOC, 1, params, &res, p))
        return NULL;
    char *doc = PQntuples(res) ? strdup(db_col_str(res, 0, "doc")) : NULL;
    PQclear(res);
    if (!doc)
        problem_oom(p);
    return doc;
}

static int incoming_store(db_conn *c, create_tx *ct, problem_t *p)
{
    incoming_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    bool secretariat;
    if (store_is_secretariat(c, me->department_id, &secretariat, p))
        return -1;
    if (!secretariat)
        return problem_set(p, ERR_INCOMING_SECRETARIAT_ONLY, NULL,
                           !strcmp(t->in.source_kind, "subordinate") ? "R-DOC-8" : "R-DOC-7",
                           "the secretariat (文秘科) registers incoming documents");
    const incoming_in *in = &t->in;
    char year[24], uid[24];
    const char *params[] = {in->source_kind, in->source_org, in->original_number, in->kind,
                            in->title,       in->received_at, in->urgency,       in->secrecy,
                            in->deadline,    in->summary,     db_int(year, office_year()),
                            db_int(uid, me->id)};
    PGresult *res;
    if (db_query(c, &Q_INCOMING_INSERT, 12, params, &res, p))
        return -1;
    ct->id = db_col_ll(res, 0, "id");
    PQclear(res);
    if (incoming_entry(c, ct->id, "register", me->id, in->summary, p) ||
        !(ct->doc = incoming_doc_text(c, ct->id, p)))
        return -1;
    /* A subordinate's request or report goes to the director for
     * assignment as soon as it is registered (R-DOC-8). */
    if (!strcmp(in->source_kind, "subordinate")) {
        char title[TITLE_BYTES];
        snprintf(title, sizeof title, "Assign the incoming %s: %s", in->kind, in->title);
        utf8_trim(title, sizeof title);
        if (store_notify_director(c, "incoming_to_assign", title, "incoming", ct->id, p))
            return -1;
    }
    return 0;
}

static const create_t incoming_create = {
    .entity = "incoming",
    .fields = incoming_fields,
    .store = incoming_store,
};

void h_incoming_create(req_t *r)
{
    incoming_tx t = {0};
    create_handle(r, &incoming_create, &t.in, &t);
}
