/* Director's meetings are mandatory office activities (R-ATT-5): a member
 * absent without the director's leave (R-MTG-6) is absent without leave.
 * The meetings service publishes the attendance of closed meetings
 * (meetings.meeting_attendance); each absence becomes one absenteeism
 * record of one half-day on the meeting's date, exactly once however many
 * copies run: each is recorded under an advisory lock on the meeting,
 * checked again inside it, and the unique index absences_one_per_meeting
 * refuses a second. Meetings' decisions are cited by discipline cases
 * through meetings.published_decisions (R-ATT-6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "log.h"

/* The meetings service may not be deployed (or not migrated yet). */
static const db_stmt Q_VIEWS_THERE = {
    "att_meeting_views_there",
    "SELECT to_regclass('meetings.meeting_attendance') IS NOT NULL"
    " AND to_regclass('meetings.published_decisions') IS NOT NULL AS there"};

static bool views_there(db_conn *c, problem_t *p)
{
    PGresult *res;
    if (db_query(c, &Q_VIEWS_THERE, 0, NULL, &res, p))
        return false;
    bool there = db_col_bool(res, 0, "there");
    PQclear(res);
    return there;
}

static const db_stmt Q_MEETING_ABSENT = {
    "att_meeting_absent",
    "SELECT v.meeting_id, v.user_id, v.meeting_date - DATE '1970-01-01' AS day,"
    " left(v.title, 200) AS title"
    " FROM meetings.meeting_attendance v"
    " WHERE v.absent_without_leave AND v.meeting_kind IN ('regular', 'urgent')"
    " AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.source_type = 'meeting'"
    "   AND a.source_id = v.meeting_id AND a.user_id = v.user_id)"
    " ORDER BY v.closed_at, v.meeting_id, v.user_id LIMIT 20"};

static const db_stmt Q_MEETING_LOCK = {
    "att_meeting_absence_lock",
    "SELECT pg_advisory_xact_lock(hashtext('attendance.meeting_absence'),"
    " ($1::bigint % 2147483647)::integer),"
    " EXISTS (SELECT 1 FROM absences a WHERE a.source_type = 'meeting' AND a.source_id = $1"
    "   AND a.user_id = $2) AS done"};

typedef struct meeting_absent {
    const actor_t *who;
    long long meeting, user;
    long day;
    const char *title;
} meeting_absent;

static int record_run(db_conn *c, void *arg, problem_t *p)
{
    meeting_absent *m = arg;
    char mid[24], uid[24];
    const char *params[] = {db_int(mid, m->meeting), db_int(uid, m->user)};
    PGresult *res;
    if (db_query(c, &Q_MEETING_LOCK, 2, params, &res, p))
        return -1;
    bool done = db_col_bool(res, 0, "done");
    PQclear(res);
    if (done)
        return 0;
    char note[400];
    snprintf(note, sizeof note,
             "absent from the director's meeting %s without the director's leave (R-ATT-5)",
             m->title);
    absence_new a = {m->user, m->day, 1, "meeting_absence", "meeting", m->meeting, note};
    long long id = 0;
    return absence_add(c, m->who, &a, &id, p);
}

void meeting_absence_round(service_t *svc, const actor_t *who)
{
    problem_t p = {0};
    db_conn *c = db_acquire(svc->db, 1000);
    if (!c)
        return;
    PGresult *res = NULL;
    bool there = views_there(c, &p);
    if (there && db_query(c, &Q_MEETING_ABSENT, 0, NULL, &res, &p))
        res = NULL;
    db_release(svc->db, c);
    if (p.code != ERR_NONE)
        log_msg(LOG_WARN, who->rid, "meeting absences: %s", p.detail);
    problem_clear(&p);
    if (!res)
        return;
    for (int i = 0; i < PQntuples(res); i++) {
        meeting_absent m = {who, db_col_ll(res, i, "meeting_id"), db_col_ll(res, i, "user_id"),
                            (long)db_col_ll(res, i, "day"), db_col_str(res, i, "title")};
        if (db_tx(svc->db, 1000, NULL, record_run, &m, &p))
            log_msg(LOG_WARN, who->rid, "meeting %lld, user %lld: %s", m.meeting, m.user, p.detail);
        problem_clear(&p);
    }
    PQclear(res);
}

/* R-ATT-6, R-MTG-5, R-MTG-9: the decision a case cites. */
static const db_stmt Q_DECISION = {
    "att_meeting_decision",
    "SELECT d.state, d.category, coalesce(d.subject_id, 0) AS subject_id,"
    " coalesce(d.personnel_action, '') AS personnel_action,"
    " coalesce(d.period_until::text, '') AS period_until FROM meetings.published_decisions d WHERE d.id = $1"};

int meeting_decision_check(db_conn *c, long long decision, long long user, int level,
                           const char *transfer_by, problem_t *p)
{
    static const char *const actions[] = {"", "", "suspension", "transfer"};
    if (!views_there(c, p)) {
        if (p->code != ERR_NONE)
            return -1;
        problem_set(p, ERR_CASE_DECISION_NOT_PUBLISHED, NULL, NULL,
                    "no director's meeting decisions are published (the meetings service is "
                    "not running)");
        return problem_field(p, "meeting_decision_id", "is not a published decision");
    }
    char id[24];
    const char *params[] = {db_int(id, decision)};
    PGresult *res;
    if (db_query(c, &Q_DECISION, 1, params, &res, p))
        return -1;
    const char *why = NULL;
    char period[16] = "";
    if (PQntuples(res) == 0) {
        why = "is not a published decision of a director's meeting";
    } else {
        snprintf(period, sizeof period, "%s", db_col_str(res, 0, "period_until"));
        if (!strcmp(db_col_str(res, 0, "state"), "superseded"))
            why = "was superseded by a later decision";
        else if (strcmp(db_col_str(res, 0, "category"), "personnel"))
            why = "is not a personnel decision (R-MTG-5)";
        else if (db_col_ll(res, 0, "subject_id") != user)
            why = "concerns another person";
        else if (level >= 2 && level <= 3 && strcmp(db_col_str(res, 0, "personnel_action"), actions[level]))
            why = level == 2 ? "does not decide a suspension" : "does not decide a transfer";
    }
    PQclear(res);
    if (why) {
        problem_set(p, ERR_CASE_DECISION_NOT_CITABLE, NULL, NULL,
                    "the case must cite the published personnel decision of a director's "
                    "meeting on this person: decision %lld %s",
                    decision, why);
        return problem_field(p, "meeting_decision_id", "%s", why);
    }
    /* The meeting set the transfer's deadline (限期调离). */
    if (level == 3 && period[0] && transfer_by && strcmp(period, transfer_by)) {
        problem_set(p, ERR_CASE_TERMS_DIFFER, NULL, NULL, "the meeting decided the transfer by %s",
                    period);
        return problem_field(p, "transfer_by", "must be %s, as the meeting decided", period);
    }
    return 0;
}
