/* A district leader's authorisation of their secretary (政务秘书工作规范
 * 二.3 "经政府领导授权,负责审核、修改..."): the leader records it, and only
 * with it does the secretary review and edit the drafts headed for that
 * leader (R-SEC-3, R-DOC-3); the leader revokes it. A secretary never
 * authorises anything, and is never a signer whatever is recorded here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "create.h"
#include "documents.h"
#include "list.h"

static const char *const states[] = {"active", "revoked", NULL};

/* Seen by the leader and the secretary, the office director and
 * administrators. $2 the caller, $3 sees all. */
#define AUTH_VISIBLE(a) " ($3::boolean OR $2 IN (" a ".leader_id, " a ".secretary_id))"

static bool sees_all(const caller_t *me)
{
    return me->is_admin || !strcmp(me->position, POS_OFFICE_DIRECTOR);
}

/* ---------- reads ---------- */

static const db_stmt Q_AUTH_GET = {
    "documents_secretary_auth_get",
    "SELECT secretary_authorisation_doc(a), a.version FROM secretary_authorisations a"
    " WHERE a.id = $1 AND" AUTH_VISIBLE("a")};

void h_secretary_auth_get(req_t *r)
{
    action_get_visible(r, &Q_AUTH_GET, sees_all(r->caller));
}

static const db_stmt Q_AUTH_LIST = {
    "documents_secretary_auth_list",
    "SELECT a.id, secretary_authorisation_doc(a) FROM secretary_authorisations a"
    " WHERE " PAGE_BEFORE("a.id", "$1") " AND" AUTH_VISIBLE("a")
    " AND ($4::bigint IS NULL OR a.leader_id = $4) AND ($5::bigint IS NULL OR a.secretary_id = $5)"
    " AND ($6::text IS NULL OR a.state = $6) ORDER BY a.id DESC LIMIT $7"};

static const list_filter auth_filters[] = {
    {.name = "leader_id", .kind = LIST_ID},
    {.name = "secretary_id", .kind = LIST_ID},
    {.name = "state", .kind = LIST_ENUM, .values = states},
    LIST_FILTERS_END,
};

static const list_t auth_list = {
    .stmt = &Q_AUTH_LIST,
    .filters = auth_filters,
    .params = {"@cursor", "@caller", "@sees_all", "leader_id", "secretary_id", "state", "@limit"},
    .sees_all = sees_all,
};

void h_secretary_auth_list(req_t *r)
{
    list_handle(r, &auth_list);
}

/* ---------- grant ---------- */

typedef struct auth_in {
    long long secretary_id;
    const char *note;
} auth_in;

static const json_field auth_fields[] = {
    {.name = "secretary_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(auth_in, secretary_id)},
    {.name = "note", .type = JF_TEXT, .flags = JF_NULLABLE, .max = 1000,
     .offset = offsetof(auth_in, note)},
    JF_END,
};

/* The secretary named serves the caller, and is an active secretary. */
static const db_stmt Q_SERVES = {
    "documents_secretary_serves",
    "SELECT count(*) AS serves FROM identity.org_people s WHERE s.id = $1 AND s.active"
    " AND s.is_secretary AND s.serves_leader_id = $2"};

static const db_stmt Q_AUTH_INSERT = {
    "documents_secretary_auth_insert",
    "INSERT INTO secretary_authorisations(leader_id, secretary_id, note) VALUES ($1, $2, $3)"
    " RETURNING id, secretary_authorisation_doc(secretary_authorisations) AS doc"};

/* The drafts already headed for the leader: the secretary may now read
 * them (the path), as those forwarded later. */
static const db_stmt Q_AUTH_PATH = {
    "documents_secretary_auth_path",
    "UPDATE documents d SET path_ids = array_append(d.path_ids, $2::bigint)"
    " WHERE d.signer_id = $1 AND d.state IN ('deputy_review', 'awaiting_signoff')"
    " AND NOT $2::bigint = ANY (d.path_ids)"};

static int auth_store(db_conn *c, create_tx *ct, problem_t *p)
{
    const auth_in *in = ct->in;
    const caller_t *me = ct->r->caller;
    if (me->is_secretary)
        return problem_set(p, ERR_SECRETARY_AUTH_NOT_LEADER, NULL, NULL,
                           "a secretary assists and authorises nothing (协办而不代办): the "
                           "leader records the authorisation");
    char sec[24], lead[24];
    const char *p1[] = {db_int(sec, in->secretary_id), db_int(lead, me->id)};
    PGresult *res;
    if (db_query(c, &Q_SERVES, 2, p1, &res, p))
        return -1;
    bool serves = db_col_ll(res, 0, "serves") > 0;
    PQclear(res);
    if (!serves)
        return problem_field(p, "secretary_id", "is not an active secretary serving you");
    const char *p2[] = {lead, sec, in->note};
    if (create_insert(c, ct, &Q_AUTH_INSERT, 3, p2, p)) {
        if (p->code == ERR_DUPLICATE)
            problem_set(p, ERR_SECRETARY_AUTH_ACTIVE, NULL, NULL,
                        "this secretary is already authorised by you");
        return -1;
    }
    const char *p3[] = {lead, sec};
    if (db_run(c, &Q_AUTH_PATH, 2, p3, p))
        return -1;
    return notify(c, in->secretary_id, "secretary_authorised",
                  "Your leader authorised you to review and edit the drafts headed for them",
                  in->note ? in->note : "", "secretary_authorisation", ct->id, p);
}

static const create_t auth_create = {
    .entity = "secretary_authorisation",
    .verb = "grant",
    .fields = auth_fields,
    .store = auth_store,
};

void h_secretary_auth_create(req_t *r)
{
    auth_in in = {0};
    create_handle(r, &auth_create, &in, NULL);
}

/* ---------- revoke ---------- */

typedef struct auth_row {
    long long leader_id, secretary_id;
} auth_row;

typedef struct revoke_in {
    const char *reason;
} revoke_in;

static const json_field revoke_fields[] = {
    {.name = "reason", .type = JF_TEXT, .flags = JF_NULLABLE, .max = 1000,
     .offset = offsetof(revoke_in, reason)},
    JF_END,
};

static const action_kind auth_kind = {
    .entity = "secretary_authorisation",
    .noun = "secretary authorisation",
    .wrong_state = ERR_SECRETARY_AUTH_WRONG_STATE,
};

static const db_stmt Q_AUTH_LOCK = {
    "documents_secretary_auth_lock",
    "SELECT secretary_authorisation_doc(a) AS doc, a.version, a.state, a.leader_id, a.secretary_id"
    " FROM secretary_authorisations a WHERE a.id = $1 AND" AUTH_VISIBLE("a") " FOR UPDATE"};

static const action_row_spec auth_spec = {
    .doc = "doc",
    .missing = ERR_SECRETARY_AUTH_NOT_FOUND,
    .detail = "no such secretary authorisation",
};

static int auth_lock(db_conn *c, action_tx *t, problem_t *p)
{
    auth_row *q = t->row;
    memset(q, 0, sizeof *q);
    PGresult *res;
    if (action_lock_visible(c, t, &Q_AUTH_LOCK, sees_all(t->r->caller), &auth_spec, &res, p))
        return -1;
    q->leader_id = db_col_ll(res, 0, "leader_id");
    q->secretary_id = db_col_ll(res, 0, "secretary_id");
    PQclear(res);
    return 0;
}

static int authorise_leader(db_conn *c, action_tx *t, problem_t *p)
{
    const auth_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->leader_id)
        return problem_set(p, ERR_SECRETARY_AUTH_NOT_LEADER, NULL, NULL,
                           "only the leader who granted the authorisation revokes it");
    return 0;
}

static const db_stmt Q_AUTH_REVOKE = {
    "documents_secretary_auth_revoke",
    "UPDATE secretary_authorisations a SET state = 'revoked', revoked_at = now(),"
    " revoke_reason = $2, version = a.version + 1, updated_at = now()"
    " WHERE a.id = $1 RETURNING secretary_authorisation_doc(a) AS doc"};

static int perform_revoke(db_conn *c, action_tx *t, problem_t *p)
{
    const auth_row *q = t->row;
    const revoke_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->reason};
    if (action_change(c, t, &Q_AUTH_REVOKE, 2, params, p))
        return -1;
    return notify(c, q->secretary_id, "secretary_authorisation_revoked",
                  "Your leader revoked your authorisation to review their drafts",
                  in->reason ? in->reason : "", "secretary_authorisation", t->id, p);
}

static const char *const from_active[] = {"active", NULL};

static const action_t act_revoke = {
    .kind = &auth_kind,
    .verb = "revoke",
    .done = "revoked",
    .fields = revoke_fields,
    .decides = false,
    .from_states = from_active,
    .rule = "R-SEC-3",
    .lock = auth_lock,
    .authorise = authorise_leader,
    .perform = perform_revoke,
};

void h_secretary_auth_revoke(req_t *r)
{
    revoke_in in = {0};
    auth_row row = {0};
    action_handle(r, &act_revoke, &in, &row);
}
