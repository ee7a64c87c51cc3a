/* Closing a leave (销假, R-ATT-4) with the time the person came back: the
 * working half-days after the end in force become absenteeism, those of an
 * extension wait for its written explanation, and a return claimed earlier
 * than the closing waits for the final approver's confirmation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "audit.h"
#include "leave_action.h"

const json_field close_fields[] = {
    {.name = "returned_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(close_in, returned_at)},
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(close_in, comment)},
    JF_END,
};

/* The office-time date and half of the return, whether it lies before the
 * leave's start or in the future, and whether it is earlier than now by
 * more than $3 minutes (R-ATT-4: the approver confirms such a return). */
static const db_stmt Q_RETURN_FACTS = {
    "att_leave_return_facts",
    "SELECT to_char(q.t AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,"
    " extract(hour FROM q.t AT TIME ZONE 'Asia/Shanghai') >= 12 AS pm,"
    " q.t < l.starts_at AS before_start, q.t > now() + interval '5 minutes' AS future,"
    " q.t < now() - make_interval(mins => $3::integer) AS early"
    " FROM (SELECT $2::timestamptz AS t) q, leave_requests l WHERE l.id = $1"};

static const db_stmt Q_LEAVE_CLOSE = {
    "att_leave_close",
    "UPDATE leave_requests SET state = 'closed', closed_at = now(), returned_at = $2,"
    " late_half_days = $3 + late_swept_half_days, ext_half_days = $4, ext_first_date = $5::date,"
    " ext_outcome = $6, late_absence_id = $7, ext_absence_id = $8,"
    " explanation_due = CASE WHEN $4::integer > 0 AND $6::text IS NULL"
    "   THEN now() + make_interval(days => $9::integer) END,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* What closing found, in working half-days after the approved end. */
typedef struct lateness {
    long late;       /* not covered by any extension nor swept already: absenteeism now */
    long late_first; /* first such slot */
    long covered;    /* covered by the extension: absenteeism unless explained */
    long covered_first;
} lateness;

static int lateness_of(db_conn *c, const leave_row *row, long ret, lateness *out, problem_t *p)
{
    long end = slot_text(row->end_date, row->end_half);
    long ext = effective_end(row);
    calendar cal = {0};
    int rc = cal_load(c, slot_day(end), slot_day(ret), &cal, p);
    if (rc == 0) {
        /* The half-days the sweep already recorded (after late_swept_from up
         * to late_swept_slot) are not counted twice: what is left lies
         * before them (a) or after them (b). */
        long from = (ext > end ? ext : end) + 1, a_to = ret - 1, b_from = ret;
        if (row->late_swept_from >= 0) {
            a_to = row->late_swept_from < ret - 1 ? row->late_swept_from : ret - 1;
            b_from = row->late_swept_slot + 1 > from ? row->late_swept_slot + 1 : from;
        }
        long a = cal_working_halves(&cal, from, a_to), b = cal_working_halves(&cal, b_from, ret - 1);
        out->late = a + b;
        out->late_first = a ? cal_first_working_slot(&cal, from, a_to)
                            : cal_first_working_slot(&cal, b_from, ret - 1);
        long to = ext < ret - 1 ? ext : ret - 1;
        out->covered = cal_working_halves(&cal, end + 1, to);
        out->covered_first = cal_first_working_slot(&cal, end + 1, to);
    }
    cal_free(&cal);
    return rc;
}

/* Reads the return time's half-day into *ret and whether it is earlier
 * than the margin allows into *early; with check, 400 naming returned_at
 * when it lies before the leave, in the future, or more than a year after
 * its end. */
static int return_facts(db_conn *c, action_tx *t, const char *returned_at, bool check,
                        long *ret, bool *early, problem_t *p)
{
    const leave_row *row = t->row;
    char id[24], m[24];
    const char *pr[] = {db_int(id, t->id), returned_at,
                        db_int(m, attendance_of(t->r)->return_margin_minutes)};
    PGresult *res;
    if (db_query(c, &Q_RETURN_FACTS, 3, pr, &res, p))
        return -1;
    long ret_day = 0;
    day_parse(db_col_str(res, 0, "day"), &ret_day);
    *ret = slot_of(ret_day, db_col_bool(res, 0, "pm"));
    bool before_start = db_col_bool(res, 0, "before_start");
    bool future = db_col_bool(res, 0, "future");
    *early = db_col_bool(res, 0, "early");
    PQclear(res);
    if (check && (before_start || future || slot_day(*ret) - slot_day(effective_end(row)) > 366))
        return problem_field(p, "returned_at",
                             before_start ? "must not be before the leave starts"
                             : future     ? "must not be in the future"
                                          : "must be within a year of the leave's end");
    return 0;
}

/* Closes the leave with the person back in half-day ret (returned_at, its
 * text): the late half-days not yet recorded become absenteeism, the
 * extension's wait for the explanation (R-ATT-4). */
static int settle_close(db_conn *c, action_tx *t, long ret, const char *returned_at,
                        const char *comment, problem_t *p)
{
    const leave_row *row = t->row;
    PGresult *res = NULL;
    lateness lt = {0};
    if (lateness_of(c, row, ret, &lt, p))
        return -1;
    bool has_ext = row->ext_end_date[0] != '\0';
    long long late_id = 0, ext_id = 0;
    const char *outcome = NULL;
    if (lt.late > 0) {
        absence_new a = {row->applicant_id, slot_day(lt.late_first), lt.late, "late_return",
                         "leave_request", t->id, "returned after the approved end of leave"};
        if (absence_add(c, &t->r->actor, &a, &late_id, p))
            return -1;
    }
    long explanation_days = attendance_of(t->r)->explanation_days;
    if (has_ext && lt.covered > 0) {
        if (!strcmp(row->review, "accepted")) {
            outcome = "explained";
        } else if (!strcmp(row->review, "refused")) {
            absence_new a = {row->applicant_id, slot_day(lt.covered_first), lt.covered,
                             "unexplained_extension", "leave_request", t->id,
                             "the written explanation was not accepted"};
            if (absence_add(c, &t->r->actor, &a, &ext_id, p))
                return -1;
            outcome = "absenteeism";
        } else if (row->explained) {
            /* handed in, waiting for its review */
        } else if (explanation_days == 0) {
            absence_new a = {row->applicant_id, slot_day(lt.covered_first), lt.covered,
                             "unexplained_extension", "leave_request", t->id,
                             "extension without the written explanation"};
            if (absence_add(c, &t->r->actor, &a, &ext_id, p))
                return -1;
            outcome = "absenteeism";
        }
    }

    char id[24], late[24], cov[24], first[11], lid[24], eid[24], days[24];
    if (lt.covered > 0)
        day_format(slot_day(lt.covered_first), first);
    const char *pu[] = {db_int(id, t->id),
                        returned_at,
                        db_int(late, lt.late),
                        has_ext ? db_int(cov, lt.covered) : NULL,
                        lt.covered > 0 && has_ext ? first : NULL,
                        outcome,
                        late_id ? db_int(lid, late_id) : NULL,
                        ext_id ? db_int(eid, ext_id) : NULL,
                        db_int(days, explanation_days)};
    if (db_query(c, &Q_LEAVE_CLOSE, 9, pu, &res, p))
        return -1;
    PQclear(res);

    char body[400];
    text_fmt(body, sizeof body,
             "Returned at %s: %.1f working days late without an extension, %.1f covered by "
             "an extension (R-ATT-4)%s%s",
             returned_at, lt.late / 2.0, has_ext ? lt.covered / 2.0 : 0.0,
             comment && *comment ? ". " : "", comment ? comment : "");
    if (notify(c, row->final_approver_id, "leave_closed", "A leave you approved was closed", body,
               "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

static const db_stmt Q_LEAVE_CLOSE_REQUESTED = {
    "att_leave_close_requested",
    "UPDATE leave_requests SET return_claimed_at = $2, close_requested_at = now(),"
    " close_comment = $3, return_confirmation = 'pending',"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* The return time must lie within the leave and not in the future. */
int leave_close(db_conn *c, action_tx *t, problem_t *p)
{
    close_in *in = t->in;
    const leave_row *row = t->row;
    long ret;
    bool early;
    if (return_facts(c, t, in->returned_at, true, &ret, &early, p))
        return -1;
    if (!early)
        return settle_close(c, t, ret, in->returned_at, in->comment, p);
    /* 三 "超出准假时限而未能及时返回的按旷工处理": a return earlier than the
     * closing is the approver's to confirm, not the applicant's to say. */
    char id[24];
    const char *pu[] = {db_int(id, t->id), in->returned_at, in->comment};
    PGresult *res;
    if (db_query(c, &Q_LEAVE_CLOSE_REQUESTED, 3, pu, &res, p))
        return -1;
    PQclear(res);
    char body[400];
    text_fmt(body, sizeof body,
             "The leave was closed now, with the return given as %s: confirm it, or the "
             "person counts as back when they closed (R-ATT-4)%s%s",
             in->returned_at, in->comment && *in->comment ? ". " : "",
             in->comment ? in->comment : "");
    if (notify(c, row->final_approver_id, "leave_return_to_confirm",
               "Confirm the return from a leave", body, "leave_request", t->id, p))
        return -1;
    return leave_after(c, t, p);
}

const json_field confirm_fields[] = {
    {.name = "confirmed", .type = JF_BOOL, .flags = JF_REQUIRED,
     .offset = offsetof(confirm_in, confirmed)},
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(confirm_in, comment)},
    JF_END,
};

/* Decides the pending confirmation and returns the return time in force as
 * text: the claimed one if confirmed, else the time the leave was closed. */
static const db_stmt Q_RETURN_DECIDE = {
    "att_leave_return_decide",
    "UPDATE leave_requests SET return_confirmation = $2, return_confirmed_by = $3,"
    " return_confirmed_at = now() WHERE id = $1"
    " RETURNING CASE WHEN $2 = 'confirmed' THEN return_claimed_at ELSE close_requested_at END"
    " AS returned_at, coalesce(close_comment, '') AS comment"};

/* Confirmed, the person is back when they said; refused, when they closed
 * the leave. Either way the leave is then settled as a closing would. */
int leave_confirm_return(db_conn *c, action_tx *t, problem_t *p)
{
    confirm_in *in = t->in;
    const leave_row *row = t->row;
    char id[24], me[24];
    const char *pu[] = {db_int(id, t->id), in->confirmed ? "confirmed" : "refused",
                        db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_RETURN_DECIDE, 3, pu, &res, p))
        return -1;
    char returned_at[64], comment[1100];
    snprintf(returned_at, sizeof returned_at, "%s", db_col_str(res, 0, "returned_at"));
    snprintf(comment, sizeof comment, "%s", db_col_str(res, 0, "comment"));
    PQclear(res);
    long ret;
    bool early;
    /* Checked when the leave was closed; refused, the return is the time of
     * closing, however long after the leave's end. */
    if (return_facts(c, t, returned_at, false, &ret, &early, p))
        return -1;
    char body[1200];
    text_fmt(body, sizeof body, "%s%s%s",
             in->confirmed ? "The return time you gave was confirmed (R-ATT-4)"
                           : "The return time you gave was not confirmed: you count as back "
                             "when you closed the leave (R-ATT-4)",
             in->comment && *in->comment ? ". " : "", in->comment ? in->comment : "");
    if (notify(c, row->applicant_id, "leave_return_decided",
               in->confirmed ? "Return confirmed" : "Return not confirmed", body,
               "leave_request", t->id, p))
        return -1;
    return settle_close(c, t, ret, returned_at, comment, p);
}
