/* What happens to a leave request after it is made: approval step by step
 * and rejection (R-ATT-2), withdrawal, the extension (补假) recorded by the
 * final approver before the leave's end and approved by whoever else the
 * longer leave needs, the applicant's written explanation, and closing
 * (销假) with the absenteeism it finds (R-ATT-4). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "leave.h"

/* One leave request as an action sees it, read under a row lock. */
typedef struct leave_row {
    long long applicant_id, current_approver_id, final_approver_id;
    int current_step, steps_total;
    char start_date[11], start_half[3], end_date[11], end_half[3];
    char ext_end_date[11], ext_end_half[3]; /* "" without an extension in force */
    char ext_state[10];                     /* "", pending, granted, refused */
    long long ext_approver_id;              /* whose turn on a pending extension */
    int ext_step, ext_steps;
    bool ended;                             /* the end in force has passed */
    bool explained;
    char review[10]; /* "", accepted, refused: the explanation's review */
    long late_swept_slot;  /* the last half-day the sweep looked at, -1 if none */
    long late_swept_from;  /* the sweep recorded the half-days after this, -1 if none */
    bool return_pending;   /* a claimed early return waits for confirmation */
    long ext_half_days;
    char ext_outcome[16];
    bool due_passed;
    int my_decided_step; /* the step the caller already decided, 0 if none */
} leave_row;

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
 * t->row (a leave_row). 404 when it does not exist or the caller may not
 * see it. */
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
    t->before = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!t->before)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    row->my_decided_step = decided_step(t->before, t->r->caller->id);
    return 0;
}

static bool is_state(const action_tx *t, const char *state)
{
    return !strcmp(t->state, state);
}

/* Refuses anyone but the applicant (the leave is visible to them). */
static int applicant_only(const action_tx *t, const leave_row *row, const char *what,
                          const char *rule, problem_t *p)
{
    if (row->applicant_id == t->r->caller->id)
        return 0;
    return problem_set(p, ERR_LEAVE_NOT_APPLICANT, NULL, rule, "only the applicant %s", what);
}

/* The last step of every leave action: the document after the change, into
 * t->doc (the runner audits it). */
static int leave_after(db_conn *c, action_tx *t, problem_t *p)
{
    t->doc = leave_doc_text(c, t->id, p);
    return t->doc ? 0 : -1;
}

static const action_kind leave_kind = {
    .entity = "leave_request",
    .noun = "leave request",
    .wrong_state = ERR_WRONG_STATE,
};

/* Runs act on the request in the path; in is the body act->fields describe. */
static void leave_action(req_t *r, const action_t *act, void *in)
{
    leave_row row = {0};
    action_handle(r, act, in, &row);
}

/* ---------- approve / reject (R-ATT-2) ---------- */

static const db_stmt Q_STEP_DECIDE = {
    "att_leave_step_decide",
    "UPDATE leave_steps SET decision = $3, decided_at = now(), comment = $4"
    " WHERE request_id = $1 AND step = $2"};

static const db_stmt Q_LEAVE_ADVANCE = {
    "att_leave_advance",
    "UPDATE leave_requests l SET current_step = s.step, current_approver_id = s.approver_id,"
    " version = l.version + 1, updated_at = now()"
    " FROM leave_steps s WHERE l.id = $1 AND s.request_id = l.id AND s.step = l.current_step + 1"
    " RETURNING s.approver_id," LEAVE_DOC("l") " AS doc"};

static const db_stmt Q_LEAVE_SETTLE = {
    "att_leave_settle",
    "UPDATE leave_requests l SET state = $2, current_step = NULL, current_approver_id = NULL,"
    " late_swept_slot = CASE WHEN $2 = 'approved' THEN office_slot(now()) - 1"
    "   ELSE late_swept_slot END,"
    " version = version + 1, updated_at = now() WHERE id = $1"
    " RETURNING" LEAVE_DOC("l") " AS doc"};

/* The document after the change, as the statement that made it returned it
 * (column doc of res: the triggers of migration 012 rebuilt it before the
 * row was written), into t->doc, saving a read. Clears res. */
static int leave_returned(action_tx *t, PGresult *res, problem_t *p)
{
    if (PQntuples(res) == 1 && !(t->doc = strdup(db_col_str(res, 0, "doc")))) {
        PQclear(res);
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    }
    PQclear(res);
    return t->doc ? 0 : problem_set(p, ERR_INTERNAL, NULL, NULL, "the leave request is gone");
}

static int extension_decide(db_conn *c, action_tx *t, bool approve, problem_t *p);

static int leave_decide(db_conn *c, action_tx *t, bool approve, problem_t *p)
{
    const leave_row *row = t->row;
    if (is_state(t, "approved") && !strcmp(row->ext_state, "pending"))
        return extension_decide(c, t, approve, p);
    if (!is_state(t, "pending") || row->current_approver_id != t->r->caller->id) {
        if (row->my_decided_step)
            return problem_set(p, ERR_LEAVE_ALREADY_DECIDED, NULL, NULL,
                               "you already decided step %d of this request", row->my_decided_step);
        if (!is_state(t, "pending"))
            return problem_set(p, ERR_LEAVE_NOT_PENDING, NULL, NULL,
                               "the request is %s; nothing waits for a decision", t->state);
        return problem_set(p, ERR_LEAVE_APPROVER_MISMATCH, NULL, NULL,
                           "step %d of this request waits for its own approver", row->current_step);
    }

    const char *comment = ((comment_in *)t->in)->comment;
    char id[24], step[24];
    const char *ps[] = {db_int(id, t->id), db_int(step, row->current_step),
                        approve ? "approved" : "rejected", comment};
    PGresult *res;
    /* The step goes out with the advance or the settling below (a failure
     * fails that one), which returns the document after both. */
    if (db_write(c, &Q_STEP_DECIDE, 4, ps, p))
        return -1;

    char title[200], body[300];
    text_fmt(body, sizeof body, "Leave %s %s to %s %s%s%s", row->start_date, row->start_half,
             row->end_date, row->end_half, comment && *comment ? ": " : "",
             comment ? comment : "");
    if (approve && row->current_step < row->steps_total) {
        if (db_query(c, &Q_LEAVE_ADVANCE, 1, ps, &res, p))
            return -1;
        long long next = PQntuples(res) ? db_col_ll(res, 0, "approver_id") : 0;
        if (!next) {
            PQclear(res);
            return problem_set(p, ERR_INTERNAL, NULL, NULL, "the next approval step is missing");
        }
        if (leave_returned(t, res, p))
            return -1;
        snprintf(title, sizeof title, "Leave request awaits your approval (step %d of %d)",
                 row->current_step + 1, row->steps_total);
        if (notify(c, next, "leave_to_approve", title, body, "leave_request", t->id, p))
            return -1;
        snprintf(title, sizeof title, "Step %d of your leave request was approved",
                 row->current_step);
    } else {
        const char *pf[] = {id, approve ? "approved" : "rejected"};
        if (db_query(c, &Q_LEAVE_SETTLE, 2, pf, &res, p) || leave_returned(t, res, p))
            return -1;
        snprintf(title, sizeof title, "Your leave request was %s",
                 approve ? "approved" : "rejected");
    }
    return notify(c, row->applicant_id, approve ? "leave_approved" : "leave_rejected", title,
                  body, "leave_request", t->id, p);
}

static int leave_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return leave_decide(c, t, true, p);
}

static int leave_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return leave_decide(c, t, false, p);
}

static const action_t act_approve = {
    .kind = &leave_kind,
    .verb = "approve",
    .done = "approved",
    .fields = comment_fields,
    .decides = true,
    .lock = leave_lock,
    .perform = leave_approve,
};
static const action_t act_reject = {
    .kind = &leave_kind,
    .verb = "reject",
    .done = "rejected",
    .fields = comment_fields,
    .decides = true,
    .lock = leave_lock,
    .perform = leave_reject,
};

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

/* ---------- withdraw ---------- */

static int leave_withdraw(db_conn *c, action_tx *t, problem_t *p)
{
    const leave_row *row = t->row;
    if (applicant_only(t, row, "withdraws a request", NULL, p))
        return -1;
    if (is_state(t, "approved") || is_state(t, "closed"))
        return problem_set(p, ERR_LEAVE_ALREADY_APPROVED, NULL, NULL,
                           "the leave was finally approved; it can no longer be withdrawn");
    if (!is_state(t, "pending"))
        return problem_set(p, ERR_LEAVE_NOT_PENDING, NULL, NULL, "the request is %s", t->state);
    char id[24];
    const char *pf[] = {db_int(id, t->id), "withdrawn"};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_SETTLE, 2, pf, &res, p) || leave_returned(t, res, p))
        return -1;
    char body[200];
    snprintf(body, sizeof body, "Leave %s %s to %s %s no longer waits for you", row->start_date,
             row->start_half, row->end_date, row->end_half);
    return notify(c, row->current_approver_id, "leave_withdrawn", "A leave request was withdrawn",
                  body, "leave_request", t->id, p);
}

static const action_t act_withdraw = {
    .kind = &leave_kind,
    .verb = "withdraw",
    .done = "withdrawn",
    .fields = comment_fields,
    .lock = leave_lock,
    .perform = leave_withdraw,
};

void h_leave_withdraw(req_t *r)
{
    comment_in in = {0};
    leave_action(r, &act_withdraw, &in);
}

/* ---------- extend (补假, R-ATT-4) ---------- */

typedef struct extend_in {
    const char *new_end_date, *new_end_half, *reason;
} extend_in;

static const json_field extend_fields[] = {
    {"new_end_date", JF_DATE, JF_REQUIRED, 0, 0, NULL, offsetof(extend_in, new_end_date)},
    {"new_end_half", JF_ENUM, JF_REQUIRED, 0, 0, leave_halves, offsetof(extend_in, new_end_half)},
    {"reason", JF_STRING, JF_REQUIRED, 1, 500, NULL, offsetof(extend_in, reason)},
    JF_END,
};

static long slot_text(const char *date, const char *half)
{
    long day = 0;
    day_parse(date, &day);
    return slot_of(day, !strcmp(half, "pm"));
}

/* The end in force: the extension's, else the approved one. */
static long effective_end(const leave_row *row)
{
    return row->ext_end_date[0] ? slot_text(row->ext_end_date, row->ext_end_half)
                                : slot_text(row->end_date, row->end_half);
}

/* $6 granted or pending; a granted extension moves the end in force. */
static const db_stmt Q_LEAVE_EXTEND = {
    "att_leave_extend",
    "UPDATE leave_requests SET ext_end_date = $2, ext_end_half = $3, ext_reason = $4,"
    " ext_by = $5, ext_at = now(), ext_state = $6, ext_approvers = $7::bigint[],"
    " ext_roles = $8::text[], ext_step = CASE WHEN $6 = 'pending' THEN 1 END,"
    " ext_approvals = '[]', ext_total_half_days = $9,"
    " ends_at = CASE WHEN $6 = 'granted' THEN half_end($2::date, $3) ELSE ends_at END,"
    " close_reminded_at = CASE WHEN $6 = 'granted' THEN NULL ELSE close_reminded_at END,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* Everyone who approved the leave so far: its steps and the approvers of a
 * granted extension. */
static const db_stmt Q_LEAVE_APPROVED_BY = {
    "att_leave_approved_by",
    "SELECT approver_id FROM leave_steps WHERE request_id = $1 AND decision = 'approved'"
    " UNION SELECT (a->>'approver_id')::bigint FROM leave_requests l,"
    " jsonb_array_elements(l.ext_approvals) a"
    " WHERE l.id = $1 AND l.ext_state = 'granted' AND a->>'decision' = 'approved'"};

/* The approvers the whole leave up to new_end needs (R-ATT-2) that have not
 * approved it yet, into ids/roles (PostgreSQL array texts); *halves gets
 * the whole length. Returns how many (0: the extension is within the
 * approvers' authority), or -1 with p. */
static int extension_chain(db_conn *c, action_tx *t, long new_end, long *halves, char ids[64],
                           char roles[96], problem_t *p)
{
    const leave_row *row = t->row;
    long start = slot_text(row->start_date, row->start_half);
    calendar cal = {0};
    int rc = cal_load(c, slot_day(start), slot_day(new_end), &cal, p);
    *halves = rc ? 0 : cal_working_halves(&cal, start, new_end);
    cal_free(&cal);
    if (rc)
        return -1;
    org_person f;
    if (org_chain_get(c, row->applicant_id, false, &f, p))
        return -1;
    leave_facts lf = {f.position, f.department_kind, f.id, f.chief_id, f.deputy_id,
                      f.director_id, f.mayor_id, f.section_size};
    leave_step steps[2];
    int n = leave_chain_for(&lf, *halves, steps);
    if (n <= 0)
        return problem_set(p, ERR_LEAVE_NO_APPROVER, NULL, NULL,
                           "the approver the longer leave needs is not appointed");
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_APPROVED_BY, 1, params, &res, p))
        return -1;
    int extra = 0;
    snprintf(ids, 64, "{");
    snprintf(roles, 96, "{");
    for (int i = 0; i < n; i++) {
        bool approved = steps[i].approver_id == t->r->caller->id;
        for (int k = 0; k < PQntuples(res) && !approved; k++)
            approved = db_col_ll(res, k, "approver_id") == steps[i].approver_id;
        if (approved)
            continue;
        size_t li = strlen(ids), lr = strlen(roles);
        snprintf(ids + li, 64 - li, "%s%lld", extra ? "," : "", steps[i].approver_id);
        snprintf(roles + lr, 96 - lr, "%s%s", extra ? "," : "", steps[i].role);
        extra++;
    }
    PQclear(res);
    strcat(ids, "}");
    strcat(roles, "}");
    return extra;
}

static int leave_extend(db_conn *c, action_tx *t, problem_t *p)
{
    extend_in *in = t->in;
    const leave_row *row = t->row;
    if (row->final_approver_id != t->r->caller->id)
        return problem_set(p, ERR_LEAVE_NOT_FINAL_APPROVER, NULL, NULL,
                           "an extension is recorded by the leave's final approver");
    if (!is_state(t, "approved"))
        return problem_set(p, ERR_LEAVE_NOT_OPEN, NULL, NULL,
                           "only an approved leave that is not closed can be extended; it is %s",
                           t->state);
    if (!strcmp(row->ext_state, "pending"))
        return problem_set(p, ERR_LEAVE_EXTENSION_PENDING, NULL, NULL,
                           "an extension of this leave waits for approval");
    /* 三 "必须通过电话及时补假": asked for before the leave runs out. */
    if (row->ended)
        return problem_set(p, ERR_LEAVE_EXTENSION_LATE, NULL, NULL,
                           "an extension is asked for (by phone) before the leave ends; after "
                           "its end the days away are absenteeism");
    long new_end = slot_text(in->new_end_date, in->new_end_half);
    if (new_end <= effective_end(row))
        return problem_field(p, "new_end_date", "must be after the leave's current end");
    if (leave_span_check(slot_text(row->start_date, row->start_half), "new_end_date",
                         "new_end_half", new_end, p) ||
        leave_overlap_check(c, row->applicant_id, t->id, row->start_date, row->start_half,
                            in->new_end_date, in->new_end_half, p))
        return -1;
    long halves;
    char ids[64], roles[96];
    int extra = extension_chain(c, t, new_end, &halves, ids, roles, p);
    if (extra < 0)
        return -1;
    char id[24], me[24], hv[24];
    const char *pu[] = {db_int(id, t->id),   in->new_end_date, in->new_end_half,
                        in->reason,          db_int(me, t->r->caller->id),
                        extra ? "pending" : "granted",
                        ids,                 roles,
                        db_int(hv, halves)};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_EXTEND, 9, pu, &res, p))
        return -1;
    PQclear(res);
    char body[400];
    if (extra) {
        long long first = 0;
        sscanf(ids, "{%lld", &first);
        text_fmt(body, sizeof body,
                 "Leave extended to %s %s (%s): %.1f working days in all, more than its "
                 "approvers may grant; your approval is needed (R-ATT-2, R-ATT-4)",
                 in->new_end_date, in->new_end_half, in->reason, halves / 2.0);
        if (notify(c, first, "leave_extension_to_approve", "A leave extension awaits your approval",
                   body, "leave_request", t->id, p))
            return -1;
        text_fmt(body, sizeof body,
                 "Your extension to %s %s (%s) makes the leave %.1f working days and needs "
                 "further approval; until then the leave ends as approved (R-ATT-4).",
                 in->new_end_date, in->new_end_half, in->reason, halves / 2.0);
        if (notify(c, row->applicant_id, "leave_extension_pending",
                   "Your leave extension awaits approval", body, "leave_request", t->id, p))
            return -1;
        return leave_after(c, t, p);
    }
    text_fmt(body, sizeof body,
             "Your leave is extended to %s %s (%s). Hand in a written explanation, such as a "
             "medical certificate, within %ld days of closing the leave, or the extra days "
             "count as absenteeism (R-ATT-4).",
             in->new_end_date, in->new_end_half, in->reason,
             attendance_of(t->r)->explanation_days);
    if (notify(c, row->applicant_id, "leave_extended", "Your leave was extended", body,
               "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

/* One decision on a pending extension: $2 the step decided, $3 approved or
 * rejected, $4 the comment, $5 the decider; the extension advances, is
 * granted at its last step (the end in force moves) or is refused. */
static const db_stmt Q_EXTENSION_DECIDE = {
    "att_leave_extension_decide",
    "UPDATE leave_requests SET ext_approvals = ext_approvals || jsonb_build_array("
    "  jsonb_build_object('step', $2::integer, 'approver_id', $5::bigint,"
    "   'role', ext_roles[$2::integer], 'decision', $3::text, 'decided_at', now(),"
    "   'comment', $4::text)),"
    " ext_state = CASE WHEN $3 = 'rejected' THEN 'refused'"
    "   WHEN $2::integer < cardinality(ext_approvers) THEN 'pending' ELSE 'granted' END,"
    " ext_step = CASE WHEN $3 = 'approved' AND $2::integer < cardinality(ext_approvers)"
    "   THEN $2::integer + 1 END,"
    " ends_at = CASE WHEN $3 = 'approved' AND $2::integer = cardinality(ext_approvers)"
    "   THEN half_end(ext_end_date, ext_end_half) ELSE ends_at END,"
    " close_reminded_at = CASE WHEN $3 = 'approved' AND $2::integer = cardinality(ext_approvers)"
    "   THEN NULL ELSE close_reminded_at END,"
    " version = version + 1, updated_at = now() WHERE id = $1"
    " RETURNING ext_state, coalesce(ext_approvers[ext_step], 0) AS next_approver_id,"
    " ext_end_date::text AS ext_end_date, ext_end_half"};

/* R-ATT-2, R-ATT-4: an approver the longer leave needs decides on the
 * extension, in order. */
static int extension_decide(db_conn *c, action_tx *t, bool approve, problem_t *p)
{
    const leave_row *row = t->row;
    if (row->ext_approver_id != t->r->caller->id)
        return problem_set(p, ERR_LEAVE_APPROVER_MISMATCH, NULL, "R-ATT-4",
                           "step %d of this leave's extension waits for its own approver",
                           row->ext_step);
    const char *comment = ((comment_in *)t->in)->comment;
    char id[24], step[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(step, row->ext_step),
                            approve ? "approved" : "rejected", comment,
                            db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_EXTENSION_DECIDE, 5, params, &res, p))
        return -1;
    char state[10], end[16], half[4];
    snprintf(state, sizeof state, "%s", db_col_str(res, 0, "ext_state"));
    long long next = db_col_ll(res, 0, "next_approver_id");
    snprintf(end, sizeof end, "%s", db_col_str(res, 0, "ext_end_date"));
    snprintf(half, sizeof half, "%s", db_col_str(res, 0, "ext_end_half"));
    PQclear(res);
    char body[300];
    text_fmt(body, sizeof body, "Extension to %s %s%s%s", end, half,
             comment && *comment ? ": " : "", comment ? comment : "");
    if (next) {
        if (notify(c, next, "leave_extension_to_approve",
                   "A leave extension awaits your approval", body, "leave_request", t->id, p))
            return -1;
        return leave_after(c, t, p);
    }
    bool granted = !strcmp(state, "granted");
    const char *title = granted ? "Your leave extension was approved"
                                : "Your leave extension was not approved: the leave ends as "
                                  "approved";
    if (notify(c, row->applicant_id, granted ? "leave_extended" : "leave_extension_refused",
               title, body, "leave_request", t->id, p) ||
        notify(c, row->final_approver_id, granted ? "leave_extended" : "leave_extension_refused",
               granted ? "A leave extension you recorded was approved"
                       : "A leave extension you recorded was not approved",
               body, "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

static const action_t act_extend = {
    .kind = &leave_kind,
    .verb = "extend",
    .done = "extended",
    .fields = extend_fields,
    .lock = leave_lock,
    .perform = leave_extend,
};

void h_leave_extend(req_t *r)
{
    extend_in in = {0};
    leave_action(r, &act_extend, &in);
}

/* ---------- the written explanation (R-ATT-4) ---------- */

/* 三 "事后出具书面说明(如诊断书等)": the explanation is a document, with the
 * scan of (say) the medical certificate attached. */
typedef struct explanation_in {
    const char *text;
    json_t *attachment;
} explanation_in;

static const json_field explanation_fields[] = {
    {"text", JF_STRING, JF_REQUIRED, 1, 4000, NULL, offsetof(explanation_in, text)},
    {"attachment", JF_OBJECT, JF_REQUIRED, 0, 0, NULL, offsetof(explanation_in, attachment)},
    JF_END,
};

static const char *const attachment_types[] = {"application/pdf", "image/jpeg", "image/png",
                                               NULL};

typedef struct attachment_in {
    const char *file_name, *content_type, *data;
} attachment_in;

static const json_field attachment_fields[] = {
    {"file_name", JF_STRING, JF_REQUIRED, 1, 200, NULL, offsetof(attachment_in, file_name)},
    {"content_type", JF_ENUM, JF_REQUIRED, 0, 0, attachment_types,
     offsetof(attachment_in, content_type)},
    /* bounded by the body limit; attachment_check applies the size limit */
    {"data", JF_STRING, JF_REQUIRED, 1, 2000000, NULL, offsetof(attachment_in, data)},
    JF_END,
};

/* Whether the bytes are what content_type says: the file's own signature. */
static bool attachment_is(const char *content_type, const unsigned char *b, size_t n)
{
    if (!strcmp(content_type, "application/pdf"))
        return n >= 5 && !memcmp(b, "%PDF-", 5);
    if (!strcmp(content_type, "image/jpeg"))
        return n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
    if (!strcmp(content_type, "image/png"))
        return n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8);
    return false;
}

/* Validates the attachment object: its fields, the base64 data, the size
 * limit and that the bytes are of the declared type. Fills *a and *size.
 * 0, or -1 with p (400 naming attachment.<field>, 413 when too large). */
static int attachment_check(json_t *obj, long max_bytes, attachment_in *a, size_t *size,
                            problem_t *p)
{
    problem_t q = {0};
    if (json_in_validate(obj, attachment_fields, a, NULL, &q)) {
        size_t i;
        json_t *e;
        json_array_foreach(q.errors, i, e) {
            problem_field(p, "attachment", "%s: %s",
                          json_string_value(json_object_get(e, "field")),
                          json_string_value(json_object_get(e, "message")));
        }
        problem_clear(&q);
        return -1;
    }
    size_t len = strlen(a->data), cap = len / 4 * 3 + 3;
    if (len > (size_t)max_bytes / 3 * 4 + 8)
        return problem_set(p, ERR_LEAVE_ATTACHMENT_TOO_LARGE, NULL, NULL,
                           "the attachment may be at most %ld bytes", max_bytes);
    unsigned char *bin = malloc(cap);
    if (!bin)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    size_t n = 0;
    int bad = sodium_base642bin(bin, cap, a->data, len, NULL, &n, NULL,
                                sodium_base64_VARIANT_ORIGINAL);
    bool kind_ok = !bad && attachment_is(a->content_type, bin, n);
    free(bin);
    if (bad || n == 0)
        return problem_field(p, "attachment.data", "must be the file in base64");
    if (n > (size_t)max_bytes)
        return problem_set(p, ERR_LEAVE_ATTACHMENT_TOO_LARGE, NULL, NULL,
                           "the attachment may be at most %ld bytes", max_bytes);
    if (!kind_ok)
        return problem_field(p, "attachment.data", "is not a %s file", a->content_type);
    *size = n;
    return 0;
}

static const db_stmt Q_EXPLANATION_FILE = {
    "att_leave_explanation_file",
    "INSERT INTO leave_explanation_files(request_id, data, uploaded_by)"
    " VALUES ($1, decode($2, 'base64'), $3)"
    " RETURNING encode(sha256(data), 'hex') AS sha256, octet_length(data) AS size"};

static const db_stmt Q_LEAVE_EXPLAIN = {
    "att_leave_explain",
    "UPDATE leave_requests SET explanation = $2, explained_at = now(),"
    " explanation_file_type = $3, explanation_file_name = $4, explanation_file_size = $5,"
    " explanation_file_sha256 = $6, version = version + 1, updated_at = now() WHERE id = $1"};

static int leave_explain(db_conn *c, action_tx *t, problem_t *p)
{
    explanation_in *in = t->in;
    const leave_row *row = t->row;
    if (applicant_only(t, row, "explains an extension", "R-ATT-4", p))
        return -1;
    if (!row->ext_end_date[0])
        return problem_set(p, ERR_LEAVE_NO_EXTENSION, NULL, NULL,
                           "the leave has no extension to explain");
    if (row->explained)
        return problem_set(p, ERR_LEAVE_ALREADY_EXPLAINED, NULL, NULL,
                           "the explanation was already handed in");
    if (is_state(t, "closed") && (!strcmp(row->ext_outcome, "absenteeism") || row->due_passed))
        return problem_set(p, ERR_LEAVE_EXPLANATION_LATE, NULL, NULL,
                           "the time for the written explanation has passed; the extension counts "
                           "as absenteeism");
    attachment_in a = {0};
    size_t size = 0;
    if (attachment_check(in->attachment, attendance_of(t->r)->attachment_max_bytes, &a, &size,
                         p))
        return -1;
    char id[24], me[24], sz[24];
    const char *pf[] = {db_int(id, t->id), a.data, db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_EXPLANATION_FILE, 3, pf, &res, p))
        return -1;
    char sha[65];
    snprintf(sha, sizeof sha, "%s", db_col_str(res, 0, "sha256"));
    PQclear(res);
    const char *pu[] = {id, in->text, a.content_type, a.file_name, db_int(sz, (long long)size),
                        sha};
    if (db_query(c, &Q_LEAVE_EXPLAIN, 6, pu, &res, p))
        return -1;
    PQclear(res);
    if (notify(c, row->final_approver_id, "leave_explanation_to_review",
               "Review the written explanation of an extended leave", in->text,
               "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

static const action_t act_explain = {
    .kind = &leave_kind,
    .verb = "explain",
    .done = "explained",
    .fields = explanation_fields,
    .lock = leave_lock,
    .perform = leave_explain,
};

void h_leave_explanation(req_t *r)
{
    explanation_in in = {0};
    leave_action(r, &act_explain, &in);
}

/* The approver who recorded the extension accepts the explanation or not;
 * refused, the extension's half-days are absenteeism (R-ATT-4). */
typedef struct review_in {
    bool accepted;
    const char *comment;
} review_in;

static const json_field review_fields[] = {
    {"accepted", JF_BOOL, JF_REQUIRED, 0, 0, NULL, offsetof(review_in, accepted)},
    {"comment", JF_TEXT, 0, 0, 1000, NULL, offsetof(review_in, comment)},
    JF_END,
};

static const db_stmt Q_LEAVE_REVIEW = {
    "att_leave_review",
    "UPDATE leave_requests SET explanation_review = $2, explanation_reviewed_by = $3,"
    " explanation_reviewed_at = now(), explanation_review_comment = $4,"
    " ext_outcome = CASE WHEN state = 'closed' AND ext_half_days > 0 AND ext_outcome IS NULL"
    "   THEN CASE WHEN $2 = 'accepted' THEN 'explained' ELSE 'absenteeism' END"
    "   ELSE ext_outcome END,"
    " ext_absence_id = coalesce($5::bigint, ext_absence_id),"
    " version = version + 1, updated_at = now() WHERE id = $1"
    " RETURNING state = 'closed' AND ext_half_days > 0, ext_first_date - DATE '1970-01-01',"
    " ext_half_days"};

static const db_stmt Q_LEAVE_EXT_COVERED = {
    "att_leave_ext_covered",
    "SELECT state = 'closed' AND coalesce(ext_half_days, 0) > 0 AND ext_outcome IS NULL"
    " AS settle, coalesce(ext_first_date - DATE '1970-01-01', 0) AS first_day,"
    " coalesce(ext_half_days, 0) AS half_days"
    " FROM leave_requests WHERE id = $1"};

static int leave_review(db_conn *c, action_tx *t, problem_t *p)
{
    review_in *in = t->in;
    const leave_row *row = t->row;
    if (row->final_approver_id != t->r->caller->id)
        return problem_set(p, ERR_LEAVE_NOT_FINAL_APPROVER, NULL, NULL,
                           "the written explanation is reviewed by the leave's final approver");
    if (!row->explained)
        return problem_set(p, ERR_LEAVE_NO_EXPLANATION, NULL, NULL,
                           "no written explanation was handed in");
    if (row->review[0])
        return problem_set(p, ERR_LEAVE_EXPLANATION_REVIEWED, NULL, NULL,
                           "the explanation was already %s", row->review);
    char id[24], me[24], ab[24];
    const char *pc[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_EXT_COVERED, 1, pc, &res, p))
        return -1;
    bool settle = db_col_bool(res, 0, "settle");
    long first = (long)db_col_ll(res, 0, "first_day"),
         halves = (long)db_col_ll(res, 0, "half_days");
    PQclear(res);
    long long absence = 0;
    if (settle && !in->accepted) {
        absence_new a = {row->applicant_id, first, halves, "unexplained_extension",
                         "leave_request", t->id, "the written explanation was not accepted"};
        if (absence_add(c, &t->r->actor, &a, &absence, p))
            return -1;
    }
    const char *pu[] = {id, in->accepted ? "accepted" : "refused", db_int(me, t->r->caller->id),
                        in->comment, absence ? db_int(ab, absence) : NULL};
    if (db_query(c, &Q_LEAVE_REVIEW, 5, pu, &res, p))
        return -1;
    PQclear(res);
    char body[1200];
    text_fmt(body, sizeof body, "%s%s%s",
             in->accepted ? "Your written explanation was accepted (R-ATT-4)"
                          : "Your written explanation was not accepted: the extension counts as "
                            "absenteeism (R-ATT-4)",
             in->comment && *in->comment ? ". " : "", in->comment ? in->comment : "");
    if (notify(c, row->applicant_id, "leave_explanation_reviewed",
               in->accepted ? "Written explanation accepted" : "Written explanation refused",
               body, "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

static const action_t act_review = {
    .kind = &leave_kind,
    .verb = "review_explanation",
    .done = "reviewed",
    .fields = review_fields,
    .decides = true,
    .lock = leave_lock,
    .perform = leave_review,
};

void h_leave_review_explanation(req_t *r)
{
    review_in in = {0};
    leave_action(r, &act_review, &in);
}

/* The scan, to those who see the request. */
static const db_stmt Q_EXPLANATION_DATA = {
    "att_leave_explanation_data",
    "SELECT l.explanation_file_type, l.explanation_file_name, l.explanation_file_sha256, f.data"
    " FROM leave_requests l JOIN leave_explanation_files f ON f.request_id = l.id"
    " WHERE l.id = $1 AND" LEAVE_VISIBLE("l", "$2", "$3")};

void h_leave_explanation_attachment(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    char b[24], u[24];
    const char *params[] = {db_int(b, id), db_int(u, r->caller->id),
                            sees_all(r->caller) ? "true" : "false"};
    PGresult *res = db_read_or_reply(r, &Q_EXPLANATION_DATA, 3, params);
    if (!res)
        return;
    if (PQntuples(res) == 0) {
        PQclear(res);
        reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "no such attachment");
        return;
    }
    size_t n = 0;
    unsigned char *bin = PQunescapeBytea((const unsigned char *)db_col_str(res, 0, "data"), &n);
    if (!bin) {
        PQclear(res);
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
        return;
    }
    char etag[72], disposition[300];
    snprintf(etag, sizeof etag, "\"%s\"", db_col_str(res, 0, "explanation_file_sha256"));
    /* The name is the applicant's: only its safe characters reach the header. */
    char name[201];
    size_t k = 0;
    for (const char *s = db_col_str(res, 0, "explanation_file_name"); *s && k < sizeof name - 1; s++)
        name[k++] = ((unsigned char)*s < 0x80 && *s != '"' && *s != '\\' && *s >= 0x20) ? *s : '_';
    name[k] = '\0';
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", name);
    ulfius_set_binary_body_response(r->resp, 200, (const char *)bin, n);
    u_map_put(r->resp->map_header, "Content-Type", db_col_str(res, 0, "explanation_file_type"));
    u_map_put(r->resp->map_header, "Content-Disposition", disposition);
    u_map_put(r->resp->map_header, "ETag", etag);
    u_map_put(r->resp->map_header, "X-Content-Type-Options", "nosniff");
    u_map_put(r->resp->map_header, "X-Request-Id", r->rid);
    PQfreemem(bin);
    PQclear(res);
}

/* ---------- close (销假, R-ATT-4) ---------- */

typedef struct close_in {
    const char *returned_at, *comment;
} close_in;

static const json_field close_fields[] = {
    {"returned_at", JF_DATETIME, JF_REQUIRED, 0, 0, NULL, offsetof(close_in, returned_at)},
    {"comment", JF_TEXT, 0, 0, 1000, NULL, offsetof(close_in, comment)},
    JF_END,
};

/* The office-time date and half of the return, whether it lies before the
 * leave's start or in the future, and whether it is earlier than now by
 * more than $3 minutes (R-ATT-4: the approver confirms such a return). */
static const db_stmt Q_RETURN_FACTS = {
    "att_leave_return_facts",
    "SELECT to_char(q.t AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,"
    " extract(hour FROM q.t AT TIME ZONE 'Asia/Shanghai') >= 12 AS pm,"
    " q.t < l.starts_at AS before_start, q.t > now() + interval '5 minutes' AS future,"
    " q.t < now() - make_interval(mins => $3::integer) AS early"
    " FROM (SELECT $2::timestamptz AS t) q, leave_requests l WHERE l.id = $1"};

static const db_stmt Q_LEAVE_CLOSE = {
    "att_leave_close",
    "UPDATE leave_requests SET state = 'closed', closed_at = now(), returned_at = $2,"
    " late_half_days = $3 + late_swept_half_days, ext_half_days = $4, ext_first_date = $5::date,"
    " ext_outcome = $6, late_absence_id = $7, ext_absence_id = $8,"
    " explanation_due = CASE WHEN $4::integer > 0 AND $6::text IS NULL"
    "   THEN now() + make_interval(days => $9::integer) END,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* What closing found, in working half-days after the approved end. */
typedef struct lateness {
    long late;       /* not covered by any extension nor swept already: absenteeism now */
    long late_first; /* first such slot */
    long covered;    /* covered by the extension: absenteeism unless explained */
    long covered_first;
} lateness;

static int lateness_of(db_conn *c, const leave_row *row, long ret, lateness *out, problem_t *p)
{
    long end = slot_text(row->end_date, row->end_half);
    long ext = effective_end(row);
    calendar cal = {0};
    int rc = cal_load(c, slot_day(end), slot_day(ret), &cal, p);
    if (rc == 0) {
        /* The half-days the sweep already recorded (after late_swept_from up
         * to late_swept_slot) are not counted twice: what is left lies
         * before them (a) or after them (b). */
        long from = (ext > end ? ext : end) + 1, a_to = ret - 1, b_from = ret;
        if (row->late_swept_from >= 0) {
            a_to = row->late_swept_from < ret - 1 ? row->late_swept_from : ret - 1;
            b_from = row->late_swept_slot + 1 > from ? row->late_swept_slot + 1 : from;
        }
        long a = cal_working_halves(&cal, from, a_to), b = cal_working_halves(&cal, b_from, ret - 1);
        out->late = a + b;
        out->late_first = a ? cal_first_working_slot(&cal, from, a_to)
                            : cal_first_working_slot(&cal, b_from, ret - 1);
        long to = ext < ret - 1 ? ext : ret - 1;
        out->covered = cal_working_halves(&cal, end + 1, to);
        out->covered_first = cal_first_working_slot(&cal, end + 1, to);
    }
    cal_free(&cal);
    return rc;
}

/* Reads the return time's half-day into *ret and whether it is earlier
 * than the margin allows into *early; with check, 400 naming returned_at
 * when it lies before the leave, in the future, or more than a year after
 * its end. */
static int return_facts(db_conn *c, action_tx *t, const char *returned_at, bool check,
                        long *ret, bool *early, problem_t *p)
{
    const leave_row *row = t->row;
    char id[24], m[24];
    const char *pr[] = {db_int(id, t->id), returned_at,
                        db_int(m, attendance_of(t->r)->return_margin_minutes)};
    PGresult *res;
    if (db_query(c, &Q_RETURN_FACTS, 3, pr, &res, p))
        return -1;
    long ret_day = 0;
    day_parse(db_col_str(res, 0, "day"), &ret_day);
    *ret = slot_of(ret_day, db_col_bool(res, 0, "pm"));
    bool before_start = db_col_bool(res, 0, "before_start");
    bool future = db_col_bool(res, 0, "future");
    *early = db_col_bool(res, 0, "early");
    PQclear(res);
    if (check && (before_start || future || slot_day(*ret) - slot_day(effective_end(row)) > 366))
        return problem_field(p, "returned_at",
                             before_start ? "must not be before the leave starts"
                             : future     ? "must not be in the future"
                                          : "must be within a year of the leave's end");
    return 0;
}

/* Closes the leave with the person back in half-day ret (returned_at, its
 * text): the late half-days not yet recorded become absenteeism, the
 * extension's wait for the explanation (R-ATT-4). */
static int settle_close(db_conn *c, action_tx *t, long ret, const char *returned_at,
                        const char *comment, problem_t *p)
{
    const leave_row *row = t->row;
    PGresult *res = NULL;
    lateness lt = {0};
    if (lateness_of(c, row, ret, &lt, p))
        return -1;
    bool has_ext = row->ext_end_date[0] != '\0';
    long long late_id = 0, ext_id = 0;
    const char *outcome = NULL;
    if (lt.late > 0) {
        absence_new a = {row->applicant_id, slot_day(lt.late_first), lt.late, "late_return",
                         "leave_request", t->id, "returned after the approved end of leave"};
        if (absence_add(c, &t->r->actor, &a, &late_id, p))
            return -1;
    }
    long explanation_days = attendance_of(t->r)->explanation_days;
    if (has_ext && lt.covered > 0) {
        if (!strcmp(row->review, "accepted")) {
            outcome = "explained";
        } else if (!strcmp(row->review, "refused")) {
            absence_new a = {row->applicant_id, slot_day(lt.covered_first), lt.covered,
                             "unexplained_extension", "leave_request", t->id,
                             "the written explanation was not accepted"};
            if (absence_add(c, &t->r->actor, &a, &ext_id, p))
                return -1;
            outcome = "absenteeism";
        } else if (row->explained) {
            /* handed in, waiting for its review */
        } else if (explanation_days == 0) {
            absence_new a = {row->applicant_id, slot_day(lt.covered_first), lt.covered,
                             "unexplained_extension", "leave_request", t->id,
                             "extension without the written explanation"};
            if (absence_add(c, &t->r->actor, &a, &ext_id, p))
                return -1;
            outcome = "absenteeism";
        }
    }

    char id[24], late[24], cov[24], first[11], lid[24], eid[24], days[24];
    if (lt.covered > 0)
        day_format(slot_day(lt.covered_first), first);
    const char *pu[] = {db_int(id, t->id),
                        returned_at,
                        db_int(late, lt.late),
                        has_ext ? db_int(cov, lt.covered) : NULL,
                        lt.covered > 0 && has_ext ? first : NULL,
                        outcome,
                        late_id ? db_int(lid, late_id) : NULL,
                        ext_id ? db_int(eid, ext_id) : NULL,
                        db_int(days, explanation_days)};
    if (db_query(c, &Q_LEAVE_CLOSE, 9, pu, &res, p))
        return -1;
    PQclear(res);

    char body[400];
    text_fmt(body, sizeof body,
             "Returned at %s: %.1f working days late without an extension, %.1f covered by "
             "an extension (R-ATT-4)%s%s",
             returned_at, lt.late / 2.0, has_ext ? lt.covered / 2.0 : 0.0,
             comment && *comment ? ". " : "", comment ? comment : "");
    if (notify(c, row->final_approver_id, "leave_closed", "A leave you approved was closed", body,
               "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

static const db_stmt Q_LEAVE_CLOSE_REQUESTED = {
    "att_leave_close_requested",
    "UPDATE leave_requests SET return_claimed_at = $2, close_requested_at = now(),"
    " close_comment = $3, return_confirmation = 'pending',"
    " version = version + 1, updated_at = now() WHERE id = $1"};

static int leave_close(db_conn *c, action_tx *t, problem_t *p)
{
    close_in *in = t->in;
    const leave_row *row = t->row;
    if (applicant_only(t, row, "closes the leave", "R-ATT-4", p))
        return -1;
    if (!is_state(t, "approved"))
        return problem_set(
            p, is_state(t, "closed") ? ERR_LEAVE_ALREADY_CLOSED : ERR_LEAVE_NOT_APPROVED, NULL,
            NULL, "only an approved leave is closed; it is %s", t->state);
    if (row->return_pending)
        return problem_set(p, ERR_LEAVE_RETURN_UNCONFIRMED, NULL, NULL,
                           "the return time given waits for the approver's confirmation");
    long ret;
    bool early;
    if (return_facts(c, t, in->returned_at, true, &ret, &early, p))
        return -1;
    if (!early)
        return settle_close(c, t, ret, in->returned_at, in->comment, p);
    /* 三 "超出准假时限而未能及时返回的按旷工处理": a return earlier than the
     * closing is the approver's to confirm, not the applicant's to say. */
    char id[24];
    const char *pu[] = {db_int(id, t->id), in->returned_at, in->comment};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_CLOSE_REQUESTED, 3, pu, &res, p))
        return -1;
    PQclear(res);
    char body[400];
    text_fmt(body, sizeof body,
             "The leave was closed now, with the return given as %s: confirm it, or the "
             "person counts as back when they closed (R-ATT-4)%s%s",
             in->returned_at, in->comment && *in->comment ? ". " : "",
             in->comment ? in->comment : "");
    if (notify(c, row->final_approver_id, "leave_return_to_confirm",
               "Confirm the return from a leave", body, "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

static const action_t act_close = {
    .kind = &leave_kind,
    .verb = "close",
    .done = "closed",
    .fields = close_fields,
    .lock = leave_lock,
    .perform = leave_close,
};

void h_leave_close(req_t *r)
{
    close_in in = {0};
    leave_action(r, &act_close, &in);
}

/* ---------- the approver confirms an early return (R-ATT-4) ---------- */

typedef struct confirm_in {
    bool confirmed;
    const char *comment;
} confirm_in;

static const json_field confirm_fields[] = {
    {"confirmed", JF_BOOL, JF_REQUIRED, 0, 0, NULL, offsetof(confirm_in, confirmed)},
    {"comment", JF_TEXT, 0, 0, 1000, NULL, offsetof(confirm_in, comment)},
    JF_END,
};

/* Decides the pending confirmation and returns the return time in force as
 * text: the claimed one if confirmed, else the time the leave was closed. */
static const db_stmt Q_RETURN_DECIDE = {
    "att_leave_return_decide",
    "UPDATE leave_requests SET return_confirmation = $2, return_confirmed_by = $3,"
    " return_confirmed_at = now() WHERE id = $1"
    " RETURNING CASE WHEN $2 = 'confirmed' THEN return_claimed_at ELSE close_requested_at END"
    " AS returned_at, coalesce(close_comment, '') AS comment"};

static int leave_confirm_return(db_conn *c, action_tx *t, problem_t *p)
{
    confirm_in *in = t->in;
    const leave_row *row = t->row;
    if (row->final_approver_id != t->r->caller->id)
        return problem_set(p, ERR_LEAVE_NOT_FINAL_APPROVER, NULL, NULL,
                           "the return is confirmed by the leave's final approver");
    if (!row->return_pending)
        return problem_set(p, ERR_LEAVE_NO_RETURN_TO_CONFIRM, NULL, NULL,
                           "no return time of this leave waits for confirmation");
    char id[24], me[24];
    const char *pu[] = {db_int(id, t->id), in->confirmed ? "confirmed" : "refused",
                        db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_RETURN_DECIDE, 3, pu, &res, p))
        return -1;
    char returned_at[64], comment[1100];
    snprintf(returned_at, sizeof returned_at, "%s", db_col_str(res, 0, "returned_at"));
    snprintf(comment, sizeof comment, "%s", db_col_str(res, 0, "comment"));
    PQclear(res);
    long ret;
    bool early;
    /* Checked when the leave was closed; refused, the return is the time of
     * closing, however long after the leave's end. */
    if (return_facts(c, t, returned_at, false, &ret, &early, p))
        return -1;
    char body[1200];
    text_fmt(body, sizeof body, "%s%s%s",
             in->confirmed ? "The return time you gave was confirmed (R-ATT-4)"
                           : "The return time you gave was not confirmed: you count as back "
                             "when you closed the leave (R-ATT-4)",
             in->comment && *in->comment ? ". " : "", in->comment ? in->comment : "");
    if (notify(c, row->applicant_id, "leave_return_decided",
               in->confirmed ? "Return confirmed" : "Return not confirmed", body,
               "leave_request", t->id, p))
        return -1;
    return settle_close(c, t, ret, returned_at, comment, p);
}

static const action_t act_confirm_return = {
    .kind = &leave_kind,
    .verb = "confirm_return",
    .done = "closed",
    .fields = confirm_fields,
    .decides = true,
    .lock = leave_lock,
    .perform = leave_confirm_return,
};

void h_leave_confirm_return(req_t *r)
{
    confirm_in in = {0};
    leave_action(r, &act_confirm_return, &in);
}
