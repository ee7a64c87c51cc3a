/* Database steps every documents handler repeats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "documents.h"

static const db_stmt Q_NOTIFY_SECRETARIAT = {
    "documents_notify_secretariat",
    "SELECT identity.notify_many(ARRAY(SELECT pp.id FROM identity.org_people pp"
    "  JOIN identity.org_departments od ON od.id = pp.department_id"
    "  WHERE od.is_secretariat AND pp.active), $1, $2, $3, $4, $5)"};

int store_notify_secretariat(db_conn *c, const char *kind, const char *title, const char *body,
                             const char *entity_type, long long entity_id, problem_t *p)
{
    char eid[24];
    const char *params[] = {kind, title, body ? body : "", entity_type, db_int(eid, entity_id)};
    /* Sent ahead with the next statement or COMMIT (db_write). */
    return db_write(c, &Q_NOTIFY_SECRETARIAT, 5, params, p);
}

static const db_stmt Q_NOTIFY_DIRECTOR = {
    "documents_notify_director",
    "SELECT identity.notify_many(ARRAY(SELECT pp.id FROM identity.org_people pp"
    "  WHERE pp.position = 'office_director' AND pp.active), $1, $2, '', $3, $4)"};

int store_notify_director(db_conn *c, const char *kind, const char *title,
                          const char *entity_type, long long entity_id, problem_t *p)
{
    char eid[24];
    const char *params[] = {kind, title, entity_type, db_int(eid, entity_id)};
    return db_write(c, &Q_NOTIFY_DIRECTOR, 4, params, p);
}

static const db_stmt Q_IS_SECRETARIAT = {
    "documents_is_secretariat",
    "SELECT EXISTS (SELECT 1 FROM identity.org_departments WHERE id = $1 AND is_secretariat)"
    " AS secretariat"};

int store_is_secretariat(db_conn *c, long long dept, bool *out, problem_t *p)
{
    char d[24];
    const char *params[] = {db_int(d, dept)};
    PGresult *res;
    if (db_query(c, &Q_IS_SECRETARIAT, 1, params, &res, p))
        return -1;
    *out = db_col_bool(res, 0, "secretariat");
    PQclear(res);
    return 0;
}

int office_year(void)
{
    /* Asia/Shanghai is UTC+8 all year. */
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}
