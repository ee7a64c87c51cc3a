/* Violations (R-PRN-3): large jobs done without the director's or the
 * supervising deputy's signature, found at a job's completion or recorded
 * when discovered. The director follows each up: the
 * criticism and education given is recorded, and a penalty where the case
 * warrants it. Office leaders and administrators read every violation;
 * the people involved read their own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "printing.h"

static const char *const states[] = {"open", "followed_up", NULL};

static const db_stmt Q_IS_PRINT_CENTER = {
    "printing_is_print_center",
    "SELECT 1 FROM identity.org_departments d WHERE d.id = $1 AND d.is_print_center"};

#define VIOLATION_VISIBLE " ($2 OR $3 IN (v.requester_id, v.operator_id, v.reported_by))"

static const db_stmt Q_VIOLATION_GET = {
    "printing_violation_get",
    "SELECT violation_doc(v), v.version FROM violations v WHERE v.id = $1 AND"
    VIOLATION_VISIBLE};

void h_violations_get(req_t *r)
{
    static const read_arg args[] = {READ_SEES_ALL, READ_USER, READ_END};
    action_get_as(r, &Q_VIOLATION_GET, printing_privileged(r->caller), args);
}

static const db_stmt Q_VIOLATIONS_LIST = {
    "printing_violation_list",
    "SELECT v.id, violation_doc(v) FROM violations v"
    " WHERE " PAGE_BEFORE("v.id", "$1") " AND" VIOLATION_VISIBLE
    " AND ($4::bigint IS NULL OR v.department_id = $4)"
    " AND ($5::int IS NULL OR v.created_at >= make_date($5, 1, 1)"
    "      AND v.created_at < make_date($5 + 1, 1, 1))"
    " AND ($6::text IS NULL OR v.state = $6)"
    " ORDER BY v.id DESC LIMIT $7"};

static const list_filter violation_filters[] = {
    {.name = "department_id", .kind = LIST_ID},
    {.name = "year", .kind = LIST_INT, .min = 2000, .max = 2999},
    {.name = "state", .kind = LIST_ENUM, .values = states},
    LIST_FILTERS_END,
};

static const list_t violations_list = {
    .stmt = &Q_VIOLATIONS_LIST,
    .filters = violation_filters,
    .params = {"@cursor", "@sees_all", "@caller", "department_id", "year", "state", "@limit"},
    .sees_all = printing_privileged,
};

void h_violations_list(req_t *r)
{
    list_handle(r, &violations_list);
}

/* ---------- a violation discovered outside a recorded job ---------- */

typedef struct report_in {
    long long person_id, sheets;
    const char *description;
} report_in;

static const json_field report_fields[] = {
    {.name = "person_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
         .offset = offsetof(report_in, person_id)},
    {.name = "sheets", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = PRINT_MAX_SHEETS,
         .offset = offsetof(report_in, sheets)},
    {.name = "description", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
         .offset = offsetof(report_in, description)},
    JF_END,
};

typedef struct report_tx {
    req_t *r;
    report_in in;
    char *doc;
} report_tx;

/* The violation and its copy register entry (打字、复印、印刷管理制度 二: every
 * large job is registered with its real figures), each naming the other:
 * their ids are drawn first, as one statement cannot update a row it
 * inserts. */
static const db_stmt Q_VIOLATION_REPORT = {
    "printing_violation_report",
    "WITH ids AS (SELECT nextval('violations_id_seq') AS vid,"
    "  nextval('copy_register_id_seq') AS rid),"
    " e AS (INSERT INTO copy_register(id, violation_id, department_id, department_name,"
    "  requester_id, requester_name, operator_id, operator_name, kind, title, pages, copies,"
    "  sheets, approver_id, approver_name, without_approval)"
    "  SELECT ids.rid, ids.vid, $1,"
    "  coalesce((SELECT d.name FROM identity.org_departments d WHERE d.id = $1), ''),"
    "  $2, coalesce(person_name($2), ''), $2, coalesce(person_name($2), ''), 'copy',"
    "  left($5, 200), $3, 1, $3, NULL, NULL, true FROM ids RETURNING id)"
    " INSERT INTO violations(id, source, department_id, requester_id, operator_id, sheets,"
    " threshold, description, reported_by, register_id)"
    " SELECT ids.vid, 'reported', $1, $2, $2, $3, $4, $5, $6, e.id FROM ids, e"
    " RETURNING id, violation_doc(violations),"
    " eligible_approvers('director', department_id)::text AS directors"};

/* R-PRN-3: the director, or the staff of the copy room (the designated
 * section) who found it, record it; the person is of the office; the job
 * was large. */
static int violation_store(db_conn *c, create_tx *ct, problem_t *p)
{
    report_tx *t = ct->ctx;
    const report_in *in = &t->in;
    const printing_ctx *cfg = ct->r->svc->ctx;
    org_person me, who;
    if (org_person_get(c, ct->r->caller->id, &me, p))
        return -1;
    long long center = 0;
    PGresult *res;
    if (!strcmp(me.department_kind, "section")) {
        char d[24];
        const char *pc[] = {db_int(d, me.department_id)};
        if (db_query(c, &Q_IS_PRINT_CENTER, 1, pc, &res, p))
            return -1;
        center = PQntuples(res) ? me.department_id : 0;
        PQclear(res);
    }
    if (strcmp(me.position, POS_OFFICE_DIRECTOR) && !center)
        return problem_set(p, ERR_VIOLATION_NOT_RECORDER, NULL, NULL,
                           "the office director or the copy room's staff record a violation");
    if (org_person_get(c, in->person_id, &who, p)) {
        if (p->code != ERR_USER_NOT_FOUND)
            return -1;
        problem_clear(p);
        return problem_field(p, "person_id", "is not an active user");
    }
    if (!who.department_id || !printing_office_staff(who.department_kind))
        return problem_field(p, "person_id", "must be a member of the office");
    if (in->sheets <= cfg->large_sheets)
        return problem_set(p, ERR_VIOLATION_NOT_LARGE, NULL, NULL,
                           "%lld sheets is not over %ld: no signature was needed", in->sheets,
                           cfg->large_sheets);
    char dep[24], pid[24], sh[24], thr[24], me_id[24], title[TITLE_BYTES];
    const char *params[] = {db_int(dep, who.department_id), db_int(pid, who.id),
                            db_int(sh, in->sheets),         db_int(thr, cfg->large_sheets),
                            in->description,                db_int(me_id, me.id)};
    if (db_query(c, &Q_VIOLATION_REPORT, 6, params, &res, p))
        return -1;
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "violation_doc"));
    char *directors = strdup(db_col_str(res, 0, "directors"));
    PQclear(res);
    int rc = -1;
    if (!ct->doc || !directors) {
        problem_oom(p);
        goto cleanup;
    }
    snprintf(title, sizeof title, "A large job (%lld sheets) was done without approval",
             in->sheets);
    if ((strcmp(me.position, POS_OFFICE_DIRECTOR) &&
         notify_all(c, directors, "print_violation_to_follow_up", title, in->description,
                          "violation", id, p)) ||
        notify(c, who.id, "print_violation_recorded", title, in->description, "violation", id,
               p))
        goto cleanup;
    ct->id = id;
    rc = 0;
cleanup:
    free(directors);
    return rc;
}

static const create_t violation_create = {
    .entity = "violation",
    .fields = report_fields,
    .store = violation_store,
};

void h_violations_create(req_t *r)
{
    report_tx t = {.r = r};
    create_handle(r, &violation_create, &t.in, &t);
}

/* ---------- the director's follow-up ---------- */

static const action_kind violation_kind = {
    .entity = "violation",
    .noun = "violation",
    .wrong_state = ERR_VIOLATION_WRONG_STATE,
};

typedef struct follow_up_in {
    const char *education_note, *penalty;
} follow_up_in;

typedef struct violation_row {
    long long requester, operator_id;
} violation_row;

static const db_stmt Q_VIOLATION_LOCK = {
    "printing_violation_lock",
    "SELECT violation_doc(v), v.version, v.state, v.requester_id, v.operator_id,"
    VIOLATION_VISIBLE " AS visible FROM violations v WHERE v.id = $1 FOR NO KEY UPDATE"};

static const action_row_spec violation_spec = {
    .doc = "violation_doc",
    .visible = "visible",
    .missing = ERR_VIOLATION_NOT_FOUND,
    .detail = "no such violation",
};

static int violation_lock(db_conn *c, action_tx *t, problem_t *p)
{
    violation_row *q = t->row;
    memset(q, 0, sizeof *q);
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id),
                            printing_privileged(t->r->caller) ? "true" : "false",
                            db_int(u, t->r->caller->id)};
    PGresult *res;
    if (action_lock_row(c, t, &Q_VIOLATION_LOCK, 3, params, &violation_spec, &res, p))
        return -1;
    q->requester = db_col_ll(res, 0, "requester_id");
    q->operator_id = db_col_ll(res, 0, "operator_id");
    PQclear(res);
    return 0;
}

/* R-PRN-3: the director follows violations up. The position is read now,
 * not from the token. */
static int authorise_director(db_conn *c, action_tx *t, problem_t *p)
{
    org_person me;
    if (org_person_get(c, t->r->caller->id, &me, p))
        return -1;
    if (strcmp(me.position, POS_OFFICE_DIRECTOR))
        return problem_set(p, ERR_VIOLATION_NOT_DIRECTOR, NULL, NULL,
                           "the office director follows up a violation");
    return 0;
}

static const db_stmt Q_VIOLATION_FOLLOW_UP = {
    "printing_violation_follow_up",
    "UPDATE violations v SET state = 'followed_up', education_note = $2, penalty = $3,"
    " followed_up_by = $4, followed_up_at = now(), version = v.version + 1, updated_at = now()"
    " WHERE v.id = $1 RETURNING violation_doc(v) AS doc"};

static int perform_follow_up(db_conn *c, action_tx *t, problem_t *p)
{
    const violation_row *q = t->row;
    const follow_up_in *in = t->in;
    char id[24], me[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), in->education_note, in->penalty,
                            db_int(me, t->r->caller->id)};
    if (action_change(c, t, &Q_VIOLATION_FOLLOW_UP, 4, params, p))
        return -1;
    snprintf(title, sizeof title, "The director followed up the unapproved large job%s",
             in->penalty ? ", with a penalty" : "");
    char ids[64];
    snprintf(ids, sizeof ids, "{%lld,%lld}", q->requester,
             q->operator_id != q->requester ? q->operator_id : 0);
    return notify_all(c, ids, "print_violation_followed_up", title, in->education_note,
                            "violation", t->id, p);
}

static const json_field follow_up_fields[] = {
    {.name = "education_note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
         .offset = offsetof(follow_up_in, education_note)},
    {.name = "penalty", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 1000,
         .offset = offsetof(follow_up_in, penalty)},
    JF_END,
};

static const char *const from_open[] = {"open", NULL};

static const action_t act_follow_up = {
    .kind = &violation_kind,
    .verb = "follow_up",
    .done = "followed up",
    .fields = follow_up_fields,
    .decides = true,
    .from_states = from_open,
    .rule = "R-PRN-3",
    .lock = violation_lock,
    .authorise = authorise_director,
    .perform = perform_follow_up,
};

void h_violations_follow_up(req_t *r)
{
    follow_up_in in = {0};
    violation_row row = {0};
    action_handle(r, &act_follow_up, &in, &row);
}
