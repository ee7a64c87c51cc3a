/* Reading the audit trail: administrators, the office director and the
 * secretariat. */
#include <string.h>

#include "identity.h"
#include "list.h"

static const db_stmt Q_IS_SECRETARIAT = {
    "identity_is_secretariat",
    "SELECT 1 FROM departments WHERE id = $1 AND is_secretariat"};

/* The audit trail must not show what the objects' own visibility hides:
 * leave reasons, medical explanations, talk notes of discipline cases. The
 * events of people's personal matters keep their full before and after for
 * administrators, the director and the event's own actor; for the other
 * readers (the secretariat) they keep only what says which object changed
 * and to what state, and are marked "redacted". */
#define PERSONAL_ENTITIES                                                                   \
    "'{leave_request,discipline_case,absence,activity_absence_request,outing}'::text[]"
#define OPEN_KEYS "'{id,state,version,created_at,updated_at}'::text[]"
#define WHOLE " (e.entity_type <> ALL (" PERSONAL_ENTITIES ") OR $6 OR e.actor_id = $7::bigint)"
#define SHOWN(col)                                                                          \
    " CASE WHEN coalesce(" WHOLE ", false) THEN e." col                                      \
    " ELSE (SELECT jsonb_object_agg(k.key, k.value) FROM jsonb_each(e." col ") k"            \
    " WHERE k.key = ANY (" OPEN_KEYS ")) END"

static const db_stmt Q_AUDIT_LIST = {
    "identity_audit_list",
    "SELECT e.id, json_build_object('id', e.id, 'at', e.at, 'service', e.service,"
    " 'actor_id', e.actor_id, 'entity_type', e.entity_type, 'entity_id', e.entity_id,"
    " 'action', e.action, 'before'," SHOWN("before") ", 'after'," SHOWN("after") ","
    " 'redacted', NOT coalesce(" WHOLE ", false),"
    " 'request_id', e.request_id,"
    " 'client_request_id', e.client_request_id)"
    " FROM audit.events e"
    " WHERE " PAGE_BEFORE("e.id", "$1") " AND ($2::text IS NULL OR e.entity_type = $2)"
    " AND ($3::bigint IS NULL OR e.entity_id = $3) AND ($4::bigint IS NULL OR e.actor_id = $4)"
    " ORDER BY e.id DESC LIMIT $5"};

/* Administrators and the director read every event whole ($6). */
static bool reads_whole(const caller_t *c)
{
    return c->is_admin || !strcmp(c->position, POS_OFFICE_DIRECTOR);
}

static const list_filter audit_filters[] = {
    {.name = "entity_type", .kind = LIST_TEXT},
    {.name = "entity_id", .kind = LIST_ID},
    {.name = "actor_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

static const list_t audit_list = {
    .stmt = &Q_AUDIT_LIST,
    .filters = audit_filters,
    .params = {"@cursor", "entity_type", "entity_id", "actor_id", "@limit", "@sees_all",
               "@caller"},
    .sees_all = reads_whole,
};

void h_audit_list(req_t *r)
{
    const caller_t *c = r->caller;
    bool allowed = reads_whole(c);
    if (!allowed && c->department_id) {
        char d[24];
        const char *params[] = {db_int(d, c->department_id)};
        PGresult *res = db_read_or_reply(r, &Q_IS_SECRETARIAT, 1, params);
        if (!res)
            return;
        allowed = PQntuples(res) == 1;
        PQclear(res);
    }
    if (!allowed) {
        reply_problem(r, ERR_FORBIDDEN, NULL, NULL,
                      "the audit trail is open to administrators, the director and the secretariat");
        return;
    }
    list_handle(r, &audit_list);
}
