/* Absenteeism (旷工, R-ATT-3): the records closing a leave or an activity
 * produce, absences the director records directly, and voiding one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "discipline.h"
#include "list.h"

static const char *const absence_states[] = {"active", "voided", NULL};
static const char *const absence_causes[] = {"late_return", "unexplained_extension",
                                             "activity_absence", "unapproved_absence",
                                             "meeting_absence", NULL};

/* Visible to the person, their section chief, office leaders and
 * administrators. $2 viewer, $3 sees all. */
#define ABSENCE_VISIBLE                                                                 \
    " ($3::boolean OR a.user_id = $2"                                                   \
    "  OR EXISTS (SELECT 1 FROM identity.org_departments d WHERE d.id = a.department_id" \
    "   AND d.chief_id = $2))"

/* ---------- recording ---------- */

static const db_stmt Q_ABSENCE_INSERT = {
    "att_absence_insert",
    "INSERT INTO absences(user_id, department_id, date, half_days, cause, source_type,"
    " source_id, note, recorded_by)"
    " VALUES ($1, (SELECT department_id FROM identity.org_people WHERE id = $1),"
    "  DATE '1970-01-01' + $2::integer, $3, $4, $5, $6, $7, $8)"
    " RETURNING id, absence_doc(absences) AS doc, date - DATE '1970-01-01' AS day,"
    " date::text AS date_text"};

int absence_lock_person(db_conn *c, long long user_id, problem_t *p)
{
    return person_lock(c, "attendance.absence", user_id, p);
}

int absence_add(db_conn *c, const actor_t *who, const absence_new *a, long long *id, problem_t *p)
{
    if (absence_lock_person(c, a->user_id, p))
        return -1;
    char u[24], d[24], h[24], s[24], by[24];
    const char *params[] = {db_int(u, a->user_id),
                            db_int(d, a->day),
                            db_int(h, a->half_days),
                            a->cause,
                            a->source_type,
                            a->source_id ? db_int(s, a->source_id) : NULL,
                            a->note,
                            who->user_id ? db_int(by, who->user_id) : NULL};
    PGresult *res;
    if (db_query(c, &Q_ABSENCE_INSERT, 8, params, &res, p))
        return -1;
    *id = db_col_ll(res, 0, "id");
    const attendance_ctx *ctx = who->svc->ctx;
    int year = discipline_period_year((long)db_col_ll(res, 0, "day"), ctx->year_start_month,
                                      ctx->year_start_day);
    char body[300];
    snprintf(body, sizeof body, "%s: %.1f working days of absenteeism (%s) (R-ATT-3)",
             db_col_str(res, 0, "date_text"), a->half_days / 2.0, a->cause);
    int rc = audit_write(c, who, "absence", *id, "record", NULL, db_col_str(res, 0, "doc"), p);
    PQclear(res);
    if (rc || notify(c, a->user_id, "absence_recorded", "Absenteeism was recorded", body,
                     "absence", *id, p))
        return -1;
    return discipline_after_absence(c, who, a->user_id, year, *id, p);
}

/* ---------- reads ---------- */

static const db_stmt Q_ABSENCE_GET = {
    "att_absence_get",
    "SELECT absence_doc(a), a.version FROM absences a WHERE a.id = $1 AND" ABSENCE_VISIBLE};

void h_absences_get(req_t *r)
{
    action_get_visible(r, &Q_ABSENCE_GET, sees_all(r->caller));
}

static const db_stmt Q_ABSENCES_LIST = {
    "att_absences_list",
    "SELECT a.id, absence_doc(a) FROM absences a"
    " WHERE " PAGE_BEFORE("a.id", "$1") " AND" ABSENCE_VISIBLE
    " AND ($4::bigint IS NULL OR a.user_id = $4)"
    " AND ($5::integer IS NULL OR (a.date >= make_date($5, 1, 1)"
    "   AND a.date < make_date($5 + 1, 1, 1)))"
    " AND ($6::text IS NULL OR a.state = $6) AND ($7::text IS NULL OR a.cause = $7)"
    " ORDER BY a.id DESC LIMIT $8"};

static const list_filter absence_filters[] = {
    {.name = "user_id", .kind = LIST_ID},
    {.name = "year", .kind = LIST_INT, .min = 1900, .max = 2999},
    {.name = "state", .kind = LIST_ENUM, .values = absence_states},
    {.name = "cause", .kind = LIST_ENUM, .values = absence_causes},
    LIST_FILTERS_END,
};

static const list_t absences_list = {
    .stmt = &Q_ABSENCES_LIST,
    .filters = absence_filters,
    .params = {"@cursor", "@caller", "@sees_all", "user_id", "year", "state", "cause", "@limit"},
    .sees_all = sees_all,
};

void h_absences_list(req_t *r)
{
    list_handle(r, &absences_list);
}

/* ---------- the director records an absence (R-ATT-3) ---------- */

typedef struct absence_in {
    long long user_id, half_days;
    const char *date, *note;
} absence_in;

static const json_field absence_fields[] = {
    {.name = "user_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(absence_in, user_id)},
    {.name = "date", .type = JF_DATE, .flags = JF_REQUIRED, .offset = offsetof(absence_in, date)},
    {.name = "half_days", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 60,
     .offset = offsetof(absence_in, half_days)},
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(absence_in, note)},
    JF_END,
};

static const db_stmt Q_ABSENCE_DOC = {"att_absence_doc",
                                      "SELECT absence_doc(a) AS doc FROM absences a WHERE a.id = $1"};

static int absence_store(db_conn *c, create_tx *ct, problem_t *p)
{
    att_tx *t = ct->ctx;
    absence_in *in = t->in;
    org_person who;
    if (org_chain_get(c, in->user_id, false, &who, p)) {
        if (p->code == ERR_USER_NOT_FOUND) {
            problem_clear(p);
            return problem_field(p, "user_id", "is not an active user");
        }
        return -1;
    }
    if (strcmp(who.department_kind, "section") && strcmp(who.department_kind, "office_leadership"))
        return problem_field(p, "user_id", "is not a member of the office");
    long day;
    day_parse(in->date, &day);
    calendar cal = {0};
    int rc = cal_load(c, day, day, &cal, p);
    bool working = rc == 0 && cal_is_working_day(&cal, day);
    cal_free(&cal);
    if (rc)
        return -1;
    if (!working)
        return problem_field(p, "date", "is not a working day on the office calendar");
    absence_new a = {in->user_id, day, in->half_days, "unapproved_absence", NULL, 0, in->note};
    if (absence_add(c, &ct->r->actor, &a, &ct->id, p))
        return -1;
    if (!(ct->doc = att_doc(c, &Q_ABSENCE_DOC, ct->id, "absence", p)))
        return -1;
    return 0;
}

static int absence_check(create_tx *ct, problem_t *p)
{
    if (!caller_is_director(ct->r->caller))
        return problem_set(p, ERR_ABSENCE_NOT_DIRECTOR, NULL, NULL,
                           "absenteeism without an approved request is recorded by the office director");
    return 0;
}

/* absence_add writes the audit event of the absence. */
static const create_t absence_create = {
    .fields = absence_fields,
    .check = absence_check,
    .store = absence_store,
};

void h_absences_create(req_t *r)
{
    absence_in in = {0};
    att_tx t = {.r = r, .in = &in};
    create_handle(r, &absence_create, &in, &t);
}

/* ---------- void (R-ATT-3) ---------- */

typedef struct void_in {
    const char *reason;
} void_in;

static const json_field void_fields[] = {
    {.name = "reason", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(void_in, reason)},
    JF_END,
};

static const db_stmt Q_ABSENCE_LOCK = {
    "att_absence_lock",
    "SELECT a.user_id AS owner_id, a.state, a.version, absence_doc(a) AS doc,"
    " a.date - DATE '1970-01-01' AS day_no"
    " FROM absences a WHERE a.id = $1 AND" ABSENCE_VISIBLE " FOR UPDATE"};

static const db_stmt Q_ABSENCE_VOID = {
    "att_absence_void",
    "UPDATE absences a SET state = 'voided', void_reason = $2, voided_by = $3, voided_at = now(),"
    " version = version + 1, updated_at = now() WHERE a.id = $1 RETURNING absence_doc(a) AS doc"};

static const action_kind absence_kind = {
    .entity = "absence",
    .noun = "absence",
    .wrong_state = ERR_WRONG_STATE,
};

/* The voided absence, as the void action needs it. */
typedef struct absence_row {
    long long user_id;
    int year; /* the year the absence's discipline period began (R-ATT-6) */
} absence_row;

static int absence_lock(db_conn *c, action_tx *t, problem_t *p)
{
    absence_row *row = t->row;
    char id[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id),
                            sees_all(t->r->caller) ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_ABSENCE_LOCK, 3, params, &res, p))
        return -1;
    row->user_id = att_locked_owner(res, t, "absence", p);
    attendance_ctx *ctx = attendance_of(t->r);
    if (row->user_id)
        row->year = discipline_period_year((long)db_col_ll(res, 0, "day_no"), ctx->year_start_month,
                                           ctx->year_start_day);
    PQclear(res);
    return row->user_id ? 0 : -1;
}

/* R-ATT-3: the director, never on their own record. */
static int authorise_director_not_own(db_conn *c, action_tx *t, problem_t *p)
{
    const absence_row *row = t->row;
    (void)c;
    if (!caller_is_director(t->r->caller))
        return problem_set(p, ERR_ABSENCE_NOT_DIRECTOR, NULL, NULL,
                           "only the office director voids an absence");
    if (row->user_id == t->r->caller->id)
        return problem_set(p, ERR_ABSENCE_OWN_RECORD, NULL, NULL,
                           "no one voids their own absenteeism");
    return 0;
}

static int absence_void(db_conn *c, action_tx *t, problem_t *p)
{
    const absence_row *row = t->row;
    const void_in *in = t->in;
    if (absence_lock_person(c, row->user_id, p))
        return -1;
    char id[24], me[24];
    const char *pu[] = {db_int(id, t->id), in->reason, db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_ABSENCE_VOID, 3, pu, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    char body[1100];
    text_fmt(body, sizeof body, "Absence %lld no longer counts: %s (R-ATT-3)", t->id, in->reason);
    if (notify(c, row->user_id, "absence_voided", "An absence of yours was voided", body,
               "absence", t->id, p))
        return -1;
    return discipline_after_void(c, &t->r->actor, row->user_id, row->year, t->id, p);
}

static const char *const from_active[] = {"active", NULL};

static const action_refusal already_voided[] = {
    {.code = ERR_ABSENCE_ALREADY_VOIDED, .detail = "the absence was already voided"},
};

/* R-ATT-3: the director voids an active absence of someone else's. */
static const action_t act_void = {
    .kind = &absence_kind,
    .verb = "void",
    .done = "voided",
    .fields = void_fields,
    .rule = "R-ATT-3",
    .from_states = from_active,
    .refusals = already_voided,
    .state_first = true,
    .lock = absence_lock,
    .authorise = authorise_director_not_own,
    .perform = absence_void,
};

void h_absences_void(req_t *r)
{
    void_in in = {0};
    absence_row row = {0};
    action_handle(r, &act_void, &in, &row);
}
