/* The extension of a leave (补假, R-ATT-4): recorded by the final approver
 * before the leave runs out, granted at once within the approvers'
 * authority, or waiting for the further approvers the longer leave needs
 * (R-ATT-2), who decide on it in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "audit.h"
#include "leave_action.h"

const json_field extend_fields[] = {
    {.name = "new_end_date", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(extend_in, new_end_date)},
    {.name = "new_end_half", .type = JF_ENUM, .flags = JF_REQUIRED, .values = leave_halves,
     .offset = offsetof(extend_in, new_end_half)},
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 500,
     .offset = offsetof(extend_in, reason)},
    JF_END,
};

static const db_stmt Q_LEAVE_EXTEND = {
    "att_leave_extend",
    "UPDATE leave_requests SET ext_end_date = $2, ext_end_half = $3, ext_reason = $4,"
    " ext_by = $5, ext_at = now(), ext_state = $6, ext_approvers = $7::bigint[],"
    " ext_roles = $8::text[], ext_step = CASE WHEN $6 = 'pending' THEN 1 END,"
    " ext_approvals = '[]', ext_total_half_days = $9,"
    " ends_at = CASE WHEN $6 = 'granted' THEN half_end($2::date, $3) ELSE ends_at END,"
    " close_reminded_at = CASE WHEN $6 = 'granted' THEN NULL ELSE close_reminded_at END,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* Everyone who approved the leave so far: its steps and the approvers of a
 * granted extension. */
static const db_stmt Q_LEAVE_APPROVED_BY = {
    "att_leave_approved_by",
    "SELECT approver_id FROM leave_steps WHERE request_id = $1 AND decision = 'approved'"
    " UNION SELECT (a->>'approver_id')::bigint FROM leave_requests l,"
    " jsonb_array_elements(l.ext_approvals) a"
    " WHERE l.id = $1 AND l.ext_state = 'granted' AND a->>'decision' = 'approved'"};

/* The approvers the whole leave up to new_end needs (R-ATT-2) that have not
 * approved it yet, into ids/roles (PostgreSQL array texts); *halves gets
 * the whole length. Returns how many (0: the extension is within the
 * approvers' authority), or -1 with p. */
static int extension_chain(db_conn *c, action_tx *t, long new_end, long *halves, char ids[64],
                           char roles[96], problem_t *p)
{
    const leave_row *row = t->row;
    long start = slot_text(row->start_date, row->start_half);
    calendar cal = {0};
    int rc = cal_load(c, slot_day(start), slot_day(new_end), &cal, p);
    *halves = rc ? 0 : cal_working_halves(&cal, start, new_end);
    cal_free(&cal);
    if (rc)
        return -1;
    org_person f;
    if (org_chain_get(c, row->applicant_id, false, &f, p))
        return -1;
    leave_facts lf = {f.position, f.department_kind, f.id, f.chief_id, f.deputy_id,
                      f.director_id, f.mayor_id, f.section_size};
    leave_step steps[2];
    int n = leave_chain_for(&lf, *halves, steps);
    if (n <= 0)
        return problem_set(p, ERR_LEAVE_NO_APPROVER, NULL, NULL,
                           "the approver the longer leave needs is not appointed");
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_APPROVED_BY, 1, params, &res, p))
        return -1;
    int extra = 0;
    snprintf(ids, 64, "{");
    snprintf(roles, 96, "{");
    for (int i = 0; i < n; i++) {
        bool approved = steps[i].approver_id == t->r->caller->id;
        for (int k = 0; k < PQntuples(res) && !approved; k++)
            approved = db_col_ll(res, k, "approver_id") == steps[i].approver_id;
        if (approved)
            continue;
        size_t li = strlen(ids), lr = strlen(roles);
        snprintf(ids + li, 64 - li, "%s%lld", extra ? "," : "", steps[i].approver_id);
        snprintf(roles + lr, 96 - lr, "%s%s", extra ? "," : "", steps[i].role);
        extra++;
    }
    PQclear(res);
    strcat(ids, "}");
    strcat(roles, "}");
    return extra;
}

/* The new end must lie after the end in force, within a year of the start
 * and clear of the applicant's other leave. */
int leave_extend(db_conn *c, action_tx *t, problem_t *p)
{
    extend_in *in = t->in;
    const leave_row *row = t->row;
    long new_end = slot_text(in->new_end_date, in->new_end_half);
    if (new_end <= effective_end(row))
        return problem_field(p, "new_end_date", "must be after the leave's current end");
    if (leave_span_check(slot_text(row->start_date, row->start_half), "new_end_date",
                         "new_end_half", new_end, p) ||
        leave_overlap_check(c, row->applicant_id, t->id, row->start_date, row->start_half,
                            in->new_end_date, in->new_end_half, p))
        return -1;
    long halves;
    char ids[64], roles[96];
    int extra = extension_chain(c, t, new_end, &halves, ids, roles, p);
    if (extra < 0)
        return -1;
    char id[24], me[24], hv[24];
    const char *pu[] = {db_int(id, t->id),   in->new_end_date, in->new_end_half,
                        in->reason,          db_int(me, t->r->caller->id),
                        extra ? "pending" : "granted",
                        ids,                 roles,
                        db_int(hv, halves)};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_EXTEND, 9, pu, &res, p))
        return -1;
    PQclear(res);
    char body[400];
    if (extra) {
        long long first = 0;
        sscanf(ids, "{%lld", &first);
        text_fmt(body, sizeof body,
                 "Leave extended to %s %s (%s): %.1f working days in all, more than its "
                 "approvers may grant; your approval is needed (R-ATT-2, R-ATT-4)",
                 in->new_end_date, in->new_end_half, in->reason, halves / 2.0);
        if (notify(c, first, "leave_extension_to_approve", "A leave extension awaits your approval",
                   body, "leave_request", t->id, p))
            return -1;
        text_fmt(body, sizeof body,
                 "Your extension to %s %s (%s) makes the leave %.1f working days and needs "
                 "further approval; until then the leave ends as approved (R-ATT-4).",
                 in->new_end_date, in->new_end_half, in->reason, halves / 2.0);
        if (notify(c, row->applicant_id, "leave_extension_pending",
                   "Your leave extension awaits approval", body, "leave_request", t->id, p))
            return -1;
        return leave_after(c, t, p);
    }
    text_fmt(body, sizeof body,
             "Your leave is extended to %s %s (%s). Hand in a written explanation, such as a "
             "medical certificate, within %ld days of closing the leave, or the extra days "
             "count as absenteeism (R-ATT-4).",
             in->new_end_date, in->new_end_half, in->reason,
             attendance_of(t->r)->explanation_days);
    if (notify(c, row->applicant_id, "leave_extended", "Your leave was extended", body,
               "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

/* One decision on a pending extension: $2 the step decided, $3 approved or
 * rejected, $4 the comment, $5 the decider; the extension advances, is
 * granted at its last step (the end in force moves) or is refused. */
static const db_stmt Q_EXTENSION_DECIDE = {
    "att_leave_extension_decide",
    "UPDATE leave_requests SET ext_approvals = ext_approvals || jsonb_build_array("
    "  jsonb_build_object('step', $2::integer, 'approver_id', $5::bigint,"
    "   'role', ext_roles[$2::integer], 'decision', $3::text, 'decided_at', now(),"
    "   'comment', $4::text)),"
    " ext_state = CASE WHEN $3 = 'rejected' THEN 'refused'"
    "   WHEN $2::integer < cardinality(ext_approvers) THEN 'pending' ELSE 'granted' END,"
    " ext_step = CASE WHEN $3 = 'approved' AND $2::integer < cardinality(ext_approvers)"
    "   THEN $2::integer + 1 END,"
    " ends_at = CASE WHEN $3 = 'approved' AND $2::integer = cardinality(ext_approvers)"
    "   THEN half_end(ext_end_date, ext_end_half) ELSE ends_at END,"
    " close_reminded_at = CASE WHEN $3 = 'approved' AND $2::integer = cardinality(ext_approvers)"
    "   THEN NULL ELSE close_reminded_at END,"
    " version = version + 1, updated_at = now() WHERE id = $1"
    " RETURNING ext_state, coalesce(ext_approvers[ext_step], 0) AS next_approver_id,"
    " ext_end_date::text AS ext_end_date, ext_end_half"};

/* R-ATT-2, R-ATT-4: an approver the longer leave needs decides on the
 * extension, in order (the table's who: the approver of its current step). */
int extension_decide(db_conn *c, action_tx *t, bool approve, problem_t *p)
{
    const leave_row *row = t->row;
    const char *comment = ((comment_in *)t->in)->comment;
    char id[24], step[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(step, row->ext_step),
                            approve ? "approved" : "rejected", comment,
                            db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_EXTENSION_DECIDE, 5, params, &res, p))
        return -1;
    char state[10], end[16], half[4];
    snprintf(state, sizeof state, "%s", db_col_str(res, 0, "ext_state"));
    long long next = db_col_ll(res, 0, "next_approver_id");
    snprintf(end, sizeof end, "%s", db_col_str(res, 0, "ext_end_date"));
    snprintf(half, sizeof half, "%s", db_col_str(res, 0, "ext_end_half"));
    PQclear(res);
    char body[300];
    text_fmt(body, sizeof body, "Extension to %s %s%s%s", end, half,
             comment && *comment ? ": " : "", comment ? comment : "");
    if (next) {
        if (notify(c, next, "leave_extension_to_approve",
                   "A leave extension awaits your approval", body, "leave_request", t->id, p))
            return -1;
        return leave_after(c, t, p);
    }
    bool granted = !strcmp(state, "granted");
    const char *title = granted ? "Your leave extension was approved"
                                : "Your leave extension was not approved: the leave ends as "
                                  "approved";
    if (notify(c, row->applicant_id, granted ? "leave_extended" : "leave_extension_refused",
               title, body, "leave_request", t->id, p) ||
        notify(c, row->final_approver_id, granted ? "leave_extended" : "leave_extension_refused",
               granted ? "A leave extension you recorded was approved"
                       : "A leave extension you recorded was not approved",
               body, "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}
