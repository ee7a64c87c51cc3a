/* Tasks a leader assigns directly: reported to the assignee's superior
 * (R-ORG-5), a secretary's routine ones to the deputy director in charge of
 * government affairs, who may escalate to the director (R-SEC-1); deadline
 * conflicts are flagged, the leaders concerned consulted, and the task
 * rescheduled or reassigned (R-SEC-2). A secretary assigns nothing
 * (R-SEC-3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "meetings.h"

static const char *const states[] = {"open", "conflict", "completed", NULL};

/* The director, the deputy in charge of government affairs and
 * administrators see every task ($2 is the viewer). */
#define TASK_PRIVILEGED                                                                     \
    " EXISTS (SELECT 1 FROM identity.org_people vp WHERE vp.id = $2 AND vp.active"          \
    "   AND (vp.is_admin OR (NOT vp.is_secretary AND (vp.position = 'office_director'"      \
    "   OR vp.gov_affairs))))"

/* ---------- reads ---------- */

static const db_stmt Q_TASK_GET = {
    "mtg_task_get",
    "SELECT task_doc(t), t.version FROM tasks t WHERE t.id = $1"
    " AND task_visible(t, $2, $3 OR" TASK_PRIVILEGED ")"};

void h_tasks_get(req_t *r)
{
    action_get_visible(r, &Q_TASK_GET, false);
}

static const db_stmt Q_TASKS_LIST = {
    "mtg_task_list",
    "SELECT t.id, task_doc(t) FROM tasks t"
    " WHERE " PAGE_BEFORE("t.id", "$1") " AND ($3::text IS NULL OR t.state = $3)"
    " AND (NOT $4 OR t.assignee_id = $2) AND (NOT $5 OR t.assigner_id = $2)"
    " AND task_visible(t, $2," TASK_PRIVILEGED ")"
    " ORDER BY t.id DESC LIMIT $6"};

static const list_filter task_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "assigned_by_me", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t tasks_list = {
    .stmt = &Q_TASKS_LIST,
    .filters = task_filters,
    .params = {"@cursor", "@caller", "state", "mine", "assigned_by_me", "@limit"},
};

void h_tasks_list(req_t *r)
{
    list_handle(r, &tasks_list);
}

/* ---------- create ---------- */

typedef struct task_in {
    const char *comment; /* first: the common comment_fields write it */
    long long assignee_id, other_task_id;
    const char *title, *details, *deadline, *note, *outcome;
    bool routine;
} task_in;
_Static_assert(offsetof(task_in, comment) == 0, "comment_fields writes the first member");

static const json_field task_fields[] = {
    {.name = "assignee_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(task_in, assignee_id)},
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(task_in, title)},
    {.name = "details", .type = JF_TEXT, .flags = JF_REQUIRED, .max = 5000,
     .offset = offsetof(task_in, details)},
    {.name = "deadline", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(task_in, deadline)},
    {.name = "routine", .type = JF_BOOL, .flags = JF_REQUIRED,
     .offset = offsetof(task_in, routine)},
    JF_END,
};

typedef struct task_tx {
    req_t *r;
    task_in in;
    char *doc;
} task_tx;

static const db_stmt Q_NOT_PAST = {
    "mtg_not_past", "SELECT $1::date >= (now() AT TIME ZONE 'Asia/Shanghai')::date AS not_past"};

static const db_stmt Q_TASK_INSERT = {
    "mtg_task_insert",
    "INSERT INTO tasks(assigner_id, assignee_id, title, details, deadline, routine,"
    " reported_to_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, task_doc(tasks) AS doc"};

static int deadline_ok(db_conn *c, const char *deadline, problem_t *p)
{
    const char *params[] = {deadline};
    PGresult *res;
    if (db_query(c, &Q_NOT_PAST, 1, params, &res, p))
        return -1;
    bool ok = db_col_bool(res, 0, "not_past");
    PQclear(res);
    return ok ? 0 : problem_field(p, "deadline", "must not be in the past");
}

/* Who the assignee reports the task to: a secretary's routine task to the
 * deputy in charge of government affairs (R-SEC-1), a non-routine one to
 * nobody; work a district leader gives someone else in the office to that
 * person's superior (R-ORG-5). 0 when nobody. */
static int report_to(db_conn *c, const org_person *assigner, const org_person *assignee,
                     bool routine, long long *out, problem_t *p)
{
    *out = 0;
    if (assignee->is_secretary) {
        if (!routine)
            return 0;
        return org_gov_affairs_deputy(c, out, p);
    }
    if (!org_is_district_leader(assigner->position))
        return 0;
    if (org_superior_of(c, assignee->id, out, p))
        return -1;
    if (*out == assigner->id)
        *out = 0;
    return 0;
}

static int task_store(db_conn *c, create_tx *ct, problem_t *p)
{
    task_tx *t = ct->ctx;
    org_person me, who;
    if (org_person_get(c, ct->r->caller->id, &me, p))
        return -1;
    if (me.is_secretary || !mtg_may_assign_task(me.position))
        return problem_set(p, ERR_TASK_NOT_LEADER, NULL, NULL,
                           "tasks are assigned directly by district and office leaders");
    if (org_office_member(c, t->in.assignee_id, "assignee_id", p))
        return -1;
    if (t->in.assignee_id == me.id)
        return problem_field(p, "assignee_id", "must be someone else");
    if (deadline_ok(c, t->in.deadline, p) || org_person_get(c, t->in.assignee_id, &who, p))
        return -1;
    long long reported = 0;
    if (report_to(c, &me, &who, t->in.routine, &reported, p))
        return -1;
    char a[24], b[24], rep[24], title[TITLE_BYTES];
    const char *params[] = {db_int(a, me.id),
                            db_int(b, who.id),
                            t->in.title,
                            t->in.details,
                            t->in.deadline,
                            t->in.routine ? "true" : "false",
                            reported ? db_int(rep, reported) : NULL};
    PGresult *res;
    if (db_query(c, &Q_TASK_INSERT, 7, params, &res, p))
        return -1;
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!ct->doc)
        return problem_oom(p);
    text_fmt(title, sizeof title, "Task from %s: %s (by %s)", me.display_name, t->in.title,
             t->in.deadline);
    if (notify(c, who.id, "task_assigned", title, t->in.details, "task", id, p))
        return -1;
    if (reported) {
        text_fmt(title, sizeof title, "%s was given a task by %s: %s", who.display_name,
                 me.display_name, t->in.title);
        if (notify(c, reported, "task_reported", title, t->in.details, "task", id, p))
            return -1;
    }
    ct->id = id;
    return 0;
}

static const create_t task_create = {
    .entity = "task",
    .fields = task_fields,
    .decides = true, /* R-SEC-3: assigning is deciding. */
    .store = task_store,
};

void h_tasks_create(req_t *r)
{
    task_tx t = {.r = r};
    create_handle(r, &task_create, &t.in, &t);
}

/* ---------- actions ---------- */

static const action_kind task_kind = {
    .entity = "task",
    .noun = "task",
    .wrong_state = ERR_TASK_WRONG_STATE,
};

typedef struct task_row {
    long long assigner, assignee, reported_to, conflict_with;
    char consult[512], agreed[512], title[800];
    bool routine, all_agreed;
} task_row;

static const db_stmt Q_TASK_LOCK = {
    "mtg_task_lock",
    "SELECT task_doc(t) AS doc, t.version, t.state, t.assigner_id, t.assignee_id,"
    " t.reported_to_id, t.conflict_with_id, t.consult_ids::text AS consult_ids,"
    " t.agreed_ids::text AS agreed_ids, t.title, t.routine,"
    " t.consult_ids <@ t.agreed_ids AS all_agreed,"
    " task_visible(t, $2," TASK_PRIVILEGED ") AS visible"
    " FROM tasks t WHERE t.id = $1 FOR NO KEY UPDATE"};

static const action_row_spec task_spec = {
    .doc = "doc",
    .visible = "visible",
    .missing = ERR_TASK_NOT_FOUND,
    .detail = "no such task",
};

static int task_lock(db_conn *c, action_tx *t, problem_t *p)
{
    task_row *k = t->row;
    memset(k, 0, sizeof *k);
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id)};
    PGresult *res;
    if (action_lock_row(c, t, &Q_TASK_LOCK, 2, params, &task_spec, &res, p))
        return -1;
    k->assigner = db_col_ll(res, 0, "assigner_id");
    k->assignee = db_col_ll(res, 0, "assignee_id");
    k->reported_to = db_col_ll(res, 0, "reported_to_id"); /* 0: nobody */
    k->conflict_with = db_col_ll(res, 0, "conflict_with_id");
    snprintf(k->consult, sizeof k->consult, "%s", db_col_str(res, 0, "consult_ids"));
    snprintf(k->agreed, sizeof k->agreed, "%s", db_col_str(res, 0, "agreed_ids"));
    snprintf(k->title, sizeof k->title, "%s", db_col_str(res, 0, "title"));
    k->routine = db_col_bool(res, 0, "routine");
    k->all_agreed = db_col_bool(res, 0, "all_agreed");
    PQclear(res);
    return 0;
}

static int authorise_assignee(db_conn *c, action_tx *t, problem_t *p)
{
    const task_row *k = t->row;
    (void)c;
    if (t->r->caller->id != k->assignee)
        return problem_set(p, ERR_TASK_NOT_ASSIGNEE, NULL, NULL,
                           "only the person the task is assigned to does this");
    return 0;
}

/* R-SEC-1, R-SEC-2: the deputy director in charge of government affairs. */
static int authorise_gov_deputy(db_conn *c, action_tx *t, problem_t *p)
{
    long long gov = 0;
    if (org_gov_affairs_deputy(c, &gov, p))
        return -1;
    if (!gov || t->r->caller->id != gov)
        return problem_set(p, ERR_TASK_NOT_GOV_AFFAIRS_DEPUTY, NULL, NULL,
                           "the deputy director in charge of government affairs arranges this");
    return 0;
}

static int authorise_consulted(db_conn *c, action_tx *t, problem_t *p)
{
    const task_row *k = t->row;
    (void)c;
    char me[32];
    snprintf(me, sizeof me, "%lld", t->r->caller->id);
    /* consult is "{1,2}": look for the id between delimiters. */
    const char *s = k->consult;
    size_t n = strlen(me);
    for (const char *q = strstr(s, me); q; q = strstr(q + 1, me))
        if ((q[-1] == '{' || q[-1] == ',') && (q[n] == '}' || q[n] == ','))
            return 0;
    return problem_set(p, ERR_TASK_NOT_CONSULTED, NULL, NULL,
                       "only a leader concerned by the conflict records agreement");
}

static const db_stmt Q_TASK_DOC = {"mtg_task_doc",
                                   "SELECT task_doc(t) FROM tasks t WHERE t.id = $1"};

static int task_doc_after(db_conn *c, action_tx *t, problem_t *p)
{
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    if (db_text(c, &Q_TASK_DOC, 1, params, &t->doc, p))
        return -1;
    return t->doc ? 0 : problem_oom(p);
}

/* progress, complete */

static const db_stmt Q_TASK_PROGRESS = {
    "mtg_task_progress",
    "UPDATE tasks SET progress = progress || jsonb_build_array(jsonb_build_object("
    " 'at', now(), 'note', $2::text)), version = version + 1, updated_at = now() WHERE id = $1"};

static const db_stmt Q_TASK_COMPLETE = {
    "mtg_task_complete",
    "UPDATE tasks SET state = 'completed', outcome = $2, completed_at = now(),"
    " version = version + 1, updated_at = now() WHERE id = $1"};

/* A task that leaves a conflict frees its partner. */
static const db_stmt Q_TASK_UNCONFLICT = {
    "mtg_task_unconflict",
    "UPDATE tasks SET state = CASE WHEN state = 'conflict' THEN 'open' ELSE state END,"
    " conflict_with_id = NULL, conflict_note = NULL, consult_ids = '{}', agreed_ids = '{}',"
    " version = version + 1, updated_at = now() WHERE id IN ($1, $2) AND state <> 'completed'"};

static int tell(db_conn *c, action_tx *t, const char *kind, const char *what, const char *body,
                problem_t *p)
{
    const task_row *k = t->row;
    char ids[96], title[TITLE_BYTES];
    snprintf(ids, sizeof ids, "{%lld,%lld}", k->assigner, k->reported_to);
    snprintf(title, sizeof title, "Task %s: %s", what, k->title);
    return notify_all(c, ids, kind, title, body, "task", t->id, p);
}

static int perform_progress(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->note};
    if (db_run(c, &Q_TASK_PROGRESS, 2, params, p) ||
        tell(c, t, "task_progress", "progress", in->note, p))
        return -1;
    return task_doc_after(c, t, p);
}

/* R-ORG-5: the outcome is reported afterwards (事后报告). */
static int perform_complete(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    const task_row *k = t->row;
    char id[24], other[24];
    const char *params[] = {db_int(id, t->id), in->outcome};
    const char *pu[] = {id, db_int(other, k->conflict_with)};
    if ((k->conflict_with && db_run(c, &Q_TASK_UNCONFLICT, 2, pu, p)) ||
        db_run(c, &Q_TASK_COMPLETE, 2, params, p) ||
        tell(c, t, "task_completed", "completed", in->outcome, p))
        return -1;
    return task_doc_after(c, t, p);
}

/* escalate */

static const db_stmt Q_TASK_ESCALATE = {
    "mtg_task_escalate",
    "UPDATE tasks SET escalated_to_id = $2, version = version + 1, updated_at = now()"
    " WHERE id = $1"};

static int perform_escalate(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    const task_row *k = t->row;
    if (!k->routine || k->reported_to != t->r->caller->id)
        return problem_set(p, ERR_TASK_NOT_REPORTED_TO_YOU, NULL, NULL,
                           "only a routine task reported to you can be escalated to the director");
    long long director = 0;
    if (org_director(c, &director, p))
        return -1;
    char id[24], d[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), db_int(d, director)};
    snprintf(title, sizeof title, "A secretary's routine task is reported to you: %s", k->title);
    if (db_run(c, &Q_TASK_ESCALATE, 2, params, p) ||
        notify(c, director, "task_escalated", title, in->comment ? in->comment : "", "task",
               t->id, p))
        return -1;
    return task_doc_after(c, t, p);
}

/* flag-conflict */

static const db_stmt Q_OTHER_TASK = {
    "mtg_other_task",
    "SELECT t.assignee_id, t.state, t.assigner_id FROM tasks t WHERE t.id = $1 FOR NO KEY UPDATE"};

static const db_stmt Q_TASKS_CONFLICT = {
    "mtg_tasks_conflict",
    "UPDATE tasks SET state = 'conflict', conflict_with_id = CASE WHEN id = $1 THEN $2 ELSE $1 END,"
    " conflict_note = $3, consult_ids = $4::bigint[], agreed_ids = '{}',"
    " version = version + 1, updated_at = now() WHERE id IN ($1, $2)"};

static int perform_flag(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    const task_row *k = t->row;
    if (in->other_task_id == t->id)
        return problem_field(p, "other_task_id", "must be another task");
    char id[24], other[24], consult[64], title[TITLE_BYTES];
    const char *po[] = {db_int(other, in->other_task_id)};
    PGresult *res;
    if (db_query(c, &Q_OTHER_TASK, 1, po, &res, p))
        return -1;
    bool ok = PQntuples(res) == 1 && db_col_ll(res, 0, "assignee_id") == k->assignee &&
              !strcmp(db_col_str(res, 0, "state"), "open");
    long long other_assigner = ok ? db_col_ll(res, 0, "assigner_id") : 0;
    PQclear(res);
    if (!ok)
        return problem_field(p, "other_task_id", "must be another open task of yours");
    if (other_assigner == k->assigner)
        snprintf(consult, sizeof consult, "{%lld}", k->assigner);
    else
        snprintf(consult, sizeof consult, "{%lld,%lld}", k->assigner, other_assigner);
    const char *params[] = {db_int(id, t->id), other, in->note, consult};
    if (db_run(c, &Q_TASKS_CONFLICT, 4, params, p))
        return -1;
    long long gov = 0;
    if (org_gov_affairs_deputy(c, &gov, p))
        return -1;
    snprintf(title, sizeof title, "Deadline conflict between tasks %lld and %lld: consult the "
             "leaders and rearrange", t->id, in->other_task_id);
    if (notify(c, gov, "task_conflict", title, in->note, "task", t->id, p) ||
        notify_all(c, consult, "task_conflict_consult", title, in->note, "task", t->id, p))
        return -1;
    return task_doc_after(c, t, p);
}

/* consult */

static const db_stmt Q_TASK_AGREE = {
    "mtg_task_agree",
    "UPDATE tasks SET agreed_ids = CASE WHEN $3 = ANY (agreed_ids) THEN agreed_ids"
    " ELSE agreed_ids || $3::bigint END, version = version + 1, updated_at = now()"
    " WHERE id IN ($1, $2)"};

static int perform_consult(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    const task_row *k = t->row;
    char id[24], other[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(other, k->conflict_with),
                            db_int(me, t->r->caller->id)};
    long long gov = 0;
    if (db_run(c, &Q_TASK_AGREE, 3, params, p) || org_gov_affairs_deputy(c, &gov, p) ||
        notify(c, gov, "task_conflict_agreed", "A leader agreed on a task conflict",
               in->comment ? in->comment : "", "task", t->id, p))
        return -1;
    return task_doc_after(c, t, p);
}

/* reschedule, reassign */

static int all_agreed(const action_tx *t, problem_t *p)
{
    const task_row *k = t->row;
    if (!k->all_agreed)
        return problem_set(p, ERR_TASK_LEADERS_NOT_CONSULTED, NULL, NULL,
                           "every leader concerned must agree first (consulted: %s, agreed: %s)",
                           k->consult, k->agreed);
    return 0;
}

static const db_stmt Q_TASK_RESCHEDULE = {
    "mtg_task_reschedule",
    "UPDATE tasks SET deadline = $2, version = version + 1, updated_at = now() WHERE id = $1"};

static const db_stmt Q_TASK_REASSIGN = {
    "mtg_task_reassign",
    "UPDATE tasks SET assignee_id = $2, version = version + 1, updated_at = now() WHERE id = $1"};

static int rearranged(db_conn *c, action_tx *t, const char *what, problem_t *p)
{
    const task_row *k = t->row;
    char id[24], other[24], title[TITLE_BYTES];
    const char *pu[] = {db_int(id, t->id), db_int(other, k->conflict_with)};
    if (db_run(c, &Q_TASK_UNCONFLICT, 2, pu, p))
        return -1;
    snprintf(title, sizeof title, "Task %s: %s", what, k->title);
    if (notify_all(c, k->consult, "task_rearranged", title, "", "task", t->id, p))
        return -1;
    return task_doc_after(c, t, p);
}

static int perform_reschedule(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    const task_row *k = t->row;
    if (all_agreed(t, p) || deadline_ok(c, in->deadline, p))
        return -1;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->deadline};
    if (db_run(c, &Q_TASK_RESCHEDULE, 2, params, p) ||
        notify(c, k->assignee, "task_rescheduled", "A task of yours has a new deadline",
               in->deadline, "task", t->id, p))
        return -1;
    return rearranged(c, t, "rescheduled", p);
}

static int perform_reassign(db_conn *c, action_tx *t, problem_t *p)
{
    const task_in *in = t->in;
    const task_row *k = t->row;
    if (all_agreed(t, p) || org_office_member(c, in->assignee_id, "assignee_id", p))
        return -1;
    if (in->assignee_id == k->assignee)
        return problem_field(p, "assignee_id", "must be someone other than the assignee");
    char id[24], who[24];
    const char *params[] = {db_int(id, t->id), db_int(who, in->assignee_id)};
    if (db_run(c, &Q_TASK_REASSIGN, 2, params, p) ||
        notify(c, in->assignee_id, "task_assigned", "A task was reassigned to you", k->title,
               "task", t->id, p) ||
        notify(c, k->assignee, "task_reassigned", "A task of yours was reassigned", k->title,
               "task", t->id, p))
        return -1;
    return rearranged(c, t, "reassigned", p);
}

/* ---------- the action table ---------- */

static const json_field note_fields[] = {
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(task_in, note)},
    JF_END,
};
static const json_field outcome_fields[] = {
    {.name = "outcome", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(task_in, outcome)},
    JF_END,
};
static const json_field conflict_fields[] = {
    {.name = "other_task_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(task_in, other_task_id)},
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(task_in, note)},
    JF_END,
};
static const json_field deadline_fields[] = {
    {.name = "deadline", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(task_in, deadline)},
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(task_in, comment)},
    JF_END,
};
static const json_field reassign_fields[] = {
    {.name = "assignee_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(task_in, assignee_id)},
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(task_in, comment)},
    JF_END,
};

static const char *const from_active[] = {"open", "conflict", NULL};
static const char *const from_open[] = {"open", NULL};
static const char *const from_conflict[] = {"conflict", NULL};

static const action_t act_progress = {
    .kind = &task_kind,
    .verb = "progress",
    .done = "reported on",
    .fields = note_fields,
    .from_states = from_active,
    .rule = "R-ORG-5",
    .lock = task_lock,
    .authorise = authorise_assignee,
    .perform = perform_progress,
};
static const action_t act_complete = {
    .kind = &task_kind,
    .verb = "complete",
    .done = "completed",
    .fields = outcome_fields,
    .from_states = from_active,
    .rule = "R-ORG-5",
    .lock = task_lock,
    .authorise = authorise_assignee,
    .perform = perform_complete,
};
static const action_t act_escalate = {
    .kind = &task_kind,
    .verb = "escalate",
    .done = "escalated",
    .fields = comment_fields,
    .from_states = from_active,
    .rule = "R-SEC-1",
    .lock = task_lock,
    .authorise = authorise_gov_deputy,
    .perform = perform_escalate,
};
static const action_t act_flag = {
    .kind = &task_kind,
    .verb = "flag_conflict",
    .done = "flagged",
    .fields = conflict_fields,
    .from_states = from_open,
    .rule = "R-SEC-2",
    .lock = task_lock,
    .authorise = authorise_assignee,
    .perform = perform_flag,
};
static const action_t act_consult = {
    .kind = &task_kind,
    .verb = "consult",
    .done = "agreed on",
    .fields = comment_fields,
    .from_states = from_conflict,
    .rule = "R-SEC-2",
    .lock = task_lock,
    .authorise = authorise_consulted,
    .perform = perform_consult,
};
static const action_t act_reschedule = {
    .kind = &task_kind,
    .verb = "reschedule",
    .done = "rescheduled",
    .fields = deadline_fields,
    .decides = true,
    .from_states = from_conflict,
    .rule = "R-SEC-2",
    .lock = task_lock,
    .authorise = authorise_gov_deputy,
    .perform = perform_reschedule,
};
static const action_t act_reassign = {
    .kind = &task_kind,
    .verb = "reassign",
    .done = "reassigned",
    .fields = reassign_fields,
    .decides = true,
    .from_states = from_conflict,
    .rule = "R-SEC-2",
    .lock = task_lock,
    .authorise = authorise_gov_deputy,
    .perform = perform_reassign,
};

static void task_action_handle(req_t *r, const action_t *act)
{
    task_in in = {0};
    task_row row = {0};
    action_handle(r, act, &in, &row);
}

void h_tasks_progress(req_t *r)
{
    task_action_handle(r, &act_progress);
}

void h_tasks_complete(req_t *r)
{
    task_action_handle(r, &act_complete);
}

void h_tasks_escalate(req_t *r)
{
    task_action_handle(r, &act_escalate);
}

void h_tasks_flag_conflict(req_t *r)
{
    task_action_handle(r, &act_flag);
}

void h_tasks_consult(req_t *r)
{
    task_action_handle(r, &act_consult);
}

void h_tasks_reschedule(req_t *r)
{
    task_action_handle(r, &act_reschedule);
}

void h_tasks_reassign(req_t *r)
{
    task_action_handle(r, &act_reassign);
}
