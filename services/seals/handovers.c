/* R-SEAL-1: a seal changes hands by a registered handover that the current
 * custodian starts and the receiver confirms; each custody is kept with its
 * dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "seals.h"

static const char *const states[] = {"pending", "confirmed", "cancelled", NULL};

/* ---------- reads ---------- */

static const db_stmt Q_HANDOVER_GET = {
    "seals_handover_get",
    "SELECT handover_doc(h) FROM seal_handovers h"
    " WHERE h.id = $1 AND ($3 OR $2 IN (h.from_user_id, h.to_user_id))"};

void h_handovers_get(req_t *r)
{
    static const read_arg args[] = {READ_USER, READ_SEES_ALL, READ_END};
    action_get_doc_as(r, &Q_HANDOVER_GET, seals_privileged(r->caller), args);
}

static const db_stmt Q_HANDOVERS_LIST = {
    "seals_handover_list",
    "SELECT h.id, handover_doc(h) FROM seal_handovers h"
    " WHERE " PAGE_BEFORE("h.id", "$1") " AND ($2::bigint IS NULL OR h.seal_id = $2)"
    " AND ($3::text IS NULL OR h.state = $3)"
    " AND (NOT $4 OR (h.to_user_id = $5 AND h.state = 'pending'))"
    " AND ($6 OR $5 IN (h.from_user_id, h.to_user_id))"
    " ORDER BY h.id DESC LIMIT $7"};

static const list_filter handover_filters[] = {
    {.name = "seal_id", .kind = LIST_ID},
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "to_confirm", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t handovers_list = {
    .stmt = &Q_HANDOVERS_LIST,
    .filters = handover_filters,
    .params = {"@cursor", "seal_id", "state", "to_confirm", "@caller", "@sees_all", "@limit"},
    .sees_all = seals_privileged,
};

void h_handovers_list(req_t *r)
{
    list_handle(r, &handovers_list);
}

/* ---------- start ---------- */

typedef struct handover_in {
    long long to_user_id;
    const char *note;
} handover_in;

static const json_field handover_fields[] = {
    {.name = "to_user_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(handover_in, to_user_id)},
    {.name = "note", .type = JF_TEXT, .flags = JF_REQUIRED, .max = 1000,
     .offset = offsetof(handover_in, note)},
    JF_END,
};

/* The comment of a confirm or a cancel is the handover's note. */
static const json_field note_fields[] = {
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(handover_in, note)},
    JF_END,
};

typedef struct handover_tx {
    req_t *r;
    handover_in in;
    long long id, seal_id;
    char *doc;
} handover_tx;

static const db_stmt Q_SEAL_FOR_HANDOVER = {
    "seals_seal_for_handover",
    "SELECT s.custodian_id, s.state, s.name FROM seals s WHERE s.id = $1 FOR UPDATE"};

static const db_stmt Q_HANDOVER_INSERT = {
    "seals_handover_insert",
    "INSERT INTO seal_handovers(seal_id, from_user_id, to_user_id, note)"
    " VALUES ($1, $2, $3, $4) RETURNING id, handover_doc(seal_handovers)"};

static int handover_store(db_conn *c, create_tx *ct, problem_t *p)
{
    handover_tx *t = ct->ctx;
    char sid[24], from[24], to[24];
    const char *p1[] = {db_int(sid, t->seal_id)};
    PGresult *res;
    if (db_query(c, &Q_SEAL_FOR_HANDOVER, 1, p1, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_SEAL_NOT_FOUND, NULL, NULL, "no such seal");
    }
    long long custodian = db_col_ll(res, 0, "custodian_id");
    bool retired = !strcmp(db_col_str(res, 0, "state"), "retired");
    char name[SEAL_NAME_BYTES];
    snprintf(name, sizeof name, "%s", db_col_str(res, 0, "name"));
    PQclear(res);
    /* A custodian who has left (deactivated) can hand nothing over: then
     * an administrator registers the handover in their place, saying why,
     * and the receiver confirms as always. */
    if (custodian != ct->r->caller->id) {
        org_person keeper;
        bool left = false;
        if (ct->r->caller->is_admin) {
            if (org_person_get(c, custodian, &keeper, p) == 0)
                left = false;
            else if (p->code == ERR_USER_NOT_FOUND)
                left = true;
            else
                return -1;
            problem_clear(p);
        }
        if (!left)
            return problem_set(p, ERR_SEAL_NOT_CUSTODIAN, NULL, NULL,
                               "only the seal's current custodian can hand it over (an "
                               "administrator only once the custodian has left)");
        if (!t->in.note || t->in.note[strspn(t->in.note, " \t\r\n")] == '\0')
            return problem_field(p, "note",
                                 "must say why the seal is handed over without its custodian");
    }
    if (retired)
        return problem_set(p, ERR_SEAL_RETIRED, NULL, NULL, "a retired seal is not handed over");
    if (t->in.to_user_id == custodian)
        return problem_field(p, "to_user_id", "already keeps this seal");
    if (org_office_member(c, t->in.to_user_id, "to_user_id", p))
        return -1;
    const char *p2[] = {sid, db_int(from, custodian), db_int(to, t->in.to_user_id), t->in.note};
    res = db_exec(c, &Q_HANDOVER_INSERT, 4, p2);
    if (!db_ok(res, p)) {
        PQclear(res);
        if (p->code == ERR_DUPLICATE)
            problem_set(p, ERR_SEAL_HANDOVER_PENDING, NULL, NULL,
                        "a handover of this seal is already waiting for confirmation");
        return -1;
    }
    ct->id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "handover_doc"));
    PQclear(res);
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "Confirm that you receive the seal %s", name);
    if (!ct->doc ||
        notify(c, t->in.to_user_id, "seal_handover_to_confirm", title, t->in.note,
               "seal_handover", ct->id, p))
        return -1;
    return 0;
}

static const create_t handover_create = {
    .entity = "seal_handover",
    .fields = handover_fields,
    .store = handover_store,
};

void h_handovers_create(req_t *r)
{
    handover_tx t = {.r = r, .seal_id = path_id_or_reply(r, "id")};
    if (t.seal_id)
        create_handle(r, &handover_create, &t.in, &t);
}

/* ---------- confirm, cancel ---------- */

static const db_stmt Q_HANDOVER_LOCK = {
    "seals_handover_lock",
    "SELECT handover_doc(h), h.version, h.state, h.seal_id, h.from_user_id, h.to_user_id,"
    " ($3 OR $2 IN (h.from_user_id, h.to_user_id)) AS visible"
    " FROM seal_handovers h WHERE h.id = $1 FOR UPDATE"};

static const db_stmt Q_SEAL_LOCK_DOC = {
    "seals_seal_lock_doc",
    "SELECT" SEAL_DOC("s") ", s.custodian_id, s.state, s.name FROM seals s WHERE s.id = $1"
    " FOR UPDATE"};

static const db_stmt Q_SEAL_SET_CUSTODIAN = {
    "seals_seal_set_custodian",
    "UPDATE seals s SET custodian_id = $2, version = version + 1, updated_at = now()"
    " WHERE s.id = $1 RETURNING" SEAL_DOC("s")};

static const db_stmt Q_CUSTODY_CLOSE = {
    "seals_custody_close",
    "UPDATE seal_custodians SET until = now() WHERE seal_id = $1 AND until IS NULL"};

static const db_stmt Q_CUSTODY_OPEN_H = {
    "seals_custody_open_h",
    "INSERT INTO seal_custodians(seal_id, custodian_id, handover_id) VALUES ($1, $2, $3)"};

static const db_stmt Q_HANDOVER_CONFIRM = {
    "seals_handover_confirm",
    "UPDATE seal_handovers h SET state = 'confirmed', confirmed_at = now(),"
    " version = version + 1, updated_at = now() WHERE h.id = $1 RETURNING handover_doc(h)"};

static const db_stmt Q_HANDOVER_CANCEL = {
    "seals_handover_cancel",
    "UPDATE seal_handovers h SET state = 'cancelled', cancelled_at = now(), cancelled_by = $2,"
    " version = version + 1, updated_at = now() WHERE h.id = $1 RETURNING handover_doc(h)"};

/* The work that waits for the seal's keeper: approved requests to stamp,
 * approved letters to issue. */
static const db_stmt Q_WAITING_WORK = {
    "seals_waiting_work",
    "SELECT (SELECT count(*) FROM seal_requests WHERE seal_id = $1 AND state = 'approved')"
    " + (SELECT count(*) FROM intro_letters WHERE seal_id = $1 AND state = 'approved')"
    " AS waiting"};

static const action_kind handover_kind = {
    .entity = "seal_handover",
    .noun = "handover",
    .wrong_state = ERR_WRONG_STATE,
};

/* The locked handover's facts. */
typedef struct handover_row {
    long long seal_id, from, to;
} handover_row;

static const action_row_spec handover_spec = {
    .doc = "handover_doc",
    .visible = "visible",
    .missing = ERR_SEAL_HANDOVER_NOT_FOUND,
    .detail = "no such handover",
};

static int handover_lock(db_conn *c, action_tx *t, problem_t *p)
{
    handover_row *h = t->row;
    PGresult *res;
    if (action_lock_visible(c, t, &Q_HANDOVER_LOCK, seals_privileged(t->r->caller), &handover_spec,
                            &res, p))
        return -1;
    h->seal_id = db_col_ll(res, 0, "seal_id");
    h->from = db_col_ll(res, 0, "from_user_id");
    h->to = db_col_ll(res, 0, "to_user_id");
    PQclear(res);
    return 0;
}

/* The custody moves: the seal's custodian, the history rows, the handover. */
static int custody_move(db_conn *c, action_tx *t, const handover_row *h, problem_t *p)
{
    char sid[24], hid[24], to[24];
    db_int(sid, h->seal_id);
    db_int(hid, t->id);
    db_int(to, h->to);
    const char *p1[] = {sid};
    PGresult *res;
    if (db_query(c, &Q_SEAL_LOCK_DOC, 1, p1, &res, p))
        return -1;
    char *seal_before = strdup(db_col_str(res, 0, "seal_doc"));
    long long custodian = db_col_ll(res, 0, "custodian_id");
    bool retired = !strcmp(db_col_str(res, 0, "state"), "retired");
    char name[SEAL_NAME_BYTES], title[TITLE_BYTES];
    snprintf(name, sizeof name, "%s", db_col_str(res, 0, "name"));
    PQclear(res);
    int rc = -1;
    char *seal_after = NULL;
    if (!seal_before) {
        problem_oom(p);
        goto cleanup;
    }
    if (retired || custodian != h->from) {
        problem_set(p, ERR_SEAL_HANDOVER_STALE, NULL, NULL,
                    "the seal is no longer kept by the person who started this handover");
        goto cleanup;
    }
    const char *p2[] = {sid, to};
    const char *p3[] = {sid, to, hid};
    const char *p4[] = {hid};
    if (db_query(c, &Q_SEAL_SET_CUSTODIAN, 2, p2, &res, p))
        goto cleanup;
    seal_after = strdup(db_col_str(res, 0, "seal_doc"));
    PQclear(res);
    if (db_run(c, &Q_CUSTODY_CLOSE, 1, p1, p) || db_run(c, &Q_CUSTODY_OPEN_H, 3, p3, p) ||
        db_query(c, &Q_HANDOVER_CONFIRM, 1, p4, &res, p))
        goto cleanup;
    t->doc = strdup(db_col_str(res, 0, "handover_doc"));
    PQclear(res);
    snprintf(title, sizeof title, "The seal %s was received: the handover is confirmed", name);
    if (notify(c, h->from, "seal_handover_confirmed", title, "", "seal_handover", t->id, p) ||
        db_query(c, &Q_WAITING_WORK, 1, p1, &res, p))
        goto cleanup;
    long long waiting = db_col_ll(res, 0, "waiting");
    PQclear(res);
    snprintf(title, sizeof title, "%lld approved request(s) for the seal %s wait for you",
             waiting, name);
    if (waiting && notify(c, h->to, "seal_work_waiting", title, "", "seal", h->seal_id, p))
        goto cleanup;
    if (audit_write(c, &t->r->actor, "seal", h->seal_id, "custody", seal_before, seal_after, p))
        goto cleanup;
    rc = 0;
cleanup:
    free(seal_before);
    free(seal_after);
    return rc;
}

static int authorise_receiver(db_conn *c, action_tx *t, problem_t *p)
{
    const handover_row *h = t->row;
    (void)c;
    if (h->to != t->r->caller->id)
        return problem_set(p, ERR_SEAL_HANDOVER_NOT_RECEIVER, NULL, NULL,
                           "only the receiver confirms a handover");
    return 0;
}

static int perform_confirm(db_conn *c, action_tx *t, problem_t *p)
{
    return custody_move(c, t, t->row, p);
}

static int authorise_party(db_conn *c, action_tx *t, problem_t *p)
{
    const handover_row *h = t->row;
    long long me = t->r->caller->id;
    (void)c;
    if (me != h->from && me != h->to && !t->r->caller->is_admin)
        return problem_set(p, ERR_FORBIDDEN, NULL, "R-SEAL-1",
                           "only the custodian, the receiver or an administrator cancels a "
                           "handover");
    return 0;
}

static int perform_cancel(db_conn *c, action_tx *t, problem_t *p)
{
    const handover_row *h = t->row;
    const handover_in *in = t->in;
    long long me = t->r->caller->id;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, me)};
    PGresult *res;
    if (db_query(c, &Q_HANDOVER_CANCEL, 2, params, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "handover_doc"));
    PQclear(res);
    /* The other party learns of it; when an administrator cancels, both do:
     * the receiver still holds a request to confirm (R-SEAL-1). */
    char told[64];
    if (me == h->from)
        snprintf(told, sizeof told, "{%lld}", h->to);
    else if (me == h->to)
        snprintf(told, sizeof told, "{%lld}", h->from);
    else
        snprintf(told, sizeof told, "{%lld,%lld}", h->from, h->to);
    return notify_all(c, told, "seal_handover_cancelled", "A seal handover was cancelled",
                            in->note ? in->note : "", "seal_handover", t->id, p);
}

/* kind, verb, done, body, decides, from, lock, authorise, perform */
static const char *const from_pending[] = {"pending", NULL};

/* R-SEAL-1: the receiver confirms a pending handover, and the custody moves. */
static const action_t act_confirm = {
    .kind = &handover_kind,
    .verb = "confirm",
    .done = "confirmed",
    .fields = note_fields,
    .from_states = from_pending,
    .rule = "R-SEAL-1",
    .lock = handover_lock,
    .authorise = authorise_receiver,
    .perform = perform_confirm,
};
/* R-SEAL-1: the custodian, the receiver or an administrator cancels a
 * pending handover. */
static const action_t act_cancel = {
    .kind = &handover_kind,
    .verb = "cancel",
    .done = "cancelled",
    .fields = note_fields,
    .from_states = from_pending,
    .rule = "R-SEAL-1",
    .lock = handover_lock,
    .authorise = authorise_party,
    .perform = perform_cancel,
};

static void handover_action(req_t *r, const action_t *act)
{
    handover_in in = {0};
    handover_row row = {0};
    action_handle(r, act, &in, &row);
}

void h_handovers_confirm(req_t *r)
{
    handover_action(r, &act_confirm);
}

void h_handovers_cancel(req_t *r)
{
    handover_action(r, &act_cancel);
}
