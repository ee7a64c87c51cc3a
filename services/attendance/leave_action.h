#ifndef ATT_LEAVE_ACTION_H
#define ATT_LEAVE_ACTION_H

/* What the files of the leave actions share: the locked row as the actions
 * see it, the bodies of the actions, and the steps each file performs. The
 * table of the actions, who may take each and from which state, is in
 * leave_actions.c. */

#include <stdbool.h>

#include "action.h"
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

/* The state an approved leave is in while an extension of it waits for its
 * approvers (R-ATT-2, R-ATT-4): the actions see it as a state of its own,
 * so that the table says what each may do then. */
#define LEAVE_EXTENSION_PENDING "extension_pending"

/* ---- the bodies ---- */

typedef struct extend_in {
    const char *new_end_date, *new_end_half, *reason;
} extend_in;

/* 三 "事后出具书面说明(如诊断书等)": the explanation is a document, with the
 * scan of (say) the medical certificate attached. */
typedef struct explanation_in {
    const char *text;
    json_t *attachment;
} explanation_in;

typedef struct review_in {
    bool accepted;
    const char *comment;
} review_in;

typedef struct close_in {
    const char *returned_at, *comment;
} close_in;

typedef struct confirm_in {
    bool confirmed;
    const char *comment;
} confirm_in;

extern const json_field extend_fields[], explanation_fields[], review_fields[], close_fields[],
    confirm_fields[];

/* ---- what every action's step uses (leave_actions.c) ---- */

/* A date and half ("2026-03-02", "pm") as a half-day slot. */
long slot_text(const char *date, const char *half);

/* The end in force: the extension's, else the approved one. */
long effective_end(const leave_row *row);

/* The document after the change, read again, into t->doc (the runner
 * audits it). 0, or -1 with p. */
int leave_after(db_conn *c, action_tx *t, problem_t *p);

/* The document after the change, as the statement that made it returned it
 * (column doc of res: the triggers of migration 012 rebuilt it before the
 * row was written), into t->doc, saving a read. Clears res. */
int leave_returned(action_tx *t, PGresult *res, problem_t *p);

/* ---- the steps that make each change (perform) ---- */

/* leave_approval.c: a step of the chain approved or rejected (R-ATT-2),
 * and the applicant's withdrawal of a pending request. */
int leave_approve(db_conn *c, action_tx *t, problem_t *p);
int leave_reject(db_conn *c, action_tx *t, problem_t *p);
int leave_withdraw(db_conn *c, action_tx *t, problem_t *p);

/* leave_extension.c: the extension (补假) the final approver records, and
 * the decisions of the further approvers a longer leave needs (R-ATT-2,
 * R-ATT-4). */
int leave_extend(db_conn *c, action_tx *t, problem_t *p);
int extension_decide(db_conn *c, action_tx *t, bool approve, problem_t *p);

/* leave_explanation.c: the written explanation of an extension and its
 * review (R-ATT-4). */
int leave_explain(db_conn *c, action_tx *t, problem_t *p);
int leave_review(db_conn *c, action_tx *t, problem_t *p);

/* leave_return.c: closing (销假) with the absenteeism it finds, and the
 * confirmation of an early return (R-ATT-4). */
int leave_close(db_conn *c, action_tx *t, problem_t *p);
int leave_confirm_return(db_conn *c, action_tx *t, problem_t *p);

#endif
