#ifndef MEETINGS_H
#define MEETINGS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "action.h"
#include "csv.h"
#include "audit.h"
#include "create.h"
#include "http.h"
#include "job.h"
#include "org.h"

#define TITLE_BYTES 1024

/* The service's own state (main.c): configuration and the background job. */
typedef struct meetings_ctx {
    long sweep_seconds;
    long due_soon_days;
    job_t sweep;
} meetings_ctx;

/* ---- the regulations as pure functions (mtg_rules.c) ---- */

/* R-MTG-1: only the office director convenes director's meetings. */
bool mtg_may_convene(const char *position, bool is_secretary);

/* R-MTG-3: a topic is presented by a deputy director or a section chief. */
bool mtg_may_present(const char *position);

/* R-ORG-5, R-SEC-1: district and office leaders assign tasks directly. */
bool mtg_may_assign_task(const char *position);

/* The supervision report's readers (R-MTG-9): office leaders and the
 * secretariat (department_is_secretariat). */
bool mtg_reads_supervision(const char *position, bool in_secretariat, bool is_admin);

/* Today's date in the office's zone (UTC+8 all year) for a time in seconds
 * since the epoch, as YYYY-MM-DD; out has 11 bytes. */
void office_date(long long epoch_s, char out[11]);

/* R-MTG-1: whether the secretariat is owed the monthly reminder on office
 * date `date` (YYYY-MM-DD): past the 20th day. */
bool mtg_month_reminder_due(const char *date);

/* ---- database steps shared by the handlers (store.c) ---- */

/* Whether user `id` belongs to the secretariat section. */
int store_in_secretariat(db_conn *c, long long id, bool *out, problem_t *p);

/* Whether time `when` (an ISO 8601 date and time) is still to come. */
int store_in_future(db_conn *c, const char *when, bool *out, problem_t *p);

/* Reads for handlers outside a transaction: whether the caller is in the
 * secretariat (false on failure). */
bool caller_in_secretariat(req_t *r);

/* Office leaders, the secretariat and administrators see every ordinary
 * meeting record. */
bool meetings_privileged(req_t *r);

/* ---- a meeting: reads and convening (meetings.c), the locked row, who
 * may act and the action table (meeting_actions.c), the meeting held
 * (meeting_record.c) ---- */

/* The body of a meeting's create and of its actions. */
typedef struct meeting_in {
    const char *comment; /* first: the common comment_fields write it */
    const char *title, *kind, *scheduled_at, *location, *text;
    json_t *participant_ids, *attendee_ids;
    long long user_id;
    bool present;
} meeting_in;
_Static_assert(offsetof(meeting_in, comment) == 0, "comment_fields writes the first member");

/* The meeting as an action locked it (meeting_lock). */
typedef struct meeting_row {
    char kind[16], title[800];
    long long chair, recorder;
    bool reschedule_needed, has_minutes, minutes_approved, thematic;
} meeting_row;

extern const action_kind meeting_kind;

/* action_t.lock of every action on a meeting: 404 unless the caller sees it. */
int meeting_lock(db_conn *c, action_tx *t, problem_t *p);

/* Sets t->doc to the meeting's document after the action. */
int meeting_doc_after(db_conn *c, action_tx *t, problem_t *p);

/* Tells every participant but `except` (0: none); must_attend_only leaves
 * out the non-voting attendees. */
int notify_participants(db_conn *c, long long meeting, const char *kind, const char *title,
                        const char *body, long long except, bool must_attend_only,
                        problem_t *p);

/* The steps of the meeting held, the perform of their action rows. */
int meeting_perform_attendance(db_conn *c, action_tx *t, problem_t *p);
int meeting_perform_minutes(db_conn *c, action_tx *t, problem_t *p);
int meeting_perform_approve_minutes(db_conn *c, action_tx *t, problem_t *p);
int meeting_perform_close(db_conn *c, action_tx *t, problem_t *p);

/* Whether the caller sees meeting id (meetings.c); otherwise answers 404
 * (or the database's problem) and returns false. For the lists under a
 * meeting, which are not the business of those who cannot see it. */
bool meeting_seen_or_reply(req_t *r, long long id);

/* ---- the background job (sweep.c) ---- */

int sweep_start(service_t *svc);
void sweep_stop(service_t *svc);

/* The thread that counts the supervision report's kept totals again when a
 * request finds them old (report.c). */
int report_totals_start(service_t *svc);
void report_totals_stop(void);

/* ---- handlers, by resource ---- */

void h_meetings_list(req_t *r);
void h_meetings_create(req_t *r);
void h_meetings_get(req_t *r);
void h_meetings_reschedule(req_t *r);
void h_meetings_cancel(req_t *r);
void h_meetings_publish_agenda(req_t *r);
void h_meetings_attendance(req_t *r);
void h_meetings_start(req_t *r);
void h_meetings_minutes(req_t *r);
void h_meetings_approve_minutes(req_t *r);
void h_meetings_close(req_t *r);

void h_topics_list(req_t *r);
void h_topics_create(req_t *r);
void h_topics_get(req_t *r);
void h_topics_approve(req_t *r);
void h_topics_reject(req_t *r);

void h_absences_create(req_t *r);
void h_absences_list(req_t *r);
void h_absences_get(req_t *r);
void h_absences_approve(req_t *r);
void h_absences_reject(req_t *r);

void h_decisions_create(req_t *r);
void h_decisions_list(req_t *r);
void h_decisions_get(req_t *r);
void h_decisions_progress(req_t *r);
void h_decisions_complete(req_t *r);
void h_supervision_report(req_t *r);

void h_tasks_create(req_t *r);
void h_tasks_list(req_t *r);
void h_tasks_get(req_t *r);
void h_tasks_progress(req_t *r);
void h_tasks_complete(req_t *r);
void h_tasks_escalate(req_t *r);
void h_tasks_flag_conflict(req_t *r);
void h_tasks_consult(req_t *r);
void h_tasks_reschedule(req_t *r);
void h_tasks_reassign(req_t *r);

#endif
