/* A leave request's chain of approvals, step by step (R-ATT-2): a step
 * approved advances the chain or, at the last step, approves the leave;
 * rejected, the leave is rejected. While an extension waits, the same
 * approve and reject decide on the extension (leave_extension.c). The
 * applicant withdraws a request still pending. Who may act and from which
 * state is in the table of leave_actions.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "audit.h"
#include "leave_action.h"

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
    " RETURNING" AUDIT_DOC(LEAVE_DOC("l")) " AS doc"};

/* The caller is the approver of the current step (the table's who). */
static int leave_decide(db_conn *c, action_tx *t, bool approve, problem_t *p)
{
    const leave_row *row = t->row;
    if (!strcmp(t->state, LEAVE_EXTENSION_PENDING))
        return extension_decide(c, t, approve, p);
    const char *comment = ((comment_in *)t->in)->comment;
    char id[24], step[24];
    const char *ps[] = {db_int(id, t->id), db_int(step, row->current_step),
                        approve ? "approved" : "rejected", comment};
    PGresult *res;
    /* The step goes out with the advance or the settling below (a failure
     * fails that one), whose update of the request builds its document
     * with the decided step (migration 014) and returns it. */
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
        /* The settled document comes back with COMMIT (action_last). */
        if (action_last(c, t, &Q_LEAVE_SETTLE, 2, pf, p))
            return -1;
        snprintf(title, sizeof title, "Your leave request was %s",
                 approve ? "approved" : "rejected");
    }
    return notify(c, row->applicant_id, approve ? "leave_approved" : "leave_rejected", title,
                  body, "leave_request", t->id, p);
}

int leave_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return leave_decide(c, t, true, p);
}

int leave_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return leave_decide(c, t, false, p);
}

/* Whoever's turn it was no longer needs to decide. */
int leave_withdraw(db_conn *c, action_tx *t, problem_t *p)
{
    const leave_row *row = t->row;
    char id[24];
    const char *pf[] = {db_int(id, t->id), "withdrawn"};
    if (action_last(c, t, &Q_LEAVE_SETTLE, 2, pf, p))
        return -1;
    char body[200];
    snprintf(body, sizeof body, "Leave %s %s to %s %s no longer waits for you", row->start_date,
             row->start_half, row->end_date, row->end_half);
    return notify(c, row->current_approver_id, "leave_withdrawn", "A leave request was withdrawn",
                  body, "leave_request", t->id, p);
}
