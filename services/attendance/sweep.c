/* The background sweep. Every few seconds it claims due rows with
 * FOR UPDATE SKIP LOCKED, so that several copies of the service never act
 * twice:
 *  - a closed leave whose extension was not explained by the deadline:
 *    the extension's half-days become absenteeism (R-ATT-4);
 *  - an approved leave past its end and not closed: the applicant is
 *    reminded to close it (销假), once, and each working half-day that
 *    passes turns into absenteeism (R-ATT-4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attendance.h"
#include "audit.h"
#include "leave.h"
#include "log.h"

#define SWEEP_BATCH "20"
/* Leaves settled per round, each in its own transaction. */
#define SWEEP_ROWS 20
/* Failures after which a leave is parked (migration 006). */
#define SWEEP_PARK_AFTER "3"

/* One due leave; those that failed before come after the others. */
static const db_stmt Q_SWEEP_UNEXPLAINED = {
    "att_sweep_unexplained",
    "SELECT id, applicant_id, ext_first_date - DATE '1970-01-01' AS first_day, ext_half_days"
    " FROM leave_requests WHERE state = 'closed' AND ext_half_days > 0 AND ext_outcome IS NULL"
    " AND explanation IS NULL AND explanation_due < now() AND sweep_parked_at IS NULL"
    " ORDER BY sweep_failures, explanation_due LIMIT 1 FOR UPDATE SKIP LOCKED"};

static const db_stmt Q_SWEEP_SETTLE = {
    "att_sweep_settle",
    "UPDATE leave_requests SET ext_outcome = 'absenteeism', ext_absence_id = $2,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static const db_stmt Q_SWEEP_FAILED = {
    "att_sweep_failed",
    "UPDATE leave_requests SET sweep_failures = sweep_failures + 1, sweep_error = $2,"
    " sweep_parked_at = CASE WHEN sweep_failures + 1 >= " SWEEP_PARK_AFTER " THEN now() END"
    " WHERE id = $1 RETURNING sweep_parked_at IS NOT NULL AS parked"};

typedef struct unexplained_tx {
    const actor_t *who;
    long long id; /* the leave claimed, 0 when none was due */
} unexplained_tx;

/* Settles one due leave: its extension's half-days become absenteeism. */
static int unexplained_one(db_conn *c, void *arg, problem_t *p)
{
    unexplained_tx *t = arg;
    t->id = 0;
    PGresult *due;
    if (db_query(c, &Q_SWEEP_UNEXPLAINED, 0, NULL, &due, p))
        return -1;
    if (PQntuples(due) == 0) {
        PQclear(due);
        return 0;
    }
    long long id = t->id = db_col_ll(due, 0, "id"), absence_id = 0;
    absence_new a = {db_col_ll(due, 0, "applicant_id"), (long)db_col_ll(due, 0, "first_day"),
                     (long)db_col_ll(due, 0, "ext_half_days"),
                     "unexplained_extension", "leave_request", id,
                     "no written explanation of the extension by the deadline"};
    PQclear(due);
    char *before = leave_doc_text(c, id, p), *after = NULL;
    if (!before)
        return -1;
    char b[24], ab[24];
    const char *params[] = {db_int(b, id), ab};
    PGresult *res;
    int rc = absence_add(c, t->who, &a, &absence_id, p);
    db_int(ab, absence_id);
    if (rc == 0 && (rc = db_query(c, &Q_SWEEP_SETTLE, 2, params, &res, p)) == 0)
        PQclear(res);
    if (rc == 0 && !(after = leave_doc_text(c, id, p)))
        rc = -1;
    if (rc == 0)
        rc = audit_write(c, t->who, "leave_request", id, "extension_unexplained", before, after, p);
    free(before);
    free(after);
    return rc;
}

typedef struct failed_tx {
    long long id;
    const char *error;
    bool parked;
} failed_tx;

static int record_failure(db_conn *c, void *arg, problem_t *p)
{
    failed_tx *t = arg;
    char b[24];
    const char *params[] = {db_int(b, t->id), t->error};
    PGresult *res;
    if (db_query(c, &Q_SWEEP_FAILED, 2, params, &res, p))
        return -1;
    t->parked = PQntuples(res) == 1 && db_col_bool(res, 0, "parked");
    PQclear(res);
    return 0;
}

/* Settles up to SWEEP_ROWS leaves, each in its own transaction; a leave
 * that fails is recorded (and parked after three failures), and the round
 * goes on with the next. */
static void unexplained_round(service_t *svc, const actor_t *who)
{
    for (int i = 0; i < SWEEP_ROWS && !atomic_load(&svc->stopping); i++) {
        unexplained_tx t = {.who = who};
        problem_t p = {0};
        int rc = db_tx(svc->db, 1000, NULL, unexplained_one, &t, &p);
        if (rc == 0 && t.id == 0)
            return;
        if (rc == 0)
            continue;
        if (t.id == 0) {
            log_msg(LOG_WARN, who->rid, "unexplained extensions: %s", p.detail);
            problem_clear(&p);
            return;
        }
        failed_tx f = {.id = t.id, .error = p.detail[0] ? p.detail : "unknown error"};
        problem_t q = {0};
        if (db_tx(svc->db, 1000, NULL, record_failure, &f, &q))
            log_msg(LOG_WARN, who->rid, "leave %lld: could not record a sweep failure: %s", t.id,
                    q.detail);
        else if (f.parked)
            log_msg(LOG_ERROR, who->rid,
                    "leave %lld parked after " SWEEP_PARK_AFTER " failed settlements: %s", t.id,
                    f.error);
        else
            log_msg(LOG_WARN, who->rid, "leave %lld: settlement failed, will retry: %s", t.id,
                    f.error);
        problem_clear(&q);
        problem_clear(&p);
    }
}

/* 三 "对擅自延长请假时间的按旷工处理": approved leave past its end and not
 * closed turns into absenteeism half-day by half-day. One such leave with
 * a half-day elapsed since the sweep last looked: its id, applicant, the
 * last half-day already looked at and the last one elapsed. */
static const db_stmt Q_SWEEP_LATE = {
    "att_sweep_late",
    "SELECT id, applicant_id, greatest(late_swept_slot, office_slot(ends_at) - 1) AS seen,"
    " office_slot(now()) - 1 AS elapsed FROM leave_requests"
    " WHERE state = 'approved' AND late_swept_slot IS NOT NULL AND return_confirmation IS NULL"
    " AND ends_at < now()"
    " AND office_slot(now()) - 1 > greatest(late_swept_slot, office_slot(ends_at) - 1)"
    " ORDER BY ends_at LIMIT 1 FOR UPDATE SKIP LOCKED"};

static const db_stmt Q_SWEEP_LATE_MARK = {
    "att_sweep_late_mark",
    "UPDATE leave_requests SET late_swept_slot = $3::integer,"
    " late_swept_from = CASE WHEN $4::integer > 0 THEN coalesce(late_swept_from, $2::integer)"
    "   ELSE late_swept_from END,"
    " late_swept_half_days = late_swept_half_days + $4::integer,"
    " version = version + CASE WHEN $4::integer > 0 THEN 1 ELSE 0 END,"
    " updated_at = CASE WHEN $4::integer > 0 THEN now() ELSE updated_at END WHERE id = $1"};

typedef struct late_tx {
    const actor_t *who;
    long long id; /* the leave claimed, 0 when none was due */
} late_tx;

/* Records the working half-days that elapsed since the last look at one
 * unclosed leave as absenteeism, and moves the mark. */
static int late_one(db_conn *c, void *arg, problem_t *p)
{
    late_tx *t = arg;
    t->id = 0;
    PGresult *due;
    if (db_query(c, &Q_SWEEP_LATE, 0, NULL, &due, p))
        return -1;
    if (PQntuples(due) == 0) {
        PQclear(due);
        return 0;
    }
    long long id = t->id = db_col_ll(due, 0, "id"), user = db_col_ll(due, 0, "applicant_id"),
              absence_id = 0;
    long from = (long)db_col_ll(due, 0, "seen"), to = (long)db_col_ll(due, 0, "elapsed");
    PQclear(due);
    calendar cal = {0};
    int rc = cal_load(c, slot_day(from + 1), slot_day(to), &cal, p);
    long n = rc ? 0 : cal_working_halves(&cal, from + 1, to);
    long first = rc ? 0 : cal_first_working_slot(&cal, from + 1, to);
    cal_free(&cal);
    if (rc)
        return -1;
    char *before = n ? leave_doc_text(c, id, p) : NULL, *after = NULL;
    if (n && !before)
        return -1;
    if (n) {
        absence_new a = {user, slot_day(first), n, "late_return", "leave_request", id,
                         "the leave was not closed (销假) after its end"};
        rc = absence_add(c, t->who, &a, &absence_id, p);
    }
    char b[24], f[24], l[24], h[24];
    const char *params[] = {db_int(b, id), db_int(f, from), db_int(l, to), db_int(h, n)};
    PGresult *res;
    if (rc == 0 && (rc = db_query(c, &Q_SWEEP_LATE_MARK, 4, params, &res, p)) == 0)
        PQclear(res);
    if (rc == 0 && n && !(after = leave_doc_text(c, id, p)))
        rc = -1;
    if (rc == 0 && n)
        rc = audit_write(c, t->who, "leave_request", id, "unclosed_absenteeism", before, after, p);
    free(before);
    free(after);
    return rc;
}

/* Up to SWEEP_ROWS unclosed leaves, each in its own transaction. */
static void late_round(service_t *svc, const actor_t *who)
{
    for (int i = 0; i < SWEEP_ROWS && !atomic_load(&svc->stopping); i++) {
        late_tx t = {.who = who};
        problem_t p = {0};
        int rc = db_tx(svc->db, 1000, NULL, late_one, &t, &p);
        if (rc)
            log_msg(LOG_WARN, who->rid, "unclosed leave %lld: %s", t.id, p.detail);
        problem_clear(&p);
        if (rc || t.id == 0)
            return;
    }
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
                 db_col_str(res, i, "ends_at"));
        rc = notify(c, db_col_ll(res, i, "applicant_id"), "leave_close_due", "Close your leave",
                    body, "leave_request", db_col_ll(res, i, "id"), p);
    }
    PQclear(res);
    return rc;
}

static void sweep_once(service_t *svc)
{
    const actor_t who = actor_job(svc, "attendance-sweep");
    problem_t p = {0};
    unexplained_round(svc, &who);
    meeting_absence_round(svc, &who);
    late_round(svc, &who);
    if (db_tx(svc->db, 1000, NULL, unclosed_run, NULL, &p))
        log_msg(LOG_WARN, who.rid, "leave close reminders: %s", p.detail);
    problem_clear(&p);
}

int sweep_start(service_t *svc)
{
    attendance_ctx *ctx = svc->ctx;
    return job_start(&ctx->sweep, svc, "attendance-sweep", ctx->sweep_seconds, sweep_once);
}

void sweep_stop(service_t *svc)
{
    job_stop(&((attendance_ctx *)svc->ctx)->sweep);
}
