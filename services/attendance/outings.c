/* Temporary outings (R-ATT-1): the person registers matter, destination,
 * time and contact; colleagues in the section see who is out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "attendance.h"
#include "audit.h"
#include "list.h"

/* R-ATT-1/R-ATT-2 (请假制度 一, 二): a temporary outing is shorter than half a
 * working day; going out for half a day or more is leave, asked of the
 * chief or higher. Like a leave's length, an outing's counts working time
 * on the office's calendar: the parts of it within the office hours
 * (OFFICE_HOURS) of working days; half a working day is half of a working
 * day's hours (README, "Readings of the regulations"). Beyond this many
 * days an outing holds a working half-day whatever the calendar says. */
#define OUTING_SPAN_MAX_DAYS 31

/* Visible to the person, the section (R-ATT-1), the section's supervising
 * deputy, office leaders and administrators. $2 viewer, $3 sees all, $4 the
 * viewer's department. */
#define OUTING_VISIBLE                                                                  \
    " ($3::boolean OR o.user_id = $2 OR o.department_id = $4"                           \
    "  OR EXISTS (SELECT 1 FROM identity.org_departments d WHERE d.id = o.department_id" \
    "   AND d.supervising_deputy_id = $2))"

static void viewer_params(req_t *r, char uid[24], char dep[24], const char **params)
{
    params[0] = db_int(uid, r->caller->id);
    params[1] = sees_all(r->caller) ? "true" : "false";
    params[2] = r->caller->department_id ? db_int(dep, r->caller->department_id) : NULL;
}

static const db_stmt Q_OUTING_GET = {
    "att_outing_get",
    "SELECT outing_doc(o), o.version FROM outings o WHERE o.id = $1 AND" OUTING_VISIBLE};

void h_outings_get(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    char b[24], u[24], d[24];
    const char *params[4] = {db_int(b, id)};
    viewer_params(r, u, d, params + 1);
    PGresult *res = db_read_or_reply(r, &Q_OUTING_GET, 4, params);
    if (res)
        action_reply_versioned(r, res);
}

static const db_stmt Q_OUTINGS_LIST = {
    "att_outings_list",
    "SELECT o.id, outing_doc(o) FROM outings o"
    " WHERE " PAGE_BEFORE("o.id", "$1") " AND" OUTING_VISIBLE
    " AND ($5::boolean IS NOT TRUE"
    "  OR (o.state = 'out' AND o.starts_at <= now() AND o.ends_at > now()))"
    " AND ($6::bigint IS NULL OR o.department_id = $6)"
    " AND ($7::bigint IS NULL OR o.user_id = $7)"
    " ORDER BY o.id DESC LIMIT $8"};

static const list_filter outing_filters[] = {
    {.name = "current", .kind = LIST_BOOL},
    {.name = "department_id", .kind = LIST_ID},
    {.name = "user_id", .kind = LIST_ID},
    LIST_FILTERS_END,
};

/* $2..$4 as viewer_params gives them. */
static const list_t outings_list = {
    .stmt = &Q_OUTINGS_LIST,
    .filters = outing_filters,
    .params = {"@cursor", "@caller", "@sees_all", "@department", "current", "department_id",
               "user_id", "@limit"},
    .sees_all = sees_all,
};

void h_outings_list(req_t *r)
{
    list_handle(r, &outings_list);
}

typedef struct outing_in {
    const char *matter, *destination, *starts_at, *ends_at, *contact;
} outing_in;

static const json_field outing_fields[] = {
    {.name = "matter", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 500,
     .offset = offsetof(outing_in, matter)},
    {.name = "destination", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(outing_in, destination)},
    {.name = "starts_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(outing_in, starts_at)},
    {.name = "ends_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(outing_in, ends_at)},
    {.name = "contact", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 100,
     .offset = offsetof(outing_in, contact)},
    JF_END,
};

static const db_stmt Q_OUTING_OVERLAP = {
    "att_outing_overlap",
    "SELECT id FROM outings WHERE user_id = $1 AND state = 'out'"
    " AND starts_at < $3::timestamptz AND ends_at > $2::timestamptz LIMIT 1"};

static const db_stmt Q_OUTING_INSERT = {
    "att_outing_insert",
    "INSERT INTO outings(user_id, department_id, matter, destination, contact, starts_at, ends_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, outing_doc(outings) AS doc"};

/* R-ATT-1 (告知本科室同事): the section's colleagues are told who is out,
 * where, until when and how to reach them. */
static const db_stmt Q_OUTING_TELL_SECTION = {
    "att_outing_tell_section",
    "SELECT identity.notify(p.id, 'colleague_out', $3, $4, 'outing', $1)"
    " FROM identity.org_people p WHERE p.department_id = $2 AND p.active AND p.id <> $5"};

static int outing_store(db_conn *c, create_tx *ct, problem_t *p)
{
    att_tx *t = ct->ctx;
    outing_in *in = t->in;
    org_person me;
    if (org_chain_get(c, ct->r->caller->id, false, &me, p))
        return -1;
    if (strcmp(me.department_kind, "section") && strcmp(me.department_kind, "office_leadership"))
        return problem_set(p, ERR_OUTING_NOT_OFFICE_STAFF, NULL, NULL,
                           "outings are registered by the office's own staff");
    long long from, to;
    (void)time_parse(in->starts_at, &from);
    (void)time_parse(in->ends_at, &to);
    const office_hours *hours = &attendance_of(ct->r)->hours;
    long half = office_day_seconds(hours) / 2;
    long long worked = (long long)half;
    if (to - from <= OUTING_SPAN_MAX_DAYS * 86400LL) {
        calendar cal = {0};
        int rc = cal_load(c, (long)((from + 8 * 3600) / 86400) - 1,
                          (long)((to + 8 * 3600) / 86400) + 1, &cal, p);
        if (!rc)
            worked = cal_working_seconds(&cal, hours, from, to);
        cal_free(&cal);
        if (rc)
            return -1;
    }
    if (worked >= half)
        return problem_set(p, ERR_OUTING_IS_LEAVE, NULL, NULL,
                           "this outing takes %lld min of working time; half a working day "
                           "(%ld min of the office hours) or more is leave: ask for it with "
                           "POST /api/v1/leave-requests",
                           worked / 60, half / 60);
    if (person_lock(c, "attendance.outing", me.id, p))
        return -1;
    char u[24], d[24];
    db_int(u, me.id);
    PGresult *res;
    const char *po[] = {u, in->starts_at, in->ends_at};
    if (db_query(c, &Q_OUTING_OVERLAP, 3, po, &res, p))
        return -1;
    long long other = PQntuples(res) ? db_col_ll(res, 0, "id") : 0;
    PQclear(res);
    if (other)
        return problem_set(p, ERR_OUTING_OVERLAP, NULL, NULL,
                           "outing %lld of the same person covers part of this time", other);
    const char *pi[] = {u, me.department_id ? db_int(d, me.department_id) : NULL, in->matter,
                        in->destination, in->contact, in->starts_at, in->ends_at};
    if (create_insert(c, ct, &Q_OUTING_INSERT, 7, pi, p))
        return -1;
    if (me.department_id) {
        char id[24], title[200], body[1200];
        text_fmt(title, sizeof title, "%s is out: %s", me.display_name, in->matter);
        text_fmt(body, sizeof body, "At %s from %s to %s; contact %s (R-ATT-1)", in->destination,
                 in->starts_at, in->ends_at, in->contact);
        const char *pn[] = {db_int(id, ct->id), d, title, body, u};
        if (db_query(c, &Q_OUTING_TELL_SECTION, 5, pn, &res, p))
            return -1;
        PQclear(res);
    }
    return 0;
}

static int outing_check(create_tx *ct, problem_t *p)
{
    const outing_in *in = ct->in;
    long long from, to;
    if (!time_parse(in->starts_at, &from) || !time_parse(in->ends_at, &to))
        return 0;
    if (to <= from)
        return problem_field(p, "ends_at", "must be after starts_at");
    return 0;
}

static const create_t outing_create = {
    .entity = "outing",
    .verb = "register",
    .fields = outing_fields,
    .check = outing_check,
    .store = outing_store,
};

void h_outings_create(req_t *r)
{
    outing_in in = {0};
    att_tx t = {.r = r, .in = &in};
    create_handle(r, &outing_create, &in, &t);
}

static const db_stmt Q_OUTING_LOCK = {
    "att_outing_lock",
    "SELECT o.user_id AS owner_id, o.state, o.version, outing_doc(o) AS doc FROM outings o"
    " WHERE o.id = $1 AND" OUTING_VISIBLE " FOR UPDATE"};

static const db_stmt Q_OUTING_RETURN = {
    "att_outing_return",
    "UPDATE outings o SET state = 'returned', returned_at = now(), return_comment = $2,"
    " version = version + 1, updated_at = now() WHERE o.id = $1"
    " RETURNING outing_doc(o) AS doc"};

static const action_kind outing_kind = {
    .entity = "outing",
    .noun = "outing",
    .wrong_state = ERR_WRONG_STATE,
};

/* The lock step of reporting the return: t->row is the id of the person
 * who went out. 404 when the caller may not see the outing. */
static int outing_lock(db_conn *c, action_tx *t, problem_t *p)
{
    long long *user = t->row;
    char b[24], u[24], d[24];
    const char *params[4] = {db_int(b, t->id)};
    viewer_params(t->r, u, d, params + 1);
    PGresult *res;
    if (db_query(c, &Q_OUTING_LOCK, 4, params, &res, p))
        return -1;
    *user = att_locked_owner(res, t, "outing", p);
    PQclear(res);
    return *user ? 0 : -1;
}

/* R-ATT-1: the person who went out. */
static int authorise_the_person_out(db_conn *c, action_tx *t, problem_t *p)
{
    const long long *user = t->row;
    (void)c;
    if (*user != t->r->caller->id)
        return problem_set(p, ERR_OUTING_NOT_YOURS, NULL, NULL,
                           "only the person who went out reports the return");
    return 0;
}

static int outing_return(db_conn *c, action_tx *t, problem_t *p)
{
    char b[24];
    const char *pu[] = {db_int(b, t->id), ((comment_in *)t->in)->comment};
    PGresult *res;
    if (db_query(c, &Q_OUTING_RETURN, 2, pu, &res, p))
        return -1;
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    return 0;
}

static const char *const from_out[] = {"out", NULL};

static const action_refusal already_returned[] = {
    {.code = ERR_OUTING_ALREADY_RETURNED, .detail = "the return was already reported"},
};

/* R-ATT-1: the person who went out reports the return, once. */
static const action_t act_return = {
    .kind = &outing_kind,
    .verb = "return",
    .done = "returned",
    .fields = comment_fields,
    .rule = "R-ATT-1",
    .from_states = from_out,
    .refusals = already_returned,
    .state_first = true,
    .lock = outing_lock,
    .authorise = authorise_the_person_out,
    .perform = outing_return,
};

void h_outings_return(req_t *r)
{
    comment_in in = {0};
    long long user = 0;
    action_handle(r, &act_return, &in, &user);
}
