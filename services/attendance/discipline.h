#ifndef ATT_DISCIPLINE_H
#define ATT_DISCIPLINE_H

/* How absenteeism records and discipline cases (R-ATT-6) meet. */

#include "attendance.h"

/* Inside a transaction: serialises changes to one person's absenteeism, so
 * that each level of the year's total is crossed by exactly one writer.
 * Returns 0 or -1 with p. */
int absence_lock_person(db_conn *c, long long user_id, problem_t *p);

/* `year` below is the year in which the discipline period (a year from
 * DISCIPLINE_YEAR_START, R-ATT-6) holding the absence began. */

/* After absence absence_id of user_id dated in year was recorded (with the
 * person locked): opens a case for each level (1, 2, 3 days) the year's
 * total now reaches and that has none yet, notifying whoever must act and
 * the person; a case that a void had put below its level and that the
 * total reaches again gets the flag cleared and a note. Returns 0 or -1
 * with p. */
int discipline_after_absence(db_conn *c, const actor_t *who, long long user_id, int year,
                             long long absence_id, problem_t *p);

/* After an absence of user_id in year was voided (with the person
 * locked): notes on each open case whose level the year's total no longer
 * reaches that it fell below, and tells whoever must act on it. Returns 0
 * or -1 with p. */
int discipline_after_void(db_conn *c, const actor_t *who, long long user_id, int year,
                          long long absence_id, problem_t *p);

/* ---- what the case files share (discipline.c, discipline_actions.c) ---- */

/* Visible to the person, whoever holds the talk (the district mayor for
 * the director's case), whoever holds the position that records the
 * meeting's decision (the district mayor for the director's case), the
 * district leader who approves it, office leaders and administrators.
 * $2 viewer, $3 sees all, $4 the viewer's position. */
#define CASE_VISIBLE                                                                    \
    " ($3::boolean OR c.user_id = $2 OR c.talk_by_id = $2 OR c.leader_id = $2"           \
    "  OR c.decider_role = $4)"

/* The measure of each level (1 to 3), as the notifications name it. */
extern const char *const case_measures[];

#endif
