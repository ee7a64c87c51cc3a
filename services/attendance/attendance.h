#ifndef ATTENDANCE_H
#define ATTENDANCE_H

#include <pthread.h>

#include "action.h"
#include "create.h"
#include "http.h"
#include "job.h"
#include "org.h"
#include "leave_rules.h"
#include "workdays.h"

/* The service's own state: configuration and the background sweep. */
typedef struct attendance_ctx {
    long explanation_days;  /* R-ATT-4: days after closing to hand in the explanation */
    long allowance_yuan;    /* R-ATT-6: monthly allowance while suspended */
    long sweep_seconds;     /* how often the background sweep runs */
    long attachment_max_bytes; /* R-ATT-4: the scan attached to a written explanation */
    long return_margin_minutes; /* R-ATT-4: an earlier return needs confirmation */
    int year_start_month;   /* R-ATT-6: the period of 累计 starts on this month */
    int year_start_day;     /* ... and day each year (DISCIPLINE_YEAR_START) */
    office_hours hours;     /* R-ATT-1, R-ATT-2: OFFICE_HOURS, what 半天 is half of */
    job_t sweep;
} attendance_ctx;

attendance_ctx *attendance_of(req_t *r);

/* ---- who is asking ---- */

/* Office leaders (director, deputy directors) and administrators see every
 * attendance record. Can't fail. */
bool sees_all(const caller_t *c);

/* The office director. Can't fail. */
bool caller_is_director(const caller_t *c);

/* Whether the caller belongs to the secretariat section. 0 with *out set,
 * or -1 after answering 503/500. */
int caller_in_secretariat_or_reply(req_t *r, bool *out);
/* Inside a transaction: whether department dept is the secretariat. 0, or -1 with p. */
int dept_is_secretariat(db_conn *c, long long dept, bool *out, problem_t *p);

/* ---- people ---- */


/* Inside a transaction: serialises one kind of change (`what`, e.g.
 * "attendance.leave") to one person's records until the transaction ends.
 * Returns 0 or -1 with p. */
int person_lock(db_conn *c, const char *what, long long user_id, problem_t *p);

/* ---- the calendar ---- */

/* Loads the calendar's exceptions for the days from..to into out (which
 * the caller frees with cal_free, also on failure). Returns 0 or -1 with p. */
int cal_load(db_conn *c, long from_day, long to_day, calendar *out, problem_t *p);

/* The calendar of cal_load read ahead: inside a transaction its statement
 * goes out with the next one, and out->cal is filled when that one's result
 * is read, so that the calendar costs no round trip of its own. out must
 * live until then; nothing else on c may be read ahead (db_write_keep)
 * meanwhile. The caller frees out->cal with cal_free. 0, or -1 with p. */
typedef struct cal_ahead {
    calendar cal;
    bool read; /* the result came */
    bool oom;  /* memory ran out while filling cal */
} cal_ahead;
int cal_load_ahead(db_conn *c, long from_day, long to_day, cal_ahead *out, problem_t *p);

/* ---- absenteeism and discipline (R-ATT-3, R-ATT-6) ---- */

typedef struct absence_new {
    long long user_id;
    long day;            /* the first day missed */
    long half_days;
    const char *cause;   /* late_return, unexplained_extension, activity_absence, unapproved_absence */
    const char *source_type; /* leave_request, activity or NULL */
    long long source_id;
    const char *note;    /* may be NULL */
} absence_new;

/* Inside the caller's transaction: records one absence, audits it,
 * notifies the person, and opens the discipline cases whose level the
 * year's total now reaches (R-ATT-6). Serialised per person. *id gets the
 * absence's id. Returns 0 or -1 with p. */
int absence_add(db_conn *c, const actor_t *who, const absence_new *a, long long *id, problem_t *p);

/* ---- small database conveniences ---- */


/* Runs st (one parameter, the id) and returns a malloc'd copy of column doc
 * of its first row, or NULL with p filled (404 `what` when there is no row). */
char *att_doc(db_conn *c, const db_stmt *st, long long id, const char *what, problem_t *p);

/* The lock step of an action on a row that has an owner: res is the locked
 * row, with the owner's id (owner_id), the state, the version and the
 * document (doc). Sets t->state, t->version and t->before and returns the owner's
 * id; 0 with p filled when there is no row (404 "no such <what>", also for
 * a row the caller may not see) or memory ran out. Does not clear res. */
long long att_locked_owner(const PGresult *res, action_tx *t, const char *what, problem_t *p);

/* The state of a create (common/create.h, its ctx). */
typedef struct att_tx {
    req_t *r;
    long long id; /* the object created, or the one it is made under */
    void *in;     /* the parsed body */
    char *doc;    /* the answer, malloc'd */
} att_tx;



/* ---- handlers, by resource ---- */

void h_calendar_get(req_t *r);
void h_calendar_put(req_t *r);

void h_away_now(req_t *r);
void h_outings_create(req_t *r);
void h_outings_list(req_t *r);
void h_outings_get(req_t *r);
void h_outings_return(req_t *r);

void h_leave_create(req_t *r);
void h_leave_list(req_t *r);
void h_leave_get(req_t *r);
void h_leave_approve(req_t *r);
void h_leave_reject(req_t *r);
void h_leave_withdraw(req_t *r);
void h_leave_extend(req_t *r);
void h_leave_explanation(req_t *r);
void h_leave_close(req_t *r);
void h_leave_review_explanation(req_t *r);
void h_leave_confirm_return(req_t *r);
void h_leave_explanation_attachment(req_t *r);

void h_activities_create(req_t *r);
void h_activities_list(req_t *r);
void h_activities_get(req_t *r);
void h_activities_attendance(req_t *r);
void h_activity_absence_create(req_t *r);
void h_activity_absence_list(req_t *r);
void h_activity_absence_get(req_t *r);
void h_activity_absence_approve(req_t *r);
void h_activity_absence_reject(req_t *r);

void h_absences_create(req_t *r);
void h_absences_list(req_t *r);
void h_absences_get(req_t *r);
void h_absences_void(req_t *r);

void h_cases_list(req_t *r);
void h_cases_get(req_t *r);
void h_cases_talk(req_t *r);
void h_cases_decide(req_t *r);
void h_cases_approve(req_t *r);
void h_cases_reject(req_t *r);

void h_report_attendance(req_t *r);

/* ---- director's meetings (meeting_absences.c) ---- */

/* R-ATT-5: records absenteeism for each member absent from a closed
 * director's meeting without leave, once (run by the sweep). */
void meeting_absence_round(service_t *svc, const actor_t *who);

/* R-ATT-6: 0 when decision is a published, not superseded, personnel
 * decision of a director's meeting on user deciding the measure of `level`
 * (and, for a transfer with a deadline, the same transfer_by); otherwise -1
 * with a 422 in p naming the field. */
int meeting_decision_check(db_conn *c, long long decision, long long user, int level,
                           const char *transfer_by, problem_t *p);

/* The background sweep (R-ATT-4 deadlines, reminders to close leave). */
int sweep_start(service_t *svc);
void sweep_stop(service_t *svc);

#endif
