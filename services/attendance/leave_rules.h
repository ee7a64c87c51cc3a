#ifndef ATT_LEAVE_RULES_H
#define ATT_LEAVE_RULES_H

/* The leave approval chain of R-ATT-2 as a pure function of the applicant's
 * place in the office and the leave's length in working half-days, and who
 * decides what the office director otherwise decides when it is his own
 * case (R-ATT-5, R-ATT-6). */

#include <stdbool.h>

/* What the chain depends on. Ids of 0 mean "there is none". */
typedef struct leave_facts {
    const char *position;        /* staff, section_chief, deputy_director, ... */
    const char *department_kind; /* section, office_leadership, district_leadership, external */
    long long self_id;
    long long chief_id;          /* the section's chief */
    long long deputy_id;         /* the section's supervising deputy director */
    long long director_id;
    long long mayor_id;
    long long section_size;      /* active people in the applicant's department, up to 2 */
} leave_facts;

typedef struct leave_step {
    long long approver_id;
    const char *role; /* section_chief, supervising_deputy, office_director, district_mayor */
} leave_step;

enum {
    LEAVE_CHAIN_NOT_STAFF = 0,  /* the applicant is not office staff: no chain */
    LEAVE_CHAIN_NO_APPROVER = -1, /* an approver the rule needs does not exist */
};

/* Fills steps with the ordered approval chain and returns how many steps
 * (1 or 2), or one of the negative/zero codes above. R-ATT-2:
 *   staff, half a day                      -> section chief
 *   staff, one day; or half a day when the
 *     applicant is alone in the section     -> supervising deputy
 *   staff, more than one day                -> supervising deputy, director
 *   section chief (one level up): up to one
 *     day -> supervising deputy; more -> supervising deputy, director
 *   deputy director (one level up)          -> director
 *   office director                         -> district mayor
 * A missing chief falls to the supervising deputy and a missing deputy to
 * the director; no one approves their own leave and a step never repeats
 * the previous approver. */
int leave_chain_for(const leave_facts *f, long halves, leave_step steps[2]);

/* The position that decides a matter the office director decides (an
 * absence from an office activity, R-ATT-5; the director's meeting
 * decision on a discipline case, R-ATT-6) for a person in `position`:
 * "office_director", or "district_mayor" when the person is the office
 * director, one level up as with his leave, so that no one decides their
 * own case. Static storage; can't fail. */
const char *decider_role_for(const char *position);

/* R-ATT-6 (请假制度 五 "累计"): absenteeism accumulates over a year that
 * starts on start_month/start_day each year (1/1, the calendar year, by
 * default: DISCIPLINE_YEAR_START). Returns the year in which the period
 * holding `day` (days since 1970-01-01) began. Can't fail. */
int discipline_period_year(long day, int start_month, int start_day);

/* Parses DISCIPLINE_YEAR_START's "MM-DD": a day that every year has (not
 * 02-29). true with *month and *day set, or false. */
bool discipline_year_start_parse(const char *text, int *month, int *day);

#endif
