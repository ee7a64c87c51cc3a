/* The actions on a discipline case (R-ATT-6), as one table: the serious
 * talk of a level 1 case by the supervising deputy, the director's meeting's
 * decision of levels 2 and 3 recorded by the director (the district mayor
 * on the director's own case), and its approval by the district leader in
 * charge. No one acts on their own case. Opening and noting cases is in
 * discipline.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "discipline.h"
#include "org.h"

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
        return problem_oom(p);
    return 0;
}

/* Every case action (R-ATT-6): no one holds the talk, records the
 * meeting's decision or approves on their own case. */
static int case_not_own(const action_tx *t, problem_t *p)
{
    const case_row *row = t->row;
    if (row->user_id == t->r->caller->id)
        return problem_set(p, ERR_CASE_OWN_CASE, NULL, NULL,
                           "no one acts on their own discipline case; the office director's "
                           "goes to the district mayor");
    return 0;
}

/* A talk settles a level 1 case, held by the person's supervising deputy
 * (the director for a deputy, the district mayor for the director). */
static int authorise_talk_holder(db_conn *c, action_tx *t, problem_t *p)
{
    const case_row *row = t->row;
    (void)c;
    if (case_not_own(t, p))
        return -1;
    if (row->level != 1)
        return problem_set(p, ERR_CASE_NOT_A_TALK, NULL, NULL,
                           "a level %d case is decided at a director's meeting, not by a talk",
                           row->level);
    if (row->talk_by_id != t->r->caller->id)
        return problem_set(p, ERR_CASE_NOT_TALK_HOLDER, NULL, NULL,
                           "the talk is held by the person's supervising deputy director");
    return 0;
}

/* The director's meeting decides levels 2 and 3; the director records its
 * decision, the district mayor on the director's own case. */
static int authorise_meeting_recorder(db_conn *c, action_tx *t, problem_t *p)
{
    const case_row *row = t->row;
    (void)c;
    if (case_not_own(t, p))
        return -1;
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
    return 0;
}

/* The district leader in charge the decision was sent to. */
static int authorise_leader(db_conn *c, action_tx *t, problem_t *p)
{
    const case_row *row = t->row;
    (void)c;
    if (case_not_own(t, p))
        return -1;
    if (row->leader_id != t->r->caller->id)
        return problem_set(
            p, ERR_CASE_NOT_LEADER, NULL, NULL,
            "the decision is approved by the district leader in charge it was sent to");
    return 0;
}

static const char *const from_open[] = {"open", NULL};
static const char *const from_decided[] = {"decided", NULL};

static const action_refusal not_open[] = {
    {.code = ERR_CASE_NOT_OPEN, .detail = "the case is %s"},
};

static const action_refusal not_decided[] = {
    {.code = ERR_CASE_NOT_DECIDED, .detail = "the case is %s"},
};

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
    {.name = "notes", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(talk_in, notes)},
    {.name = "attitude", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(talk_in, attitude)},
    {.name = "keep_under_watch", .type = JF_BOOL, .flags = JF_REQUIRED,
     .offset = offsetof(talk_in, keep_under_watch)},
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

/* R-ATT-6: two days of absenteeism in a year, a serious talk by the
 * supervising deputy, held on an open case. */
static const action_t act_talk = {
    .kind = &case_kind,
    .verb = "talk",
    .done = "completed",
    .fields = talk_fields,
    .rule = "R-ATT-6",
    .from_states = from_open,
    .refusals = not_open,
    .lock = case_lock,
    .authorise = authorise_talk_holder,
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
    {.name = "meeting_decision_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(decide_in, meeting_decision_id)},
    {.name = "leader_id", .type = JF_INT, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(decide_in, leader_id)},
    {.name = "suspension_months", .type = JF_INT, .min = 1, .max = 36,
     .offset = offsetof(decide_in, suspension_months)},
    {.name = "transfer_by", .type = JF_DATE, .offset = offsetof(decide_in, transfer_by)},
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
             case_measures[row->level], terms, in->meeting_decision_id);
    if (notify(c, leader, "discipline_case", "A discipline decision awaits your approval", body,
               "discipline_case", t->id, p))
        return -1;
    return case_after(c, t, p);
}

/* R-ATT-6: three days, a suspension, and five, a transfer, decided by the
 * director's meeting on an open case and recorded with its terms. */
static const action_t act_decide = {
    .kind = &case_kind,
    .verb = "decide",
    .done = "decided",
    .fields = decide_fields,
    .decides = true,
    .rule = "R-ATT-6",
    .from_states = from_open,
    .refusals = not_open,
    .lock = case_lock,
    .authorise = authorise_meeting_recorder,
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
    char id[24];
    const char *pu[] = {db_int(id, t->id), approve ? "completed" : "rejected",
                        approve ? "approved" : "rejected", ((comment_in *)t->in)->comment};
    if (db_query(c, &Q_CASE_LEADER_DECISION, 4, pu, &res, p))
        return -1;
    PQclear(res);
    char body[300];
    snprintf(body, sizeof body, "The district leader %s %s (R-ATT-6)",
             approve ? "approved" : "did not approve", case_measures[row->level]);
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

/* R-ATT-6: the district leader in charge approves the recorded decision,
 * or not. */
static const action_t act_approve = {
    ACTION_DECISION("approve", "completed"),
    .kind = &case_kind, .rule = "R-ATT-6", .from_states = from_decided, .refusals = not_decided,
    .lock = case_lock, .authorise = authorise_leader, .perform = case_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &case_kind, .rule = "R-ATT-6", .from_states = from_decided, .refusals = not_decided,
    .lock = case_lock, .authorise = authorise_leader, .perform = case_reject,
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
