#ifndef SEALS_H
#define SEALS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "audit.h"
#include "create.h"
#include "http.h"
#include "job.h"
#include "org.h"

/* The service's own state: the job that chases letters past their validity
 * (R-LET-3, letter_chase.c). */
typedef struct seals_ctx {
    long chase_seconds;  /* how often the job looks for letters to chase */
    long reminder_hours; /* how long between two reminders of one letter */
    job_t chaser;
} seals_ctx;

/* Reads LETTER_CHASE_SECONDS and LETTER_REMINDER_HOURS and starts the job.
 * 0, or -1 on a malformed variable or when the thread cannot start. */
int letter_chase_start(service_t *svc);
/* Stops the job and waits for it. Can't fail. */
void letter_chase_stop(service_t *svc);

/* Seal names hold up to 100 characters, document numbers 100, organisations
 * 200: buffers for them and for notification titles built from them are
 * sized so that UTF-8 text is never cut inside a character. */
#define SEAL_NAME_BYTES 512
#define TITLE_BYTES 1536

/* ---- documents in statements (sql/read.sql) ----
 *
 * The document functions are single expressions that the planner inlines
 * into the calling statement, which is prepared once; what they would have
 * to look up (a name, the pending handover, the use log entry) is looked up
 * by the statement itself, through these. The arguments are SQL text: the
 * aliases or expressions of the calling statement. */

/* The display name of the person whose id is the SQL expression id, as
 * identity shows it now; NULL when there is no such person. */
#define PERSON_NAME(id) " (SELECT pn.display_name FROM identity.org_people pn WHERE pn.id = " id ")"

/* The document of seal s (an alias of seals), with its custodian's name and
 * its pending handover's id (R-SEAL-1). */
#define SEAL_DOC(s)                                                                         \
    " seal_doc(" s "," PERSON_NAME(s ".custodian_id")                                       \
    ", (SELECT ph.id FROM seal_handovers ph WHERE ph.seal_id = " s ".id"                    \
    " AND ph.state = 'pending'))"

/* The document of custody period k (an alias of seal_custodians). */
#define CUSTODY_DOC(k) " custody_doc(" k "," PERSON_NAME(k ".custodian_id") ")"

/* The document of seal request q (an alias of seal_requests) whose seal is s
 * (an alias of seals), with the id of its use log entry once stamped
 * (R-SEAL-4). */
#define SEAL_REQUEST_DOC(q, s)                                                              \
    " seal_request_doc(" q ", " s ", (SELECT su.id FROM seal_usages su"                     \
    " WHERE su.request_id = " q ".id))"

/* ---- the regulations as pure functions (seal_rules.c) ---- */

/* R-SEAL-2: who must approve a use of a seal of `kind` for `matter`:
 * "district_mayor" (the district mayor alone: finance, personnel,
 * state-owned asset and other major matters under the district government
 * seal),
 * "district_leader" (the mayor or a deputy mayor), "office_director" (the
 * office seal) or "configured" (an other seal: its own approver list).
 * NULL for an unknown kind or matter. Static storage; can't fail. */
const char *seal_approver_role(const char *kind, const char *matter);

/* R-SEAL-2: nobody approves their own request; when the requester is the
 * only person who could approve under `role`, the request goes one level
 * up: the role above, or NULL above the district mayor. Static storage. */
const char *seal_approver_role_above(const char *role);

/* R-SEAL-2: whether a person with `position` and `person_id` may approve
 * under `role`; `configured` (n ids) is the seal's approver list. A secretary
 * or the custodian is refused elsewhere (R-SEC-3, R-SEAL-1). */
bool seal_approver_may(const char *role, const char *position, long long person_id,
                       const long long *configured, size_t n);

/* R-LET-2: the director or a deputy director approves letters. */
bool letter_approver_may(const char *position);

/* Leaders (district and office) and administrators see every seal record. */
bool seals_privileged(const caller_t *c);

/* R-LET-1: the letter number of a seal's series, "YYYY-NNNN" (at least four
 * digits). out has 24 bytes. */
void letter_number_format(int year, long long seq, char out[24]);

/* Today's date in the office's zone (Asia/Shanghai, UTC+8 all year) as
 * YYYY-MM-DD for a time in seconds since the epoch. out has 11 bytes. */
void office_date(long long epoch_s, char out[11]);

/* Parses a PostgreSQL bigint[] text ("{1,2}") into at most max ids. Returns
 * the count, or -1 when the text is not such an array. */
int parse_id_array(const char *text, long long *out, size_t max);

/* ---- database steps shared by the handlers ---- */

/* R-LET-2: notifies the people who approve letters of seal seal_id (the
 * director and the deputy directors, neither the seal's custodian nor the
 * requester) with a notification of kind about letter_id; *nobody tells
 * that there is none, and then nobody is told. 0, or -1 with p. */
int letter_notify_approvers(db_conn *c, long long seal_id, long long requester,
                            const char *kind, const char *title, const char *body,
                            long long letter_id, bool *nobody, problem_t *p);

/* ---- handlers, by resource ---- */

void h_seals_list(req_t *r);
void h_seals_create(req_t *r);
void h_seals_get(req_t *r);
void h_seals_patch(req_t *r);
void h_seals_retire(req_t *r);
void h_seals_custodians(req_t *r);

void h_handovers_create(req_t *r);
void h_handovers_list(req_t *r);
void h_handovers_get(req_t *r);
void h_handovers_confirm(req_t *r);
void h_handovers_cancel(req_t *r);

void h_requests_list(req_t *r);
void h_requests_create(req_t *r);
void h_requests_get(req_t *r);
void h_requests_approve(req_t *r);
void h_requests_reject(req_t *r);
void h_requests_stamp(req_t *r);
void h_requests_refuse(req_t *r);
void h_requests_withdraw(req_t *r);

void h_usages_list(req_t *r);
void h_usages_get(req_t *r);

void h_letters_list(req_t *r);
void h_letters_create(req_t *r);
void h_letters_get(req_t *r);
void h_letters_delete(req_t *r);
void h_letters_purge(req_t *r);
void h_letters_approve(req_t *r);
void h_letters_reject(req_t *r);
void h_letters_issue(req_t *r);
void h_letters_use(req_t *r);
void h_letters_return(req_t *r);
void h_letters_withdraw(req_t *r);

#endif
