/* The working calendar, per year: public holidays and adjusted working days
 * (调休) on weekends. Everyone reads it; administrators replace a year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"

#define YEAR_MIN 1900
#define YEAR_MAX 2999

/* The {year} path parameter; 0 after answering. */
static int year_or_reply(req_t *r)
{
    long long y = path_id_or_reply(r, "year");
    if (!y)
        return 0;
    if (y < YEAR_MIN || y > YEAR_MAX) {
        problem_t p = {0};
        problem_field(&p, "year", "must be from %d to %d", YEAR_MIN, YEAR_MAX);
        reply_problem_t(r, &p);
        return 0;
    }
    return (int)y;
}

static const db_stmt Q_CAL_DOC = {
    "att_cal_doc",
    "SELECT json_build_object('year', q.year,"
    " 'holidays', coalesce((SELECT json_agg(d.day ORDER BY d.day) FROM calendar_days d"
    "   WHERE d.kind = 'holiday' AND d.day >= make_date(q.year, 1, 1)"
    "   AND d.day < make_date(q.year + 1, 1, 1)), '[]'::json),"
    " 'workdays', coalesce((SELECT json_agg(d.day ORDER BY d.day) FROM calendar_days d"
    "   WHERE d.kind = 'workday' AND d.day >= make_date(q.year, 1, 1)"
    "   AND d.day < make_date(q.year + 1, 1, 1)), '[]'::json),"
    " 'version', coalesce(y.version, 0), 'created_at', y.created_at,"
    " 'updated_at', y.updated_at) AS doc, coalesce(y.version, 0) AS version"
    " FROM (SELECT $1::integer AS year) q LEFT JOIN calendar_years y ON y.year = q.year"};

void h_calendar_get(req_t *r)
{
    int year = year_or_reply(r);
    if (!year)
        return;
    char y[24];
    const char *params[] = {db_int(y, year)};
    PGresult *res = db_read_or_reply(r, &Q_CAL_DOC, 1, params);
    if (res)
        action_reply_versioned(r, res);
}

typedef struct cal_in {
    json_t *holidays, *workdays;
} cal_in;

static const json_field cal_fields[] = {
    {.name = "holidays", .type = JF_STRING_LIST, .flags = JF_REQUIRED, .max = 366,
     .offset = offsetof(cal_in, holidays)},
    {.name = "workdays", .type = JF_STRING_LIST, .flags = JF_REQUIRED, .max = 366,
     .offset = offsetof(cal_in, workdays)},
    JF_END,
};

/* Each item a date of the year, none twice; adjusted working days on a
 * weekend; no date both a holiday and a working day. */
static void check_days(json_t *list, const char *field, int year, bool weekend_only,
                       json_t *other, problem_t *p)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *s = json_string_value(v);
        long day;
        if (!day_parse(s, &day)) {
            problem_field(p, field, "item %zu must be a date YYYY-MM-DD", i);
            return;
        }
        if (atoi(s) != year) {
            problem_field(p, field, "item %zu (%s) is not in %d", i, s, year);
            return;
        }
        if (weekend_only && day_isodow(day) < 6) {
            problem_field(p, field, "item %zu (%s) is a weekday; an adjusted working day falls on a weekend", i, s);
            return;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(json_string_value(json_array_get(list, j)), s)) {
                problem_field(p, field, "item %zu (%s) is listed twice", i, s);
                return;
            }
        size_t k;
        json_t *o;
        json_array_foreach(other, k, o) {
            if (!strcmp(json_string_value(o), s)) {
                problem_field(p, field, "item %zu (%s) is also a holiday", i, s);
                return;
            }
        }
    }
}

typedef struct cal_tx {
    req_t *r;
    int year;
    long long if_match;
    char *holidays, *workdays; /* JSON arrays of dates */
    char *doc;
} cal_tx;

static const db_stmt Q_CAL_LOCK = {
    "att_cal_lock",
    "SELECT pg_advisory_xact_lock(hashtext('attendance.calendar'), $1::integer),"
    " coalesce((SELECT version FROM calendar_years WHERE year = $1), 0) AS version"};

static const db_stmt Q_CAL_CLEAR = {
    "att_cal_clear",
    "DELETE FROM calendar_days WHERE day >= make_date($1::integer, 1, 1)"
    " AND day < make_date($1::integer + 1, 1, 1)"};

static const db_stmt Q_CAL_FILL = {
    "att_cal_fill",
    "INSERT INTO calendar_days(day, kind)"
    " SELECT h::date, 'holiday' FROM jsonb_array_elements_text($1::jsonb) h"
    " UNION ALL SELECT w::date, 'workday' FROM jsonb_array_elements_text($2::jsonb) w"};

static const db_stmt Q_CAL_BUMP = {
    "att_cal_bump",
    "INSERT INTO calendar_years(year) VALUES ($1) ON CONFLICT (year) DO UPDATE"
    " SET version = calendar_years.version + 1, updated_at = now()"};

static char *cal_doc_text(db_conn *c, const char *year, problem_t *p)
{
    const char *params[] = {year};
    PGresult *res;
    if (db_query(c, &Q_CAL_DOC, 1, params, &res, p))
        return NULL;
    char *doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!doc)
        problem_oom(p);
    return doc;
}

static int cal_put_run(db_conn *c, void *arg, problem_t *p)
{
    cal_tx *t = arg;
    free(t->doc);
    t->doc = NULL;
    char y[24];
    db_int(y, t->year);
    const char *p1[] = {y};
    PGresult *res;
    if (db_query(c, &Q_CAL_LOCK, 1, p1, &res, p))
        return -1;
    long long version = db_col_ll(res, 0, "version");
    PQclear(res);
    if (!if_match_accepts(t->r, t->if_match, version))
        return problem_set(p, ERR_PRECONDITION, NULL, NULL,
                           "the calendar of %d is at version %lld", t->year, version);
    char *before = cal_doc_text(c, y, p);
    if (!before)
        return -1;
    int rc = -1;
    const char *p2[] = {t->holidays, t->workdays};
    if (db_query(c, &Q_CAL_CLEAR, 1, p1, &res, p))
        goto cleanup;
    PQclear(res);
    if (db_query(c, &Q_CAL_FILL, 2, p2, &res, p))
        goto cleanup;
    PQclear(res);
    if (db_query(c, &Q_CAL_BUMP, 1, p1, &res, p))
        goto cleanup;
    PQclear(res);
    if (!(t->doc = cal_doc_text(c, y, p)))
        goto cleanup;
    rc = audit_write(c, &t->r->actor, "calendar", t->year, "replace", before, t->doc, p);
cleanup:
    free(before);
    return rc;
}

void h_calendar_put(req_t *r)
{
    int year = year_or_reply(r);
    if (!year)
        return;
    if (!r->caller->is_admin) {
        reply_problem(r, ERR_FORBIDDEN, NULL, NULL, "only an administrator edits the calendar");
        return;
    }
    long long if_match;
    if (if_match_or_reply(r, &if_match))
        return;
    cal_in in = {0};
    json_t *root = body_or_reply(r, cal_fields, &in, NULL);
    if (!root)
        return;
    problem_t p = {0};
    check_days(in.holidays, "holidays", year, false, NULL, &p);
    check_days(in.workdays, "workdays", year, true, in.holidays, &p);
    cal_tx t = {.r = r, .year = year, .if_match = if_match};
    if (p.code != ERR_NONE) {
        reply_problem_t(r, &p);
        goto cleanup;
    }
    t.holidays = json_dumps(in.holidays, JSON_COMPACT);
    t.workdays = json_dumps(in.workdays, JSON_COMPACT);
    if (!t.holidays || !t.workdays)
        reply_oom(r);
    else if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, cal_put_run, &t, &p))
        reply_problem_t(r, &p);
    else
        reply_raw(r, 200, t.doc, strlen(t.doc));
cleanup:
    free(t.doc);
    free(t.holidays);
    free(t.workdays);
    json_decref(root);
}
