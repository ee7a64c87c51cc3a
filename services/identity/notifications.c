/* The notification inbox: the office's to-do list. Each person sees only
 * their own. */
#include <string.h>

#include "audit.h"
#include "identity.h"
#include "list.h"

static const db_stmt Q_NOTES_LIST = {
    "identity_notes_list",
    "SELECT n.id, notification_doc(n) FROM notifications n"
    " WHERE n.user_id = $1 AND " PAGE_BEFORE("n.id", "$2")
    " AND ($3::boolean IS NULL OR (n.read_at IS NULL) = $3)"
    " AND ($4::text IS NULL OR n.entity_type = $4)"
    " ORDER BY n.id DESC LIMIT $5"};

static const list_filter note_filters[] = {
    {.name = "unread", .kind = LIST_BOOL, .null_absent = true},
    {.name = "entity_type", .kind = LIST_TEXT},
    LIST_FILTERS_END,
};

static const list_t notes_list = {
    .stmt = &Q_NOTES_LIST,
    .filters = note_filters,
    .params = {"@caller", "@cursor", "unread", "entity_type", "@limit"},
};

void h_notifications_list(req_t *r)
{
    list_handle(r, &notes_list);
}

static const db_stmt Q_NOTE_READ = {
    "identity_note_read",
    "UPDATE notifications n SET read_at = coalesce(read_at, now()),"
    " version = version + CASE WHEN read_at IS NULL THEN 1 ELSE 0 END, updated_at = now()"
    " WHERE n.id = $1 AND n.user_id = $2 RETURNING notification_doc(n)"};

typedef struct note_tx {
    req_t *r;
    long long id;
    char *doc;
} note_tx;

static int note_read_run(db_conn *c, void *arg, problem_t *p)
{
    note_tx *t = arg;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id)};
    PGresult *res = db_exec(c, &Q_NOTE_READ, 2, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such notification");
    }
    t->doc = strdup(db_col_str(res, 0, "notification_doc"));
    PQclear(res);
    return audit_write(c, &t->r->actor, "notification", t->id, "read", NULL, t->doc, p);
}

void h_notifications_read(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    note_tx t = {.r = r, .id = id};
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, note_read_run, &t, &p))
        reply_problem_t(r, &p);
    else
        reply_raw(r, 200, t.doc, strlen(t.doc));
    free(t.doc);
}
