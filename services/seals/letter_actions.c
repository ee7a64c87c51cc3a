/* What is done to an introduction letter once asked (letters.c): the
 * director or a deputy director approves or rejects it (R-LET-2), the
 * custodian of its seal issues it with the next number of the seal's
 * series, a use of the seal (R-LET-1, R-SEAL-4), the bearer records its use
 * or returns it onto the stub (R-LET-3), and the requester may withdraw it
 * until it is issued. Each action is a row of the table at the end: the
 * states it starts from, who may do it and what it does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "seals.h"

/* The bodies of the actions: a comment, or the return's note. */
typedef struct letter_action_in {
    const char *comment; /* first: the common comment_fields write it */
    const char *note;
} letter_action_in;
_Static_assert(offsetof(letter_action_in, comment) == 0,
               "comment_fields writes the first member");

static const action_kind letter_kind = {
    .entity = "intro_letter",
    .noun = "introduction letter",
    .wrong_state = ERR_INTRO_LETTER_WRONG_STATE,
};

/* The locked letter and its seal, as the actions need them. */
typedef struct letter_row {
    long long requester, custodian, seal_id;
    char seal_state[16], seal_name[SEAL_NAME_BYTES];
    bool still_valid;
} letter_row;

#define LETTER_LOCK_COLUMNS                                                                 \
    "SELECT letter_doc(l, s), l.version, l.state, l.requester_id, s.custodian_id,"          \
    " s.state AS seal_state, s.name AS seal_name, l.seal_id,"                               \
    " l.valid_until >= current_date AS still_valid, letter_visible(l, s, $2, $3)"          \
    " FROM intro_letters l JOIN seals s ON s.id = l.seal_id WHERE l.id = $1"

static const db_stmt Q_LETTER_LOCK = {"seals_letter_lock",
                                      LETTER_LOCK_COLUMNS " FOR NO KEY UPDATE OF l"};

/* Issuing also holds the seal, so that its custodian cannot change before
 * the number is given (R-LET-1). */
static const db_stmt Q_LETTER_LOCK_SEAL = {
    "seals_letter_lock_seal", LETTER_LOCK_COLUMNS " FOR NO KEY UPDATE OF l FOR SHARE OF s"};

static const action_row_spec letter_spec = {
    .doc = "letter_doc",
    .visible = "letter_visible",
    .missing = ERR_INTRO_LETTER_NOT_FOUND,
    .detail = "no such introduction letter",
};

static int letter_lock_with(db_conn *c, action_tx *t, const db_stmt *st, problem_t *p)
{
    letter_row *l = t->row;
    memset(l, 0, sizeof *l);
    PGresult *res;
    if (action_lock_visible(c, t, st, seals_privileged(t->r->caller), &letter_spec, &res, p))
        return -1;
    l->requester = db_col_ll(res, 0, "requester_id");
    l->custodian = db_col_ll(res, 0, "custodian_id");
    snprintf(l->seal_state, sizeof l->seal_state, "%s", db_col_str(res, 0, "seal_state"));
    snprintf(l->seal_name, sizeof l->seal_name, "%s", db_col_str(res, 0, "seal_name"));
    l->seal_id = db_col_ll(res, 0, "seal_id");
    l->still_valid = db_col_bool(res, 0, "still_valid");
    PQclear(res);
    return 0;
}

static int letter_lock(db_conn *c, action_tx *t, problem_t *p)
{
    return letter_lock_with(c, t, &Q_LETTER_LOCK, p);
}

static int letter_lock_seal(db_conn *c, action_tx *t, problem_t *p)
{
    return letter_lock_with(c, t, &Q_LETTER_LOCK_SEAL, p);
}

/* R-LET-2: the director or a deputy director, read now rather than from the
 * token; never the custodian of the letter's seal (R-SEAL-1). */
static int authorise_approver(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    org_person me;
    if (org_person_get(c, t->r->caller->id, &me, p))
        return -1;
    if (me.is_secretary || !letter_approver_may(me.position))
        return problem_set(p, ERR_INTRO_LETTER_APPROVER_MISMATCH, NULL, NULL,
                           "an introduction letter needs the approval of the office director or a "
                           "deputy director");
    if (me.id == l->custodian)
        return problem_set(p, ERR_SEAL_CUSTODIAN_CANNOT_APPROVE, NULL, NULL,
                           "the custodian of seal %lld cannot approve its letters", l->seal_id);
    if (me.id == l->requester)
        return problem_set(p, ERR_INTRO_LETTER_OWN_REQUEST, NULL, NULL,
                           "nobody approves or rejects their own letter");
    return 0;
}

/* R-LET-1: the custodian of the matching seal keeps and issues letters. */
static int authorise_custodian(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    (void)c;
    if (t->r->caller->id != l->custodian)
        return problem_set(p, ERR_INTRO_LETTER_NOT_CUSTODIAN, NULL, NULL,
                           "only the custodian of seal %lld issues its letters", l->seal_id);
    return 0;
}

static int authorise_requester(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    (void)c;
    if (t->r->caller->id != l->requester)
        return problem_set(p, ERR_FORBIDDEN, NULL, NULL,
                           "only the person who asked for the letter may do this");
    return 0;
}

/* R-LET-3: the bearer returns an unused letter, or the custodian records
 * that it came back. */
static int authorise_returner(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    (void)c;
    long long me = t->r->caller->id;
    if (me != l->requester && me != l->custodian)
        return problem_set(p, ERR_FORBIDDEN, NULL, "R-LET-3",
                           "the bearer or the custodian of the seal records a returned letter");
    return 0;
}

/* The end of an update of letter $1: its seal joined for the document.
 * The seal's columns share names with the letter's, so the SET clauses
 * name l's. */
#define LETTER_UPDATE_RETURNING                                                             \
    " FROM seals s WHERE l.id = $1 AND s.id = l.seal_id RETURNING letter_doc(l, s)"

static const db_stmt Q_LETTER_DECIDE = {
    "seals_letter_decide",
    "UPDATE intro_letters l SET state = $2,"
    " approved_by = CASE WHEN $2 = 'approved' THEN $3::bigint END,"
    " approved_at = CASE WHEN $2 = 'approved' THEN now() END,"
    " rejected_by = CASE WHEN $2 = 'rejected' THEN $3::bigint END,"
    " rejected_at = CASE WHEN $2 = 'rejected' THEN now() END,"
    " decision_comment = $4, version = l.version + 1, updated_at = now()"
    LETTER_UPDATE_RETURNING};

static int decide(db_conn *c, action_tx *t, const char *to, problem_t *p)
{
    const letter_row *l = t->row;
    const letter_action_in *in = t->in;
    char id[24], me[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), to, db_int(me, t->r->caller->id), in->comment};
    PGresult *res;
    if (db_query(c, &Q_LETTER_DECIDE, 4, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "letter_doc"));
    PQclear(res);
    snprintf(title, sizeof title, "Your introduction letter was %s", to);
    if (notify(c, l->requester, "intro_letter_decided", title,
               in->comment ? in->comment : "", "intro_letter", t->id, p))
        return -1;
    if (strcmp(to, "approved"))
        return 0;
    snprintf(title, sizeof title, "Issue an approved introduction letter under the seal %s",
             l->seal_name);
    return notify(c, l->custodian, "intro_letter_to_issue", title, "", "intro_letter", t->id, p);
}

static int perform_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "approved", p);
}

static int perform_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "rejected", p);
}

/* R-LET-1: the next number of the seal's series for the year, taken in
 * this transaction, so that numbers are sequential and never skipped. */
static const db_stmt Q_LETTER_NEXT_NUMBER = {
    "seals_letter_next_number",
    "INSERT INTO letter_series AS ls (seal_id, year, last_number)"
    " VALUES ($1, extract(year FROM now())::int, 1)"
    " ON CONFLICT (seal_id, year) DO UPDATE SET last_number = ls.last_number + 1"
    " RETURNING ls.year, ls.last_number"};

static const db_stmt Q_LETTER_ISSUED = {
    "seals_letter_issued",
    "UPDATE intro_letters l SET state = 'issued', issued_by = $2, issued_at = now(),"
    " letter_year = $3, letter_seq = $4, letter_number = $5,"
    " version = l.version + 1, updated_at = now()" LETTER_UPDATE_RETURNING};

/* R-LET-1, R-SEAL-4 (一.4, 二): the letter goes out under the seal, so its
 * issue is a use of the seal, logged with the letter number as the
 * document number, the requester as handler, the approving leader and the
 * custodian who issued it; the using unit is the requester's department. */
static const db_stmt Q_LETTER_USAGE_INSERT = {
    "seals_letter_usage_insert",
    "INSERT INTO seal_usages(seal_id, letter_id, matter, document_number, content, using_unit,"
    " count, handler_id, handler_name, approver_id, approver_name, stamper_id, stamper_name)"
    " SELECT l.seal_id, l.id, 'intro_letter', l.letter_number,"
    " 'Introduction letter to ' || l.recipient_org || ': ' || l.matter,"
    " coalesce((SELECT d.name FROM identity.org_people rp"
    "   JOIN identity.org_departments d ON d.id = rp.department_id WHERE rp.id = l.requester_id),"
    "   ''), 1,"
    " l.requester_id, coalesce(" PERSON_NAME("l.requester_id") ", ''),"
    " l.approved_by, coalesce(" PERSON_NAME("l.approved_by") ", ''),"
    " $2, coalesce(" PERSON_NAME("$2::bigint") ", '')"
    " FROM intro_letters l WHERE l.id = $1 RETURNING id"};

static int perform_issue(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    if (strcmp(l->seal_state, "active"))
        return problem_set(p, ERR_SEAL_NOT_ACTIVE, NULL, NULL,
                           "seal %lld is %s: no letters are issued under it", l->seal_id,
                           l->seal_state);
    if (!l->still_valid)
        return problem_set(p, ERR_INTRO_LETTER_EXPIRED, NULL, NULL,
                           "the letter's validity has passed; it cannot be issued");
    char sid[24], id[24], me[24], year[24], seq[24], number[24], title[TITLE_BYTES];
    const char *p1[] = {db_int(sid, l->seal_id)};
    PGresult *res;
    if (db_query(c, &Q_LETTER_NEXT_NUMBER, 1, p1, &res, p))
        return -1;
    int y = (int)db_col_ll(res, 0, "year");
    long long n = db_col_ll(res, 0, "last_number");
    PQclear(res);
    letter_number_format(y, n, number);
    const char *p2[] = {db_int(id, t->id), db_int(me, t->r->caller->id), db_int(year, y),
                        db_int(seq, n), number};
    if (db_query(c, &Q_LETTER_ISSUED, 5, p2, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "letter_doc"));
    PQclear(res);
    const char *p3[] = {id, me};
    if (db_run(c, &Q_LETTER_USAGE_INSERT, 2, p3, p))
        return -1;
    snprintf(title, sizeof title, "Introduction letter %s was issued", number);
    return notify(c, l->requester, "intro_letter_issued", title,
                  "Return it to the custodian if it is not used (R-LET-3).", "intro_letter",
                  t->id, p);
}

static const db_stmt Q_LETTER_USED = {
    "seals_letter_used",
    "UPDATE intro_letters l SET state = 'used', used_at = now(), use_note = $2,"
    " version = l.version + 1, updated_at = now()" LETTER_UPDATE_RETURNING};

static int perform_use(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    const letter_action_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->comment};
    PGresult *res;
    if (db_query(c, &Q_LETTER_USED, 2, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "letter_doc"));
    PQclear(res);
    return notify(c, l->custodian, "intro_letter_used", "An introduction letter was used",
                  in->comment ? in->comment : "", "intro_letter", t->id, p);
}

static const db_stmt Q_LETTER_RETURNED = {
    "seals_letter_returned",
    "UPDATE intro_letters l SET state = 'returned', returned_by = $2, returned_at = now(),"
    " return_note = $3, version = l.version + 1, updated_at = now()"
    LETTER_UPDATE_RETURNING};

/* R-LET-3: the unused letter is attached to its stub with a note. */
static int perform_return(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    const letter_action_in *in = t->in;
    char id[24], me[24];
    long long who = t->r->caller->id;
    const char *params[] = {db_int(id, t->id), db_int(me, who), in->note};
    PGresult *res;
    if (db_query(c, &Q_LETTER_RETURNED, 3, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "letter_doc"));
    PQclear(res);
    long long other = who == l->custodian ? l->requester : l->custodian;
    return notify(c, other, "intro_letter_returned",
                  who == l->custodian ? "Your unused introduction letter was returned to its stub"
                                      : "Attach a returned introduction letter to its stub",
                  in->note, "intro_letter", t->id, p);
}

static const db_stmt Q_LETTER_WITHDRAWN = {
    "seals_letter_withdrawn",
    "UPDATE intro_letters l SET state = 'withdrawn', withdrawn_at = now(),"
    " version = l.version + 1, updated_at = now()" LETTER_UPDATE_RETURNING};

/* Whoever was waiting to act on it no longer needs to: the leaders who
 * approve a pending letter, the custodian of an approved one. */
static int perform_withdraw(db_conn *c, action_tx *t, problem_t *p)
{
    const letter_row *l = t->row;
    const letter_action_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    const char *note = in->comment ? in->comment : "";
    const char *title = "An introduction letter was withdrawn: no action is needed";
    PGresult *res;
    bool nobody;
    if (!strcmp(t->state, "pending")) {
        if (letter_notify_approvers(c, l->seal_id, l->requester, "intro_letter_withdrawn", title,
                                    note, t->id, &nobody, p))
            return -1;
    } else if (notify(c, l->custodian, "intro_letter_withdrawn", title, note, "intro_letter",
                      t->id, p)) {
        return -1;
    }
    if (db_query(c, &Q_LETTER_WITHDRAWN, 1, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "letter_doc"));
    PQclear(res);
    return 0;
}

static const json_field return_fields[] = {
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(letter_action_in, note)},
    JF_END,
};

static const char *const from_pending[] = {"pending", NULL};
static const char *const from_approved[] = {"approved", NULL};
static const char *const from_issued[] = {"issued", NULL};
static const char *const from_open[] = {"pending", "approved", NULL};

/* The actions, as the regulations give them: from which states, who may,
 * and what is done. */
static const action_t act_approve = {
    ACTION_DECISION("approve", "approved"),
    .kind = &letter_kind, .from_states = from_pending, .rule = "R-LET-2",
    .lock = letter_lock, .authorise = authorise_approver, .perform = perform_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &letter_kind, .from_states = from_pending, .rule = "R-LET-2",
    .lock = letter_lock, .authorise = authorise_approver, .perform = perform_reject,
};
static const action_t act_issue = {
    .kind = &letter_kind,
    .verb = "issue",
    .done = "issued",
    .fields = comment_fields,
    .from_states = from_approved,
    .rule = "R-LET-1",
    .lock = letter_lock_seal,
    .authorise = authorise_custodian,
    .perform = perform_issue,
};
static const action_t act_use = {
    .kind = &letter_kind,
    .verb = "use",
    .done = "used",
    .fields = comment_fields,
    .from_states = from_issued,
    .rule = "R-LET-3",
    .lock = letter_lock,
    .authorise = authorise_requester,
    .perform = perform_use,
};
/* return locks the seal too: the custodian may record it, and a handover
 * confirmed meanwhile must not leave that to the former one. */
static const action_t act_return = {
    .kind = &letter_kind,
    .verb = "return",
    .done = "returned",
    .fields = return_fields,
    .from_states = from_issued,
    .rule = "R-LET-3",
    .lock = letter_lock_seal,
    .authorise = authorise_returner,
    .perform = perform_return,
};
/* No regulation: the requester takes back a letter before it is issued. */
static const action_t act_withdraw = {
    .kind = &letter_kind,
    .verb = "withdraw",
    .done = "withdrawn",
    .fields = comment_fields,
    .from_states = from_open,
    .lock = letter_lock,
    .authorise = authorise_requester,
    .perform = perform_withdraw,
};

static void letter_action_handle(req_t *r, const action_t *act)
{
    letter_action_in in = {0};
    letter_row row = {0};
    action_handle(r, act, &in, &row);
}

void h_letters_approve(req_t *r)
{
    letter_action_handle(r, &act_approve);
}

void h_letters_reject(req_t *r)
{
    letter_action_handle(r, &act_reject);
}

void h_letters_issue(req_t *r)
{
    letter_action_handle(r, &act_issue);
}

void h_letters_use(req_t *r)
{
    letter_action_handle(r, &act_use);
}

void h_letters_return(req_t *r)
{
    letter_action_handle(r, &act_return);
}

void h_letters_withdraw(req_t *r)
{
    letter_action_handle(r, &act_withdraw);
}
