/* Leave requests (请假, R-ATT-2): the request, its length in working
 * half-days on the calendar, and the approval chain stored with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "leave.h"
#include "list.h"

/* A leave is at most a year long; longer needs another request. */
#define LEAVE_MAX_DAYS 366

const char *const leave_halves[] = {"am", "pm", NULL};
static const char *const leave_kinds[] = {"public", "private", NULL};
static const char *const leave_states[] = {"pending", "approved", "rejected", "withdrawn",
                                           "closed", NULL};

/* ---------- reads ---------- */

static const db_stmt Q_LEAVE_GET = {
    "att_leave_get",
    "SELECT" LEAVE_DOC("l") ", l.version FROM leave_requests l"
    " WHERE l.id = $1 AND" LEAVE_VISIBLE("l", "$2", "$3")};

void h_leave_get(req_t *r)
{
    action_get_visible(r, &Q_LEAVE_GET, sees_all(r->caller));
}

/* The approver's queue: everything of a leave that waits for the caller.
 * A pending request at the caller's step (leave_to_approve), an extension
 * (补假) whose higher approver the caller is (leave_ext_to_approve, R-ATT-4:
 * the chain computed again), a return time that waits for the final
 * approver's confirmation (leave_return_to_confirm) and a written
 * explanation that waits for the final approver's review
 * (leave_explanation_to_review). Each branch walks its partial index newest
 * first, stops at the page size and takes the stored document from the row
 * it visits; the branches are merged in id order and a request waiting in
 * two of them is shown once, so no row is visited twice and nothing is
 * sorted. */
#define TO_APPROVE_FILTERS(t)                                                             \
    " AND ($3::text IS NULL OR " t ".state = $3) AND ($4::text IS NULL OR " t ".kind = $4)" \
    " AND ($5::bigint IS NULL OR " t ".applicant_id = $5)"                                \
    " AND ($6::boolean IS NOT TRUE OR " t ".applicant_id = $1)"                           \
    " AND ($8::bigint IS NULL OR " t ".department_id = $8)"                               \
    " AND " PAGE_BEFORE(t ".id", "$2") " ORDER BY " t ".id DESC LIMIT $7"

static const db_stmt Q_LEAVE_TO_APPROVE = {
    "att_leave_to_approve",
    "SELECT DISTINCT ON (q.id) q.id, q.doc FROM ("
    " (SELECT a.id," LEAVE_DOC("a") " AS doc FROM leave_requests a WHERE a.state = 'pending'"
    "   AND a.current_approver_id = $1" TO_APPROVE_FILTERS("a") ")"
    " UNION ALL"
    " (SELECT b.id," LEAVE_DOC("b") " AS doc FROM leave_requests b WHERE b.state = 'approved'"
    "   AND b.ext_state = 'pending' AND b.ext_approvers[b.ext_step] = $1"
    TO_APPROVE_FILTERS("b") ")"
    " UNION ALL"
    " (SELECT c.id," LEAVE_DOC("c") " AS doc FROM leave_requests c"
    "   WHERE c.return_confirmation = 'pending' AND c.final_approver_id = $1"
    TO_APPROVE_FILTERS("c") ")"
    " UNION ALL"
    " (SELECT d.id," LEAVE_DOC("d") " AS doc FROM leave_requests d WHERE d.explanation IS NOT NULL"
    "   AND d.explanation_review IS NULL AND d.final_approver_id = $1"
    TO_APPROVE_FILTERS("d") ")) q"
    " ORDER BY q.id DESC LIMIT $7"};

/* The same queue without filters, the list asked for most (an approver's
 * first page), with a plan made once. The statement above is planned again
 * on every call: in its generic plan every "($3 IS NULL OR ...)" filter is
 * guessed to keep few rows, so each branch's scan is costed to its end
 * (947 against 96 for a chief's fresh plan), and PostgreSQL keeps a generic
 * plan only when it looks no dearer than a fresh one. Here the branches
 * have no such filters and their bound is a constant, the largest page
 * (PAGE_SCAN_LIMIT), so each branch is estimated at a page and the generic
 * plan is kept; the outer LIMIT stops the merge, and every branch's scan,
 * at the page asked for. */
#define TO_APPROVE_PAGE(t)                                                                \
    " AND " PAGE_BEFORE(t ".id", "$2") " ORDER BY " t ".id DESC LIMIT " PAGE_SCAN_LIMIT

static const db_stmt Q_LEAVE_TO_APPROVE_PAGE = {
    "att_leave_to_approve_page",
    "SELECT DISTINCT ON (q.id) q.id, q.doc FROM ("
    " (SELECT a.id," LEAVE_DOC("a") " AS doc FROM leave_requests a WHERE a.state = 'pending'"
    "   AND a.current_approver_id = $1" TO_APPROVE_PAGE("a") ")"
    " UNION ALL"
    " (SELECT b.id," LEAVE_DOC("b") " AS doc FROM leave_requests b WHERE b.state = 'approved'"
    "   AND b.ext_state = 'pending' AND b.ext_approvers[b.ext_step] = $1"
    TO_APPROVE_PAGE("b") ")"
    " UNION ALL"
    " (SELECT c.id," LEAVE_DOC("c") " AS doc FROM leave_requests c"
    "   WHERE c.return_confirmation = 'pending' AND c.final_approver_id = $1"
    TO_APPROVE_PAGE("c") ")"
    " UNION ALL"
    " (SELECT d.id," LEAVE_DOC("d") " AS doc FROM leave_requests d WHERE d.explanation IS NOT NULL"
    "   AND d.explanation_review IS NULL AND d.final_approver_id = $1"
    TO_APPROVE_PAGE("d") ")) q"
    " ORDER BY q.id DESC LIMIT $3"};

/* The applicant's own requests, served by leave_applicant. */
static const db_stmt Q_LEAVE_MINE = {
    "att_leave_mine",
    "SELECT l.id," LEAVE_DOC("l") " FROM leave_requests l"
    " WHERE l.applicant_id = $1 AND " PAGE_BEFORE("l.id", "$2")
    " AND ($3::text IS NULL OR l.state = $3) AND ($4::text IS NULL OR l.kind = $4)"
    " AND ($5::bigint IS NULL OR l.applicant_id = $5)"
    " AND ($7::bigint IS NULL OR l.department_id = $7)"
    " ORDER BY l.id DESC LIMIT $6"};

/* Office leaders and administrators: every request. */
static const db_stmt Q_LEAVE_LIST_ALL = {
    "att_leave_list_all",
    "SELECT l.id," LEAVE_DOC("l") " FROM leave_requests l"
    " WHERE " PAGE_BEFORE("l.id", "$1")
    " AND ($2::text IS NULL OR l.state = $2) AND ($3::text IS NULL OR l.kind = $3)"
    " AND ($4::bigint IS NULL OR l.applicant_id = $4)"
    " AND ($6::bigint IS NULL OR l.department_id = $6)"
    " ORDER BY l.id DESC LIMIT $5"};

/* Everyone else: their own requests and those whose chain holds them. Each
 * branch walks its index (leave_applicant, leave_steps_approver) newest
 * first and stops at the page size, so the cost does not grow with the
 * table. */
#define LEAVE_FILTERS(t)                                                                 \
    " AND ($3::text IS NULL OR " t ".state = $3) AND ($4::text IS NULL OR " t ".kind = $4)" \
    " AND ($5::bigint IS NULL OR " t ".applicant_id = $5)"                                \
    " AND ($7::bigint IS NULL OR " t ".department_id = $7)"

static const db_stmt Q_LEAVE_LIST_MINE = {
    "att_leave_list_mine",
    "WITH ids AS MATERIALIZED ("
    " (SELECT a.id FROM leave_requests a WHERE a.applicant_id = $1"
    "   AND " PAGE_BEFORE("a.id", "$2") LEAVE_FILTERS("a")
    "   ORDER BY a.id DESC LIMIT $6)"
    " UNION"
    " (SELECT s.request_id FROM leave_steps s JOIN leave_requests b ON b.id = s.request_id"
    "   WHERE s.approver_id = $1 AND " PAGE_BEFORE("s.request_id", "$2")
    LEAVE_FILTERS("b") "   ORDER BY s.request_id DESC LIMIT $6))"
    " SELECT l.id," LEAVE_DOC("l") " FROM ids JOIN leave_requests l ON l.id = ids.id"
    " ORDER BY l.id DESC LIMIT $6"};

static const list_filter leave_filters[] = {
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "to_approve", .kind = LIST_BOOL},
    {.name = "state", .kind = LIST_ENUM, .values = leave_states},
    {.name = "kind", .kind = LIST_ENUM, .values = leave_kinds},
    {.name = "user_id", .kind = LIST_ID},
    {.name = "department_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

/* Four statements, each served by its own indexes (above): what waits for
 * the caller's approval, the caller's own, every request (leaders and
 * administrators), and what anyone else may see. */
static const list_t leave_list = {.filters = leave_filters};

static const char *const to_approve_params[] = {
    "@caller", "@cursor", "state", "kind", "user_id", "mine", "@limit", "department_id", NULL};
static const char *const to_approve_page_params[] = {"@caller", "@cursor", "@limit", NULL};
static const char *const mine_params[] = {
    "@caller", "@cursor", "state", "kind", "user_id", "@limit", "department_id", NULL};
static const char *const all_params[] = {
    "@cursor", "state", "kind", "user_id", "@limit", "department_id", NULL};

void h_leave_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &leave_list, &q))
        return;
    PGresult *res;
    bool filtered = list_given(&q, "state") || list_given(&q, "kind") ||
                    list_given(&q, "user_id") || list_true(&q, "mine") ||
                    list_given(&q, "department_id");
    if (list_true(&q, "to_approve") && !filtered)
        res = list_read_or_reply(&q, &Q_LEAVE_TO_APPROVE_PAGE, to_approve_page_params);
    else if (list_true(&q, "to_approve"))
        res = list_read_or_reply(&q, &Q_LEAVE_TO_APPROVE, to_approve_params);
    else if (list_true(&q, "mine"))
        res = list_read_or_reply(&q, &Q_LEAVE_MINE, mine_params);
    else if (sees_all(r->caller))
        res = list_read_or_reply(&q, &Q_LEAVE_LIST_ALL, all_params);
    else
        res = list_read_or_reply(&q, &Q_LEAVE_LIST_MINE, mine_params);
    if (res)
        reply_page(r, res, q.limit);
}

/* ---------- create ---------- */

typedef struct leave_in {
    const char *kind, *reason, *start_date, *start_half, *end_date, *end_half;
    long start_slot, end_slot;
} leave_in;

static const json_field leave_fields[] = {
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = leave_kinds,
     .offset = offsetof(leave_in, kind)},
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 500,
     .offset = offsetof(leave_in, reason)},
    {.name = "start_date", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(leave_in, start_date)},
    {.name = "start_half", .type = JF_ENUM, .flags = JF_REQUIRED, .values = leave_halves,
     .offset = offsetof(leave_in, start_half)},
    {.name = "end_date", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(leave_in, end_date)},
    {.name = "end_half", .type = JF_ENUM, .flags = JF_REQUIRED, .values = leave_halves,
     .offset = offsetof(leave_in, end_half)},
    JF_END,
};

int leave_span_check(long start_slot, const char *end_field, const char *end_half_field,
                     long end_slot, problem_t *p)
{
    if (end_slot < start_slot) {
        if (slot_day(end_slot) == slot_day(start_slot))
            return problem_field(p, end_half_field,
                                 "must not be before the start on the same day");
        return problem_field(p, end_field, "must not be before the start");
    }
    if (slot_day(end_slot) - slot_day(start_slot) >= LEAVE_MAX_DAYS)
        return problem_field(p, end_field, "must be within %d days of the start",
                             LEAVE_MAX_DAYS);
    return 0;
}

static const db_stmt Q_LEAVE_OVERLAP = {
    "att_leave_overlap",
    "SELECT id FROM leave_requests WHERE applicant_id = $1"
    " AND state IN ('pending', 'approved', 'closed') AND id <> coalesce($4::bigint, 0)"
    " AND starts_at < half_end($3::date, $5) AND ends_at > half_start($2::date, $6)"
    " ORDER BY id LIMIT 1"};

int leave_overlap_check(db_conn *c, long long applicant, long long self_id,
                        const char *start_date, const char *start_half, const char *end_date,
                        const char *end_half, problem_t *p)
{
    char u[24], s[24];
    const char *params[] = {db_int(u, applicant), start_date, end_date,
                            self_id ? db_int(s, self_id) : NULL, end_half, start_half};
    PGresult *res;
    if (person_lock(c, "attendance.leave", applicant, p))
        return -1;
    if (db_query(c, &Q_LEAVE_OVERLAP, 6, params, &res, p))
        return -1;
    long long other = PQntuples(res) ? db_col_ll(res, 0, "id") : 0;
    PQclear(res);
    if (other)
        return problem_set(p, ERR_LEAVE_OVERLAP, NULL, NULL,
                           "leave request %lld of the same person covers part of this time", other);
    return 0;
}

/* Inserts the request and its steps unless another live request of the
 * applicant overlaps it (the overlap test of Q_LEAVE_OVERLAP, in the same
 * statement under the applicant's lock): no row then. The request is given
 * its steps' JSON as leave_step_doc gives undecided steps, which the
 * insert's trigger (leave_doc_keep, migration 014) turns into its
 * document: returned, built once. */
static const db_stmt Q_LEAVE_INSERT = {
    "att_leave_insert",
    "WITH l AS (INSERT INTO leave_requests(applicant_id, department_id, kind, reason,"
    "   start_date, start_half, end_date, end_half, half_days, starts_at, ends_at,"
    "   steps_total, current_step, current_approver_id, final_approver_id, doc)"
    "  SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::date, $6::text, $7::date,"
    "   $8::text, $9::integer, half_start($5::date, $6), half_end($7::date, $8),"
    "   $10::integer, 1, ($11::bigint[])[1], ($11::bigint[])[$10::integer],"
    "   (SELECT json_agg(row_to_json(ROW(x.ord, x.a, x.r, NULL, NULL, NULL)::leave_step_json)"
    "     ORDER BY x.ord) FROM unnest($11::bigint[], $12::text[]) WITH ORDINALITY AS x(a, r, ord))::text"
    "  WHERE NOT EXISTS (SELECT 1 FROM leave_requests o WHERE o.applicant_id = $1::bigint"
    "   AND o.state IN ('pending', 'approved', 'closed')"
    "   AND o.starts_at < half_end($7::date, $8) AND o.ends_at > half_start($5::date, $6))"
    "  RETURNING id, doc),"
    " s AS (INSERT INTO leave_steps(request_id, step, approver_id, role)"
    "  SELECT l.id, x.ord, x.a, x.r FROM l,"
    "   unnest($11::bigint[], $12::text[]) WITH ORDINALITY AS x(a, r, ord))"
    " SELECT id, doc FROM l"};

/* R-ATT-2/R-ATT-3 (请假制度 二 "…请假,否则按旷工处理"): leave is asked for
 * before it starts. A half-day starts at 00:00 or 12:00 office time, China
 * Standard Time (UTC+8 all year), as half_start() in SQL: counted here, not
 * in a round trip of its own. */
static bool leave_begun(long start_slot)
{
    long long starts = (long long)slot_day(start_slot) * 86400 - 8 * 3600 +
                       (slot_pm(start_slot) ? 12 * 3600 : 0);
    return starts <= (long long)time(NULL);
}

static const db_stmt Q_LEAVE_DOC = {
    "att_leave_doc", "SELECT" LEAVE_DOC("l") " AS doc FROM leave_requests l WHERE l.id = $1"};

char *leave_doc_text(db_conn *c, long long id, problem_t *p)
{
    return att_doc(c, &Q_LEAVE_DOC, id, "leave request", p);
}

static int leave_store(db_conn *c, create_tx *ct, problem_t *p)
{
    att_tx *t = ct->ctx;
    leave_in *in = t->in;
    org_person me;
    PGresult *res;
    if (leave_begun(in->start_slot))
        return problem_set(p, ERR_LEAVE_ALREADY_BEGUN, NULL, NULL,
                           "leave is asked for before it starts; the period began at %s %s "
                           "office time, and an absence without approval is recorded by the "
                           "director as absenteeism",
                           in->start_date, slot_pm(in->start_slot) ? "12:00" : "00:00");

    /* The calendar comes with the applicant's chain: one round trip. */
    cal_ahead cal = {0};
    if (cal_load_ahead(c, slot_day(in->start_slot), slot_day(in->end_slot), &cal, p) ||
        org_chain_get(c, ct->r->caller->id, false, &me, p)) {
        cal_free(&cal.cal);
        return -1;
    }
    if (!cal.read || cal.oom) {
        cal_free(&cal.cal);
        return problem_set(p, ERR_INTERNAL, NULL, NULL,
                           cal.oom ? "out of memory" : "the calendar was not read");
    }
    long halves = cal_working_halves(&cal.cal, in->start_slot, in->end_slot);
    cal_free(&cal.cal);
    if (halves == 0)
        return problem_field(p, "start_date",
                             "the leave covers no working half-day on the office calendar");

    leave_facts f = {me.position, me.department_kind, me.id, me.chief_id, me.deputy_id,
                     me.director_id, me.mayor_id, me.section_size};
    leave_step steps[2];
    int n = leave_chain_for(&f, halves, steps);
    if (n == LEAVE_CHAIN_NOT_STAFF)
        return problem_set(p, ERR_LEAVE_NOT_OFFICE_STAFF, NULL, NULL,
                           "leave is requested by the office's own staff");
    if (n < 0)
        return problem_set(p, ERR_LEAVE_NO_APPROVER, NULL, NULL,
                           "the approver this leave needs is not appointed");

    if (person_lock(c, "attendance.leave", me.id, p))
        return -1;

    char uid[24], dep[24], hv[24], ns[24], ids[64], roles[96];
    if (n == 1) {
        snprintf(ids, sizeof ids, "{%lld}", steps[0].approver_id);
        snprintf(roles, sizeof roles, "{%s}", steps[0].role);
    } else {
        snprintf(ids, sizeof ids, "{%lld,%lld}", steps[0].approver_id, steps[1].approver_id);
        snprintf(roles, sizeof roles, "{%s,%s}", steps[0].role, steps[1].role);
    }
    const char *params[] = {db_int(uid, me.id),
                            me.department_id ? db_int(dep, me.department_id) : NULL,
                            in->kind, in->reason, in->start_date, in->start_half, in->end_date,
                            in->end_half, db_int(hv, halves), db_int(ns, n), ids, roles};
    if (db_query(c, &Q_LEAVE_INSERT, 12, params, &res, p))
        return -1;
    ct->id = PQntuples(res) ? db_col_ll(res, 0, "id") : 0;
    if (ct->id && !(ct->doc = strdup(db_col_str(res, 0, "doc")))) {
        PQclear(res);
        return problem_oom(p);
    }
    PQclear(res);
    /* Not inserted: another live request of the applicant overlaps, which
     * the check names (409). */
    if (!ct->id) {
        if (leave_overlap_check(c, me.id, 0, in->start_date, in->start_half, in->end_date,
                                in->end_half, p))
            return -1;
        return problem_set(p, ERR_LEAVE_OVERLAP, NULL, NULL,
                           "another leave request of the same person covers part of this time");
    }
    char title[200], body[400];
    text_fmt(title, sizeof title, "Leave request from %s awaits your approval", me.display_name);
    text_fmt(body, sizeof body, "%s %s to %s %s, %.1f working days, %s leave: %s (R-ATT-2)",
             in->start_date, in->start_half, in->end_date, in->end_half, halves / 2.0, in->kind,
             in->reason);
    if (notify(c, steps[0].approver_id, "leave_to_approve", title, body, "leave_request", ct->id,
               p))
        return -1;
    return 0;
}

static int leave_check(create_tx *ct, problem_t *p)
{
    leave_in *in = ct->in;
    long sd, ed;
    day_parse(in->start_date, &sd);
    day_parse(in->end_date, &ed);
    in->start_slot = slot_of(sd, !strcmp(in->start_half, "pm"));
    in->end_slot = slot_of(ed, !strcmp(in->end_half, "pm"));
    return leave_span_check(in->start_slot, "end_date", "end_half", in->end_slot, p);
}

static const create_t leave_create = {
    .entity = "leave_request",
    .fields = leave_fields,
    .check = leave_check,
    .store = leave_store,
};

void h_leave_create(req_t *r)
{
    leave_in in = {0};
    att_tx t = {.r = r, .in = &in};
    create_handle(r, &leave_create, &in, &t);
}
