#include "audit.h"

#include <string.h>

#include "reply.h"
#include "textbuf.h"

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

/* The events of a page's reads, one per id of $4, as audit_write writes
 * them. */
static const db_stmt Q_AUDIT_PAGE = {
    "common_audit_page",
    "INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action,"
    " request_id, client_request_id)"
    " SELECT $1, $2, $3, x, $5, $6, $7 FROM unnest($4::bigint[]) AS x"};

/* A flag column: a boolean (confidential) or a secrecy level. */
static bool flagged(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return false;
    const char *v = PQgetvalue(res, row, col);
    return strcmp(v, "f") && strcmp(v, "none") && *v;
}

int audit_page_or_reply(req_t *r, const PGresult *res, long shown, const char *id_col,
                        const char *flag_col, const char *entity_type, const char *action)
{
    int id = PQfnumber(res, id_col), flag = PQfnumber(res, flag_col);
    if (id < 0 || flag < 0) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "the page has no %s to audit by",
                      id < 0 ? id_col : flag_col);
        return -1;
    }
    int rows = PQntuples(res);
    text_buf ids = {0};
    for (int i = 0, items = 0; i < rows && items < shown; i++) {
        if (PQgetisnull(res, i, id))
            continue;
        items++;
        if (!flagged(res, i, flag))
            continue;
        tb_puts(&ids, ids.len ? "," : "{");
        tb_put(&ids, PQgetvalue(res, i, id), (size_t)PQgetlength(res, i, id));
    }
    if (!ids.len)
        return 0;
    tb_puts(&ids, "}");
    problem_t p = {0};
    int rc = -1;
    if (ids.failed) {
        problem_oom(&p);
    } else {
        db_conn *c = db_acquire(r->svc->db, r->svc->db_timeout_ms);
        if (!c) {
            problem_set(&p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
        } else {
            char actor[24];
            const char *params[] = {r->svc->name,
                                    r->caller && r->caller->id ? db_int(actor, r->caller->id)
                                                               : NULL,
                                    entity_type,
                                    ids.s,
                                    action,
                                    r->rid,
                                    r->client_rid};
            rc = db_run(c, &Q_AUDIT_PAGE, 7, params, &p);
            db_release(r->svc->db, c);
        }
    }
    tb_free(&ids);
    if (rc)
        reply_problem_t(r, &p);
    return rc;
}

/* The second row's after is $14's text, or with $15 the kept document:
 * CASE evaluates current_setting only then, as it fails when nothing was
 * kept. */
static const db_stmt Q_AUDIT_TWO = {
    "common_audit_write_two",
    "INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before,"
    " after, request_id, client_request_id)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9),"
    " ($1, $2, $10, $11, $12, $13::jsonb,"
    "  CASE WHEN $15::boolean THEN current_setting('oa.audit_doc') ELSE $14 END::jsonb, $8, $9)"};

int audit_write_two(db_conn *c, const actor_t *who, const audit_event *first,
                    const audit_event *second, bool second_kept, problem_t *p)
{
    char actor[24], eid1[24], eid2[24];
    const char *params[] = {who->svc->name,
                            who->user_id ? db_int(actor, who->user_id) : NULL,
                            first->entity_type,
                            db_int(eid1, first->entity_id),
                            first->action,
                            first->before,
                            first->after,
                            who->rid,
                            who->client_rid,
                            second->entity_type,
                            db_int(eid2, second->entity_id),
                            second->action,
                            second->before,
                            second_kept ? NULL : second->after,
                            second_kept ? "true" : "false"};
    return db_write(c, &Q_AUDIT_TWO, 15, params, p);
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
