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
 * (403 case.own_case) on a case that is their own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "discipline.h"
#include "org.h"

static const char *const case_states[] = {"open", "decided", "completed", "rejected", NULL};

static const char *const measures[] = {"", "a serious talk (and, as the deputy decides, "
                                           "keeping the person on the job under watch)",
                                       "suspension (待岗) on the minimum living allowance",
                                       "a time-limited transfer"};

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
                     measures[level]);
        else
            snprintf(body, sizeof body,
                     "Put %s to a director's meeting; the decision then goes to the district "
                     "leader in charge for approval (R-ATT-6)",
                     measures[level]);
        if (notify(c, actor, "discipline_case", title, body, "discipline_case", id, p))
            return -1;
        snprintf(body, sizeof body, "Your absenteeism in %d reached %d day%s: %s (R-ATT-6)", year,
                 level, level > 1 ? "s" : "", measures[level]);
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

/* Visible to the person, whoever holds the talk (the district mayor for
 * the director's case), whoever holds the position that records the
 * meeting's decision (the district mayor for the director's case), the
 * district leader who approves it, office leaders and administrators.
 * $2 viewer, $3 sees all, $4 the viewer's position. */
#define CASE_VISIBLE                                                                    \
    " ($3::boolean OR c.user_id = $2 OR c.talk_by_id = $2 OR c.leader_id = $2"           \
    "  OR c.decider_role = $4)"

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

void h_cases_list(req_t *r)
{
    long limit;
    long long after, user = 0, level = 0, year = 0;
    bool has_user = false, has_level = false, has_year = false, to_act = false;
    const char *state = NULL;
    if (page_or_reply(r, &limit, &after) ||
        query_ll_or_reply(r, "user_id", 1, INT64_MAX / 2, &user, &has_user) ||
        query_enum_or_reply(r, "state", case_states, &state) ||
        query_ll_or_reply(r, "level", 1, 3, &level, &has_level) ||
        query_ll_or_reply(r, "year", 1900, 2999, &year, &has_year) ||
        query_bool_or_reply(r, "to_act", &to_act, NULL))
        return;
    char a[24], me[24], u[24], lv[24], y[24], l[24];
    const char *params[] = {after ? db_int(a, after) : NULL,
                            db_int(me, r->caller->id),
                            sees_all(r->caller) ? "true" : "false",
                            r->caller->position,
                            has_user ? db_int(u, user) : NULL,
                            state,
                            has_level ? db_int(lv, level) : NULL,
                            has_year ? db_int(y, year) : NULL,
                            to_act ? "true" : "false",
                            db_int(l, limit + 1)};
    PGresult *res = db_read_or_reply(r, &Q_CASES_LIST, 10, params);
    if (res)
        reply_page(r, res, limit);
}

/* ---------- actions ---------- */

static const action_kind case_kind = {
    .entity = "discipline_case",
    .noun = "discipline case",
    .wrong_state = ERR_WRONG_STATE,
};

/* The locked case, as the actions need it. */
typedef struct case_row {
    long long user_id, talk_by_id, leader_id, decided_by;
    int level;
    char decider_role[24]; /* "" at level 1 */
} case_row;

static const db_stmt Q_CASE_LOCK = {
    "att_case_lock",
    "SELECT c.user_id, coalesce(c.talk_by_id, 0) AS talk_by_id,"
    " coalesce(c.leader_id, 0) AS leader_id, c.version, c.level, c.state, case_doc(c) AS doc,"
    " coalesce(c.decider_role, '') AS decider_role, coalesce(c.decided_by, 0) AS decided_by"
    " FROM discipline_cases c WHERE c.id = $1 AND" CASE_VISIBLE " FOR UPDATE"};

/* The lock step of every case action: locks and reads case t->id into
 * t->row (a case_row). 404 when the caller may not see it. */
static int case_lock(db_conn *c, action_tx *t, problem_t *p)
{
    case_row *row = t->row;
    char id[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id),
                            sees_all(t->r->caller) ? "true" : "false", t->r->caller->position};
    PGresult *res;
    if (db_query(c, &Q_CASE_LOCK, 4, params, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such discipline case");
    }
    row->user_id = db_col_ll(res, 0, "user_id");
    row->talk_by_id = db_col_ll(res, 0, "talk_by_id");
    row->leader_id = db_col_ll(res, 0, "leader_id");
    t->version = db_col_ll(res, 0, "version");
    row->level = (int)db_col_ll(res, 0, "level");
    snprintf(t->state, sizeof t->state, "%s", db_col_str(res, 0, "state"));
    t->before = strdup(db_col_str(res, 0, "doc"));
    snprintf(row->decider_role, sizeof row->decider_role, "%s", db_col_str(res, 0, "decider_role"));
    row->decided_by = db_col_ll(res, 0, "decided_by");
    PQclear(res);
    if (!t->before)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    return 0;
}

/* The authorise step of every case action (R-ATT-6): no one holds the
 * talk, records the meeting's decision or approves on their own case. */
static int case_not_own(db_conn *c, action_tx *t, problem_t *p)
{
    const case_row *row = t->row;
    (void)c;
    if (row->user_id == t->r->caller->id)
        return problem_set(p, ERR_CASE_OWN_CASE, NULL, NULL,
                           "no one acts on their own discipline case; the office director's "
                           "goes to the district mayor");
    return 0;
}

static const db_stmt Q_CASE_DOC = {
    "att_case_doc", "SELECT case_doc(c) AS doc FROM discipline_cases c WHERE c.id = $1"};

/* The last step of every case action: the document after the change, into
 * t->doc (the runner audits it). */
static int case_after(db_conn *c, action_tx *t, problem_t *p)
{
    t->doc = att_doc(c, &Q_CASE_DOC, t->id, "discipline case", p);
    return t->doc ? 0 : -1;
}

/* Runs act on the case in the path; in is the body act->fields describe. */
static void case_action(req_t *r, const action_t *act, void *in)
{
    case_row row = {0};
    action_handle(r, act, in, &row);
}

/* talk: level 1, by the supervising deputy */

typedef struct talk_in {
    const char *notes, *attitude;
    bool keep_under_watch;
} talk_in;

/* 五 "视其态度对其进行留岗查看处理": the attitude is recorded and keeping the
 * person under watch is the deputy's decision, stated either way. */
static const json_field talk_fields[] = {
    {"notes", JF_STRING, JF_REQUIRED, 1, 4000, NULL, offsetof(talk_in, notes)},
    {"attitude", JF_STRING, JF_REQUIRED, 1, 1000, NULL, offsetof(talk_in, attitude)},
    {"keep_under_watch", JF_BOOL, JF_REQUIRED, 0, 0, NULL, offsetof(talk_in, keep_under_watch)},
    JF_END,
};

static const db_stmt Q_CASE_TALK = {
    "att_case_talk",
    "UPDATE discipline_cases SET state = 'completed', talk_notes = $2, talk_attitude = $3,"
    " under_watch = $4::boolean, talked_at = now(),"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static int case_talk(db_conn *c, action_tx *t, problem_t *p)
{
    const case_row *row = t->row;
    if (row->level != 1)
        return problem_set(p, ERR_CASE_NOT_A_TALK, NULL, NULL,
                           "a level %d case is decided at a director's meeting, not by a talk",
                           row->level);
    if (row->talk_by_id != t->r->caller->id)
        return problem_set(p, ERR_CASE_NOT_TALK_HOLDER, NULL, NULL,
                           "the talk is held by the person's supervising deputy director");
    if (strcmp(t->state, "open"))
        return problem_set(p, ERR_CASE_NOT_OPEN, NULL, NULL, "the case is %s", t->state);
    const talk_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->notes, in->attitude,
                            in->keep_under_watch ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_CASE_TALK, 4, params, &res, p))
        return -1;
    PQclear(res);
    if (notify(c, row->user_id, "discipline_case",
               in->keep_under_watch ? "Talk recorded: kept on the job under watch"
                                    : "Talk recorded",
               in->keep_under_watch
                   ? "A serious talk was held; you are kept on the job under watch (留岗查看, "
                     "R-ATT-6)"
                   : "A serious talk was held (R-ATT-6)",
               "discipline_case", t->id, p))
        return -1;
    return case_after(c, t, p);
}

static const action_t act_talk = {
    .kind = &case_kind,
    .verb = "talk",
    .done = "completed",
    .fields = talk_fields,
    .lock = case_lock,
    .authorise = case_not_own,
    .perform = case_talk,
};

void h_cases_talk(req_t *r)
{
    talk_in in = {0};
    case_action(r, &act_talk, &in);
}

/* decide: levels 2 and 3, the director records the meeting's decision (the
 * district mayor on the director's own case) */

typedef struct decide_in {
    long long meeting_decision_id, leader_id, suspension_months;
    const char *transfer_by;
} decide_in;

/* 五: the suspension's length (待岗时间视其情节和态度而定) and the transfer's
 * deadline (限期调离) are part of the meeting's decision. */
static const json_field decide_fields[] = {
    {"meeting_decision_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, NULL,
     offsetof(decide_in, meeting_decision_id)},
    {"leader_id", JF_INT, 0, 1, INT64_MAX / 2, NULL, offsetof(decide_in, leader_id)},
    {"suspension_months", JF_INT, 0, 1, 36, NULL, offsetof(decide_in, suspension_months)},
    {"transfer_by", JF_DATE, 0, 0, 0, NULL, offsetof(decide_in, transfer_by)},
    JF_END,
};

/* Whether a transfer deadline lies ahead, within a year (office dates). */
static const db_stmt Q_TRANSFER_BY_FITS = {
    "att_case_transfer_by_fits",
    "SELECT $1::date > (now() AT TIME ZONE 'Asia/Shanghai')::date AS ahead,"
    " $1::date <= (now() AT TIME ZONE 'Asia/Shanghai')::date + 366 AS near"};

/* The measure's own terms, by level: 0, or -1 with a 400 naming the field. */
static int decide_terms_check(db_conn *c, const decide_in *in, int level, problem_t *p)
{
    if (level == 2 && !in->suspension_months)
        problem_field(p, "suspension_months", "the suspension's length in months is decided "
                                              "by the meeting (R-ATT-6)");
    if (level != 2 && in->suspension_months)
        problem_field(p, "suspension_months", "only a suspension (level 2) has a length");
    if (level == 3 && !in->transfer_by)
        problem_field(p, "transfer_by", "the transfer's deadline is set by the meeting (R-ATT-6)");
    if (level != 3 && in->transfer_by)
        problem_field(p, "transfer_by", "only a transfer (level 3) has a deadline");
    if (p->code != ERR_NONE) {
        p->rule = "R-ATT-6";
        return -1;
    }
    if (!in->transfer_by)
        return 0;
    const char *params[] = {in->transfer_by};
    PGresult *res;
    if (db_query(c, &Q_TRANSFER_BY_FITS, 1, params, &res, p))
        return -1;
    bool ahead = db_col_bool(res, 0, "ahead"), near = db_col_bool(res, 0, "near");
    PQclear(res);
    if (!ahead)
        return problem_field(p, "transfer_by", "must be after today");
    if (!near)
        return problem_field(p, "transfer_by", "must be within a year");
    return 0;
}

/* The district leader in charge: the one named ($1) or the district mayor,
 * never the person of the case ($2). */
static const db_stmt Q_LEADER = {
    "att_case_leader",
    "SELECT id FROM identity.org_people WHERE active AND id <> $2"
    " AND ((id = $1 AND position IN ('district_mayor', 'deputy_mayor'))"
    "  OR ($1 IS NULL AND position = 'district_mayor'))"
    " ORDER BY id LIMIT 1"};

static const db_stmt Q_CASE_DECIDE = {
    "att_case_decide",
    "UPDATE discipline_cases SET state = 'decided', meeting_decision_id = $2, decided_by = $3,"
    " decided_at = now(), leader_id = $4, suspension_months = $5, transfer_by = $6::date,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static int case_decide(db_conn *c, action_tx *t, problem_t *p)
{
    decide_in *in = t->in;
    const case_row *row = t->row;
    PGresult *res;
    const char *role = row->level > 1 ? row->decider_role : POS_OFFICE_DIRECTOR;
    if (strcmp(t->r->caller->position, role)) {
        if (!strcmp(role, POS_DISTRICT_MAYOR))
            return problem_set(p, ERR_CASE_NOT_DECIDER, NULL, NULL,
                               "the decision of the director's meeting on the office director's "
                               "own case is recorded by the district mayor");
        return problem_set(p, ERR_CASE_NOT_DIRECTOR, NULL, NULL,
                           "the director records the decision of the director's meeting");
    }
    if (row->level == 1)
        return problem_set(p, ERR_CASE_NOT_FOR_MEETING, NULL, NULL,
                           "a level 1 case is settled by a talk, not a meeting decision");
    if (strcmp(t->state, "open"))
        return problem_set(p, ERR_CASE_NOT_OPEN, NULL, NULL, "the case is %s", t->state);
    if (decide_terms_check(c, in, row->level, p))
        return -1;
    char l[24], u[24];
    const char *pl[] = {in->leader_id ? db_int(l, in->leader_id) : NULL,
                        db_int(u, row->user_id)};
    if (db_query(c, &Q_LEADER, 2, pl, &res, p))
        return -1;
    long long leader = PQntuples(res) ? db_col_ll(res, 0, "id") : 0;
    PQclear(res);
    if (!leader && in->leader_id)
        return problem_field(p, "leader_id", "must be an active district mayor or deputy mayor");
    if (!leader)
        return problem_set(p, ERR_CASE_NO_LEADER, NULL, NULL, "no district mayor is appointed");
    if (meeting_decision_check(c, in->meeting_decision_id, row->user_id, row->level,
                               in->transfer_by, p))
        return -1;
    char id[24], m[24], me[24], ld[24], sm[24];
    const char *pu[] = {db_int(id, t->id),
                        db_int(m, in->meeting_decision_id),
                        db_int(me, t->r->caller->id),
                        db_int(ld, leader),
                        in->suspension_months ? db_int(sm, in->suspension_months) : NULL,
                        in->transfer_by};
    if (db_query(c, &Q_CASE_DECIDE, 6, pu, &res, p))
        return -1;
    PQclear(res);
    char terms[64] = "";
    if (in->suspension_months)
        snprintf(terms, sizeof terms, " for %lld month%s", in->suspension_months,
                 in->suspension_months > 1 ? "s" : "");
    else if (in->transfer_by)
        snprintf(terms, sizeof terms, " by %s", in->transfer_by);
    char body[400];
    snprintf(body, sizeof body,
             "The director's meeting decided on %s%s (decision %lld); your approval is needed "
             "(R-ATT-6)",
             measures[row->level], terms, in->meeting_decision_id);
    if (notify(c, leader, "discipline_case", "A discipline decision awaits your approval", body,
               "discipline_case", t->id, p))
        return -1;
    return case_after(c, t, p);
}

static const action_t act_decide = {
    .kind = &case_kind,
    .verb = "decide",
    .done = "decided",
    .fields = decide_fields,
    .decides = true,
    .lock = case_lock,
    .authorise = case_not_own,
    .perform = case_decide,
};

void h_cases_decide(req_t *r)
{
    decide_in in = {0};
    case_action(r, &act_decide, &in);
}

/* approve / reject: the district leader in charge */

static const db_stmt Q_CASE_LEADER_DECISION = {
    "att_case_leader_decision",
    "UPDATE discipline_cases SET state = $2, leader_decision = $3, leader_comment = $4,"
    " leader_decided_at = now(), version = version + 1, updated_at = now() WHERE id = $1"};

static int case_leader_decide(db_conn *c, action_tx *t, bool approve, problem_t *p)
{
    const case_row *row = t->row;
    PGresult *res;
    if (row->leader_id != t->r->caller->id)
        return problem_set(
            p, ERR_CASE_NOT_LEADER, NULL, NULL,
            "the decision is approved by the district leader in charge it was sent to");
    if (strcmp(t->state, "decided"))
        return problem_set(p, ERR_CASE_NOT_DECIDED, NULL, NULL, "the case is %s", t->state);
    char id[24];
    const char *pu[] = {db_int(id, t->id), approve ? "completed" : "rejected",
                        approve ? "approved" : "rejected", ((comment_in *)t->in)->comment};
    if (db_query(c, &Q_CASE_LEADER_DECISION, 4, pu, &res, p))
        return -1;
    PQclear(res);
    char body[300];
    snprintf(body, sizeof body, "The district leader %s %s (R-ATT-6)",
             approve ? "approved" : "did not approve", measures[row->level]);
    if (notify(c, row->user_id, "discipline_case", "A discipline decision was settled", body,
               "discipline_case", t->id, p))
        return -1;
    /* Whoever recorded the meeting's decision hears how it ended. */
    if (row->decided_by != row->user_id && row->decided_by != t->r->caller->id &&
        notify(c, row->decided_by, "discipline_case", "A discipline decision was settled", body,
               "discipline_case", t->id, p))
        return -1;
    return case_after(c, t, p);
}

static int case_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return case_leader_decide(c, t, true, p);
}

static int case_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return case_leader_decide(c, t, false, p);
}

static const action_t act_approve = {
    .kind = &case_kind,
    .verb = "approve",
    .done = "completed",
    .fields = comment_fields,
    .decides = true,
    .lock = case_lock,
    .authorise = case_not_own,
    .perform = case_approve,
};
static const action_t act_reject = {
    .kind = &case_kind,
    .verb = "reject",
    .done = "rejected",
    .fields = comment_fields,
    .decides = true,
    .lock = case_lock,
    .authorise = case_not_own,
    .perform = case_reject,
};

void h_cases_approve(req_t *r)
{
    comment_in in = {0};
    case_action(r, &act_approve, &in);
}

void h_cases_reject(req_t *r)
{
    comment_in in = {0};
    case_action(r, &act_reject, &in);
}
