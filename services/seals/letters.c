/* Introduction letters (介绍信): approved by the director or a deputy
 * director with every field filled (R-LET-2), issued with the next number of
 * the seal's series by that seal's custodian, who keeps the stub (R-LET-1),
 * which writes the seal's use log entry (R-LET-1, R-SEAL-4), used or returned
 * onto the stub with a note (R-LET-3; one past its validity and neither is
 * chased: letter_chase.c), and kept three years from archiving (R-LET-4).
 * The row is the stub: it holds every field of the letter, and the return
 * is recorded on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "seals.h"

static const char *const states[] = {"pending", "approved", "rejected", "withdrawn",
                                     "issued",  "used",     "returned", NULL};

/* How many stubs one purge call removes. */
#define PURGE_BATCH 1000

/* ---------- reads ---------- */

static const db_stmt Q_LETTER_GET = {
    "seals_letter_get",
    "SELECT letter_doc(l, s), l.version FROM intro_letters l JOIN seals s ON s.id = l.seal_id"
    " WHERE l.id = $1 AND letter_visible(l, s, $2, $3)"};

void h_letters_get(req_t *r)
{
    action_get_visible(r, &Q_LETTER_GET, seals_privileged(r->caller));
}

static const db_stmt Q_LETTERS_LIST = {
    "seals_letter_list",
    "SELECT l.id, letter_doc(l, s) FROM intro_letters l JOIN seals s ON s.id = l.seal_id"
    " WHERE " PAGE_BEFORE("l.id", "$1") " AND ($2::text IS NULL OR l.state = $2)"
    " AND ($3::bigint IS NULL OR l.seal_id = $3) AND (NOT $4 OR l.requester_id = $5)"
    " AND (NOT $6 OR (l.state = 'pending' AND $9 AND s.custodian_id <> $5"
    "      AND l.requester_id <> $5))"
    " AND (NOT $7 OR (l.state = 'approved' AND s.custodian_id = $5))"
    " AND (NOT $10 OR stub_archived_at(l) <= now() - interval '3 years')"
    " AND letter_visible(l, s, $5, $8)"
    " ORDER BY l.id DESC LIMIT $11"};

void h_letters_list(req_t *r)
{
    long limit;
    long long after, seal = 0;
    bool has_seal = false, mine = false, to_approve = false, to_issue = false, past = false;
    const char *state = NULL;
    if (page_or_reply(r, &limit, &after) || query_enum_or_reply(r, "state", states, &state) ||
        query_ll_or_reply(r, "seal_id", 1, INT64_MAX / 2, &seal, &has_seal) ||
        query_bool_or_reply(r, "mine", &mine, NULL) ||
        query_bool_or_reply(r, "to_approve", &to_approve, NULL) ||
        query_bool_or_reply(r, "to_issue", &to_issue, NULL) ||
        query_bool_or_reply(r, "past_retention", &past, NULL))
        return;
    bool approver = letter_approver_may(r->caller->position) && !r->caller->is_secretary;
    char a[24], s[24], u[24], l[24];
    const char *params[] = {after ? db_int(a, after) : NULL,
                            state,
                            has_seal ? db_int(s, seal) : NULL,
                            mine ? "true" : "false",
                            db_int(u, r->caller->id),
                            to_approve ? "true" : "false",
                            to_issue ? "true" : "false",
                            seals_privileged(r->caller) ? "true" : "false",
                            approver ? "true" : "false",
                            past ? "true" : "false",
                            db_int(l, limit + 1)};
    PGresult *res = db_read_or_reply(r, &Q_LETTERS_LIST, 11, params);
    if (res)
        reply_page(r, res, limit);
}

/* ---------- create ---------- */

typedef struct letter_in {
    const char *comment; /* first: the common comment_fields write it */
    long long seal_id, bearer_count;
    json_t *bearer_names;
    const char *recipient_org, *matter, *valid_until, *note;
} letter_in;
_Static_assert(offsetof(letter_in, comment) == 0, "comment_fields writes the first member");

/* R-LET-2: no blank letters; every field is required and filled. */
static const json_field letter_fields[] = {
    {"seal_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, NULL, offsetof(letter_in, seal_id)},
    {"bearer_names", JF_STRING_LIST, JF_REQUIRED, 1, 50, NULL, offsetof(letter_in, bearer_names)},
    {"bearer_count", JF_INT, JF_REQUIRED, 1, 100, NULL, offsetof(letter_in, bearer_count)},
    {"recipient_org", JF_STRING, JF_REQUIRED, 1, 200, NULL, offsetof(letter_in, recipient_org)},
    {"matter", JF_STRING, JF_REQUIRED, 1, 1000, NULL, offsetof(letter_in, matter)},
    {"valid_until", JF_DATE, JF_REQUIRED, 0, 0, NULL, offsetof(letter_in, valid_until)},
    JF_END,
};

/* A create or a delete: the transaction body gets this. */
typedef struct letter_tx {
    req_t *r;
    letter_in in;
    char *names;         /* bearer_names as JSON text */
    long long id, if_match;
    char seal_name[SEAL_NAME_BYTES];
    char *doc;
} letter_tx;

static const db_stmt Q_SEAL_FOR_LETTER = {
    "seals_seal_for_letter", "SELECT s.state, s.name FROM seals s WHERE s.id = $1"};

/* The document needs the seal, which RETURNING cannot join: the new row
 * is joined to it in the outer statement. */
static const db_stmt Q_LETTER_INSERT = {
    "seals_letter_insert",
    "WITH l AS (INSERT INTO intro_letters(seal_id, requester_id, bearer_names, bearer_count,"
    " recipient_org, matter, valid_until)"
    " VALUES ($1, $2, ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), $4, $5, $6, $7)"
    " RETURNING *)"
    " SELECT l.id, letter_doc(l, s) FROM l JOIN seals s ON s.id = l.seal_id"};

/* R-LET-2: the people who approve letters: the director and the deputy
 * directors, except the custodian of the letter's seal (R-SEAL-1) and the
 * requester ($2). */
static const db_stmt Q_LETTER_APPROVERS = {
    "seals_letter_approvers",
    "SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')::text AS approvers"
    " FROM identity.org_people p"
    " WHERE p.active AND NOT p.is_secretary"
    " AND p.position IN ('office_director', 'deputy_director')"
    " AND p.id <> (SELECT s.custodian_id FROM seals s WHERE s.id = $1) AND p.id <> $2"};

static int letter_store(db_conn *c, create_tx *ct, problem_t *p)
{
    letter_tx *t = ct->ctx;
    char sid[24], me[24], count[24], title[TITLE_BYTES];
    const char *p1[] = {db_int(sid, t->in.seal_id)};
    PGresult *res;
    if (db_query(c, &Q_SEAL_FOR_LETTER, 1, p1, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_field(p, "seal_id", "no such seal");
    }
    bool active = !strcmp(db_col_str(res, 0, "state"), "active");
    snprintf(t->seal_name, sizeof t->seal_name, "%s", db_col_str(res, 0, "name"));
    PQclear(res);
    if (!active)
        return problem_set(p, ERR_SEAL_NOT_ACTIVE, NULL, NULL,
                           "seal %lld is not in use (suspended, retired or lost)", t->in.seal_id);
    const char *p2[] = {sid,
                        db_int(me, ct->r->caller->id),
                        t->names,
                        db_int(count, t->in.bearer_count),
                        t->in.recipient_org,
                        t->in.matter,
                        t->in.valid_until};
    if (db_query(c, &Q_LETTER_INSERT, 7, p2, &res, p))
        return -1;
    ct->id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "letter_doc"));
    PQclear(res);
    const char *p3[] = {sid, me};
    if (!ct->doc || db_query(c, &Q_LETTER_APPROVERS, 2, p3, &res, p))
        return -1;
    if (!strcmp(db_col_str(res, 0, "approvers"), "{}")) {
        PQclear(res);
        return problem_set(p, ERR_INTRO_LETTER_NO_APPROVER, NULL, NULL,
                           "nobody but the requester could approve this letter");
    }
    snprintf(title, sizeof title, "Approve an introduction letter to %s", t->in.recipient_org);
    int rc = notify_all(c, db_col_str(res, 0, "approvers"), "intro_letter_to_approve", title,
                              t->in.matter, "intro_letter", ct->id, p);
    PQclear(res);
    return rc;
}

/* The checks across fields, after each field is valid on its own. */
static int letter_check(create_tx *ct, problem_t *p)
{
    letter_tx *t = ct->ctx;
    const letter_in *in = &t->in;
    size_t names = json_array_size(in->bearer_names);
    for (size_t i = 0; i < names; i++)
        if (json_in_utf8_len(json_string_value(json_array_get(in->bearer_names, i))) > 50) {
            problem_field(p, "bearer_names", "item %zu is longer than 50 characters", i);
            break;
        }
    /* 二.2 严禁发出空白介绍信: no bearer is left blank to fill in later. */
    if ((size_t)in->bearer_count != names)
        problem_field(p, "bearer_count",
                      "must equal the number of bearer_names (%zu): every bearer is named", names);
    char today[11], last[11];
    office_date(now_s(), today);
    office_date(now_s() + 366LL * 86400, last);
    if (strcmp(in->valid_until, today) < 0)
        problem_field(p, "valid_until", "must not be in the past (today is %s)", today);
    else if (strcmp(in->valid_until, last) > 0)
        problem_field(p, "valid_until", "must be within a year (by %s)", last);
    if (p->code != ERR_NONE) {
        p->rule = "R-LET-2";
        return -1;
    }
    if (!(t->names = json_dumps(in->bearer_names, JSON_COMPACT)))
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    return 0;
}

static const create_t letter_create = {
    .entity = "intro_letter",
    .fields = letter_fields,
    .check = letter_check,
    .store = letter_store,
};

void h_letters_create(req_t *r)
{
    if (r->caller->external) {
        reply_problem(r, ERR_INTRO_LETTER_EXTERNAL_REQUESTER, NULL, NULL,
                      "users of external units cannot ask for the office's introduction letters");
        return;
    }
    letter_tx t = {.r = r};
    create_handle(r, &letter_create, &t.in, &t);
    free(t.names);
}

/* ---------- actions ---------- */

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

static int letter_lock_with(db_conn *c, action_tx *t, const db_stmt *st, problem_t *p)
{
    letter_row *l = t->row;
    memset(l, 0, sizeof *l);
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            seals_privileged(t->r->caller) ? "true" : "false"};
    PGresult *res;
    if (db_query(c, st, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "letter_visible")) {
        PQclear(res);
        return problem_set(p, ERR_INTRO_LETTER_NOT_FOUND, NULL, NULL,
                           "no such introduction letter");
    }
    t->before = strdup(db_col_str(res, 0, "letter_doc"));
    t->version = db_col_ll(res, 0, "version");
    snprintf(t->state, sizeof t->state, "%s", db_col_str(res, 0, "state"));
    l->requester = db_col_ll(res, 0, "requester_id");
    l->custodian = db_col_ll(res, 0, "custodian_id");
    snprintf(l->seal_state, sizeof l->seal_state, "%s", db_col_str(res, 0, "seal_state"));
    snprintf(l->seal_name, sizeof l->seal_name, "%s", db_col_str(res, 0, "seal_name"));
    l->seal_id = db_col_ll(res, 0, "seal_id");
    l->still_valid = db_col_bool(res, 0, "still_valid");
    PQclear(res);
    if (!t->before)
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
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
    const letter_in *in = t->in;
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
    const letter_in *in = t->in;
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
    const letter_in *in = t->in;
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
    const letter_in *in = t->in;
    char id[24], sid[24];
    const char *params[] = {db_int(id, t->id)};
    const char *note = in->comment ? in->comment : "";
    const char *title = "An introduction letter was withdrawn: no action is needed";
    PGresult *res;
    if (!strcmp(t->state, "pending")) {
        char req[24];
        const char *p1[] = {db_int(sid, l->seal_id), db_int(req, l->requester)};
        if (db_query(c, &Q_LETTER_APPROVERS, 2, p1, &res, p))
            return -1;
        int rc = notify_all(c, db_col_str(res, 0, "approvers"), "intro_letter_withdrawn", title,
                                  note, "intro_letter", t->id, p);
        PQclear(res);
        if (rc)
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
    {"note", JF_STRING, JF_REQUIRED, 1, 1000, NULL, offsetof(letter_in, note)},
    JF_END,
};

static const char *const from_pending[] = {"pending", NULL};
static const char *const from_approved[] = {"approved", NULL};
static const char *const from_issued[] = {"issued", NULL};
static const char *const from_open[] = {"pending", "approved", NULL};

/* kind, verb, done, body, decides, from, lock, authorise, perform */
static const action_t act_approve = {
    .kind = &letter_kind,
    .verb = "approve",
    .done = "approved",
    .fields = comment_fields,
    .decides = true,
    .from_states = from_pending,
    .lock = letter_lock,
    .authorise = authorise_approver,
    .perform = perform_approve,
};
static const action_t act_reject = {
    .kind = &letter_kind,
    .verb = "reject",
    .done = "rejected",
    .fields = comment_fields,
    .decides = true,
    .from_states = from_pending,
    .lock = letter_lock,
    .authorise = authorise_approver,
    .perform = perform_reject,
};
static const action_t act_issue = {
    .kind = &letter_kind,
    .verb = "issue",
    .done = "issued",
    .fields = comment_fields,
    .from_states = from_approved,
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
    .lock = letter_lock_seal,
    .authorise = authorise_returner,
    .perform = perform_return,
};
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
    letter_in in = {0};
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

/* ---------- retention (R-LET-4) ---------- */

static const db_stmt Q_LETTER_LOCK_STUB = {
    "seals_letter_lock_stub",
    "SELECT letter_doc(l, s), l.version, l.issued_at IS NOT NULL AS issued,"
    " stub_archived_at(l) <= now() - interval '3 years' AS expired,"
    " to_char((stub_archived_at(l) + interval '3 years') AT TIME ZONE 'Asia/Shanghai',"
    "  'YYYY-MM-DD') AS until,"
    " letter_visible(l, s, $2, $3)"
    " FROM intro_letters l JOIN seals s ON s.id = l.seal_id WHERE l.id = $1 FOR UPDATE OF l"};

static const db_stmt Q_LETTER_DELETE = {"seals_letter_delete",
                                        "DELETE FROM intro_letters WHERE id = $1"};

static int letter_delete_run(db_conn *c, void *arg, problem_t *p)
{
    letter_tx *t = arg;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            seals_privileged(t->r->caller) ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_LETTER_LOCK_STUB, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "letter_visible")) {
        PQclear(res);
        return problem_set(p, ERR_INTRO_LETTER_NOT_FOUND, NULL, NULL,
                           "no such introduction letter");
    }
    int rc = -1;
    char *before = strdup(db_col_str(res, 0, "letter_doc"));
    long long version = db_col_ll(res, 0, "version");
    bool issued = db_col_bool(res, 0, "issued");
    bool expired = db_col_bool(res, 0, "expired");
    char until[16];
    snprintf(until, sizeof until, "%s", db_col_str(res, 0, "until"));
    PQclear(res);
    if (!before) {
        problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
    } else if (!t->r->caller->is_admin) {
        problem_set(p, ERR_FORBIDDEN, NULL, "R-LET-4",
                    "only an administrator removes archived stubs");
    } else if (action_check_version(t->r, t->if_match, version, "introduction letter", p)) {
        /* p is set */
    } else if (!issued) {
        problem_set(p, ERR_INTRO_LETTER_NOT_ISSUED, NULL, NULL,
                    "the letter was never issued: there is no archived stub to remove");
    } else if (!expired) {
        problem_set(p, ERR_INTRO_LETTER_RETENTION, NULL, NULL,
                    "the stub is kept three years from its archiving (the letter used, "
                    "returned or expired), until %s",
                    until);
    } else if (!db_run(c, &Q_LETTER_DELETE, 1, params, p)) {
        rc = audit_write(c, &t->r->actor, "intro_letter", t->id, "delete", before, NULL, p);
    }
    free(before);
    return rc;
}

void h_letters_delete(req_t *r)
{
    letter_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id || if_match_or_reply(r, &t.if_match))
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, letter_delete_run, &t, &p))
        reply_problem_t(r, &p);
    else
        reply_no_content(r);
}

/* The stubs past retention, oldest first. A stub the overdue chase holds
 * at that moment (letter_chase.c claims due letters with FOR UPDATE SKIP
 * LOCKED for a short transaction) is waited for, not skipped: a purge
 * removes every stub past retention, up to the batch. */
static const db_stmt Q_LETTERS_PURGE = {
    "seals_letters_purge",
    "DELETE FROM intro_letters l USING seals s WHERE s.id = l.seal_id AND l.id IN ("
    " SELECT x.id FROM intro_letters x WHERE x.issued_at IS NOT NULL"
    " AND stub_archived_at(x) <= now() - interval '3 years'"
    " ORDER BY x.id LIMIT $1 FOR UPDATE)"
    " RETURNING l.id, letter_doc(l, s)"};

typedef struct purge_tx {
    req_t *r;
    json_t *removed;
} purge_tx;

/* R-LET-4: removes only stubs three years past their archiving, each
 * audited. */
static int purge_run(db_conn *c, void *arg, problem_t *p)
{
    purge_tx *t = arg;
    json_array_clear(t->removed); /* a retried transaction starts again */
    char lim[24];
    const char *params[] = {db_int(lim, PURGE_BATCH)};
    PGresult *res;
    if (db_query(c, &Q_LETTERS_PURGE, 1, params, &res, p))
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && !rc; i++) {
        const char *doc = db_col_str(res, i, "letter_doc");
        json_t *j = json_loads(doc, 0, NULL);
        if (!j || json_array_append_new(t->removed, j))
            rc = problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
        else
            rc = audit_write(c, &t->r->actor, "intro_letter", db_col_ll(res, i, "id"), "purge", doc, NULL,
                             p);
    }
    PQclear(res);
    return rc;
}

void h_letters_purge(req_t *r)
{
    if (!r->caller->is_admin) {
        reply_problem(r, ERR_FORBIDDEN, NULL, "R-LET-4",
                      "only an administrator purges archived stubs");
        return;
    }
    json_t *root = body_or_reply(r, (const json_field[]){JF_END}, NULL, NULL);
    if (!root)
        return;
    json_decref(root);
    purge_tx t = {.r = r, .removed = json_array()};
    problem_t p = {0};
    if (!t.removed) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
    } else if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, purge_run, &t, &p)) {
        reply_problem_t(r, &p);
    } else {
        size_t n = json_array_size(t.removed);
        reply_json(r, 200,
                   json_pack("{s:I, s:O, s:b}", "count", (json_int_t)n, "removed", t.removed,
                             "more", n == PURGE_BATCH));
    }
    json_decref(t.removed);
}
