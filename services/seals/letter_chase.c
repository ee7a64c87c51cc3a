/* Letters are accounted for (R-LET-3, 印信管理使用制度 二.3): an issued letter
 * past its validity that is neither used nor returned is chased. A
 * background job reminds its requester and the custodian of its seal, and
 * again every LETTER_REMINDER_HOURS, until the letter is returned to its
 * stub or recorded as used. Due letters are claimed with FOR UPDATE SKIP
 * LOCKED and marked in the same transaction, so that however many copies of
 * the service run, each reminder is sent once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "config.h"
#include "log.h"
#include "seals.h"

#define CHASE_BATCH "50"

/* A letter is past its validity once its last valid day has ended, office
 * time. */
static const db_stmt Q_CHASE_DUE = {
    "seals_letters_chase_due",
    "UPDATE intro_letters l SET chased_at = now(), chase_count = l.chase_count + 1"
    " FROM (SELECT x.id FROM intro_letters x WHERE x.state = 'issued'"
    "   AND x.valid_until < (now() AT TIME ZONE 'Asia/Shanghai')::date"
    "   AND (x.chased_at IS NULL OR x.chased_at <= now() - make_interval(hours => $1::integer))"
    "   ORDER BY x.valid_until, x.id LIMIT " CHASE_BATCH " FOR UPDATE SKIP LOCKED) d,"
    " seals s WHERE l.id = d.id AND s.id = l.seal_id"
    " RETURNING l.id, l.requester_id, s.custodian_id, l.letter_number, l.recipient_org,"
    " l.valid_until, l.chase_count"};

static int chase_run(db_conn *c, void *arg, problem_t *p)
{
    const service_t *svc = arg;
    const seals_ctx *ctx = svc->ctx;
    char hours[24];
    const char *params[] = {db_int(hours, ctx->reminder_hours)};
    PGresult *res;
    if (db_query(c, &Q_CHASE_DUE, 1, params, &res, p))
        return -1;
    int rc = 0;
    for (int i = 0, n = PQntuples(res); i < n && rc == 0; i++) {
        long long id = db_col_ll(res, i, "id");
        char title[TITLE_BYTES], body[TITLE_BYTES];
        snprintf(title, sizeof title, "Introduction letter %s is past its validity",
                 db_col_str(res, i, "letter_number"));
        snprintf(body, sizeof body,
                 "The letter to %s was valid until %s and is neither used nor returned: record "
                 "its use, or return it to the custodian to be attached to its stub (R-LET-3). "
                 "Reminder %s.",
                 db_col_str(res, i, "recipient_org"), db_col_str(res, i, "valid_until"),
                 db_col_str(res, i, "chase_count"));
        long long requester = db_col_ll(res, i, "requester_id");
        long long custodian = db_col_ll(res, i, "custodian_id");
        rc = notify(c, requester, "intro_letter_overdue", title, body, "intro_letter", id, p);
        if (rc == 0 && custodian != requester)
            rc = notify(c, custodian, "intro_letter_overdue", title, body, "intro_letter", id, p);
    }
    PQclear(res);
    return rc;
}

static void chase_round(service_t *svc)
{
    problem_t p = {0};
    if (db_tx(svc->db, 1000, NULL, chase_run, svc, &p))
        log_msg(LOG_WARN, "seals-letter-chase", "letters past their validity: %s", p.detail);
    problem_clear(&p);
}

int letter_chase_start(service_t *svc)
{
    seals_ctx *ctx = svc->ctx;
    if (cfg_long("LETTER_CHASE_SECONDS", 5, 1, 86400, &ctx->chase_seconds) |
        cfg_long("LETTER_REMINDER_HOURS", 24, 1, 24 * 365, &ctx->reminder_hours))
        return -1;
    return job_start(&ctx->chaser, svc, "seals-letter-chase", ctx->chase_seconds, chase_round);
}

void letter_chase_stop(service_t *svc)
{
    job_stop(&((seals_ctx *)svc->ctx)->chaser);
}
