/* The chain of an outgoing document (公文处理制度 一): co-signing, the
 * secretariat's review (R-DOC-1, R-DOC-2), the supervising deputy's review
 * and the responsible leader's sign-off (R-DOC-3, R-SEC-3), proofreading
 * (R-DOC-4), the number (R-DOC-5), letterheads, printing, the archived
 * original and the stamps (R-DOC-6). Each step notifies whoever acts next. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "documents.h"
#include "org.h"

typedef struct doc_act_in {
    const char *comment, *reason, *title, *body, *main_recipients, *cc_recipients, *secrecy,
        *urgency;
    long long signer_id, count, copies, seal_request_id, print_count;
} doc_act_in;

/* The locked document, as the actions need it. */
typedef struct doc_row {
    long long department_id, creator_id, signer_id, reviewer_id, print_count, letterheads,
        printed_copies, stamped_count;
    long long co_missing; /* co-drafting departments that have not co-signed */
    bool may_sign;        /* the caller is the signer and still eligible (R-DOC-3) */
    char issuer[24], assigned_by[16], secrecy[16];
    char title[808]; /* 200 characters */
    char *co_depts, *co_signed, *body;
    bool signed_off, archived, in_secretariat, stamp_ok;
} doc_row;

static const action_kind doc_kind = {
    .entity = "document",
    .noun = "document",
    .wrong_state = ERR_DOCUMENT_WRONG_STATE,
};

/* R-DOC-3 for one person: whether `user` is among eligible_signers(issuer,
 * dept) (migration 001), written into the statement as one probe of that
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

/* The visibility test is written into the statement (DOCUMENT_VISIBLE) so
 * that it is planned with it, not run as a function call of its own; so is
 * R-DOC-3's test of the caller, only when the caller is the document's
 * signer (sign and send back need it). */
static const db_stmt Q_DOC_LOCK = {
    "documents_lock",
    "SELECT" DOCUMENT_DOC("d") " AS doc, d.version, d.state, d.department_id, d.creator_id,"
    " d.co_department_ids::text AS co_depts, d.co_signed_ids::text AS co_signed, d.signer_id,"
    " d.reviewer_id, d.issuer, coalesce(d.assigned_by, '') AS assigned_by, d.print_count,"
    " d.title," DOCUMENT_VISIBLE("d", "$2", "$3") " AS visible,"
    " d.signed_at IS NOT NULL AS signed_off, d.archived_at IS NOT NULL AS archived, d.body,"
    " EXISTS (SELECT 1 FROM identity.org_departments s WHERE s.id = $3 AND s.is_secretariat)"
    "  AS in_secretariat,"
    " d.secrecy, d.letterhead_count, d.printed_copies, d.stamped_count,"
    " NOT d.stamp_mismatch AS stamp_ok,"
    " (SELECT count(*) FROM unnest(d.co_department_ids) x WHERE NOT x = ANY (d.co_signed_ids))"
    "  AS co_missing,"
    " CASE WHEN d.signer_id = $2::bigint THEN" ELIGIBLE_SIGNER("d.issuer", "d.department_id", "$2")
    " END AS may_sign"
    " FROM documents d WHERE d.id = $1 FOR NO KEY UPDATE"};

static void row_free(doc_row *q)
{
    free(q->co_depts);
    free(q->co_signed);
    free(q->body);
}

static int doc_lock(db_conn *c, action_tx *t, problem_t *p)
{
    doc_row *q = t->row;
    row_free(q);
    memset(q, 0, sizeof *q);
    char id[24], u[24], ud[24];
    const caller_t *me = t->r->caller;
    const char *params[] = {db_int(id, t->id), db_int(u, me->id),
                            db_int(ud, me->department_id)};
    PGresult *res;
    if (db_query(c, &Q_DOC_LOCK, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "visible")) {
        PQclear(res);
        return problem_set(p, ERR_DOCUMENT_NOT_FOUND, NULL, NULL, "no such document");
    }
    t->before = strdup(db_col_str(res, 0, "doc"));
    t->version = db_col_ll(res, 0, "version");
    snprintf(t->state, sizeof t->state, "%s", db_col_str(res, 0, "state"));
    q->department_id = db_col_ll(res, 0, "department_id");
    q->creator_id = db_col_ll(res, 0, "creator_id");
    q->co_depts = strdup(db_col_str(res, 0, "co_depts"));
    q->co_signed = strdup(db_col_str(res, 0, "co_signed"));
    q->signer_id = db_col_ll(res, 0, "signer_id");
    q->reviewer_id = db_col_ll(res, 0, "reviewer_id");
    snprintf(q->issuer, sizeof q->issuer, "%s", db_col_str(res, 0, "issuer"));
    snprintf(q->assigned_by, sizeof q->assigned_by, "%s", db_col_str(res, 0, "assigned_by"));
    q->print_count = db_col_ll(res, 0, "print_count");
    snprintf(q->title, sizeof q->title, "%s", db_col_str(res, 0, "title"));
    q->signed_off = db_col_bool(res, 0, "signed_off");
    q->archived = db_col_bool(res, 0, "archived");
    q->body = strdup(db_col_str(res, 0, "body"));
    q->in_secretariat = db_col_bool(res, 0, "in_secretariat");
    snprintf(q->secrecy, sizeof q->secrecy, "%s", db_col_str(res, 0, "secrecy"));
    q->letterheads = db_col_ll(res, 0, "letterhead_count");
    q->printed_copies = db_col_ll(res, 0, "printed_copies");
    q->stamped_count = db_col_ll(res, 0, "stamped_count");
    q->stamp_ok = db_col_bool(res, 0, "stamp_ok");
    q->co_missing = db_col_ll(res, 0, "co_missing");
    q->may_sign = db_col_bool(res, 0, "may_sign");
    PQclear(res);
    if (!t->before || !q->co_depts || !q->co_signed || !q->body)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    return 0;
}

/* ---------- who may act ---------- */

static bool in_drafting_dept(const action_tx *t)
{
    const doc_row *q = t->row;
    return t->r->caller->department_id == q->department_id;
}

/* The drafting department prepares, submits, revises, prints and stamps. */
static int authorise_drafter(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    if (!in_drafting_dept(t))
        return problem_set(p, ERR_DOCUMENT_NOT_DRAFTER, NULL, NULL,
                           "only the drafting department does this");
    return 0;
}

static int secretariat_only(action_tx *t, const char *rule, problem_t *p)
{
    const doc_row *q = t->row;
    if (!q->in_secretariat)
        return problem_set(p, ERR_DOCUMENT_SECRETARIAT_ONLY, NULL, rule,
                           "only the secretariat (文秘科) does this");
    return 0;
}

static int authorise_secretariat(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    return secretariat_only(t, NULL, p);
}

/* R-DOC-1: the secretariat declines. */
static int authorise_decline(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    return secretariat_only(t, "R-DOC-1", p);
}

/* R-DOC-2: nothing reaches a leader but through the secretariat. */
static int authorise_forward(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    return secretariat_only(t, "R-DOC-2", p);
}

/* R-DOC-4: proofreading is the secretariat's. */
static int authorise_proofreader(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    return secretariat_only(t, "R-DOC-4", p);
}

/* R-DOC-5: the secretariat assigns the number. */
static int authorise_numberer(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    return secretariat_only(t, "R-DOC-5", p);
}

/* R-DOC-6: the original goes to the secretariat's archive. */
static int authorise_archivist(db_conn *c, action_tx *t, problem_t *p)
{
    (void)c;
    return secretariat_only(t, "R-DOC-6", p);
}

/* Joint drafting: the chief of a co-drafting department co-signs. */
static const db_stmt Q_CO_SIGNER = {
    "documents_co_signer",
    "SELECT $2::bigint = ANY ($1::bigint[]), $2::bigint = ANY ($3::bigint[])"};

static int authorise_co_signer(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const caller_t *me = t->r->caller;
    char d[24];
    const char *params[] = {q->co_depts, db_int(d, me->department_id), q->co_signed};
    PGresult *res;
    if (db_query(c, &Q_CO_SIGNER, 3, params, &res, p))
        return -1;
    bool member = !strcmp(PQgetvalue(res, 0, 0), "t");
    bool done = !strcmp(PQgetvalue(res, 0, 1), "t");
    PQclear(res);
    if (!member || strcmp(me->position, POS_SECTION_CHIEF))
        return problem_set(p, ERR_DOCUMENT_NOT_CO_SIGNER, NULL, NULL,
                           "only the chief of a co-drafting department co-signs");
    if (done)
        return problem_set(p, ERR_DOCUMENT_ALREADY_CO_SIGNED, NULL, NULL,
                           "your department has already co-signed");
    return 0;
}

/* R-DOC-3: the supervising deputy named at forwarding reviews. */
static int authorise_reviewer(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->reviewer_id)
        return problem_set(p, ERR_DOCUMENT_NOT_REVIEWER, NULL, NULL,
                           "a document the government or office assigned is reviewed by the "
                           "supervising deputy director");
    return 0;
}

/* R-DOC-2 before the state check: a leader cannot act on what the
 * secretariat has not reviewed. R-DOC-3: only the responsible leader
 * signs or sends back, and only while still eligible (may_sign, read with
 * the lock). */
static int authorise_signer(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    (void)c;
    if (!strcmp(t->state, "draft") || !strcmp(t->state, "secretariat_review"))
        return problem_set(p, ERR_DOCUMENT_NOT_REVIEWED, NULL, NULL,
                           "the secretariat has not reviewed this draft; it cannot reach a "
                           "leader yet");
    if (t->r->caller->id != q->signer_id)
        return problem_set(p, ERR_DOCUMENT_NOT_SIGNER, NULL, NULL,
                           "this document is signed by the leader the secretariat sent it to");
    if (!q->may_sign)
        return problem_set(p, ERR_DOCUMENT_NOT_SIGNER, NULL, NULL,
                           "you are no longer a leader who signs this document");
    if (strcmp(t->state, "awaiting_signoff"))
        return problem_set(p, ERR_DOCUMENT_WRONG_STATE, NULL, NULL,
                           "the document is %s, not awaiting sign-off", t->state);
    return 0;
}

/* Whether the leader ($1) has authorised their secretary ($2) to review
 * the drafts headed for them (政务秘书工作规范 二.3). */
static const db_stmt Q_SECRETARY_AUTHORISED = {
    "documents_secretary_authorised", "SELECT secretary_authorised($1, $2)"};

/* A PATCH: the drafting department while it drafts or revises; the
 * secretariat while it reviews or proofreads; the signing leader's
 * secretary, on the leader's recorded authorisation, while it awaits the
 * leader (R-SEC-3: assisting, never signing). */
static int authorise_editor(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const caller_t *me = t->r->caller;
    const char *s = t->state;
    if (!strcmp(s, "draft") || !strcmp(s, "revising")) {
        if (in_drafting_dept(t))
            return 0;
    } else if (!strcmp(s, "secretariat_review") || !strcmp(s, "proofreading")) {
        if (q->in_secretariat)
            return 0;
    } else if (!strcmp(s, "awaiting_signoff")) {
        if (me->is_secretary && me->serves_leader_id == q->signer_id && q->signer_id) {
            char lead[24], sec[24];
            const char *params[] = {db_int(lead, q->signer_id), db_int(sec, me->id)};
            PGresult *res;
            if (db_query(c, &Q_SECRETARY_AUTHORISED, 2, params, &res, p))
                return -1;
            bool authorised = !strcmp(PQgetvalue(res, 0, 0), "t");
            PQclear(res);
            if (authorised)
                return 0;
            return problem_set(p, ERR_DOCUMENT_NOT_EDITOR, NULL, "R-SEC-3",
                               "a secretary reviews and edits the leader's drafts only on the "
                               "leader's recorded authorisation (POST "
                               "/api/v1/secretary-authorisations)");
        }
        return problem_set(p, ERR_DOCUMENT_NOT_EDITOR, NULL, "R-SEC-3",
                           "while it awaits sign-off only the signing leader's authorised "
                           "secretary edits it");
    } else {
        return problem_set(p, ERR_DOCUMENT_NOT_EDITABLE, NULL, NULL,
                           "a %s document cannot be changed", s);
    }
    return problem_set(p, ERR_DOCUMENT_NOT_EDITOR, NULL, NULL,
                       "you may not change this document while it is %s", s);
}

/* ---------- the changes ---------- */

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

static const db_stmt Q_DOC_STEP = {
    "documents_step",
    "UPDATE documents d SET" STEP_SET "," STEP_PATH
    " WHERE d.id = $1 RETURNING" DOCUMENT_DOC("d") " AS doc"};

/* The step's UPDATE st with its own parameters extra ($5 ... $8). */
static int step_with(db_conn *c, action_tx *t, const db_stmt *st, const char *to, int nextra,
                     const char *const *extra, problem_t *p)
{
    const doc_act_in *in = t->in;
    char id[24], me[24];
    const char *comment = in->comment ? in->comment : in->reason;
    const char *params[8] = {db_int(id, t->id), to, comment, db_int(me, t->r->caller->id)};
    for (int i = 0; i < nextra && i < 4; i++)
        params[4 + i] = extra[i];
    PGresult *res;
    if (db_query(c, st, 4 + nextra, params, &res, p))
        return -1;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "the document was not updated");
    }
    free(t->doc);
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    return t->doc ? 0 : problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
}

static int step(db_conn *c, action_tx *t, const char *to, problem_t *p)
{
    return step_with(c, t, &Q_DOC_STEP, to, 0, NULL, p);
}

static int tell(db_conn *c, action_tx *t, long long who, const char *kind, const char *fmt,
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

static int tell_secretariat(db_conn *c, action_tx *t, const char *kind, const char *fmt,
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

static int perform_co_sign(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    char id[24], d[24];
    const char *params[] = {db_int(id, t->id), db_int(d, t->r->caller->department_id)};
    if (db_write(c, &Q_CO_SIGN, 2, params, p) || step(c, t, "draft", p))
        return -1;
    return tell(c, t, q->creator_id, "document_co_signed", "A co-drafting department signed: %s",
                p);
}

static int perform_submit(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (q->co_missing)
        return problem_set(p, ERR_DOCUMENT_CO_SIGN_MISSING, NULL, NULL,
                           "%lld co-drafting department(s) have not co-signed yet", q->co_missing);
    if (step(c, t, "secretariat_review", p))
        return -1;
    return tell_secretariat(c, t, "document_to_review", "Review the draft: %s", p);
}

static int perform_return(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (step(c, t, "draft", p))
        return -1;
    return tell(c, t, q->creator_id, "document_returned",
                "The secretariat returned the draft for changes: %s", p);
}

static const db_stmt Q_DECLINE = {
    "documents_decline",
    "UPDATE documents SET state = 'declined', decline_reason = $2 WHERE id = $1"};

/* R-DOC-1: a matter the department can issue itself; final. */
static int perform_decline(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->reason};
    if (db_write(c, &Q_DECLINE, 2, params, p) || step(c, t, "declined", p))
        return -1;
    return tell(c, t, q->creator_id, "document_declined",
                "The secretariat declined the draft (R-DOC-1): %s", p);
}

/* Whether the signer may sign, the supervising deputy, and the signer's
 * secretaries whom the signer has authorised (read from the authorisations,
 * one index probe, not from every person). */
static const db_stmt Q_FORWARD_CHECK = {
    "documents_forward_check",
    "SELECT" ELIGIBLE_SIGNER("$1", "$2", "$3") " AS eligible,"
    " (SELECT coalesce(d.supervising_deputy_id, (SELECT g.id FROM identity.org_people g"
    "   WHERE g.gov_affairs AND g.active AND g.position = 'deputy_director' ORDER BY g.id LIMIT 1))"
    "  FROM identity.org_departments d WHERE d.id = $2) AS deputy,"
    " (SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}')::text"
    "  FROM secretary_authorisations a JOIN identity.org_people s ON s.id = a.secretary_id"
    "  WHERE a.leader_id = $3 AND a.state = 'active'"
    "  AND s.is_secretary AND s.active AND s.serves_leader_id = $3) AS secretaries"};

/* The step with the signer, the reviewer and everyone they bring on the
 * path: $5 the signer, $6 the reviewer or NULL, $7 the secretaries. */
static const db_stmt Q_FORWARD = {
    "documents_forward",
    "UPDATE documents d SET" STEP_SET ", signer_id = $5, reviewer_id = $6,"
    " path_ids = (SELECT array_agg(DISTINCT x) FROM unnest(d.path_ids || $5::bigint"
    "   || $7::bigint[] || coalesce($6::bigint, 0) || $4::bigint) x WHERE x > 0)"
    " WHERE d.id = $1 RETURNING" DOCUMENT_DOC("d") " AS doc"};

/* R-DOC-2, R-DOC-3: the secretariat sends the reviewed draft to the
 * responsible leader, through the supervising deputy when the government
 * or the office assigned it. The leader's secretary, when the leader has
 * authorised them, may read and edit it meanwhile (R-SEC-3). */
static int perform_forward(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char dept[24], signer[24], rev[24];
    const char *p1[] = {q->issuer, db_int(dept, q->department_id),
                        db_int(signer, in->signer_id)};
    PGresult *res;
    if (db_query(c, &Q_FORWARD_CHECK, 3, p1, &res, p))
        return -1;
    bool eligible = db_col_bool(res, 0, "eligible");
    long long deputy = db_col_ll(res, 0, "deputy");
    char *secretaries = strdup(db_col_str(res, 0, "secretaries"));
    PQclear(res);
    int rc = -1;
    if (!secretaries) {
        problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
        goto cleanup;
    }
    if (!eligible) {
        problem_set(p, ERR_DOCUMENT_SIGNER_NOT_RESPONSIBLE, NULL, NULL,
                    !strcmp(q->issuer, "district_government")
                        ? "a district government document is signed by the district mayor or "
                          "the deputy mayor in charge of the drafting department"
                        : "an office document is signed by the director or the deputy director "
                          "supervising the drafting section");
        problem_field(p, "signer_id", "is not a leader who signs this document");
        goto cleanup;
    }
    bool via_deputy = q->assigned_by[0] != '\0';
    if (via_deputy && !deputy) {
        problem_set(p, ERR_DOCUMENT_NO_REVIEWER, NULL, NULL,
                    "no supervising deputy director to review this assigned document");
        goto cleanup;
    }
    const char *p2[] = {signer, via_deputy ? db_int(rev, deputy) : NULL, secretaries};
    if (step_with(c, t, &Q_FORWARD, via_deputy ? "deputy_review" : "awaiting_signoff", 3, p2, p))
        goto cleanup;
    if (via_deputy)
        rc = tell(c, t, deputy, "document_to_review", "Review the assigned document: %s", p);
    else
        rc = tell(c, t, in->signer_id, "document_to_sign", "Sign off (签发): %s", p) ||
                     (strcmp(secretaries, "{}") &&
                      notify_all(c, secretaries, "document_for_your_leader",
                                       "A draft awaits your leader's sign-off", q->title,
                                       "document", t->id, p))
                 ? -1
                 : 0;
cleanup:
    free(secretaries);
    return rc;
}

static const db_stmt Q_REVIEWED = {
    "documents_reviewed", "UPDATE documents SET reviewed_at = now() WHERE id = $1"};

static int perform_review(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    if (db_write(c, &Q_REVIEWED, 1, params, p) || step(c, t, "awaiting_signoff", p))
        return -1;
    return tell(c, t, q->signer_id, "document_to_sign", "Sign off (签发): %s", p);
}

static const db_stmt Q_SIGNED = {
    "documents_signed",
    "UPDATE documents d SET" STEP_SET "," STEP_PATH ", signed_by = $4, signed_at = now()"
    " WHERE d.id = $1 RETURNING" DOCUMENT_DOC("d") " AS doc"};

/* R-DOC-3 signed; R-DOC-4 the secretariat proofreads next. */
static int perform_sign(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (step_with(c, t, &Q_SIGNED, "proofreading", 0, NULL, p))
        return -1;
    return tell(c, t, q->creator_id, "document_signed", "Signed off: %s", p) ||
                   tell_secretariat(c, t, "document_to_proofread", "Proofread: %s", p)
               ? -1
               : 0;
}

static int perform_send_back(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (step(c, t, "revising", p))
        return -1;
    return tell(c, t, q->creator_id, "document_sent_back", "The leader sent the draft back: %s",
                p) ||
                   tell_secretariat(c, t, "document_sent_back",
                                    "The leader sent the draft back: %s", p)
               ? -1
               : 0;
}

/* R-DOC-4: changes go back to the department ... */
static int perform_request_changes(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (step(c, t, "revising", p))
        return -1;
    return tell(c, t, q->creator_id, "document_changes_requested",
                "Proofreading asks for changes (R-DOC-4): %s", p);
}

/* ... and the revised text returns to the secretariat: to proofreading
 * once signed, to its first review otherwise. */
static int perform_resubmit(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (step(c, t, q->signed_off ? "proofreading" : "secretariat_review", p))
        return -1;
    return tell_secretariat(c, t, "document_to_review",
                            q->signed_off ? "Proofread the revised text: %s"
                                          : "Review the revised draft: %s",
                            p);
}

static int perform_approve_proof(db_conn *c, action_tx *t, problem_t *p)
{
    return step(c, t, "proofread", p) ? -1
                                      : tell(c, t, ((doc_row *)t->row)->creator_id,
                                             "document_proofread", "Proofread: %s", p);
}

/* R-DOC-5: the number, the step, the drafter's notification and the
 * audit event (as audit_write writes it, with the document before, $9 ...
 * $14) in one statement, the transaction's last, sent with COMMIT: the
 * series' counter row it locks is held from here to the commit, and every
 * other numbering waits for it meanwhile, so no round trip to the service
 * falls in between. The counter moves as take_number (migration 001) moves
 * it, written here so that it is planned with the statement. $5 the
 * issuer, $6 the year, $7 the SHA-256 of the signed body, $8 the
 * notification's text. */
static const db_stmt Q_NUMBER = {
    "documents_number",
    "WITH n AS (INSERT INTO number_counters AS c (series, year, last) VALUES ($5, $6, 1)"
    "  ON CONFLICT (series, year) DO UPDATE SET last = c.last + 1 RETURNING c.last AS seq),"
    " s AS (SELECT prefix FROM number_series WHERE issuer = $5),"
    " u AS (UPDATE documents d SET" STEP_SET "," STEP_PATH ", doc_year = $6, doc_seq = n.seq,"
    "  doc_number = s.prefix || '〔' || $6 || '〕' || n.seq || '号',"
    "  numbered_at = now(), signed_body_sha256 = $7"
    "  FROM n, s WHERE d.id = $1"
    "  RETURNING d.id, d.creator_id, d.title, d.doc_number," DOCUMENT_DOC("d") " AS doc),"
    " m AS (SELECT identity.notify(u.creator_id, 'document_numbered',"
    "  'Numbered ' || u.doc_number || ': ' || u.title, $8, 'document', u.id) FROM u),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before,"
    "  after, request_id, client_request_id)"
    "  SELECT $9, $10, 'document', u.id, $11, $12::jsonb, u.doc::jsonb, $13, $14 FROM u)"
    " SELECT count(*) FROM m"};

/* R-DOC-5: the number is taken in this transaction, so it exists only if
 * the document commits with it. Sent without waiting for its result (a
 * failure fails the COMMIT); the answer is read after (numbered_doc). */
static int perform_assign_number(db_conn *c, action_tx *t, problem_t *p)
{
    doc_row *q = t->row;
    if (!strcmp(t->state, "proofreading") || !strcmp(t->state, "revising"))
        return problem_set(p, ERR_DOCUMENT_NOT_PROOFREAD, NULL, NULL,
                           "proofreading is not finished; the number comes after it");
    if (strcmp(t->state, "proofread"))
        return problem_set(p, ERR_DOCUMENT_WRONG_STATE, NULL, "R-DOC-5",
                           "a %s document cannot be numbered", t->state);
    const doc_act_in *in = t->in;
    const actor_t *who = &t->r->actor;
    char id[24], me[24], year[24], sha[65], actor[24];
    sha256_hex(q->body, strlen(q->body), sha);
    const char *params[] = {db_int(id, t->id),
                            "numbered",
                            in->comment,
                            db_int(me, t->r->caller->id),
                            q->issuer,
                            db_int(year, office_year()),
                            sha,
                            "Collect the letterhead sheets from the secretariat, print and "
                            "stamp the copies.",
                            who->svc->name,
                            who->user_id ? db_int(actor, who->user_id) : NULL,
                            t->act->verb,
                            t->before,
                            who->rid,
                            who->client_rid};
    return db_write(c, &Q_NUMBER, 14, params, p);
}

static const db_stmt Q_LETTERHEADS = {
    "documents_letterheads", "UPDATE documents SET letterhead_count = $2 WHERE id = $1"};

/* The letterhead sheets (文头纸) for the copies to be stamped. */
static int perform_letterheads(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    if (in->count < q->print_count)
        return problem_field(p, "count", "the %lld copies to print need at least %lld sheets",
                             q->print_count, q->print_count);
    char id[24], n[24];
    const char *params[] = {db_int(id, t->id), db_int(n, in->count)};
    if (db_write(c, &Q_LETTERHEADS, 2, params, p) || step(c, t, "numbered", p))
        return -1;
    return tell(c, t, q->creator_id, "document_letterheads", "Letterhead sheets issued: %s", p);
}

/* The copies the printing service's register shows completed for this
 * document (R-DOC-6), when the printing service is deployed: -1 otherwise
 * or when it has none. */
static const db_stmt Q_HAS_PRINTING = {
    "documents_has_printing", "SELECT to_regclass('printing.document_copies') IS NOT NULL"};
static const db_stmt Q_PRINTED_COPIES = {
    "documents_printed_copies",
    "SELECT coalesce((SELECT copies FROM printing.document_copies WHERE document_id = $1), -1)"};

static int register_copies(db_conn *c, long long id, long long *out, problem_t *p)
{
    PGresult *res;
    *out = -1;
    if (db_query(c, &Q_HAS_PRINTING, 0, NULL, &res, p))
        return -1;
    bool has = !strcmp(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    if (!has)
        return 0;
    char d[24];
    const char *params[] = {db_int(d, id)};
    if (db_query(c, &Q_PRINTED_COPIES, 1, params, &res, p))
        return -1;
    *out = db_get_ll(res, 0, 0);
    PQclear(res);
    return 0;
}

static const db_stmt Q_PRINTED = {
    "documents_printed",
    "UPDATE documents SET printed_copies = $2, printed_at = now() WHERE id = $1"};

static int perform_printed(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    if (!q->letterheads)
        return problem_set(p, ERR_DOCUMENT_NO_LETTERHEADS, NULL, NULL,
                           "the secretariat has not issued the letterhead sheets yet");
    if (in->copies > q->letterheads)
        return problem_field(p, "copies", "at most %lld: one letterhead sheet a copy",
                             q->letterheads);
    /* Printed through the printing service: its copy register is the count. */
    long long registered;
    if (register_copies(c, t->id, &registered, p))
        return -1;
    if (registered >= 0 && registered != in->copies) {
        problem_set(p, ERR_DOCUMENT_COPIES_MISMATCH, NULL, "R-DOC-6",
                    "the copy register shows %lld completed copies of this document",
                    registered);
        return problem_field(p, "copies", "must be %lld, the copies the register shows",
                             registered);
    }
    char id[24], n[24];
    const char *params[] = {db_int(id, t->id), db_int(n, in->copies)};
    if (db_write(c, &Q_PRINTED, 2, params, p) || step(c, t, "printed", p))
        return -1;
    return tell_secretariat(c, t, "document_original_due",
                            "Printed; the signed original is due for the archive: %s", p);
}

/* R-DOC-6: issued once the original is archived and the stamped count
 * matches the printed copies. */
static const db_stmt Q_ISSUE = {
    "documents_issue",
    "UPDATE documents d SET state = 'issued', issued_at = now(),"
    " version = d.version + 1, updated_at = now()"
    " WHERE d.id = $1 AND d.archived_at IS NOT NULL AND d.stamped_count = d.printed_copies"
    " RETURNING" DOCUMENT_DOC("d")};

static int maybe_issue(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_ISSUE, 1, params, &res, p))
        return -1;
    if (PQntuples(res) == 1) {
        free(t->doc);
        t->doc = strdup(PQgetvalue(res, 0, 0));
        PQclear(res);
        if (!t->doc)
            return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
        return tell(c, t, q->creator_id, "document_issued", "Issued: %s", p);
    }
    PQclear(res);
    return 0;
}

static const db_stmt Q_ARCHIVED = {
    "documents_archived", "UPDATE documents SET archived_at = now() WHERE id = $1"};

static int perform_archive(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (q->archived)
        return problem_set(p, ERR_DOCUMENT_ALREADY_ARCHIVED, NULL, NULL,
                           "the original is already archived");
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    if (db_write(c, &Q_ARCHIVED, 1, params, p) || step(c, t, "printed", p))
        return -1;
    return maybe_issue(c, t, p);
}

/* The stamps the seals service logged for this document (R-SEAL-4). */
static const db_stmt Q_STAMPS = {
    "documents_stamps",
    "SELECT coalesce(sum(s.count), 0), bool_or(s.request_id = $2)"
    " FROM seals.document_stamps s WHERE s.document_id = $1"};

static const db_stmt Q_STAMPED = {
    "documents_stamped",
    "UPDATE documents SET stamped_count = $2, stamp_mismatch = $2 <> printed_copies"
    " WHERE id = $1"};

/* R-DOC-6: the copies are stamped through the seals service; the stamped
 * count must match the printed copies, and a mismatch is recorded (and
 * listed with ?stamp_mismatch=true). */
static int perform_record_stamp(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char id[24], rq[24], n[24];
    const char *p1[] = {db_int(id, t->id), db_int(rq, in->seal_request_id)};
    PGresult *res;
    if (db_query(c, &Q_STAMPS, 2, p1, &res, p))
        return -1;
    long long stamped = db_get_ll(res, 0, 0);
    bool named = !strcmp(PQgetvalue(res, 0, 1), "t");
    PQclear(res);
    if (!named)
        return problem_field(p, "seal_request_id",
                             "no stamp of this document was logged for this seal request");
    const char *p2[] = {id, db_int(n, stamped)};
    if (db_write(c, &Q_STAMPED, 2, p2, p) || step(c, t, "printed", p))
        return -1;
    if (stamped != q->printed_copies) {
        char title[TITLE_BYTES];
        snprintf(title, sizeof title, "Stamped %lld of %lld printed copies: %s", stamped,
                 q->printed_copies, q->title);
        utf8_trim(title, sizeof title);
        return notify(c, q->creator_id, "document_stamp_mismatch", title,
                      "The stamped count does not match the printed copies (R-DOC-6).",
                      "document", t->id, p) ||
                       store_notify_secretariat(c, "document_stamp_mismatch", title, "",
                                                "document", t->id, p)
                   ? -1
                   : 0;
    }
    return maybe_issue(c, t, p);
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
    " WHERE d.id = $1 RETURNING" DOCUMENT_DOC("d") ", d.body_version, d.title, d.body"};

static const db_stmt Q_VERSION_ADD = {
    "documents_version_add",
    "INSERT INTO document_versions(document_id, no, title, body, author_id)"
    " SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS"
    " (SELECT 1 FROM document_versions WHERE document_id = $1 AND no = $2)"};

static int perform_update(db_conn *c, action_tx *t, problem_t *p)
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
    t->doc = strdup(PQgetvalue(res, 0, 0));
    const char *p2[] = {id, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
                        PQgetvalue(res, 0, 3), me};
    int rc = db_run(c, &Q_VERSION_ADD, 5, p2, p);
    PQclear(res);
    if (rc)
        return -1;
    return t->doc ? 0 : problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
}

/* ---------- the table ---------- */

static const char *const secrecies[] = {"none", "secret", "confidential", NULL};
static const char *const urgencies[] = {"normal", "urgent", "extra_urgent", NULL};

/* A longer comment than common's comment_fields allows. */
static const json_field doc_comment_fields[] = {
    {"comment", JF_TEXT, 0, 0, 2000, NULL, offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field needs_comment_fields[] = {
    {"comment", JF_STRING, JF_REQUIRED, 1, 2000, NULL, offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field reason_fields[] = {
    {"reason", JF_STRING, JF_REQUIRED, 1, 2000, NULL, offsetof(doc_act_in, reason)},
    JF_END,
};
static const json_field forward_fields[] = {
    {"signer_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, NULL, offsetof(doc_act_in, signer_id)},
    {"comment", JF_TEXT, 0, 0, 2000, NULL, offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field count_fields[] = {
    {"count", JF_INT, JF_REQUIRED, 1, 100000, NULL, offsetof(doc_act_in, count)},
    {"comment", JF_TEXT, 0, 0, 2000, NULL, offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field copies_fields[] = {
    {"copies", JF_INT, JF_REQUIRED, 1, 100000, NULL, offsetof(doc_act_in, copies)},
    {"comment", JF_TEXT, 0, 0, 2000, NULL, offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field stamp_fields[] = {
    {"seal_request_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, NULL,
     offsetof(doc_act_in, seal_request_id)},
    {"comment", JF_TEXT, 0, 0, 2000, NULL, offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field patch_fields[] = {
    {"title", JF_STRING, 0, 1, 200, NULL, offsetof(doc_act_in, title)},
    {"body", JF_TEXT, 0, 0, 200000, NULL, offsetof(doc_act_in, body)},
    {"main_recipients", JF_STRING, 0, 1, 1000, NULL, offsetof(doc_act_in, main_recipients)},
    {"cc_recipients", JF_TEXT, 0, 0, 1000, NULL, offsetof(doc_act_in, cc_recipients)},
    {"secrecy", JF_ENUM, 0, 0, 0, secrecies, offsetof(doc_act_in, secrecy)},
    {"urgency", JF_ENUM, 0, 0, 0, urgencies, offsetof(doc_act_in, urgency)},
    {"print_count", JF_INT, 0, 1, 100000, NULL, offsetof(doc_act_in, print_count)},
    JF_END,
};

static const char *const from_draft[] = {"draft", NULL};
static const char *const from_sec_review[] = {"secretariat_review", NULL};
static const char *const from_deputy_review[] = {"deputy_review", NULL};
static const char *const from_proofreading[] = {"proofreading", NULL};
static const char *const from_revising[] = {"revising", NULL};
static const char *const from_numbered[] = {"numbered", NULL};
static const char *const from_printed[] = {"printed", NULL};

#define ACT(name, verb_, done_, fields_, decides_, from_, authorise_, perform_)                    \
    static const action_t name = {.kind = &doc_kind,                                               \
                                  .verb = verb_,                                                   \
                                  .done = done_,                                                   \
                                  .fields = fields_,                                               \
                                  .decides = decides_,                                             \
                                  .from_states = from_,                                            \
                                  .lock = doc_lock,                                                \
                                  .authorise = authorise_,                                         \
                                  .perform = perform_}

ACT(act_update, "update", "changed", patch_fields, false, NULL, authorise_editor, perform_update);
ACT(act_co_sign, "co-sign", "co-signed", doc_comment_fields, true, from_draft, authorise_co_signer,
    perform_co_sign);
ACT(act_submit, "submit", "submitted", doc_comment_fields, false, from_draft, authorise_drafter,
    perform_submit);
ACT(act_return, "return", "returned", needs_comment_fields, false, from_sec_review,
    authorise_secretariat, perform_return);
ACT(act_decline, "decline", "declined", reason_fields, false, from_sec_review, authorise_decline,
    perform_decline);
ACT(act_forward, "forward", "forwarded", forward_fields, false, from_sec_review,
    authorise_forward, perform_forward);
ACT(act_review, "review", "reviewed", doc_comment_fields, true, from_deputy_review,
    authorise_reviewer, perform_review);
ACT(act_sign, "sign", "signed", doc_comment_fields, true, NULL, authorise_signer, perform_sign);
ACT(act_send_back, "send-back", "sent back", needs_comment_fields, true, NULL, authorise_signer,
    perform_send_back);
ACT(act_request_changes, "request-changes", "revising", needs_comment_fields, false,
    from_proofreading, authorise_proofreader, perform_request_changes);
ACT(act_resubmit, "resubmit", "resubmitted", doc_comment_fields, false, from_revising,
    authorise_drafter, perform_resubmit);
ACT(act_approve_proof, "approve-proof", "proofread", doc_comment_fields, false, from_proofreading,
    authorise_proofreader, perform_approve_proof);
ACT(act_assign_number, "assign-number", "numbered", doc_comment_fields, false, NULL,
    authorise_numberer, perform_assign_number);
ACT(act_letterheads, "issue-letterheads", "given letterheads", count_fields, false,
    from_numbered, authorise_secretariat, perform_letterheads);
ACT(act_printed, "report-printed", "printed", copies_fields, false, from_numbered,
    authorise_drafter, perform_printed);
ACT(act_archive, "archive-original", "archived", doc_comment_fields, false, from_printed,
    authorise_archivist, perform_archive);
ACT(act_record_stamp, "record-stamp", "stamped", stamp_fields, false, from_printed,
    authorise_drafter, perform_record_stamp);

static void doc_action(req_t *r, const action_t *act)
{
    doc_act_in in = {0};
    doc_row row = {0};
    action_handle(r, act, &in, &row);
    row_free(&row);
}

void h_documents_patch(req_t *r) { doc_action(r, &act_update); }
void h_documents_co_sign(req_t *r) { doc_action(r, &act_co_sign); }
void h_documents_submit(req_t *r) { doc_action(r, &act_submit); }
void h_documents_return(req_t *r) { doc_action(r, &act_return); }
void h_documents_decline(req_t *r) { doc_action(r, &act_decline); }
void h_documents_forward(req_t *r) { doc_action(r, &act_forward); }
void h_documents_review(req_t *r) { doc_action(r, &act_review); }
void h_documents_sign(req_t *r) { doc_action(r, &act_sign); }
void h_documents_send_back(req_t *r) { doc_action(r, &act_send_back); }
void h_documents_request_changes(req_t *r) { doc_action(r, &act_request_changes); }
void h_documents_resubmit(req_t *r) { doc_action(r, &act_resubmit); }
void h_documents_approve_proof(req_t *r) { doc_action(r, &act_approve_proof); }
void h_documents_issue_letterheads(req_t *r) { doc_action(r, &act_letterheads); }
void h_documents_report_printed(req_t *r) { doc_action(r, &act_printed); }
void h_documents_archive_original(req_t *r) { doc_action(r, &act_archive); }
void h_documents_record_stamp(req_t *r) { doc_action(r, &act_record_stamp); }

/* ---------- the number ---------- */

/* R-DOC-5 with many numberings at once: the series' counter row is locked
 * from the number to the end of the transaction, so every number waits for
 * the one before it to end; the number is the transaction's last statement,
 * sent with COMMIT, so the lock lasts one round trip and the commit. The
 * commit waits for its WAL (and a synchronous standby) like every other: an
 * asynchronous commit here, followed by a second transaction meant to wait
 * for it, lost acknowledged numbers at a failover, since a transaction that
 * writes no WAL of its own neither flushes nor waits for the standby. */

/* The numbering: lock, authorise, If-Match, the number with its audit
 * event (the action runner's steps, the last two in one statement). */
static int number_run(db_conn *c, void *arg, problem_t *p)
{
    action_tx *t = arg;
    free(t->before);
    t->before = NULL;
    t->version = 0;
    t->state[0] = '\0';
    if (doc_lock(c, t, p) ||
        authorise_numberer(c, t, p) ||
        action_check_version(t->r, t->if_match, t->version, doc_kind.noun, p))
        return -1;
    return perform_assign_number(c, t, p);
}

/* The numbered document, read after the commit. */
static const db_stmt Q_NUMBERED_DOC = {
    "documents_numbered_doc",
    "SELECT " DOCUMENT_DOC("d") " AS doc,"
    " d.doc_number IS NOT NULL AS numbered FROM documents d WHERE d.id = $1"};

/* After the commit: sets t->doc to the numbered document. 0, or -1 with p. */
static int numbered_doc(action_tx *t, problem_t *p)
{
    req_t *r = t->r;
    db_conn *c = db_acquire(r->svc->db, r->svc->db_timeout_ms);
    if (!c)
        return problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res = db_exec(c, &Q_NUMBERED_DOC, 1, params);
    int rc = -1;
    if (!db_ok(res, p))
        goto done;
    if (PQntuples(res) != 1 || !db_col_bool(res, 0, "numbered")) {
        problem_set(p, ERR_INTERNAL, NULL, NULL, "the document was not numbered");
        goto done;
    }
    t->doc = strdup(db_col_str(res, 0, "doc"));
    rc = t->doc ? 0 : problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
done:
    PQclear(res);
    db_release(r->svc->db, c);
    return rc;
}

/* POST /documents/{id}/assign-number: the action runner's steps in a
 * transaction of its own, then the numbered document. */
void h_documents_assign_number(req_t *r)
{
    doc_act_in in = {0};
    doc_row row = {0};
    action_tx t = {.r = r, .act = &act_assign_number, .in = &in, .row = &row,
                   .id = path_id_or_reply(r, "id")};
    if (!t.id || if_match_or_reply(r, &t.if_match))
        return;
    json_t *root = body_or_reply(r, act_assign_number.fields, &in, NULL);
    if (!root)
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, number_run, &t, &p) ||
        numbered_doc(&t, &p))
        reply_problem_t(r, &p);
    else
        reply_raw(r, 200, t.doc, strlen(t.doc));
    free(t.before);
    free(t.doc);
    row_free(&row);
    json_decref(root);
}
