#ifndef OA_ORG_H
#define OA_ORG_H

#include <stdbool.h>

#include "db.h"

/* The office's organisation (R-ORG-1), as every service needs it, read from
 * the views the identity schema publishes (identity.org_people,
 * identity.org_departments). */

/* The positions of the office (R-ORG-1), the values of a person's
 * `position` (and of the token's claim), highest first. Written once here;
 * code compares with these names, never with a string of its own. */
#define POS_DISTRICT_MAYOR "district_mayor"
#define POS_DEPUTY_MAYOR "deputy_mayor"
#define POS_OFFICE_DIRECTOR "office_director"
#define POS_DEPUTY_DIRECTOR "deputy_director"
#define POS_SECTION_CHIEF "section_chief"
#define POS_STAFF "staff"
#define POS_NONE "none" /* an external unit's user, or an account without a post */

/* Every position above, NULL-terminated (a JF_ENUM's values). */
extern const char *const org_positions[];

typedef struct org_person {
    long long id;
    char username[64];
    char display_name[512];
    char position[24];
    long long department_id;
    char department_kind[24]; /* section, office_leadership, district_leadership, external */
    bool is_secretary;
    long long serves_leader_id;
    bool is_admin;
    bool gov_affairs; /* the deputy director in charge of government affairs */
    bool active;
    /* Filled by org_chain_get only: who is above the person (0 when none):
     * the section's chief, the supervising deputy, the office director and
     * the district mayor; how many active members the section has, counted
     * up to 2 (whether the person is alone in it); whether it is the
     * secretariat. */
    long long chief_id, deputy_id, director_id, mayor_id, section_size;
    bool is_secretariat;
} org_person;

/* The direct superior by position (pure; R-ORG-1): staff -> their section's
 * chief (or, with none other than themselves, the supervising deputy, then
 * the director); section chief -> the supervising deputy (or the director);
 * deputy director -> the director; director -> the district mayor; deputy
 * mayor -> the district mayor; district mayor -> none (0). Ids of 0 mean
 * "there is none". */
long long org_superior_rule(const char *position, long long self_id, long long chief_id,
                            long long supervising_deputy_id, long long director_id,
                            long long mayor_id);

/* Each returns 0 with *out set (0 when there is none), or -1 with p filled
 * (database failure; org_person_get and org_superior_of: ERR_USER_NOT_FOUND
 * for an unknown or inactive id). */
int org_person_get(db_conn *c, long long id, org_person *out, problem_t *p);
/* The person with the chain above them, in one query (approval chains,
 * discipline). inactive_too: also a user deactivated since (what they did
 * while active still counts). */
int org_chain_get(db_conn *c, long long id, bool inactive_too, org_person *out, problem_t *p);
int org_superior_of(db_conn *c, long long user_id, long long *out, problem_t *p);
int org_gov_affairs_deputy(db_conn *c, long long *out, problem_t *p);
int org_director(db_conn *c, long long *out, problem_t *p);
int org_district_mayor(db_conn *c, long long *out, problem_t *p);
int org_secretariat(db_conn *c, long long *department_id, problem_t *p);

/* Checks that id is an active member of the office (not of an external
 * unit), for the input field `field`: 0, or -1 with p (400 naming field, or
 * the database failure). */
int org_office_member(db_conn *c, long long id, const char *field, problem_t *p);

/* Position tests. */
bool org_is_district_leader(const char *position); /* mayor or deputy mayor */
bool org_is_office_leader(const char *position);   /* director or deputy director */

#endif
