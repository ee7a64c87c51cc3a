/* The background job of the incoming register (R-DOC-9). Every few seconds
 * it claims due items with FOR UPDATE SKIP LOCKED, so that however many
 * copies of the service run, each item is reminded and flagged once:
 *  - an open item whose deadline is within the reminder days: a reminder
 *    (催办) to whoever holds it and to the secretariat, which follows up;
 *  - an open item past its deadline: flagged overdue, the same people and
 *    the director told. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "documents.h"
#include "log.h"

#define SWEEP_BATCH "50"

static const db_stmt Q_SWEEP_REMIND = {
    "incoming_sweep_remind",
    "UPDATE incoming i SET reminded_at = now(), version = i.version + 1, updated_at = now()"
    " FROM (SELECT id FROM incoming WHERE deadline IS NOT NULL"
    "   AND state NOT IN ('completed', 'replied', 'archived') AND reminded_at IS NULL"
    "   AND deadline >= current_date AND deadline <= current_date + $1::int"
    "   ORDER BY deadline LIMIT " SWEEP_BATCH " FOR UPDATE SKIP LOCKED) due"
    " WHERE i.id = due.id"
    " RETURNING i.id, i.title, i.deadline, (i.path_ids || i.leader_ids)::text AS concerned"};

static const db_stmt Q_SWEEP_OVERDUE = {
    "incoming_sweep_overdue",
    "UPDATE incoming i SET overdue = true, overdue_at = now(), version = i.version + 1,"
    " updated_at = now()"
    " FROM (SELECT id FROM incoming WHERE deadline IS NOT NULL"
    "   AND state NOT IN ('completed', 'replied', 'archived') AND NOT overdue"
    "   AND deadline < current_date"
    "   ORDER BY deadline LIMIT " SWEEP_BATCH " FOR UPDATE SKIP LOCKED) due"
    " WHERE i.id = due.id"
    " RETURNING i.id, i.title, i.deadline, (i.path_ids || i.leader_ids)::text AS concerned"};

/* Everyone concerned, once each: the people on the item, the secretariat
 * that follows up, and for an overdue item the director. */
static const db_stmt Q_SWEEP_NOTIFY = {
    "incoming_sweep_notify",
    "SELECT count(identity.notify(u.x, $2, $3, '', 'incoming', $4)) FROM ("
    " SELECT unnest($1::bigint[]) AS x"
    " UNION SELECT pp.id FROM identity.org_people pp"
    "   JOIN identity.org_departments od ON od.id = pp.department_id"
    "   WHERE od.is_secretariat AND pp.active"
    " UNION SELECT pp.id FROM identity.org_people pp"
    "   WHERE $5 AND pp.position = 'office_director' AND pp.active) u WHERE u.x > 0"};

static int sweep_run(db_conn *c, void *arg, problem_t *p)
{
    documents_ctx *ctx = arg;
    for (int pass = 0; pass < 2; pass++) {
        bool overdue = pass == 1;
        char days[24];
        const char *params[] = {db_int(days, ctx->remind_days)};
        PGresult *res;
        if (db_query(c, overdue ? &Q_SWEEP_OVERDUE : &Q_SWEEP_REMIND, overdue ? 0 : 1,
                     overdue ? NULL : params, &res, p))
            return -1;
        int rc = 0;
        for (int i = 0, n = PQntuples(res); i < n && rc == 0; i++) {
            long long id = db_col_ll(res, i, "id");
            char title[TITLE_BYTES], text[128];
            snprintf(title, sizeof title, overdue ? "Overdue (逾期), due %s: %s"
                                                  : "Reminder (催办), due %s: %s",
                     db_col_str(res, i, "deadline"), db_col_str(res, i, "title"));
            utf8_trim(title, sizeof title);
            snprintf(text, sizeof text, "due %s", db_col_str(res, i, "deadline"));
            const char *kind = overdue ? "incoming_overdue" : "incoming_reminder";
            char eid[24];
            const char *np[] = {db_col_str(res, i, "concerned"), kind, title, db_int(eid, id),
                                overdue ? "true" : "false"};
            rc = incoming_entry(c, id, overdue ? "overdue" : "remind", 0, text, p) ||
                         db_run(c, &Q_SWEEP_NOTIFY, 5, np, p)
                     ? -1
                     : 0;
        }
        PQclear(res);
        if (rc)
            return -1;
    }
    return 0;
}

static void sweep_round(service_t *svc)
{
    problem_t p = {0};
    if (db_tx(svc->db, 1000, NULL, sweep_run, svc->ctx, &p))
        log_msg(LOG_WARN, "documents-sweep", "incoming reminders: %s", p.detail);
    problem_clear(&p);
}

int sweep_start(service_t *svc)
{
    documents_ctx *ctx = svc->ctx;
    return job_start(&ctx->sweep, svc, "documents-sweep", ctx->sweep_seconds, sweep_round);
}

void sweep_stop(service_t *svc)
{
    job_stop(&((documents_ctx *)svc->ctx)->sweep);
}
