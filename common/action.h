#ifndef OA_ACTION_H
#define OA_ACTION_H

#include <stdbool.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "json_in.h"

/* A state action on a versioned row: POST /<collection>/{id}/<verb> with an
 * optional If-Match and a small JSON body (approve, reject, withdraw, stamp,
 * close...). One transaction locks the row, lets the action refuse the
 * caller, checks the If-Match version (412) and the state the row is in,
 * performs the change and audits the row's document before and after; the
 * answer is the document after, with 200. A service describes each kind of
 * row once (action_kind) and each action on it once (action_t). */

typedef struct action_tx action_tx;

/* What every action on one kind of row shares. Static storage. */
typedef struct action_kind {
    const char *entity;      /* the audit entity type: "seal_request" */
    const char *noun;        /* for the 412 and 409 details: "seal request" */
    err_code wrong_state;    /* the refusal when from_states does not hold */
} action_kind;

typedef int (*action_fn)(db_conn *c, action_tx *t, problem_t *p);

/* The refusal of a state outside from_states when that state has a code of
 * its own (a leave already approved is refused as such, not as "not
 * pending"). Static storage. */
typedef struct action_refusal {
    const char *state;  /* NULL: every state not named before it */
    err_code code;
    const char *rule;   /* NULL: the code's own (errors.def) */
    const char *detail; /* may hold one %s, the state */
} action_refusal;

/* One action. Static storage. */
typedef struct action {
    const action_kind *kind;
    const char *verb;               /* the audit action: "approve" */
    const char *done;               /* the state it leads to, for the 409 detail */
    const json_field *fields;       /* the body, parsed into action_tx.in */
    bool decides;                   /* R-SEC-3: refused to secretaries */
    const char *const *from_states; /* NULL-terminated; NULL when perform checks */
    const char *rule;               /* the regulation the action carries out (R-SEAL-1);
                                     * the refusal for a wrong state names it */
    /* May be NULL (kind->wrong_state and rule). Ended by a row whose state
     * is NULL: the refusals of the states outside from_states, the first
     * that names the row's state, else that last row. */
    const action_refusal *refusals;
    /* from_states is checked before the If-Match instead of after it: the
     * retry of an action already taken (a return reported twice, an
     * absence voided twice) learns that it was, not that the row changed. */
    bool state_first;
    /* Locks row t->id and reads it into t->row, and sets t->version and
     * t->before (malloc'd), and t->state when a later step reads it.
     * Answers 404 (in p) when there is no such row or the caller may not
     * see it. Runs again from the start when the transaction is retried,
     * so it resets what an earlier try left in t->row. 0, or -1 with p. */
    action_fn lock;
    /* May be NULL. Refuses the caller (or a state that must be refused
     * before the If-Match is looked at). 0, or -1 with p. */
    action_fn authorise;
    /* Makes the change and its notifications, and sets t->doc (malloc'd)
     * to the row's document after it (returning 0 without it rolls back
     * with a 500). 0, or -1 with p. */
    action_fn perform;
} action_t;

/* One run of an action, as its steps see it. */
struct action_tx {
    req_t *r;
    const action_t *act;
    long long id;       /* the row, from the path */
    long long if_match; /* from if_match_or_reply */
    void *in;           /* the parsed body (the caller's, laid out as act->fields says) */
    void *row;          /* the service's own view of the locked row */
    long long version;  /* set by lock */
    char state[24];     /* set by lock */
    char *before;       /* set by lock; freed here */
    char *doc;          /* set by perform (or by action_last); freed here */
    bool doc_later;     /* set by action_last */
    audit_event also;   /* set by action_audit_also */
    char *also_doc;     /* also.after, copied by action_audit_also; freed here */
};

/* The optional {"comment"} body of every plain action (approve, reject,
 * cancel...): act->fields = comment_fields, in a comment_in, or in a struct
 * of the service's whose first member is the comment. */
typedef struct comment_in {
    const char *comment;
} comment_in;

extern const json_field comment_fields[];

/* The part of an action_t that every decision with an optional comment
 * shares (approve, reject): its verb and the state it leads to, the
 * {"comment"} body, and R-SEC-3 (refused to secretaries). The row names the
 * rest, the regulation's part: from which states, who may, the rule.
 *     static const action_t act_approve = {
 *         ACTION_DECISION("approve", "approved"),
 *         .kind = &letter_kind, .from_states = from_pending, .rule = "R-LET-2",
 *         .lock = letter_lock, .authorise = authorise_approver, .perform = perform_approve,
 *     }; */
#define ACTION_DECISION(verb_, done_)                                                             \
    .verb = (verb_), .done = (done_), .fields = comment_fields, .decides = true

/* Sends perform's last statement, which returns one row with the document
 * after the change as column doc (AUDIT_DOC, audit.h), without waiting for it: its
 * result is read with COMMIT and becomes t->doc, and the audit event takes
 * the document on the server. A transaction of an action then costs one
 * round trip for its lock and one for the change and COMMIT, instead of
 * one more for the change's result. Only statements (notifications) whose
 * results nobody reads may follow in perform. 0, or -1 with p. */
int action_last(db_conn *c, action_tx *t, const db_stmt *st, int nparams,
                const char *const *params, problem_t *p);

/* An audit event of another entity the change made (a stamp's use-log
 * entry): the runner writes it with the action's own in one statement,
 * before it. One per transaction; after is copied. 0, or -1 with p. */
int action_audit_also(action_tx *t, const char *entity_type, long long entity_id,
                      const char *action, const char *after, problem_t *p);

/* What the lock step of most actions reads, and answers when there is
 * nothing to lock. Static storage. */
typedef struct action_row_spec {
    const char *doc;     /* the column of the row's document */
    const char *visible; /* NULL, or a boolean column, false when the caller may
                          * not see the row (the row is locked all the same) */
    err_code missing;    /* the 404 */
    const char *detail;  /* its detail */
} action_row_spec;

/* The lock step: runs st, which locks the row and returns its document,
 * "version" and "state" (and spec->visible), and sets t->before,
 * t->version and t->state from it. 0 with *res holding the row for the
 * service's own columns (the caller clears it); -1 with p and nothing to
 * clear: spec->missing when there is no row the caller may see, a 500 when
 * memory ran out, or the database's problem. */
int action_lock_row(db_conn *c, action_tx *t, const db_stmt *st, int nparams,
                    const char *const *params, const action_row_spec *spec, PGresult **res,
                    problem_t *p);

/* action_lock_row for the lock statement of a row not every caller may
 * see: st gets $1 the row (t->id), $2 the caller's id and $3 sees_all
 * ("true"/"false"), as action_get_visible's read does. 0 with *res, or -1
 * with p, as action_lock_row. */
int action_lock_visible(db_conn *c, action_tx *t, const db_stmt *st, bool sees_all,
                        const action_row_spec *spec, PGresult **res, problem_t *p);

/* perform's change when the step after it needs the document now (a
 * notification that names it, say): runs st, which returns one row with
 * the document after the change as column doc, into t->doc. 0, or -1 with
 * p (the database's problem, or out of memory). */
int action_change(db_conn *c, action_tx *t, const db_stmt *st, int nparams,
                  const char *const *params, problem_t *p);

/* The whole action: R-SEC-3 when act->decides (403), the path id (404), the
 * If-Match header (400) and the body against act->fields into in (400); then
 * in one transaction (retried as db_tx retries): lock, authorise, If-Match
 * (412), from_states (409 act->kind->wrong_state, or act->refusals; before the If-Match
 * when act->state_first), perform, and the audit
 * event (kind->entity, verb, before, doc). Answers 200 with the document
 * after, or the problem. `in` and `row` are the caller's (zeroed by it);
 * whatever perform or lock allocated inside *row the caller frees after. */
void action_handle(req_t *r, const action_t *act, void *in, void *row);

/* The If-Match check inside a transaction: 0 when if_match (from
 * if_match_or_reply) accepts version; otherwise -1 with a 412 in p naming
 * `noun`. */
int action_check_version(const req_t *r, long long if_match, long long version,
                         const char *noun, problem_t *p);

/* ---- reads that pair with actions ---- */

/* Answers a single row whose column 0 is a JSON document and whose column
 * `version` is its version, sent as the ETag (the version an action's
 * If-Match sends back); 404 when there is no row. Clears res. */
void action_reply_versioned(req_t *r, PGresult *res);

/* What a read of one row passes after the path id ($1), in the order of
 * the statement's parameters $2, $3...: facts of the caller. */
typedef enum read_arg {
    READ_END,        /* ends the list */
    READ_USER,       /* the caller's id */
    READ_DEPARTMENT, /* the caller's department, NULL without one */
    READ_SEES_ALL,   /* "true" or "false", the sees_all given */
    READ_POSITION,   /* the caller's position */
    READ_REQUEST_ID, /* the request id (a read that is audited) */
    READ_CLIENT_REQUEST_ID, /* the client's own request id, NULL without one */
} read_arg;

/* GET /<collection>/{id} of a row not everyone may see: runs st with $1
 * the path id and then what args names (at most four), and answers as
 * action_reply_versioned, so 404 also when the caller may not see it. */
void action_get_as(req_t *r, const db_stmt *st, bool sees_all, const read_arg *args);

/* The same for a row that has no version (an entry of a log, a visit): st
 * gives the document alone, answered by reply_row (200, 404 without a
 * row). */
void action_get_doc_as(req_t *r, const db_stmt *st, bool sees_all, const read_arg *args);

/* GET /<collection>/{id} of a row every caller may see: runs st with $1 the
 * path id and answers as action_reply_versioned. */
void action_get(req_t *r, const db_stmt *st);

/* GET /<collection>/{id} of a row not everyone may see: runs st with $1 the
 * path id, $2 the caller's id and $3 sees_all ("true"/"false"), and answers
 * as action_reply_versioned, so 404 also when the caller may not see it. */
void action_get_visible(req_t *r, const db_stmt *st, bool sees_all);

/* The same for a row whose readers also follow from a position (who holds
 * the office that decides it): st also gets $4, the caller's position. */
void action_get_visible_by_position(req_t *r, const db_stmt *st, bool sees_all);

#endif
