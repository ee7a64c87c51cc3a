/* Discipline cases (R-ATT-6). A person's absenteeism in a period (a year
 * from DISCIPLINE_YEAR_START, the calendar year by default) reaching 1, 2
 * and 3 days opens a case at that level: a serious talk by the supervising
 * deputy, who records the person's attitude and decides whether to keep
 * them on the job under watch (留岗查看); suspension (待岗) on the minimum
 * allowance, for the length the meeting decides; a transfer by the
 * deadline the meeting sets (限期调离). The last two are decided at a
 * director's meeting and approved by the district leader in charge.
 *
 * No one acts on their own case: the talk of a deputy director is held by
 * the director and the director's by the district mayor; the meeting's
 * decision on the director's own case is recorded by the district mayor
 * (decider_role, set when the case opens); and whoever acts is refused
 * (403 case.own_case) on a case that is their own. The actions on a case
 * are in discipline_actions.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "discipline.h"
#include "list.h"
#include "org.h"

static const char *const case_states[] = {"open", "decided", "completed", "rejected", NULL};

const char *const case_measures[] = {
    "", "a serious talk (and, as the deputy decides, keeping the person on the job under watch)",
    "suspension (待岗) on the minimum living allowance", "a time-limited transfer"};

/* ---------- opening and noting (called with the person locked) ---------- */

static const db_stmt Q_YEAR_TOTAL = {
    "att_discipline_year_total",
    "SELECT coalesce(sum(half_days), 0) AS half_days FROM absences WHERE user_id = $1 AND state = 'active'"
    " AND date >= make_date($2::integer, $3::integer, $4::integer)"
    " AND date < make_date($2::integer + 1, $3::integer, $4::integer)"};

/* The absenteeism of user_id in the period that began in year (R-ATT-6). */
static int year_total(db_conn *c, const actor_t *who, long long user_id, int year, long *halves,
                      problem_t *p)
{
    const attendance_ctx *ctx = who->svc->ctx;
    char u[24], y[24], m[24], d[24];
    const char *params[] = {db_int(u, user_id), db_int(y, year), db_int(m, ctx->year_start_month),
                            db_int(d, ctx->year_start_day)};
    PGresult *res;
    if (db_query(c, &Q_YEAR_TOTAL, 4, params, &res, p))
        return -1;
    *halves = (long)db_col_ll(res, 0, "half_days");
    PQclear(res);
    return 0;
}

static const db_stmt Q_CASE_OPEN = {
    "att_case_open",
    "INSERT INTO discipline_cases(user_id, department_id, year, level, half_days_at_open,"
    " talk_by_id, allowance_yuan_per_month, decider_role, period_start)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, make_date($3::integer, $9::integer, $10::integer))"
    " ON CONFLICT (user_id, year, level) DO NOTHING"
    " RETURNING id, case_doc(discipline_cases) AS doc"};

/* Who holds the talk: the supervising deputy; for a deputy or a person
 * without one, the director; for the director, the district mayor. */
static long long talk_by(const org_person *f)
{
    if (!strcmp(f->position, POS_OFFICE_DIRECTOR))
        return f->mayor_id;
    if (strcmp(f->position, POS_DEPUTY_DIRECTOR) && f->deputy_id && f->deputy_id != f->id)
        return f->deputy_id;
    return f->director_id;
}

static const db_stmt Q_CASES_REACHED = {
    "att_cases_reached",
    "SELECT id, case_doc(c) AS doc, level, state, coalesce(talk_by_id, 0) AS talk_by_id,"
    " coalesce(leader_id, 0) AS leader_id, coalesce(decider_role, '') AS decider_role"
    " FROM discipline_cases c WHERE user_id = $1 AND year = $2 AND below_threshold"
    " AND state IN ('open', 'decided') AND level * 2 <= $3 ORDER BY level FOR UPDATE"};

static const db_stmt Q_CASES_ABOVE = {
    "att_cases_above",
    "SELECT id, case_doc(c) AS doc, level, state, coalesce(talk_by_id, 0) AS talk_by_id,"
    " coalesce(leader_id, 0) AS leader_id, coalesce(decider_role, '') AS decider_role"
    " FROM discipline_cases c WHERE user_id = $1 AND year = $2"
    " AND state IN ('open', 'decided') AND level * 2 > $3 ORDER BY level FOR UPDATE"};

/* Marks case $1 below its level or not ($4) and notes why ($2, $3). */
static const db_stmt Q_CASE_THRESHOLD = {
    "att_case_threshold",
    "UPDATE discipline_cases c SET below_threshold = $4::boolean,"
    " notes = c.notes || jsonb_build_array(jsonb_build_object('at', now(), 'text', $2::text,"
    "  'absence_id', $3::bigint)),"
    " version = c.version + 1, updated_at = now() WHERE c.id = $1 RETURNING case_doc(c) AS doc"};

/* Who must act on a case now: the leader it went to once decided, the talk
 * holder at level 1, else whoever holds the decider role (the director, or
 * the district mayor for the director's own case). 0 with *actor, or -1
 * with p. */
static int case_actor(db_conn *c, const PGresult *cases, int i, long long *actor, problem_t *p)
{
    int level = (int)db_col_ll(cases, i, "level");
    *actor = !strcmp(db_col_str(cases, i, "state"), "decided") ? db_col_ll(cases, i, "leader_id")
             : level == 1 ? db_col_ll(cases, i, "talk_by_id")
                          : 0;
    if (*actor)
        return 0;
    if (!strcmp(db_col_str(cases, i, "decider_role"), POS_DISTRICT_MAYOR))
        return org_district_mayor(c, actor, p);
    return org_director(c, actor, p);
}

/* Open cases whose level the year's total crosses after an absence is
 * recorded or voided: how to find them, which way they are marked, and
 * what their note, audit event and notification say. */
typedef struct crossing {
    const db_stmt *find;
    const char *below; /* the new below_threshold, "true" or "false" */
    const char *note;  /* absence id, year, days, level, plural "s" */
    const char *action, *title;
} crossing;

/* A case that a void had put below its level and that the year's total
 * reaches again: the flag is cleared and the return noted, so that the
 * case no longer reads as moot (R-ATT-6). */
static const crossing reached_again = {
    &Q_CASES_REACHED, "false",
    "Absence %lld was recorded: absenteeism in %d is now %.1f days, at this case's level of "
    "%d day%s again (R-ATT-6)",
    "above_threshold", "A discipline case is at its level again"};

/* A void that drops the total below a case's level is noted on the case
 * (R-ATT-6). */
static const crossing fell_below = {
    &Q_CASES_ABOVE, "true",
    "Absence %lld was voided: absenteeism in %d is now %.1f days, below this case's level of "
    "%d day%s (R-ATT-6)",
    "below_threshold", "A discipline case fell below its level"};

/* Marks, notes, audits and notifies every case x finds. 0, or -1 with p. */
static int cases_crossed(db_conn *c, const actor_t *who, long long user_id, int year, long total,
                         long long absence_id, const crossing *x, problem_t *p)
{
    char u[24], y[24], t[24], a[24];
    const char *params[] = {db_int(u, user_id), db_int(y, year), db_int(t, total)};
    PGresult *cases, *res;
    if (db_query(c, x->find, 3, params, &cases, p))
        return -1;
    int rc = 0;
    for (int i = 0, n = PQntuples(cases); i < n && rc == 0; i++) {
        long long id = db_col_ll(cases, i, "id"), actor;
        int level = (int)db_col_ll(cases, i, "level");
        char note[300], cid[24];
        snprintf(note, sizeof note, x->note, absence_id, year, total / 2.0, level,
                 level > 1 ? "s" : "");
        const char *pn[] = {db_int(cid, id), note, db_int(a, absence_id), x->below};
        if ((rc = db_query(c, &Q_CASE_THRESHOLD, 4, pn, &res, p)))
            break;
        rc = audit_write(c, who, "discipline_case", id, x->action,
                         db_col_str(cases, i, "doc"), db_col_str(res, 0, "doc"), p);
        PQclear(res);
        if (rc || (rc = case_actor(c, cases, i, &actor, p)))
            break;
        rc = notify(c, actor, "discipline_case", x->title, note, "discipline_case", id, p);
    }
    PQclear(cases);
    return rc;
}

int discipline_after_absence(db_conn *c, const actor_t *who, long long user_id, int year,
                             long long absence_id, problem_t *p)
{
    long total;
    if (year_total(c, who, user_id, year, &total, p))
        return -1;
    if (total < 2)
        return 0;
    if (cases_crossed(c, who, user_id, year, total, absence_id, &reached_again, p))
        return -1;
    org_person f;
    if (org_chain_get(c, user_id, true, &f, p))
        return -1;
    /* R-ATT-6: the director's meeting decides levels 2 and 3, and the
     * director records it, except on his own case: the district mayor. */
    const char *role = decider_role_for(f.position);
    long long decider = !strcmp(role, POS_DISTRICT_MAYOR) ? f.mayor_id : f.director_id;
    for (int level = 1; level <= 3 && total >= 2L * level; level++) {
        char u[24], d[24], y[24], l[24], h[24], t[24], a[24], sm[24], sd[24];
        long long actor = level == 1 ? talk_by(&f) : decider;
        const attendance_ctx *ctx = who->svc->ctx;
        const char *params[] = {
            db_int(u, user_id),
            f.department_id ? db_int(d, f.department_id) : NULL,
            db_int(y, year),
            db_int(l, level),
            db_int(h, total),
            level == 1 && actor ? db_int(t, actor) : NULL,
            level == 2 ? db_int(a, ctx->allowance_yuan) : NULL,
            level > 1 ? role : NULL,
            db_int(sm, ctx->year_start_month),
            db_int(sd, ctx->year_start_day)};
        PGresult *res;
        if (db_query(c, &Q_CASE_OPEN, 10, params, &res, p))
            return -1;
        if (PQntuples(res) == 0) {
            PQclear(res);
            continue;
        }
        long long id = db_col_ll(res, 0, "id");
        int rc = audit_write(c, who, "discipline_case", id, "open", NULL, db_col_str(res, 0, "doc"),
                             p);
        PQclear(res);
        if (rc)
            return -1;
        char title[200], body[400];
        text_fmt(title, sizeof title, "%s: %d day%s of absenteeism in %d", f.display_name, level,
                 level > 1 ? "s" : "", year);
        if (level == 1)
            snprintf(body, sizeof body,
                     "Hold a serious talk; record the person's attitude and whether you keep "
                     "them on the job under watch (留岗查看) (R-ATT-6)");
        else if (!strcmp(role, POS_DISTRICT_MAYOR))
            snprintf(body, sizeof body,
                     "The office director's own case: record the director's meeting decision "
                     "on %s; it then goes to the district leader in charge for approval "
                     "(R-ATT-6)",
                     case_measures[level]);
        else
            snprintf(body, sizeof body,
                     "Put %s to a director's meeting; the decision then goes to the district "
                     "leader in charge for approval (R-ATT-6)",
                     case_measures[level]);
        if (notify(c, actor, "discipline_case", title, body, "discipline_case", id, p))
            return -1;
        snprintf(body, sizeof body, "Your absenteeism in %d reached %d day%s: %s (R-ATT-6)", year,
                 level, level > 1 ? "s" : "", case_measures[level]);
        if (notify(c, user_id, "discipline_case", "A discipline case was opened", body,
                   "discipline_case", id, p))
            return -1;
    }
    return 0;
}

int discipline_after_void(db_conn *c, const actor_t *who, long long user_id, int year,
                          long long absence_id, problem_t *p)
{
    long total;
    if (year_total(c, who, user_id, year, &total, p))
        return -1;
    return cases_crossed(c, who, user_id, year, total, absence_id, &fell_below, p);
}

/* ---------- reads ---------- */

static const db_stmt Q_CASE_GET = {
    "att_case_get",
    "SELECT case_doc(c), c.version FROM discipline_cases c WHERE c.id = $1 AND" CASE_VISIBLE};

void h_cases_get(req_t *r)
{
    action_get_visible_by_position(r, &Q_CASE_GET, sees_all(r->caller));
}

/* to_act: the cases waiting for the caller (a talk, a meeting decision, an
 * approval). */
static const db_stmt Q_CASES_LIST = {
    "att_cases_list",
    "SELECT c.id, case_doc(c) FROM discipline_cases c"
    " WHERE " PAGE_BEFORE("c.id", "$1") " AND" CASE_VISIBLE
    " AND ($5::bigint IS NULL OR c.user_id = $5) AND ($6::text IS NULL OR c.state = $6)"
    " AND ($7::integer IS NULL OR c.level = $7) AND ($8::integer IS NULL OR c.year = $8)"
    " AND ($9::boolean IS NOT TRUE OR (c.user_id <> $2 AND ("
    "  (c.state = 'open' AND c.level = 1 AND c.talk_by_id = $2)"
    "  OR (c.state = 'open' AND c.level > 1 AND c.decider_role = $4)"
    "  OR (c.state = 'decided' AND c.leader_id = $2))))"
    " ORDER BY c.id DESC LIMIT $10"};

static const list_filter case_filters[] = {
    {.name = "user_id", .kind = LIST_ID},
    {.name = "state", .kind = LIST_ENUM, .values = case_states},
    {.name = "level", .kind = LIST_INT, .min = 1, .max = 3},
    {.name = "year", .kind = LIST_INT, .min = 1900, .max = 2999},
    {.name = "to_act", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t cases_list = {
    .stmt = &Q_CASES_LIST,
    .filters = case_filters,
    .params = {"@cursor", "@caller", "@sees_all", "@position", "user_id", "state", "level",
               "year", "to_act", "@limit"},
    .sees_all = sees_all,
};

void h_cases_list(req_t *r)
{
    list_handle(r, &cases_list);
}
