/* Database steps every printing handler repeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "printing.h"

static const db_stmt Q_NOTIFY_DEPARTMENT = {
    "printing_notify_department",
    "SELECT identity.notify_many(ARRAY(SELECT p.id FROM identity.org_people p"
    "  WHERE p.active AND p.department_id = $1), $2, $3, $4, $5, $6)"};

int notify_operators(db_conn *c, long long operator_dept, long long own_dept, const char *kind,
                     const char *title, long long job, problem_t *p)
{
    if (operator_dept == own_dept)
        return 0;
    char d[24], j[24];
    const char *params[] = {db_int(d, operator_dept), kind, title, "", "print_job",
                            db_int(j, job)};
    return db_write(c, &Q_NOTIFY_DEPARTMENT, 6, params, p);
}
