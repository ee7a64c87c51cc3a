/* The steps of an outgoing document from draft to proofreading
 * (公文处理制度 一): co-signing, the secretariat's review (R-DOC-1,
 * R-DOC-2), the supervising deputy's review and the responsible leader's
 * sign-off (R-DOC-3, R-SEC-3), proofreading (R-DOC-4), and the changes of a
 * PATCH; with the one step and the notifications every action shares. Who
 * may act and from which state is the table's (outgoing_actions.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "org.h"
#include "outgoing_actions.h"

static const db_stmt Q_DOC_STEP = {
    "documents_step",
    "UPDATE documents d SET" STEP_SET "," STEP_PATH
    " WHERE d.id = $1 RETURNING" AUDIT_DOC(DOCUMENT_DOC("d")) " AS doc"};

/* The step's UPDATE st with its own parameters extra ($5 ... $8). The
 * document after it comes back with COMMIT (action_last): only
 * notifications follow a step, and the issue (maybe_issue), whose
 * document, when it is issued, replaces the step's in the answer and in
 * the audit event alike. */
int doc_step_with(db_conn *c, action_tx *t, const db_stmt *st, const char *to, int nextra,
                  const char *const *extra, problem_t *p)
{
    const doc_act_in *in = t->in;
    char id[24], me[24];
    const char *comment = in->comment ? in->comment : in->reason;
    const char *params[8] = {db_int(id, t->id), to, comment, db_int(me, t->r->caller->id)};
    for (int i = 0; i < nextra && i < 4; i++)
        params[4 + i] = extra[i];
    return action_last(c, t, st, 4 + nextra, params, p);
}

int doc_step(db_conn *c, action_tx *t, const char *to, problem_t *p)
{
    return doc_step_with(c, t, &Q_DOC_STEP, to, 0, NULL, p);
}

int doc_tell(db_conn *c, action_tx *t, long long who, const char *kind, const char *fmt,
             problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, fmt, q->title);
    utf8_trim(title, sizeof title);
    const char *body = in->comment ? in->comment : in->reason ? in->reason : "";
    return notify(c, who, kind, title, body, "document", t->id, p);
}

int doc_tell_secretariat(db_conn *c, action_tx *t, const char *kind, const char *fmt,
                         problem_t *p)
{
    const doc_row *q = t->row;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, fmt, q->title);
    utf8_trim(title, sizeof title);
    return store_notify_secretariat(c, kind, title, "", "document", t->id, p);
}

static const db_stmt Q_CO_SIGN = {
    "documents_co_sign",
    "UPDATE documents SET co_signed_ids = array_append(co_signed_ids, $2::bigint)"
    " WHERE id = $1"};

int doc_perform_co_sign(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    char id[24], d[24];
    const char *params[] = {db_int(id, t->id), db_int(d, t->r->caller->department_id)};
    if (db_write(c, &Q_CO_SIGN, 2, params, p) || doc_step(c, t, "draft", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_co_signed",
                    "A co-drafting department signed: %s", p);
}

int doc_perform_submit(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (q->co_missing)
        return problem_set(p, ERR_DOCUMENT_CO_SIGN_MISSING, NULL, NULL,
                           "%lld co-drafting department(s) have not co-signed yet", q->co_missing);
    if (doc_step(c, t, "secretariat_review", p))
        return -1;
    return doc_tell_secretariat(c, t, "document_to_review", "Review the draft: %s", p);
}

int doc_perform_return(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (doc_step(c, t, "draft", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_returned",
                    "The secretariat returned the draft for changes: %s", p);
}

static const db_stmt Q_DECLINE = {
    "documents_decline",
    "UPDATE documents SET state = 'declined', decline_reason = $2 WHERE id = $1"};

/* R-DOC-1: a matter the department can issue itself; final. */
int doc_perform_decline(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->reason};
    if (db_write(c, &Q_DECLINE, 2, params, p) || doc_step(c, t, "declined", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_declined",
                    "The secretariat declined the draft (R-DOC-1): %s", p);
}

/* The step with the signer, the reviewer and everyone they bring on the
 * path: $5 the signer, $6 the reviewer or NULL, $7 the secretaries. */
static const db_stmt Q_FORWARD = {
    "documents_forward",
    "UPDATE documents d SET" STEP_SET ", signer_id = $5, reviewer_id = $6,"
    " path_ids = (SELECT array_agg(DISTINCT x) FROM unnest(d.path_ids || $5::bigint"
    "   || $7::bigint[] || coalesce($6::bigint, 0) || $4::bigint) x WHERE x > 0)"
    " WHERE d.id = $1 RETURNING" AUDIT_DOC(DOCUMENT_DOC("d")) " AS doc"};

/* R-DOC-2, R-DOC-3: the secretariat sends the reviewed draft to the
 * responsible leader, through the supervising deputy when the government
 * or the office assigned it. The leader's secretary, when the leader has
 * authorised them, may read and edit it meanwhile (R-SEC-3). */
int doc_perform_forward(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char signer[24], rev[24];
    /* What the forwarding's lock read of the leader named
     * (FORWARD_CHECK_COLS). */
    if (!q->signer_eligible) {
        problem_set(p, ERR_DOCUMENT_SIGNER_NOT_RESPONSIBLE, NULL, NULL,
                    !strcmp(q->issuer, "district_government")
                        ? "a district government document is signed by the district mayor or "
                          "the deputy mayor in charge of the drafting department"
                        : "an office document is signed by the director or the deputy director "
                          "supervising the drafting section");
        return problem_field(p, "signer_id", "is not a leader who signs this document");
    }
    bool via_deputy = q->assigned_by[0] != '\0';
    if (via_deputy && !q->deputy_id)
        return problem_set(p, ERR_DOCUMENT_NO_REVIEWER, NULL, NULL,
                           "no supervising deputy director to review this assigned document");
    const char *p2[] = {db_int(signer, in->signer_id),
                        via_deputy ? db_int(rev, q->deputy_id) : NULL, q->secretaries};
    const char *to = via_deputy ? "deputy_review" : "awaiting_signoff";
    if (doc_step_with(c, t, &Q_FORWARD, to, 3, p2, p))
        return -1;
    if (via_deputy)
        return doc_tell(c, t, q->deputy_id, "document_to_review",
                        "Review the assigned document: %s", p);
    return doc_tell(c, t, in->signer_id, "document_to_sign", "Sign off (签发): %s", p) ||
                   (strcmp(q->secretaries, "{}") &&
                    notify_all(c, q->secretaries, "document_for_your_leader",
                               "A draft awaits your leader's sign-off", q->title, "document",
                               t->id, p))
               ? -1
               : 0;
}

static const db_stmt Q_REVIEWED = {
    "documents_reviewed", "UPDATE documents SET reviewed_at = now() WHERE id = $1"};

int doc_perform_review(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    if (db_write(c, &Q_REVIEWED, 1, params, p) || doc_step(c, t, "awaiting_signoff", p))
        return -1;
    return doc_tell(c, t, q->signer_id, "document_to_sign", "Sign off (签发): %s", p);
}

static const db_stmt Q_SIGNED = {
    "documents_signed",
    "UPDATE documents d SET" STEP_SET "," STEP_PATH ", signed_by = $4, signed_at = now()"
    " WHERE d.id = $1 RETURNING" AUDIT_DOC(DOCUMENT_DOC("d")) " AS doc"};

/* R-DOC-3 signed; R-DOC-4 the secretariat proofreads next. */
int doc_perform_sign(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (doc_step_with(c, t, &Q_SIGNED, "proofreading", 0, NULL, p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_signed", "Signed off: %s", p) ||
                   doc_tell_secretariat(c, t, "document_to_proofread", "Proofread: %s", p)
               ? -1
               : 0;
}

int doc_perform_send_back(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (doc_step(c, t, "revising", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_sent_back",
                    "The leader sent the draft back: %s", p) ||
                   doc_tell_secretariat(c, t, "document_sent_back",
                                        "The leader sent the draft back: %s", p)
               ? -1
               : 0;
}

/* R-DOC-4: changes go back to the department ... */
int doc_perform_request_changes(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (doc_step(c, t, "revising", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_changes_requested",
                    "Proofreading asks for changes (R-DOC-4): %s", p);
}

/* ... and the revised text returns to the secretariat: to proofreading
 * once signed, to its first review otherwise. */
int doc_perform_resubmit(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (doc_step(c, t, q->signed_off ? "proofreading" : "secretariat_review", p))
        return -1;
    return doc_tell_secretariat(c, t, "document_to_review",
                                q->signed_off ? "Proofread the revised text: %s"
                                              : "Review the revised draft: %s",
                                p);
}

int doc_perform_approve_proof(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (doc_step(c, t, "proofread", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_proofread", "Proofread: %s", p);
}

/* ---------- PATCH ---------- */

static const db_stmt Q_DOC_UPDATE = {
    "documents_update",
    "UPDATE documents d SET title = coalesce($2, d.title), body = coalesce($3, d.body),"
    " main_recipients = coalesce($4, d.main_recipients),"
    " cc_recipients = coalesce($5, d.cc_recipients), secrecy = coalesce($6, d.secrecy),"
    " urgency = coalesce($7, d.urgency), print_count = coalesce($8::int, d.print_count),"
    " body_version = d.body_version + CASE WHEN coalesce($2, d.title) <> d.title"
    "   OR coalesce($3, d.body) <> d.body THEN 1 ELSE 0 END,"
    " path_ids = CASE WHEN $9::bigint = ANY (d.path_ids) THEN d.path_ids"
    "                 ELSE array_append(d.path_ids, $9::bigint) END,"
    " version = d.version + 1, updated_at = now()"
    " WHERE d.id = $1 RETURNING" DOCUMENT_DOC("d") " AS doc, d.body_version, d.title, d.body"};

static const db_stmt Q_VERSION_ADD = {
    "documents_version_add",
    "INSERT INTO document_versions(document_id, no, title, body, author_id)"
    " SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS"
    " (SELECT 1 FROM document_versions WHERE document_id = $1 AND no = $2)"};

int doc_perform_update(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_act_in *in = t->in;
    if (!in->title && !in->body && !in->main_recipients && !in->cc_recipients && !in->secrecy &&
        !in->urgency && !in->print_count) {
        static const char *const names[] = {"title", "body", "main_recipients", "cc_recipients",
                                            "secrecy", "urgency", "print_count"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            problem_field(p, names[i], "may be changed; name at least one field");
        return -1;
    }
    char id[24], pc[24], me[24];
    const char *params[] = {db_int(id, t->id),
                            in->title,
                            in->body,
                            in->main_recipients,
                            in->cc_recipients,
                            in->secrecy,
                            in->urgency,
                            in->print_count ? db_int(pc, in->print_count) : NULL,
                            db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_DOC_UPDATE, 9, params, &res, p))
        return -1;
    free(t->doc);
    t->doc = strdup(db_col_str(res, 0, "doc"));
    const char *p2[] = {id, db_col_str(res, 0, "body_version"), db_col_str(res, 0, "title"),
                        db_col_str(res, 0, "body"), me};
    int rc = db_run(c, &Q_VERSION_ADD, 5, p2, p);
    PQclear(res);
    if (rc)
        return -1;
    return t->doc ? 0 : problem_oom(p);
}
