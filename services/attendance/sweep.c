/* The background sweep. Every few seconds it claims due rows with
 * FOR UPDATE SKIP LOCKED, so that several copies of the service never act
 * twice:
 *  - a closed leave whose extension was not explained by the deadline:
 *    the extension's half-days become absenteeism (R-ATT-4);
 *  - an approved leave past its end and not closed: the applicant is
 *    reminded to close it (销假), once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attendance.h"
#include "audit.h"
#include "leave.h"
#include "log.h"

#define SWEEP_BATCH "20"

static const db_stmt Q_SWEEP_UNEXPLAINED = {
    "att_sweep_unexplained",
    "SELECT id, applicant_id, ext_first_date - DATE '1970-01-01', ext_half_days"
    " FROM leave_requests WHERE state = 'closed' AND ext_half_days > 0 AND ext_outcome IS NULL"
    " AND explanation_due < now() ORDER BY explanation_due LIMIT " SWEEP_BATCH
    " FOR UPDATE SKIP LOCKED"};

static const db_stmt Q_SWEEP_SETTLE = {
    "att_sweep_settle",
    "UPDATE leave_requests SET ext_outcome = 'absenteeism', ext_absence_id = $2,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static int unexplained_run(db_conn *c, void *arg, problem_t *p)
{
    req_t *r = arg;
    PGresult *due;
    if (db_query(c, &Q_SWEEP_UNEXPLAINED, 0, NULL, &due, p))
        return -1;
    int rc = 0;
    for (int i = 0, n = PQntuples(due); i < n && rc == 0; i++) {
        long long id = db_get_ll(due, i, 0), absence_id = 0;
        char *before = leave_doc_text(c, id, p);
        if (!before) {
            rc = -1;
            break;
        }
        absence_new a = {db_get_ll(due, i, 1), (long)db_get_ll(due, i, 2),
                         (long)db_get_ll(due, i, 3), "unexplained_extension", "leave_request",
                         id, "no written explanation of the extension by the deadline"};
        char b[24], ab[24];
        const char *params[] = {db_int(b, id), ab};
        PGresult *res;
        rc = absence_add(c, r, &a, &absence_id, p);
        db_int(ab, absence_id);
        if (rc == 0 && (rc = db_query(c, &Q_SWEEP_SETTLE, 2, params, &res, p)) == 0)
            PQclear(res);
        char *after = rc == 0 ? leave_doc_text(c, id, p) : NULL;
        if (rc == 0 && !after)
            rc = -1;
        if (rc == 0)
            rc = audit_write(c, r, "leave_request", id, "extension_unexplained", before, after, p);
        free(before);
        free(after);
    }
    PQclear(due);
    return rc;
}

static const db_stmt Q_SWEEP_UNCLOSED = {
    "att_sweep_unclosed",
    "UPDATE leave_requests l SET close_reminded_at = now()"
    " FROM (SELECT id FROM leave_requests WHERE state = 'approved' AND close_reminded_at IS NULL"
    "   AND ends_at < now() ORDER BY ends_at LIMIT " SWEEP_BATCH " FOR UPDATE SKIP LOCKED) d"
    " WHERE l.id = d.id RETURNING l.id, l.applicant_id, l.ends_at"};

static int unclosed_run(db_conn *c, void *arg, problem_t *p)
{
    (void)arg;
    PGresult *res;
    if (db_query(c, &Q_SWEEP_UNCLOSED, 0, NULL, &res, p))
        return -1;
    int rc = 0;
    for (int i = 0, n = PQntuples(res); i < n && rc == 0; i++) {
        char body[400];
        snprintf(body, sizeof body,
                 "Your leave ended at %s; close it (销假) with the time you returned. Every "
                 "working half-day late counts as absenteeism (R-ATT-4).",
                 PQgetvalue(res, i, 2));
        rc = notify(c, db_get_ll(res, i, 1), "leave_close_due", "Close your leave", body,
                    "leave_request", db_get_ll(res, i, 0), p);
    }
    PQclear(res);
    return rc;
}

static void sweep_once(service_t *svc)
{
    req_t r = {.svc = svc, .rid = "attendance-sweep", .route = "sweep"};
    problem_t p = {0};
    if (db_tx(svc->db, 1000, NULL, unexplained_run, &r, &p))
        log_msg(LOG_WARN, r.rid, "unexplained extensions: %s", p.detail);
    problem_clear(&p);
    if (db_tx(svc->db, 1000, NULL, unclosed_run, &r, &p))
        log_msg(LOG_WARN, r.rid, "leave close reminders: %s", p.detail);
    problem_clear(&p);
}

static void *sweep_main(void *arg)
{
    service_t *svc = arg;
    attendance_ctx *ctx = svc->ctx;
    pthread_mutex_lock(&ctx->mu);
    while (!atomic_load(&svc->stopping)) {
        pthread_mutex_unlock(&ctx->mu);
        sweep_once(svc);
        pthread_mutex_lock(&ctx->mu);
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += ctx->sweep_seconds;
        if (!atomic_load(&svc->stopping))
            pthread_cond_timedwait(&ctx->cv, &ctx->mu, &t);
    }
    pthread_mutex_unlock(&ctx->mu);
    return NULL;
}

int sweep_start(service_t *svc)
{
    attendance_ctx *ctx = svc->ctx;
    pthread_mutex_init(&ctx->mu, NULL);
    pthread_cond_init(&ctx->cv, NULL);
    ctx->sweeper_started = pthread_create(&ctx->sweeper, NULL, sweep_main, svc) == 0;
    return ctx->sweeper_started ? 0 : -1;
}

void sweep_stop(service_t *svc)
{
    attendance_ctx *ctx = svc->ctx;
    if (!ctx->sweeper_started)
        return;
    pthread_mutex_lock(&ctx->mu);
    atomic_store(&svc->stopping, true);
    pthread_cond_broadcast(&ctx->cv);
    pthread_mutex_unlock(&ctx->mu);
    pthread_join(ctx->sweeper, NULL);
    ctx->sweeper_started = false;
}
