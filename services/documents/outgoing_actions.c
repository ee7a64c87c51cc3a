/* The actions on an outgoing document (公文处理制度 一), one table row each
 * saying from which states it is taken, who may take it and the rule it
 * carries out: co-signing, the secretariat's review (R-DOC-1, R-DOC-2), the
 * supervising deputy's review and the responsible leader's sign-off
 * (R-DOC-3, R-SEC-3), proofreading (R-DOC-4), the number (R-DOC-5),
 * letterheads, printing, the archived original and the stamps (R-DOC-6);
 * with the lock they share and the checks of who may act. What each does
 * is in outgoing_review.c, outgoing_number.c and outgoing_issue.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org.h"
#include "outgoing_actions.h"

static const action_kind doc_kind = {
    .entity = "document",
    .noun = "document",
    .wrong_state = ERR_DOCUMENT_WRONG_STATE,
};

/* The visibility test is written into the statement (DOCUMENT_VISIBLE) so
 * that it is planned with it, not run as a function call of its own; so is
 * R-DOC-3's test of the caller, only when the caller is the document's
 * signer (sign and send back need it). */
#define DOC_LOCK_COLS_OF(user, dept)                                                        \
    DOCUMENT_DOC("d") " AS doc, d.version, d.state, d.department_id, d.creator_id,"         \
    " d.co_department_ids::text AS co_depts, d.co_signed_ids::text AS co_signed, d.signer_id," \
    " d.reviewer_id, d.issuer, coalesce(d.assigned_by, '') AS assigned_by, d.print_count,"  \
    " d.title," DOCUMENT_VISIBLE("d", user, dept) " AS visible,"                           \
    " d.signed_at IS NOT NULL AS signed_off, d.archived_at IS NOT NULL AS archived, d.body,"  \
    " EXISTS (SELECT 1 FROM identity.org_departments s WHERE s.id = " dept " AND s.is_secretariat)" \
    "  AS in_secretariat,"                                                                  \
    " d.secrecy, d.letterhead_count, d.printed_copies, d.stamped_count,"                    \
    " NOT d.stamp_mismatch AS stamp_ok,"                                                    \
    " (SELECT count(*) FROM unnest(d.co_department_ids) x WHERE NOT x = ANY (d.co_signed_ids))" \
    "  AS co_missing,"                                                                      \
    " CASE WHEN d.signer_id = " user "::bigint THEN" ELIGIBLE_SIGNER("d.issuer", "d.department_id", user) \
    " END AS may_sign"
#define DOC_LOCK_COLS DOC_LOCK_COLS_OF("$2", "$3")

static const db_stmt Q_DOC_LOCK = {
    "documents_lock",
    "SELECT" DOC_LOCK_COLS " FROM documents d WHERE d.id = $1 FOR NO KEY UPDATE"};

/* The forwarding's lock also reads what the forwarding checks of the
 * leader it names ($4, FORWARD_CHECK_COLS), so that it costs no round
 * trip of its own between the lock and the step. */
static const db_stmt Q_DOC_LOCK_FORWARD = {
    "documents_lock_forward",
    "SELECT" DOC_LOCK_COLS "," FORWARD_CHECK_COLS("d.issuer", "d.department_id", "$4")
    " FROM documents d WHERE d.id = $1 FOR NO KEY UPDATE"};

void doc_row_free(doc_row *q)
{
    free(q->co_depts);
    free(q->co_signed);
    free(q->body);
    free(q->secretaries);
}

static const action_row_spec doc_spec = {
    .doc = "doc",
    .visible = "visible",
    .missing = ERR_DOCUMENT_NOT_FOUND,
    .detail = "no such document",
};

/* The locked row's columns (DOC_LOCK_COLS) of row i of res into q. -1
 * when memory ran out. */
static int doc_row_read(const PGresult *res, int i, doc_row *q)
{
    q->department_id = db_col_ll(res, i, "department_id");
    q->creator_id = db_col_ll(res, i, "creator_id");
    q->co_depts = strdup(db_col_str(res, i, "co_depts"));
    q->co_signed = strdup(db_col_str(res, i, "co_signed"));
    q->signer_id = db_col_ll(res, i, "signer_id");
    q->reviewer_id = db_col_ll(res, i, "reviewer_id");
    snprintf(q->issuer, sizeof q->issuer, "%s", db_col_str(res, i, "issuer"));
    snprintf(q->assigned_by, sizeof q->assigned_by, "%s", db_col_str(res, i, "assigned_by"));
    q->print_count = db_col_ll(res, i, "print_count");
    snprintf(q->title, sizeof q->title, "%s", db_col_str(res, i, "title"));
    q->signed_off = db_col_bool(res, i, "signed_off");
    q->archived = db_col_bool(res, i, "archived");
    q->body = strdup(db_col_str(res, i, "body"));
    q->in_secretariat = db_col_bool(res, i, "in_secretariat");
    snprintf(q->secrecy, sizeof q->secrecy, "%s", db_col_str(res, i, "secrecy"));
    q->letterheads = db_col_ll(res, i, "letterhead_count");
    q->printed_copies = db_col_ll(res, i, "printed_copies");
    q->stamped_count = db_col_ll(res, i, "stamped_count");
    q->stamp_ok = db_col_bool(res, i, "stamp_ok");
    q->co_missing = db_col_ll(res, i, "co_missing");
    q->may_sign = db_col_bool(res, i, "may_sign");
    return q->co_depts && q->co_signed && q->body ? 0 : -1;
}

/* The lock through st, whose parameters after the first three are extra
 * ($4 ...). Leaves the row's result in *res for the caller's own columns
 * (the caller PQclear()s it). 0, or -1 with p. */
static int doc_lock_with(db_conn *c, action_tx *t, const db_stmt *st, const char *extra,
                         PGresult **out, problem_t *p)
{
    doc_row *q = t->row;
    doc_row_free(q);
    memset(q, 0, sizeof *q);
    char id[24], u[24], ud[24];
    const caller_t *me = t->r->caller;
    const char *params[] = {db_int(id, t->id), db_int(u, me->id),
                            db_int(ud, me->department_id), extra};
    PGresult *res;
    if (action_lock_row(c, t, st, extra ? 4 : 3, params, &doc_spec, &res, p))
        return -1;
    if (doc_row_read(res, 0, q)) {
        PQclear(res);
        return problem_oom(p);
    }
    *out = res;
    return 0;
}

int doc_lock(db_conn *c, action_tx *t, problem_t *p)
{
    PGresult *res;
    if (doc_lock_with(c, t, &Q_DOC_LOCK, NULL, &res, p))
        return -1;
    PQclear(res);
    return 0;
}

/* doc_lock's statement for many documents, each with its own caller: $1
 * a JSON array of (ord, id, me, dept); the rows locked in id order, so
 * that two such locks wait for each other instead of deadlocking. */
static const db_stmt Q_DOC_LOCK_EACH = {
    "documents_lock_each",
    "SELECT j.ord," DOC_LOCK_COLS_OF("j.me", "j.dept")
    " FROM json_to_recordset($1::json) AS j(ord int, id bigint, me bigint, dept bigint)"
    " JOIN documents d ON d.id = j.id ORDER BY d.id FOR NO KEY UPDATE OF d"};

int doc_lock_each(db_conn *c, action_tx *const *ts, bool *found, int n, problem_t *p)
{
    json_t *all = json_array();
    for (int i = 0; all && i < n; i++) {
        action_tx *t = ts[i];
        doc_row *q = t->row;
        doc_row_free(q);
        memset(q, 0, sizeof *q);
        free(t->before);
        t->before = NULL;
        t->version = 0;
        t->state[0] = '\0';
        found[i] = false;
        const caller_t *me = t->r->caller;
        if (json_array_append_new(all, json_pack("{s:i, s:I, s:I, s:I}", "ord", i, "id",
                                                 (json_int_t)t->id, "me", (json_int_t)me->id,
                                                 "dept", (json_int_t)me->department_id))) {
            json_decref(all);
            all = NULL;
        }
    }
    char *text = all ? json_dumps(all, JSON_COMPACT) : NULL;
    json_decref(all);
    if (!text)
        return problem_oom(p);
    const char *params[] = {text};
    PGresult *res;
    int rc = db_query(c, &Q_DOC_LOCK_EACH, 1, params, &res, p);
    free(text);
    if (rc)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        long long i = db_col_ll(res, r, "ord");
        if (i < 0 || i >= n || !db_col_bool(res, r, "visible"))
            continue;
        action_tx *t = ts[i];
        t->before = strdup(db_col_str(res, r, "doc"));
        t->version = db_col_ll(res, r, "version");
        snprintf(t->state, sizeof t->state, "%s", db_col_str(res, r, "state"));
        if (!t->before || doc_row_read(res, r, t->row)) {
            PQclear(res);
            return problem_oom(p);
        }
        found[i] = true;
    }
    PQclear(res);
    return 0;
}

/* The forwarding's lock: the row, and the checks of the leader the body
 * names (doc_perform_forward reads them). */
static int doc_lock_forward(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_act_in *in = t->in;
    doc_row *q = t->row;
    char signer[24];
    PGresult *res;
    if (doc_lock_with(c, t, &Q_DOC_LOCK_FORWARD, db_int(signer, in->signer_id), &res, p))
        return -1;
    q->signer_eligible = db_col_bool(res, 0, "eligible");
    q->deputy_id = db_col_ll(res, 0, "deputy");
    q->secretaries = strdup(db_col_str(res, 0, "secretaries"));
    PQclear(res);
    return q->secretaries ? 0 : problem_oom(p);
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
    "SELECT $2::bigint = ANY ($1::bigint[]) AS member, $2::bigint = ANY ($3::bigint[]) AS done"};

static int authorise_co_signer(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const caller_t *me = t->r->caller;
    char d[24];
    const char *params[] = {q->co_depts, db_int(d, me->department_id), q->co_signed};
    PGresult *res;
    if (db_query(c, &Q_CO_SIGNER, 3, params, &res, p))
        return -1;
    bool member = db_col_bool(res, 0, "member");
    bool done = db_col_bool(res, 0, "done");
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
    "documents_secretary_authorised", "SELECT secretary_authorised($1, $2) AS authorised"};

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
            bool authorised = db_col_bool(res, 0, "authorised");
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

/* ---------- the table ---------- */

static const char *const secrecies[] = {"none", "secret", "confidential", NULL};
static const char *const urgencies[] = {"normal", "urgent", "extra_urgent", NULL};

/* A longer comment than common's comment_fields allows. */
static const json_field doc_comment_fields[] = {
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field needs_comment_fields[] = {
    {.name = "comment", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field reason_fields[] = {
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(doc_act_in, reason)},
    JF_END,
};
static const json_field forward_fields[] = {
    {.name = "signer_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(doc_act_in, signer_id)},
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field count_fields[] = {
    {.name = "count", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
     .offset = offsetof(doc_act_in, count)},
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field copies_fields[] = {
    {.name = "copies", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
     .offset = offsetof(doc_act_in, copies)},
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field stamp_fields[] = {
    {.name = "seal_request_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(doc_act_in, seal_request_id)},
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(doc_act_in, comment)},
    JF_END,
};
static const json_field patch_fields[] = {
    {.name = "title", .type = JF_STRING, .min = 1, .max = 200,
     .offset = offsetof(doc_act_in, title)},
    {.name = "body", .type = JF_TEXT, .max = 200000, .offset = offsetof(doc_act_in, body)},
    {.name = "main_recipients", .type = JF_STRING, .min = 1, .max = 1000,
     .offset = offsetof(doc_act_in, main_recipients)},
    {.name = "cc_recipients", .type = JF_TEXT, .max = 1000,
     .offset = offsetof(doc_act_in, cc_recipients)},
    {.name = "secrecy", .type = JF_ENUM, .values = secrecies,
     .offset = offsetof(doc_act_in, secrecy)},
    {.name = "urgency", .type = JF_ENUM, .values = urgencies,
     .offset = offsetof(doc_act_in, urgency)},
    {.name = "print_count", .type = JF_INT, .min = 1, .max = 100000,
     .offset = offsetof(doc_act_in, print_count)},
    JF_END,
};

static const char *const from_draft[] = {"draft", NULL};
static const char *const from_sec_review[] = {"secretariat_review", NULL};
static const char *const from_deputy_review[] = {"deputy_review", NULL};
static const char *const from_awaiting_signoff[] = {"awaiting_signoff", NULL};
static const char *const from_proofreading[] = {"proofreading", NULL};
static const char *const from_revising[] = {"revising", NULL};
static const char *const from_proofread[] = {"proofread", NULL};
static const char *const from_numbered[] = {"numbered", NULL};
static const char *const from_printed[] = {"printed", NULL};
/* Editable: by the drafting department, the secretariat or the signing
 * leader's authorised secretary, as authorise_editor says for each. */
static const char *const from_editable[] = {"draft", "revising", "secretariat_review",
                                            "proofreading", "awaiting_signoff", NULL};

/* Each row names the rule it carries out in .rule, which a refusal of a
 * wrong state cites. Where authorise refuses a state itself (a PATCH, the
 * sign-off), it does so before the If-Match is looked at, as it always
 * has, and the row's from-states say the same. */

/* R-DOC-4: the text changes only before it is proofread and numbered;
 * R-SEC-3: a PATCH, by whoever holds the draft at its stage. */
static const action_t act_update = {
    .kind = &doc_kind,
    .verb = "update",
    .done = "changed",
    .fields = patch_fields,
    .from_states = from_editable,
    .rule = "R-DOC-4",
    .lock = doc_lock,
    .authorise = authorise_editor,
    .perform = doc_perform_update,
};
/* Joint drafting (联合发文): each co-drafting department's chief co-signs. */
static const action_t act_co_sign = {
    .kind = &doc_kind,
    .verb = "co-sign",
    .done = "co-signed",
    .fields = doc_comment_fields,
    .decides = true,
    .from_states = from_draft,
    .rule = "R-DOC-2",
    .lock = doc_lock,
    .authorise = authorise_co_signer,
    .perform = doc_perform_co_sign,
};
/* R-DOC-2: the drafting department submits to the secretariat. */
static const action_t act_submit = {
    .kind = &doc_kind,
    .verb = "submit",
    .done = "submitted",
    .fields = doc_comment_fields,
    .from_states = from_draft,
    .rule = "R-DOC-2",
    .lock = doc_lock,
    .authorise = authorise_drafter,
    .perform = doc_perform_submit,
};
/* R-DOC-2: the secretariat returns a draft for changes. */
static const action_t act_return = {
    .kind = &doc_kind,
    .verb = "return",
    .done = "returned",
    .fields = needs_comment_fields,
    .from_states = from_sec_review,
    .rule = "R-DOC-2",
    .lock = doc_lock,
    .authorise = authorise_secretariat,
    .perform = doc_perform_return,
};
/* R-DOC-1: the secretariat declines a matter the department issues itself. */
static const action_t act_decline = {
    .kind = &doc_kind,
    .verb = "decline",
    .done = "declined",
    .fields = reason_fields,
    .from_states = from_sec_review,
    .rule = "R-DOC-1",
    .lock = doc_lock,
    .authorise = authorise_decline,
    .perform = doc_perform_decline,
};
/* R-DOC-2, R-DOC-3: the secretariat sends it to the responsible leader. */
static const action_t act_forward = {
    .kind = &doc_kind,
    .verb = "forward",
    .done = "forwarded",
    .fields = forward_fields,
    .from_states = from_sec_review,
    .rule = "R-DOC-2",
    .lock = doc_lock_forward,
    .authorise = authorise_forward,
    .perform = doc_perform_forward,
};
/* R-DOC-3: the supervising deputy reviews an assigned document. */
static const action_t act_review = {
    .kind = &doc_kind,
    .verb = "review",
    .done = "reviewed",
    .fields = doc_comment_fields,
    .decides = true,
    .from_states = from_deputy_review,
    .rule = "R-DOC-3",
    .lock = doc_lock,
    .authorise = authorise_reviewer,
    .perform = doc_perform_review,
};
/* R-DOC-3: the responsible leader signs (签发), never a secretary (R-SEC-3). */
static const action_t act_sign = {
    .kind = &doc_kind,
    .verb = "sign",
    .done = "signed",
    .fields = doc_comment_fields,
    .decides = true,
    .from_states = from_awaiting_signoff,
    .rule = "R-DOC-3",
    .lock = doc_lock,
    .authorise = authorise_signer,
    .perform = doc_perform_sign,
};
/* R-DOC-3: or sends it back for changes. */
static const action_t act_send_back = {
    .kind = &doc_kind,
    .verb = "send-back",
    .done = "sent back",
    .fields = needs_comment_fields,
    .decides = true,
    .from_states = from_awaiting_signoff,
    .rule = "R-DOC-3",
    .lock = doc_lock,
    .authorise = authorise_signer,
    .perform = doc_perform_send_back,
};
/* R-DOC-4: proofreading asks the department for changes ... */
static const action_t act_request_changes = {
    .kind = &doc_kind,
    .verb = "request-changes",
    .done = "revising",
    .fields = needs_comment_fields,
    .from_states = from_proofreading,
    .rule = "R-DOC-4",
    .lock = doc_lock,
    .authorise = authorise_proofreader,
    .perform = doc_perform_request_changes,
};
/* R-DOC-4: ... which resubmits the revised text. */
static const action_t act_resubmit = {
    .kind = &doc_kind,
    .verb = "resubmit",
    .done = "resubmitted",
    .fields = doc_comment_fields,
    .from_states = from_revising,
    .rule = "R-DOC-4",
    .lock = doc_lock,
    .authorise = authorise_drafter,
    .perform = doc_perform_resubmit,
};
/* R-DOC-4: the secretariat passes the proof. */
static const action_t act_approve_proof = {
    .kind = &doc_kind,
    .verb = "approve-proof",
    .done = "proofread",
    .fields = doc_comment_fields,
    .from_states = from_proofreading,
    .rule = "R-DOC-4",
    .lock = doc_lock,
    .authorise = authorise_proofreader,
    .perform = doc_perform_approve_proof,
};
/* R-DOC-5: the secretariat numbers a proofread document (run by
 * doc_number_handle, in a transaction of its own). */
static const action_t act_assign_number = {
    .kind = &doc_kind,
    .verb = "assign-number",
    .done = "numbered",
    .fields = doc_comment_fields,
    .from_states = from_proofread,
    .rule = "R-DOC-5",
    .lock = doc_lock,
    .authorise = authorise_numberer,
    .perform = doc_perform_assign_number,
};
/* R-DOC-6: the secretariat issues the letterhead sheets. */
static const action_t act_letterheads = {
    .kind = &doc_kind,
    .verb = "issue-letterheads",
    .done = "given letterheads",
    .fields = count_fields,
    .from_states = from_numbered,
    .rule = "R-DOC-6",
    .lock = doc_lock,
    .authorise = authorise_secretariat,
    .perform = doc_perform_letterheads,
};
/* R-DOC-6: the drafting department reports the copies printed. */
static const action_t act_printed = {
    .kind = &doc_kind,
    .verb = "report-printed",
    .done = "printed",
    .fields = copies_fields,
    .from_states = from_numbered,
    .rule = "R-DOC-6",
    .lock = doc_lock,
    .authorise = authorise_drafter,
    .perform = doc_perform_printed,
};
/* R-DOC-6: the signed original goes to the secretariat's archive. */
static const action_t act_archive = {
    .kind = &doc_kind,
    .verb = "archive-original",
    .done = "archived",
    .fields = doc_comment_fields,
    .from_states = from_printed,
    .rule = "R-DOC-6",
    .lock = doc_lock,
    .authorise = authorise_archivist,
    .perform = doc_perform_archive,
};
/* R-DOC-6: the drafting department records the stamps the seals service logged. */
static const action_t act_record_stamp = {
    .kind = &doc_kind,
    .verb = "record-stamp",
    .done = "stamped",
    .fields = stamp_fields,
    .from_states = from_printed,
    .rule = "R-DOC-6",
    .lock = doc_lock,
    .authorise = authorise_drafter,
    .perform = doc_perform_record_stamp,
};

static void doc_action(req_t *r, const action_t *act)
{
    doc_act_in in = {0};
    doc_row row = {0};
    action_handle(r, act, &in, &row);
    doc_row_free(&row);
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
void h_documents_assign_number(req_t *r) { doc_number_handle(r, &act_assign_number); }
void h_documents_issue_letterheads(req_t *r) { doc_action(r, &act_letterheads); }
void h_documents_report_printed(req_t *r) { doc_action(r, &act_printed); }
void h_documents_archive_original(req_t *r) { doc_action(r, &act_archive); }
void h_documents_record_stamp(req_t *r) { doc_action(r, &act_record_stamp); }
