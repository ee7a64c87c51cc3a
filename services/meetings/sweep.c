/* The background job. Every few seconds, in short transactions that claim
 * their rows with FOR UPDATE SKIP LOCKED (or a unique key), so that several
 * copies of the service never act twice:
 *  - a month past its 20th day without a regular meeting: the secretariat
 *    is reminded, once per month (R-MTG-1);
 *  - a decision past its deadline: flagged overdue and its responsible
 *    person, the convener and the secretariat chief told, once (R-MTG-9);
 *  - a decision due within DECISION_DUE_SOON_DAYS: its responsible person
 *    reminded, once (R-MTG-9);
 *  - overdue decisions proposed as topics of the next regular meeting
 *    (R-MTG-9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "log.h"
#include "meetings.h"

#define SWEEP_BATCH "50"

/* $1 the month (YYYY-MM). The primary key of regular_meeting_reminders
 * makes the reminder once per month whatever the number of copies. */
static const db_stmt Q_MONTH_REMINDER = {
    "mtg_sweep_month",
    "WITH due AS (SELECT $1::text AS month WHERE NOT EXISTS (SELECT 1 FROM meetings m"
    "   WHERE m.kind = 'regular' AND m.state <> 'cancelled'"
    "   AND to_char(m.scheduled_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = $1)"
    "   AND EXISTS (SELECT 1 FROM identity.org_people sp JOIN identity.org_departments sd"
    "   ON sd.id = sp.department_id WHERE sd.is_secretariat AND sp.active AND NOT sp.is_secretary)),"
    " ins AS (INSERT INTO regular_meeting_reminders(month) SELECT month FROM due"
    "   ON CONFLICT (month) DO NOTHING RETURNING month)"
    " SELECT count(identity.notify(p.id, 'regular_meeting_due',"
    "   'No regular director''s meeting in ' || ins.month || ' yet',"
    "   'The director''s office meeting is held about monthly (R-MTG-1): gather topics and"
    " propose a date.', 'month', replace(ins.month, '-', '')::bigint))"
    " FROM ins, identity.org_people p JOIN identity.org_departments d ON d.id = p.department_id"
    " WHERE d.is_secretariat AND p.active AND NOT p.is_secretary"};

/* What a reminder says of decision d: the start of its text, but not a
 * confidential one's (R-MTG-8), which is read in the decision itself,
 * where the read is audited; a notification's read is not. */
#define NOTE_TEXT                                                                                  \
    "CASE WHEN d.confidential THEN 'A confidential decision: read it in the decision (R-MTG-8).'" \
    " ELSE left(d.text, 200) END"

static const db_stmt Q_FLAG_OVERDUE = {
    "mtg_sweep_overdue",
    "WITH due AS (SELECT d.id FROM decisions d WHERE d.state IN ('published', 'in_progress')"
    "   AND d.overdue_at IS NULL AND d.deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date"
    "   ORDER BY d.deadline, d.id LIMIT " SWEEP_BATCH " FOR UPDATE SKIP LOCKED),"
    " upd AS (UPDATE decisions d SET overdue_at = now(), updated_at = now() FROM due"
    "   WHERE d.id = due.id RETURNING d.id, d.responsible_id, d.meeting_id, d.deadline,"
    "   " NOTE_TEXT " AS text)"
    " SELECT count(identity.notify(u.who, 'decision_overdue',"
    "   'Decision ' || upd.id || ' is overdue (deadline ' || upd.deadline || ')', upd.text,"
    "   'decision', upd.id))"
    " FROM upd JOIN meetings m ON m.id = upd.meeting_id,"
    " LATERAL (SELECT DISTINCT w FROM unnest(ARRAY[upd.responsible_id, m.chair_id,"
    "   m.recorder_id]) AS w) AS u(who)"};

static const db_stmt Q_DUE_SOON = {
    "mtg_sweep_due_soon",
    "WITH due AS (SELECT d.id FROM decisions d WHERE d.state IN ('published', 'in_progress')"
    "   AND d.due_reminded_at IS NULL"
    "   AND d.deadline BETWEEN (now() AT TIME ZONE 'Asia/Shanghai')::date"
    "   AND (now() AT TIME ZONE 'Asia/Shanghai')::date + $1::integer"
    "   ORDER BY d.deadline, d.id LIMIT " SWEEP_BATCH " FOR UPDATE SKIP LOCKED),"
    " upd AS (UPDATE decisions d SET due_reminded_at = now(), updated_at = now() FROM due"
    "   WHERE d.id = due.id RETURNING d.id, d.responsible_id, d.deadline, " NOTE_TEXT " AS text)"
    " SELECT count(identity.notify(upd.responsible_id, 'decision_due_soon',"
    "   'Decision ' || upd.id || ' is due on ' || upd.deadline, upd.text, 'decision', upd.id))"
    " FROM upd"};

static const db_stmt Q_PROPOSE = {"mtg_sweep_propose", "SELECT propose_overdue_topics()"};

typedef struct sweep_arg {
    const db_stmt *st;
    int n;
    const char *const *params;
} sweep_arg;

static int sweep_run(db_conn *c, void *arg, problem_t *p)
{
    sweep_arg *a = arg;
    return db_run(c, a->st, a->n, a->params, p);
}

static void sweep_step(service_t *svc, const char *what, const db_stmt *st, int n,
                       const char *const *params)
{
    sweep_arg a = {st, n, params};
    problem_t p = {0};
    if (db_tx(svc->db, 1000, NULL, sweep_run, &a, &p))
        log_msg(LOG_WARN, "meetings-sweep", "%s: %s", what, p.detail);
    problem_clear(&p);
}

/* The month of `date` (YYYY-MM-DD) and the one before it. */
static void months(const char *date, char this_month[24], char last_month[24])
{
    int y = atoi(date), m = atoi(date + 5);
    snprintf(this_month, 24, "%04d-%02d", y, m);
    if (--m == 0) {
        m = 12;
        y--;
    }
    snprintf(last_month, 24, "%04d-%02d", y, m);
}

static void sweep_once(service_t *svc)
{
    meetings_ctx *ctx = svc->ctx;
    char today[11], this_month[24], last_month[24], soon[24];
    office_date(now_s(), today);
    months(today, this_month, last_month);
    /* The month before has passed its 20th day: a reminder missed while no
     * copy was running is still given. */
    const char *pl[] = {last_month};
    sweep_step(svc, "monthly reminder", &Q_MONTH_REMINDER, 1, pl);
    if (mtg_month_reminder_due(today)) {
        const char *pt[] = {this_month};
        sweep_step(svc, "monthly reminder", &Q_MONTH_REMINDER, 1, pt);
    }
    sweep_step(svc, "overdue decisions", &Q_FLAG_OVERDUE, 0, NULL);
    const char *ps[] = {db_int(soon, ctx->due_soon_days)};
    sweep_step(svc, "decisions due soon", &Q_DUE_SOON, 1, ps);
    sweep_step(svc, "overdue topics", &Q_PROPOSE, 0, NULL);
}

int sweep_start(service_t *svc)
{
    meetings_ctx *ctx = svc->ctx;
    return job_start(&ctx->sweep, svc, "meetings-sweep", ctx->sweep_seconds, sweep_once);
}

void sweep_stop(service_t *svc)
{
    job_stop(&((meetings_ctx *)svc->ctx)->sweep);
}
