/* The actions on a leave request after it is made, as one table: who may
 * take each, from which state, what else bars it and the regulation it
 * carries out (R-ATT-2: approval step by step; R-ATT-4: the extension
 * (补假), its written explanation and closing (销假)). The steps that make
 * each change are in leave_approval.c, leave_extension.c,
 * leave_explanation.c and leave_return.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "leave_action.h"


/* Locks the request and reads what its actions look at, its document and
 * whether the caller sees it, in one round trip. The document is stored
 * with the row and rebuilt with every change of it or of its steps
 * (migration 012), so the locked row's is the latest, with its latest
 * steps. */
static const db_stmt Q_LEAVE_LOCK = {
    "att_leave_lock",
    "SELECT l.applicant_id, coalesce(l.current_approver_id, 0) AS current_approver_id,"
    " l.final_approver_id, l.version, coalesce(l.current_step, 0) AS current_step,"
    " l.steps_total, l.state, l.start_date, l.start_half, l.end_date, l.end_half,"
    " coalesce(l.ext_end_date::text, '') AS ext_end_date,"
    " coalesce(l.ext_end_half, '') AS ext_end_half, l.explanation IS NOT NULL AS explained,"
    " coalesce(l.ext_half_days, 0) AS ext_half_days, coalesce(l.ext_outcome, '') AS ext_outcome,"
    " coalesce(l.explanation_due < now(), false) AS due_passed,"
    " coalesce(l.ext_state, '') AS ext_state,"
    " coalesce(l.ext_approvers[l.ext_step], 0) AS ext_approver_id,"
    " coalesce(l.ext_step, 0) AS ext_step, coalesce(cardinality(l.ext_approvers), 0) AS ext_steps,"
    " l.ends_at <= now() AS ended, coalesce(l.explanation_review, '') AS review,"
    " coalesce(l.late_swept_slot, -1) AS late_swept_slot,"
    " coalesce(l.return_confirmation = 'pending', false) AS return_pending,"
    " coalesce(l.late_swept_from, -1) AS late_swept_from,"
    LEAVE_DOC("l") " AS doc," LEAVE_VISIBLE("l", "$2", "$3") " AS visible"
    " FROM leave_requests l WHERE l.id = $1 FOR UPDATE"};

static void copy(char *dst, size_t n, const PGresult *res, const char *col)
{
    snprintf(dst, n, "%s", db_col_str(res, 0, col));
}

/* The first step of the request's document that `me` decided, 0 if none. */
static int decided_step(const char *doc, long long me)
{
    json_t *d = json_loads(doc, 0, NULL);
    json_t *a;
    size_t i;
    int step = 0;
    json_array_foreach(json_object_get(d, "approvals"), i, a) {
        json_t *decision = json_object_get(a, "decision");
        if (json_integer_value(json_object_get(a, "approver_id")) == me && decision &&
            !json_is_null(decision)) {
            step = (int)json_integer_value(json_object_get(a, "step"));
            break;
        }
    }
    json_decref(d);
    return step;
}

/* The lock step of every leave action: locks and reads request t->id into
 * t->row (a leave_row), and its state into t->state (an approved leave
 * whose extension waits is LEAVE_EXTENSION_PENDING). 404 when it does not
 * exist or the caller may not see it. */
static int leave_lock(db_conn *c, action_tx *t, problem_t *p)
{
    leave_row *row = t->row;
    memset(row, 0, sizeof *row);
    char id[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id),
                            sees_all(t->r->caller) ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_LOCK, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "visible")) {
        PQclear(res);
        return problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such leave request");
    }
    row->applicant_id = db_col_ll(res, 0, "applicant_id");
    row->current_approver_id = db_col_ll(res, 0, "current_approver_id");
    row->final_approver_id = db_col_ll(res, 0, "final_approver_id");
    t->version = db_col_ll(res, 0, "version");
    row->current_step = (int)db_col_ll(res, 0, "current_step");
    row->steps_total = (int)db_col_ll(res, 0, "steps_total");
    copy(t->state, sizeof t->state, res, "state");
    copy(row->start_date, sizeof row->start_date, res, "start_date");
    copy(row->start_half, sizeof row->start_half, res, "start_half");
    copy(row->end_date, sizeof row->end_date, res, "end_date");
    copy(row->end_half, sizeof row->end_half, res, "end_half");
    copy(row->ext_end_date, sizeof row->ext_end_date, res, "ext_end_date");
    copy(row->ext_end_half, sizeof row->ext_end_half, res, "ext_end_half");
    row->explained = db_col_bool(res, 0, "explained");
    row->ext_half_days = (long)db_col_ll(res, 0, "ext_half_days");
    copy(row->ext_outcome, sizeof row->ext_outcome, res, "ext_outcome");
    row->due_passed = db_col_bool(res, 0, "due_passed");
    copy(row->ext_state, sizeof row->ext_state, res, "ext_state");
    row->ext_approver_id = db_col_ll(res, 0, "ext_approver_id");
    row->ext_step = (int)db_col_ll(res, 0, "ext_step");
    row->ext_steps = (int)db_col_ll(res, 0, "ext_steps");
    row->ended = db_col_bool(res, 0, "ended");
    copy(row->review, sizeof row->review, res, "review");
    row->late_swept_slot = (long)db_col_ll(res, 0, "late_swept_slot");
    row->return_pending = db_col_bool(res, 0, "return_pending");
    row->late_swept_from = (long)db_col_ll(res, 0, "late_swept_from");
    /* An extension that is pending or refused is not in force. */
    if (strcmp(row->ext_state, "granted"))
        row->ext_end_date[0] = row->ext_end_half[0] = '\0';
    if (!strcmp(t->state, "approved") && !strcmp(row->ext_state, "pending"))
        snprintf(t->state, sizeof t->state, "%s", LEAVE_EXTENSION_PENDING);
    t->before = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!t->before)
        return problem_oom(p);
    row->my_decided_step = decided_step(t->before, t->r->caller->id);
    return 0;
}

/* ---------- what every action's step uses ---------- */

long slot_text(const char *date, const char *half)
{
    long day = 0;
    day_parse(date, &day);
    return slot_of(day, !strcmp(half, "pm"));
}

long effective_end(const leave_row *row)
{
    return row->ext_end_date[0] ? slot_text(row->ext_end_date, row->ext_end_half)
                                : slot_text(row->end_date, row->end_half);
}

int leave_after(db_conn *c, action_tx *t, problem_t *p)
{
    t->doc = leave_doc_text(c, t->id, p);
    return t->doc ? 0 : -1;
}

int leave_returned(action_tx *t, PGresult *res, problem_t *p)
{
    if (PQntuples(res) == 1 && !(t->doc = strdup(db_col_str(res, 0, "doc")))) {
        PQclear(res);
        return problem_oom(p);
    }
    PQclear(res);
    return t->doc ? 0 : problem_set(p, ERR_INTERNAL, NULL, NULL, "the leave request is gone");
}

/* ---------- who may act, and what else bars an action ---------- */

typedef enum leave_who {
    APPLICANT,      /* the person on leave */
    FINAL_APPROVER, /* the approver of the chain's last step (R-ATT-4) */
    STEP_APPROVER,  /* the approver whose turn it is: of the chain's current
                     * step, or of the waiting extension's (R-ATT-2) */
} leave_who;

/* A condition of the locked row that refuses the action, checked in order
 * after who may act and the state. */
typedef struct leave_bar {
    bool (*holds)(const action_tx *t, const leave_row *row); /* NULL ends a list */
    err_code code;
    const char *detail;
} leave_bar;

/* One action on a leave request: the runner's row (first, so that the
 * runner's pointer is this row's), who may take it, with the refusal of
 * anyone else, and its bars. */
typedef struct leave_act {
    action_t act;
    leave_who who;
    const char *not_who;  /* the 403's detail */
    const char *who_rule; /* the 403's rule; NULL: the code's own */
    const leave_bar *bars;
    action_fn run; /* the change, once nothing bars it */
} leave_act;

/* The step approver: the approver of the waiting extension's step, or of
 * the chain's current step; one who decided an earlier step is told so,
 * and a request no longer pending is left to the state's refusal. */
static int step_approver(const action_tx *t, const leave_row *row, problem_t *p)
{
    long long me = t->r->caller->id;
    if (!strcmp(t->state, LEAVE_EXTENSION_PENDING)) {
        if (row->ext_approver_id == me)
            return 0;
        return problem_set(p, ERR_LEAVE_APPROVER_MISMATCH, NULL, "R-ATT-4",
                           "step %d of this leave's extension waits for its own approver",
                           row->ext_step);
    }
    bool pending = !strcmp(t->state, "pending");
    if (pending && row->current_approver_id == me)
        return 0;
    if (row->my_decided_step)
        return problem_set(p, ERR_LEAVE_ALREADY_DECIDED, NULL, NULL,
                           "you already decided step %d of this request", row->my_decided_step);
    if (!pending)
        return 0;
    return problem_set(p, ERR_LEAVE_APPROVER_MISMATCH, NULL, NULL,
                       "step %d of this request waits for its own approver", row->current_step);
}

/* The authorise step of every leave action: the row's who. */
static int leave_authorise(db_conn *c, action_tx *t, problem_t *p)
{
    const leave_act *a = (const leave_act *)t->act;
    const leave_row *row = t->row;
    (void)c;
    switch (a->who) {
    case APPLICANT:
        if (row->applicant_id == t->r->caller->id)
            return 0;
        return problem_set(p, ERR_LEAVE_NOT_APPLICANT, NULL, a->who_rule, "%s", a->not_who);
    case FINAL_APPROVER:
        if (row->final_approver_id == t->r->caller->id)
            return 0;
        return problem_set(p, ERR_LEAVE_NOT_FINAL_APPROVER, NULL, a->who_rule, "%s", a->not_who);
    case STEP_APPROVER:
        return step_approver(t, row, p);
    }
    return problem_set(p, ERR_INTERNAL, NULL, NULL, "no one may act");
}

/* The perform step of every leave action: the row's bars, then its run. */
static int leave_perform(db_conn *c, action_tx *t, problem_t *p)
{
    const leave_act *a = (const leave_act *)t->act;
    for (const leave_bar *b = a->bars; b && b->holds; b++)
        if (b->holds(t, t->row))
            return problem_set(p, b->code, NULL, NULL, "%s", b->detail);
    return a->run(c, t, p);
}

static bool return_pending(const action_tx *t, const leave_row *row)
{
    (void)t;
    return row->return_pending;
}

static bool no_return_pending(const action_tx *t, const leave_row *row)
{
    return !return_pending(t, row);
}

/* 三 "必须通过电话及时补假": an extension is asked for before the leave
 * runs out. */
static bool leave_ended(const action_tx *t, const leave_row *row)
{
    (void)t;
    return row->ended;
}

static bool no_extension(const action_tx *t, const leave_row *row)
{
    (void)t;
    return !row->ext_end_date[0];
}

static bool explained(const action_tx *t, const leave_row *row)
{
    (void)t;
    return row->explained;
}

static bool not_explained(const action_tx *t, const leave_row *row)
{
    return !explained(t, row);
}

/* Once closed, the explanation is late when its days have passed or the
 * extension was already settled as absenteeism. */
static bool explanation_late(const action_tx *t, const leave_row *row)
{
    return !strcmp(t->state, "closed") &&
           (!strcmp(row->ext_outcome, "absenteeism") || row->due_passed);
}

static bool review_accepted(const action_tx *t, const leave_row *row)
{
    (void)t;
    return !strcmp(row->review, "accepted");
}

static bool review_refused(const action_tx *t, const leave_row *row)
{
    (void)t;
    return !strcmp(row->review, "refused");
}

/* ---------- the table ---------- */

static const action_kind leave_kind = {
    .entity = "leave_request",
    .noun = "leave request",
    .wrong_state = ERR_WRONG_STATE,
};

static const char *const from_pending[] = {"pending", NULL};
static const char *const from_deciding[] = {"pending", LEAVE_EXTENSION_PENDING, NULL};
static const char *const from_approved[] = {"approved", NULL};
static const char *const from_open[] = {"approved", LEAVE_EXTENSION_PENDING, NULL};

static const action_refusal nothing_to_decide[] = {
    {.code = ERR_LEAVE_NOT_PENDING, .detail = "the request is %s; nothing waits for a decision"},
};

static const action_refusal withdraw_refusals[] = {
    {.state = "approved", .code = ERR_LEAVE_ALREADY_APPROVED,
     .detail = "the leave was finally approved; it can no longer be withdrawn"},
    {.state = LEAVE_EXTENSION_PENDING, .code = ERR_LEAVE_ALREADY_APPROVED,
     .detail = "the leave was finally approved; it can no longer be withdrawn"},
    {.state = "closed", .code = ERR_LEAVE_ALREADY_APPROVED,
     .detail = "the leave was finally approved; it can no longer be withdrawn"},
    {.code = ERR_LEAVE_NOT_PENDING, .detail = "the request is %s"},
};

static const action_refusal extend_refusals[] = {
    {.state = LEAVE_EXTENSION_PENDING, .code = ERR_LEAVE_EXTENSION_PENDING,
     .detail = "an extension of this leave waits for approval"},
    {.code = ERR_LEAVE_NOT_OPEN,
     .detail = "only an approved leave that is not closed can be extended; it is %s"},
};

static const action_refusal close_refusals[] = {
    {.state = "closed", .code = ERR_LEAVE_ALREADY_CLOSED,
     .detail = "only an approved leave is closed; it is %s"},
    {.code = ERR_LEAVE_NOT_APPROVED, .detail = "only an approved leave is closed; it is %s"},
};

static const leave_bar extend_bars[] = {
    {.holds = leave_ended, .code = ERR_LEAVE_EXTENSION_LATE,
     .detail = "an extension is asked for (by phone) before the leave ends; after its end the "
               "days away are absenteeism"},
    {0},
};

static const leave_bar explain_bars[] = {
    {.holds = no_extension, .code = ERR_LEAVE_NO_EXTENSION,
     .detail = "the leave has no extension to explain"},
    {.holds = explained, .code = ERR_LEAVE_ALREADY_EXPLAINED,
     .detail = "the explanation was already handed in"},
    {.holds = explanation_late, .code = ERR_LEAVE_EXPLANATION_LATE,
     .detail = "the time for the written explanation has passed; the extension counts as "
               "absenteeism"},
    {0},
};

static const leave_bar review_bars[] = {
    {.holds = not_explained, .code = ERR_LEAVE_NO_EXPLANATION,
     .detail = "no written explanation was handed in"},
    {.holds = review_accepted, .code = ERR_LEAVE_EXPLANATION_REVIEWED,
     .detail = "the explanation was already accepted"},
    {.holds = review_refused, .code = ERR_LEAVE_EXPLANATION_REVIEWED,
     .detail = "the explanation was already refused"},
    {0},
};

static const leave_bar close_bars[] = {
    {.holds = return_pending, .code = ERR_LEAVE_RETURN_UNCONFIRMED,
     .detail = "the return time given waits for the approver's confirmation"},
    {0},
};

static const leave_bar confirm_bars[] = {
    {.holds = no_return_pending, .code = ERR_LEAVE_NO_RETURN_TO_CONFIRM,
     .detail = "no return time of this leave waits for confirmation"},
    {0},
};

/* The runner's steps of every leave action. */
#define LEAVE_STEPS .lock = leave_lock, .authorise = leave_authorise, .perform = leave_perform

/* R-ATT-2: the approver whose turn it is approves or rejects the step, or
 * the step of the extension that waits; never a secretary (R-SEC-3). */
static const leave_act act_approve = {
    .act = {ACTION_DECISION("approve", "approved"), .kind = &leave_kind, .rule = "R-ATT-2",
            .from_states = from_deciding, .refusals = nothing_to_decide, LEAVE_STEPS},
    .who = STEP_APPROVER,
    .run = leave_approve,
};
static const leave_act act_reject = {
    .act = {ACTION_DECISION("reject", "rejected"), .kind = &leave_kind, .rule = "R-ATT-2",
            .from_states = from_deciding, .refusals = nothing_to_decide, LEAVE_STEPS},
    .who = STEP_APPROVER,
    .run = leave_reject,
};

/* The applicant withdraws a request until it is finally approved. */
static const leave_act act_withdraw = {
    .act = {.kind = &leave_kind, .verb = "withdraw", .done = "withdrawn",
            .fields = comment_fields, .rule = "R-ATT-2",
            .from_states = from_pending, .refusals = withdraw_refusals, LEAVE_STEPS},
    .who = APPLICANT,
    .not_who = "only the applicant withdraws a request",
    .run = leave_withdraw,
};

/* R-ATT-4: the final approver records the extension (补假) of an approved,
 * open leave before it ends, one at a time. */
static const leave_act act_extend = {
    .act = {.kind = &leave_kind, .verb = "extend", .done = "extended",
            .fields = extend_fields, .rule = "R-ATT-4",
            .from_states = from_approved, .refusals = extend_refusals, LEAVE_STEPS},
    .who = FINAL_APPROVER,
    .not_who = "an extension is recorded by the leave's final approver",
    .bars = extend_bars,
    .run = leave_extend,
};

/* R-ATT-4: the applicant explains an extension in force in writing, once,
 * within the days allowed after closing. */
static const leave_act act_explain = {
    .act = {.kind = &leave_kind, .verb = "explain", .done = "explained",
            .fields = explanation_fields, .rule = "R-ATT-4", LEAVE_STEPS},
    .who = APPLICANT,
    .not_who = "only the applicant explains an extension",
    .who_rule = "R-ATT-4",
    .bars = explain_bars,
    .run = leave_explain,
};

/* R-ATT-4: the final approver accepts the explanation or not, once. */
static const leave_act act_review = {
    .act = {.kind = &leave_kind, .verb = "review_explanation", .done = "reviewed",
            .fields = review_fields, .decides = true, .rule = "R-ATT-4", LEAVE_STEPS},
    .who = FINAL_APPROVER,
    .not_who = "the written explanation is reviewed by the leave's final approver",
    .bars = review_bars,
    .run = leave_review,
};

/* R-ATT-4: the applicant closes (销假) an approved leave, unless a return
 * time given earlier waits for the approver. */
static const leave_act act_close = {
    .act = {.kind = &leave_kind, .verb = "close", .done = "closed",
            .fields = close_fields, .rule = "R-ATT-4",
            .from_states = from_open, .refusals = close_refusals, LEAVE_STEPS},
    .who = APPLICANT,
    .not_who = "only the applicant closes the leave",
    .who_rule = "R-ATT-4",
    .bars = close_bars,
    .run = leave_close,
};

/* R-ATT-4: the final approver confirms a return claimed earlier than the
 * closing, or not. */
static const leave_act act_confirm_return = {
    .act = {.kind = &leave_kind, .verb = "confirm_return", .done = "closed",
            .fields = confirm_fields, .decides = true, .rule = "R-ATT-4", LEAVE_STEPS},
    .who = FINAL_APPROVER,
    .not_who = "the return is confirmed by the leave's final approver",
    .bars = confirm_bars,
    .run = leave_confirm_return,
};

/* Runs act on the request in the path; in is the body act->fields describe. */
static void leave_action(req_t *r, const leave_act *act, void *in)
{
    leave_row row = {0};
    action_handle(r, &act->act, in, &row);
}

void h_leave_approve(req_t *r)
{
    comment_in in = {0};
    leave_action(r, &act_approve, &in);
}

void h_leave_reject(req_t *r)
{
    comment_in in = {0};
    leave_action(r, &act_reject, &in);
}

void h_leave_withdraw(req_t *r)
{
    comment_in in = {0};
    leave_action(r, &act_withdraw, &in);
}

void h_leave_extend(req_t *r)
{
    extend_in in = {0};
    leave_action(r, &act_extend, &in);
}

void h_leave_explanation(req_t *r)
{
    explanation_in in = {0};
    leave_action(r, &act_explain, &in);
}

void h_leave_review_explanation(req_t *r)
{
    review_in in = {0};
    leave_action(r, &act_review, &in);
}

void h_leave_close(req_t *r)
{
    close_in in = {0};
    leave_action(r, &act_close, &in);
}

void h_leave_confirm_return(req_t *r)
{
    confirm_in in = {0};
    leave_action(r, &act_confirm_return, &in);
}
