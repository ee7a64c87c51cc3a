/* Introduction letters (介绍信): who may read them, and asking for one. A
 * letter is approved by the director or a deputy director with every field
 * filled (R-LET-2), issued with the next number of the seal's series by
 * that seal's custodian, who keeps the stub (R-LET-1), which writes the
 * seal's use log entry (R-LET-1, R-SEAL-4), used or returned onto the stub
 * with a note (R-LET-3): those actions are letter_actions.c; one past its
 * validity and neither is chased (letter_chase.c); the stub is kept three
 * years from archiving (R-LET-4, letter_stubs.c). The row is the stub: it
 * holds every field of the letter, and the return is recorded on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "seals.h"

static const char *const states[] = {"pending", "approved", "rejected", "withdrawn",
                                     "issued",  "used",     "returned", NULL};

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

static const list_filter letter_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "seal_id", .kind = LIST_ID},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "to_approve", .kind = LIST_BOOL},
    {.name = "to_issue", .kind = LIST_BOOL},
    {.name = "past_retention", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

/* R-LET-2: who approves letters, a secretary never (the list's $9). */
static bool letter_approver(const caller_t *c)
{
    return letter_approver_may(c->position) && !c->is_secretary;
}

static const list_t letters_list = {
    .stmt = &Q_LETTERS_LIST,
    .filters = letter_filters,
    .params = {"@cursor", "state", "seal_id", "mine", "@caller", "to_approve", "to_issue",
               "@sees_all", "@may", "past_retention", "@limit"},
    .sees_all = seals_privileged,
    .may = letter_approver,
};

void h_letters_list(req_t *r)
{
    list_handle(r, &letters_list);
}

/* ---------- create ---------- */

typedef struct letter_in {
    long long seal_id, bearer_count;
    json_t *bearer_names;
    const char *recipient_org, *matter, *valid_until;
} letter_in;

/* R-LET-2: no blank letters; every field is required and filled. */
static const json_field letter_fields[] = {
    {.name = "seal_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(letter_in, seal_id)},
    {.name = "bearer_names", .type = JF_STRING_LIST, .flags = JF_REQUIRED, .min = 1, .max = 50,
     .offset = offsetof(letter_in, bearer_names)},
    {.name = "bearer_count", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100,
     .offset = offsetof(letter_in, bearer_count)},
    {.name = "recipient_org", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(letter_in, recipient_org)},
    {.name = "matter", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(letter_in, matter)},
    {.name = "valid_until", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(letter_in, valid_until)},
    JF_END,
};

/* The create's transaction body gets this. */
typedef struct letter_tx {
    req_t *r;
    letter_in in;
    char *names; /* bearer_names as JSON text */
    char seal_name[SEAL_NAME_BYTES];
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

int letter_notify_approvers(db_conn *c, long long seal_id, long long requester,
                            const char *kind, const char *title, const char *body,
                            long long letter_id, bool *nobody, problem_t *p)
{
    char sid[24], req[24];
    const char *params[] = {db_int(sid, seal_id), db_int(req, requester)};
    PGresult *res;
    if (db_query(c, &Q_LETTER_APPROVERS, 2, params, &res, p))
        return -1;
    const char *ids = db_col_str(res, 0, "approvers");
    *nobody = !strcmp(ids, "{}");
    int rc = *nobody ? 0 : notify_all(c, ids, kind, title, body, "intro_letter", letter_id, p);
    PQclear(res);
    return rc;
}

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
    if (!ct->doc)
        return problem_oom(p);
    snprintf(title, sizeof title, "Approve an introduction letter to %s", t->in.recipient_org);
    bool nobody;
    if (letter_notify_approvers(c, t->in.seal_id, ct->r->caller->id, "intro_letter_to_approve",
                                title, t->in.matter, ct->id, &nobody, p))
        return -1;
    if (nobody)
        return problem_set(p, ERR_INTRO_LETTER_NO_APPROVER, NULL, NULL,
                           "nobody but the requester could approve this letter");
    return 0;
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
        return problem_oom(p);
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
