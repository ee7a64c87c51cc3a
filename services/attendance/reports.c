/* The monthly attendance report per department: leave days by kind
 * (approved leave, clipped to the month, on the calendar), outings,
 * absenteeism and open discipline cases, per person and in total. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"

/* The people of the departments reported on, with what SQL can count. */
static const db_stmt Q_REPORT_PEOPLE = {
    "att_report_people",
    "SELECT p.id, p.display_name, d.id AS department_id, d.name,"
    " (SELECT count(*) FROM outings o WHERE o.user_id = p.id"
    "   AND o.starts_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai'"
    "   AND o.starts_at < ($1::date + interval '1 month') AT TIME ZONE 'Asia/Shanghai') AS outings,"
    " (SELECT coalesce(sum(a.half_days), 0) FROM absences a WHERE a.user_id = p.id"
    "   AND a.state = 'active' AND a.date >= $1::date AND a.date < $1::date + interval '1 month')"
    " AS absent_half_days,"
    " (SELECT count(*) FROM discipline_cases c WHERE c.user_id = p.id"
    "   AND c.state IN ('open', 'decided')) AS open_cases"
    " FROM identity.org_people p JOIN identity.org_departments d ON d.id = p.department_id"
    " WHERE p.active AND d.kind IN ('section', 'office_leadership')"
    " AND ($2::bigint IS NULL OR d.id = $2) ORDER BY d.id, p.id"};

/* Approved leave of those people that touches the month, in force to its
 * extended end. */
static const db_stmt Q_REPORT_LEAVE = {
    "att_report_leave",
    "SELECT l.applicant_id, l.kind, l.start_date - DATE '1970-01-01' AS start_day,"
    " l.start_half = 'pm' AS start_pm,"
    " coalesce(l.ext_end_date, l.end_date) - DATE '1970-01-01' AS end_day,"
    " coalesce(l.ext_end_half, l.end_half) = 'pm' AS end_pm"
    " FROM leave_requests l JOIN identity.org_people p ON p.id = l.applicant_id"
    " JOIN identity.org_departments d ON d.id = p.department_id"
    " WHERE l.state IN ('approved', 'closed') AND p.active"
    " AND d.kind IN ('section', 'office_leadership') AND ($2::bigint IS NULL OR d.id = $2)"
    " AND l.start_date < $1::date + interval '1 month'"
    " AND coalesce(l.ext_end_date, l.end_date) >= $1::date"};

static const db_stmt Q_CHIEF_OF = {
    "att_report_chief_of",
    "SELECT id FROM identity.org_departments WHERE id = $1 AND chief_id = $2"};

/* YYYY-MM with a real month; *first gets the first day's number. */
static bool month_parse(const char *s, long *first, long *next)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)s[i]))
            return false;
    int y = atoi(s), m = atoi(s + 5);
    if (y < 1900 || y > 2999 || m < 1 || m > 12)
        return false;
    *first = day_from_ymd(y, m, 1);
    *next = m == 12 ? day_from_ymd(y + 1, 1, 1) : day_from_ymd(y, m + 1, 1);
    return true;
}

static json_t *counts_new(void)
{
    return json_pack("{s:{s:f, s:f}, s:i, s:f, s:i}", "leave_days", "public", 0.0, "private", 0.0,
                     "outings", 0, "absenteeism_days", 0.0, "open_cases", 0);
}

static void add_real(json_t *o, const char *key, double v)
{
    json_object_set_new(o, key, json_real(json_real_value(json_object_get(o, key)) + v));
}

static void add_int(json_t *o, const char *key, long long v)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + v));
}

/* Adds one person's figures to a totals object. */
static void add_counts(json_t *total, json_t *person)
{
    json_t *tl = json_object_get(total, "leave_days"), *pl = json_object_get(person, "leave_days");
    add_real(tl, "public", json_real_value(json_object_get(pl, "public")));
    add_real(tl, "private", json_real_value(json_object_get(pl, "private")));
    add_int(total, "outings", json_integer_value(json_object_get(person, "outings")));
    add_real(total, "absenteeism_days",
             json_real_value(json_object_get(person, "absenteeism_days")));
    add_int(total, "open_cases", json_integer_value(json_object_get(person, "open_cases")));
}

/* Builds the report from the two results; NULL when out of memory. */
static json_t *report_build(const char *month, PGresult *people, PGresult *leave,
                            const calendar *cal, long first, long next)
{
    json_t *by_user = json_object(), *deps = json_array();
    json_t *dep = NULL, *list = NULL, *total = NULL;
    long long dep_id = -1;
    for (int i = 0, n = PQntuples(people); i < n; i++) {
        if (db_col_ll(people, i, "department_id") != dep_id) {
            dep_id = db_col_ll(people, i, "department_id");
            list = json_array();
            total = counts_new();
            dep = json_pack("{s:I, s:s, s:o, s:o}", "department_id", (json_int_t)dep_id, "name",
                            db_col_str(people, i, "name"), "people", list, "totals", total);
            json_array_append_new(deps, dep);
        }
        json_t *person = counts_new();
        json_object_set_new(person, "user_id", json_integer(db_col_ll(people, i, "id")));
        json_object_set_new(person, "display_name", json_string(db_col_str(people, i, "display_name")));
        json_object_set_new(person, "outings", json_integer(db_col_ll(people, i, "outings")));
        json_object_set_new(person, "absenteeism_days", json_real(db_col_ll(people, i, "absent_half_days") / 2.0));
        json_object_set_new(person, "open_cases", json_integer(db_col_ll(people, i, "open_cases")));
        json_array_append_new(list, person);
        json_object_set(by_user, db_col_str(people, i, "id"), person);
    }
    long month_from = slot_of(first, false), month_to = slot_of(next, false) - 1;
    for (int i = 0, n = PQntuples(leave); i < n; i++) {
        json_t *person = json_object_get(by_user, db_col_str(leave, i, "applicant_id"));
        if (!person)
            continue;
        long from = slot_of((long)db_col_ll(leave, i, "start_day"), db_col_bool(leave, i, "start_pm"));
        long to = slot_of((long)db_col_ll(leave, i, "end_day"), db_col_bool(leave, i, "end_pm"));
        long halves = cal_working_halves(cal, from > month_from ? from : month_from,
                                         to < month_to ? to : month_to);
        add_real(json_object_get(person, "leave_days"), db_col_str(leave, i, "kind"), halves / 2.0);
    }
    size_t k;
    json_array_foreach(deps, k, dep) {
        size_t j;
        json_t *person;
        json_t *t = json_object_get(dep, "totals");
        json_array_foreach(json_object_get(dep, "people"), j, person) {
            add_counts(t, person);
        }
    }
    json_decref(by_user);
    return json_pack("{s:s, s:o}", "month", month, "departments", deps);
}

void h_report_attendance(req_t *r)
{
    const char *month = NULL;
    long long dep = 0;
    bool has_dep = false;
    long first = 0, next = 0;
    query_str(r, "month", &month);
    if (!month_parse(month, &first, &next)) {
        json_t *errors = json_pack("[{s:s, s:s}]", "field", "month", "message",
                                   "is required, as YYYY-MM");
        problem_t p = {.code = ERR_BAD_QUERY, .errors = errors};
        snprintf(p.detail, sizeof p.detail, "month: is required, as YYYY-MM");
        reply_problem_t(r, &p);
        return;
    }
    if (query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dep, &has_dep))
        return;
    char d[24], me[24], m[11];
    if (!sees_all(r->caller)) {
        /* A section chief reads the report of their own section. */
        if (!has_dep && r->caller->department_id) {
            dep = r->caller->department_id;
            has_dep = true;
        }
        const char *params[] = {db_int(d, dep), db_int(me, r->caller->id)};
        PGresult *res = has_dep ? db_read_or_reply(r, &Q_CHIEF_OF, 2, params) : NULL;
        if (has_dep && !res)
            return;
        bool chief = res && PQntuples(res) == 1;
        PQclear(res);
        if (!chief) {
            reply_problem(r, ERR_FORBIDDEN, NULL, NULL,
                          "the report is for office leaders, administrators and, for their own "
                          "section, section chiefs");
            return;
        }
    }
    day_format(first, m);
    const char *params[] = {m, has_dep ? db_int(d, dep) : NULL};
    db_conn *c = db_acquire(r->svc->db, r->svc->db_timeout_ms);
    if (!c) {
        reply_problem(r, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
        return;
    }
    problem_t p = {0};
    PGresult *people = NULL, *leave = NULL;
    calendar cal = {0};
    json_t *report = NULL;
    if (!db_query(c, &Q_REPORT_PEOPLE, 2, params, &people, &p) &&
        !db_query(c, &Q_REPORT_LEAVE, 2, params, &leave, &p) &&
        !cal_load(c, first, next - 1, &cal, &p))
        report = report_build(month, people, leave, &cal, first, next);
    db_release(r->svc->db, c);
    if (report)
        reply_json(r, 200, report);
    else if (p.code != ERR_NONE)
        reply_problem_t(r, &p);
    else
        reply_oom(r);
    PQclear(people);
    PQclear(leave);
    cal_free(&cal);
}
