#include "audit.h"

static const db_stmt Q_AUDIT = {
    "common_audit_write",
    "INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before,"
    " after, request_id, client_request_id)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)"};

int audit_write(db_conn *c, const actor_t *who, const char *entity_type, long long entity_id,
                const char *action, const char *before, const char *after, problem_t *p)
{
    char actor[24], eid[24];
    const char *params[] = {who->svc->name,
                            who->user_id ? db_int(actor, who->user_id) : NULL,
                            entity_type,
                            db_int(eid, entity_id),
                            action,
                            before,
                            after,
                            who->rid,
                            who->client_rid};
    return db_write(c, &Q_AUDIT, 9, params, p);
}

/* The setting AUDIT_DOC (audit.h) makes, local to the transaction. */
static const db_stmt Q_AUDIT_SET_DOC = {
    "common_audit_write_set_doc",
    "INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before,"
    " after, request_id, client_request_id)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, current_setting('oa.audit_doc')::jsonb, $7, $8)"};

int audit_write_set_doc(db_conn *c, const actor_t *who, const char *entity_type,
                        long long entity_id, const char *action, const char *before,
                        problem_t *p)
{
    char actor[24], eid[24];
    const char *params[] = {who->svc->name,
                            who->user_id ? db_int(actor, who->user_id) : NULL,
                            entity_type,
                            db_int(eid, entity_id),
                            action,
                            before,
                            who->rid,
                            who->client_rid};
    return db_write(c, &Q_AUDIT_SET_DOC, 8, params, p);
}

static const db_stmt Q_NOTIFY = {"common_notify",
                                 "SELECT identity.notify($1, $2, $3, $4, $5, $6)"};

int notify(db_conn *c, long long user_id, const char *kind, const char *title,
           const char *body, const char *entity_type, long long entity_id, problem_t *p)
{
    if (user_id <= 0)
        return 0;
    char uid[24], eid[24];
    const char *params[] = {db_int(uid, user_id), kind, title, body, entity_type,
                            db_int(eid, entity_id)};
    return db_write(c, &Q_NOTIFY, 6, params, p);
}

/* One statement and one insert for the whole list (identity.notify_many),
 * each person once; inside a transaction it goes out with the next
 * statement (db_write), as a single notify does. */
static const db_stmt Q_NOTIFY_ALL = {
    "common_notify_all",
    "SELECT identity.notify_many(ARRAY(SELECT DISTINCT x FROM unnest($1::bigint[]) AS x"
    "  WHERE x > 0), $2, $3, $4, $5, $6)"};

int notify_all(db_conn *c, const char *ids, const char *kind, const char *title,
               const char *body, const char *entity_type, long long entity_id, problem_t *p)
{
    char eid[24];
    const char *params[] = {ids, kind, title, body ? body : "", entity_type,
                            db_int(eid, entity_id)};
    return db_write(c, &Q_NOTIFY_ALL, 6, params, p);
}
