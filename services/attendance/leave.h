#ifndef ATT_LEAVE_H
#define ATT_LEAVE_H

/* What the leave request files share. */

#include "attendance.h"

extern const char *const leave_halves[]; /* am, pm */

/* The end (as a slot) must not precede the start and must lie within a
 * year of it. Returns 0, or -1 with a 400 problem naming end_field (or
 * end_half_field when only the halves of one day are reversed). */
int leave_span_check(long start_slot, const char *end_field, const char *end_half_field,
                     long end_slot, problem_t *p);

/* Inside a transaction: serialises the applicant's leave changes and
 * refuses (409 leave.overlap) when another live request of theirs (other
 * than self_id) overlaps the span. Returns 0 or -1 with p. */
int leave_overlap_check(db_conn *c, long long applicant, long long self_id,
                        const char *start_date, const char *start_half, const char *end_date,
                        const char *end_half, problem_t *p);

/* The request's JSON document (malloc'd), or NULL with p. */
char *leave_doc_text(db_conn *c, long long id, problem_t *p);

#endif
