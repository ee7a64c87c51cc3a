#ifndef ATT_ACTIVITY_H
#define ATT_ACTIVITY_H

/* What the activity files share: an activity as its actions see it. */

#include "attendance.h"

typedef struct activity_row {
    long long created_by, version;
    bool participant, started;
    char attendance[16]; /* "" when not recorded */
    char title[1024];
} activity_row;

/* Locks activity `id` and reads what the actions need about it and the
 * participant `who`; with `before`, also its document (malloc'd, the caller
 * frees it). 404 when the caller may not see it. */
int activity_load(db_conn *c, req_t *r, long long id, long long who, activity_row *row,
                  char **before, problem_t *p);

#endif
