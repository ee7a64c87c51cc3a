/* The actions on an outgoing document, as the files that carry them out
 * share them: the action table with the lock and who may act
 * (outgoing_actions.c), the steps from draft to proofreading
 * (outgoing_review.c), the number (outgoing_number.c), and letterheads,
 * printing, archive, stamps and issue (outgoing_issue.c). */
#ifndef OUTGOING_ACTIONS_H
#define OUTGOING_ACTIONS_H

#include "action.h"
#include "documents.h"

/* The body of every action, laid out as the table's fields say. */
typedef struct doc_act_in {
    const char *comment, *reason, *title, *body, *main_recipients, *cc_recipients, *secrecy,
        *urgency;
    long long signer_id, count, copies, seal_request_id, print_count;
} doc_act_in;

/* The locked document, as the actions need it (doc_lock). */
typedef struct doc_row {
    long long department_id, creator_id, signer_id, reviewer_id, print_count, letterheads,
        printed_copies, stamped_count;
    long long co_missing; /* co-drafting departments that have not co-signed */
    bool may_sign;        /* the caller is the signer and still eligible (R-DOC-3) */
    char issuer[24], assigned_by[16], secrecy[16];
    char title[808]; /* 200 characters */
    char *co_depts, *co_signed, *body;
    bool signed_off, archived, in_secretariat, stamp_ok;
    /* Read by the forwarding's lock only (FORWARD_CHECK_COLS): */
    bool signer_eligible; /* the leader named may sign it (R-DOC-3) */
    long long deputy_id;  /* the supervising deputy, or 0 */
    char *secretaries;    /* the leader's authorised secretaries, "{...}" */
} doc_row;

/* R-DOC-3 for one person: whether `user` is among eligible_signers(issuer,
 * dept) (sql/read.sql), written into the statement as one probe of that
 * person, so that it is planned once with the statement instead of the
 * function's query being planned and run over every leader at each call.
 * The same conditions as the function. */
#define ELIGIBLE_SIGNER(issuer, dept, user)                                                 \
    " EXISTS (SELECT 1 FROM identity.org_people p WHERE p.id = " user "::bigint"            \
    "  AND p.active AND NOT p.is_secretary AND ("                                           \
    "   (" issuer "::text = 'district_government' AND p.position = 'district_mayor')"       \
    "   OR (" issuer "::text = 'government_office' AND p.position = 'office_director')"     \
    "   OR (" issuer "::text = 'district_government' AND p.position = 'deputy_mayor'"       \
    "    AND p.id = (SELECT coalesce(sd.in_charge_id,"                                      \
    "     (SELECT ol.in_charge_id FROM identity.org_departments ol"                         \
    "      WHERE ol.kind = 'office_leadership' AND sd.kind = 'section'"                     \
    "      ORDER BY ol.id LIMIT 1))"                                                        \
    "     FROM identity.org_departments sd WHERE sd.id = " dept "::bigint))"                \
    "   OR (" issuer "::text = 'government_office' AND p.position = 'deputy_director'"      \
    "    AND p.id = (SELECT sd.supervising_deputy_id FROM identity.org_departments sd"      \
    "     WHERE sd.id = " dept "::bigint))))"

/* What the forwarding checks of the leader it names (R-DOC-2, R-DOC-3,
 * R-SEC-3): whether `signer` may sign a document of `issuer` drafted by
 * `dept` (eligible), the supervising deputy who reviews an assigned one
 * (deputy), and the leader's secretaries whom the leader has authorised
 * (secretaries: read from the authorisations, one index probe, not from
 * every person). */
#define FORWARD_CHECK_COLS(issuer, dept, signer)                                            \
    ELIGIBLE_SIGNER(issuer, dept, signer) " AS eligible,"                                   \
    " (SELECT coalesce(sd.supervising_deputy_id, (SELECT g.id FROM identity.org_people g"   \
    "   WHERE g.gov_affairs AND g.active AND g.position = 'deputy_director'"                \
    "   ORDER BY g.id LIMIT 1))"                                                            \
    "  FROM identity.org_departments sd WHERE sd.id = " dept ") AS deputy,"                 \
    " (SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}')::text"                          \
    "  FROM secretary_authorisations a JOIN identity.org_people s ON s.id = a.secretary_id" \
    "  WHERE a.leader_id = " signer "::bigint AND a.state = 'active'"                       \
    "  AND s.is_secretary AND s.active AND s.serves_leader_id = " signer "::bigint)"        \
    " AS secretaries"

/* The one update every step makes: state, a comment, the caller on the
 * path, and the step's own columns through the other parameters. A step
 * that sets columns of its own sets them in the same UPDATE (STEP_SET with
 * its own SET list and parameters from $5), so that the row is written
 * once a request. */
#define STEP_SET                                                                           \
    " state = $2, last_comment = coalesce($3, d.last_comment),"                            \
    " version = d.version + 1, updated_at = now()"
#define STEP_PATH                                                                          \
    " path_ids = CASE WHEN $4::bigint = ANY (d.path_ids) THEN d.path_ids"                  \
    "                 ELSE array_append(d.path_ids, $4::bigint) END"

/* The lock of every action but the forwarding, which has its own
 * (outgoing_actions.c): 404 in p unless the caller sees the document;
 * resets t->row first. 0, or -1 with p. */
int doc_lock(db_conn *c, action_tx *t, problem_t *p);
/* doc_lock for n actions at once (the numberings taken together), in one
 * statement: each ts[i] as doc_lock leaves it, with found[i] false when
 * there is no such document or its caller may not see it (doc_lock's
 * 404). 0, or -1 with p (the database's problem, or out of memory). */
int doc_lock_each(db_conn *c, action_tx *const *ts, bool *found, int n, problem_t *p);
/* Frees what doc_lock left in q. */
void doc_row_free(doc_row *q);

/* ---- the steps every action takes (outgoing_review.c) ---- */

/* Moves the document to state `to` with the body's comment, the caller on
 * its path, and sets t->doc to the document after. 0, or -1 with p. */
int doc_step(db_conn *c, action_tx *t, const char *to, problem_t *p);
/* doc_step through a step's own UPDATE st (STEP_SET, STEP_PATH) with its
 * own parameters extra ($5 ... $8, at most 4). */
int doc_step_with(db_conn *c, action_tx *t, const db_stmt *st, const char *to, int nextra,
                  const char *const *extra, problem_t *p);
/* Notifies `who`, with fmt formatted with the document's title. */
int doc_tell(db_conn *c, action_tx *t, long long who, const char *kind, const char *fmt,
             problem_t *p);
/* Notifies the secretariat, with fmt formatted with the document's title. */
int doc_tell_secretariat(db_conn *c, action_tx *t, const char *kind, const char *fmt,
                         problem_t *p);

/* ---- what each action does (the table's perform steps) ---- */

/* outgoing_review.c: from draft to proofreading, and the PATCH. */
int doc_perform_update(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_co_sign(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_submit(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_return(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_decline(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_forward(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_review(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_sign(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_send_back(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_request_changes(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_resubmit(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_approve_proof(db_conn *c, action_tx *t, problem_t *p);

/* outgoing_number.c: R-DOC-5. */
int doc_perform_assign_number(db_conn *c, action_tx *t, problem_t *p);
/* Runs the numbering action act (its own transaction, then the numbered
 * document read after the commit) and answers. */
void doc_number_handle(req_t *r, const action_t *act);

/* outgoing_issue.c: R-DOC-6. */
int doc_perform_letterheads(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_printed(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_archive(db_conn *c, action_tx *t, problem_t *p);
int doc_perform_record_stamp(db_conn *c, action_tx *t, problem_t *p);

#endif
