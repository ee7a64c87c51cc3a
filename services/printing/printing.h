#ifndef PRINTING_H
#define PRINTING_H

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "create.h"
#include "http.h"
#include "org.h"

/* Titles hold up to 200 characters: buffers for notification titles built
 * from them are sized so that UTF-8 text is never cut inside a character. */
#define TITLE_BYTES 1536

/* No job takes more sheets than this (ten million): the figures stay
 * integers everywhere they are summed. */
#define PRINT_MAX_SHEETS 10000000LL

/* The service's configuration, read once at start-up (main.c). */
typedef struct printing_ctx {
    long large_sheets; /* R-PRN-3: a job over this many sheets is large */
} printing_ctx;

/* ---- the regulations as pure functions (print_rules.c) ---- */

/* Sheets of paper a job uses: pages per copy (both sides of a sheet when
 * duplex) times copies. Can't fail for the validated bounds. */
long long print_sheets(long long pages, long long copies, bool duplex);

/* R-PRN-1: the department that runs a job of `kind` asked by a member of
 * department `own` (has_printer: it has its own printer; office: it is a
 * section of the office). Ordinary printing and typing run on the section's
 * own printer; copying (the copy room), print-shop orders, work for a
 * section without a printer and work for people outside the office run at
 * the designated section `center`. 0 when there is no designated section. */
long long print_operator_department(const char *kind, long long own, bool has_printer,
                                    bool office, long long center);

/* One signature a job needs. */
typedef struct print_step {
    const char *rule; /* "R-PRN-2" ... */
    const char *role; /* "gov_affairs_deputy", "director_or_supervising_deputy", "director" */
} print_step;

/* R-PRN-2, R-PRN-3, R-PRN-4: the signatures a job needs, in order, into
 * out (room for 3); returns how many. A print-shop job needs the deputy in
 * charge of government affairs unless its cost is charged to the requester
 * (self_funded); a job over `threshold` sheets the director or the
 * supervising deputy; typing, copying or printing for another department
 * the director. Can't fail. */
int print_required_steps(const char *kind, long long sheets, long long threshold,
                         bool for_other, bool self_funded, print_step out[3]);

/* Who signs under a step's role, in words for a refusal. Static storage. */
const char *role_words(const char *role);

/* Office leaders and administrators see every printing record. */
bool printing_privileged(const caller_t *c);

/* R-PRN-6: office staff are the people of the office's sections and its
 * leadership; department_kind as identity.org_people gives it. */
bool printing_office_staff(const char *department_kind);

/* ---- database steps shared by the handlers (store.c) ---- */

/* Notifies every active member of department `operator_dept` about print
 * job `job`: the people who run it. A job that runs in its own department
 * (on the section's own printer) is run by the people who asked for it, so
 * nobody else is asked. Returns 0 or -1 with p. */
int notify_operators(db_conn *c, long long operator_dept, long long own_dept, const char *kind,
                     const char *title, long long job, problem_t *p);

/* ---- handlers, by resource ---- */

void h_jobs_list(req_t *r);
void h_jobs_create(req_t *r);
void h_jobs_get(req_t *r);
void h_jobs_approve(req_t *r);
void h_jobs_reject(req_t *r);
void h_jobs_complete(req_t *r);
void h_jobs_cancel(req_t *r);

void h_register_list(req_t *r);
void h_register_get(req_t *r);

void h_violations_list(req_t *r);
void h_violations_create(req_t *r);
void h_violations_get(req_t *r);
void h_violations_follow_up(req_t *r);

void h_equipment_list(req_t *r);
void h_equipment_create(req_t *r);
void h_equipment_get(req_t *r);
void h_equipment_patch(req_t *r);
void h_maintenance_list(req_t *r);
void h_maintenance_create(req_t *r);

void h_visits_list(req_t *r);
void h_visits_create(req_t *r);
void h_visits_get(req_t *r);

void h_report_printing(req_t *r);

#endif
