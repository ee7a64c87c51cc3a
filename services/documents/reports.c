/* Internal reports and requests (请示报告, 工作规程): to the direct
 * superior; skipping a level only with a superior's authorisation or for
 * an urgent matter, every bypassed superior notified and owed feedback
 * once it is answered (R-ORG-2); a chief to the director with the
 * supervising deputy's opinion, the decision sent to that deputy
 * (R-ORG-3); with the deputy away, an urgent matter straight to the
 * director (R-ORG-4); work a district leader assigned directly, reported
 * to the superior and its outcome after (R-ORG-5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "documents.h"
#include "list.h"
#include "org.h"

static const char *const states[] = {"open", "answered", "awaiting_outcome", "closed", NULL};

/* ---------- reads ---------- */

static const db_stmt Q_REPORTS_LIST = {
    "reports_list",
    "SELECT r.id, report_doc(r) FROM reports r"
    " WHERE " PAGE_BEFORE("r.id", "$1") " AND ($2::text IS NULL OR r.state = $2)"
    " AND (NOT $3 OR r.sender_id = $5) AND (NOT $4 OR r.to_user_id = $5)"
    " AND $5 = ANY (r.path_ids) ORDER BY r.id DESC LIMIT $6"};

static const list_filter report_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "to_me", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t reports_list = {
    .stmt = &Q_REPORTS_LIST,
    .filters = report_filters,
    .params = {"@cursor", "state", "mine", "to_me", "@caller", "@limit"},
};

void h_reports_list(req_t *r)
{
    list_handle(r, &reports_list);
}

static const db_stmt Q_REPORT_GET = {
    "reports_get",
    "SELECT report_doc(r), r.version FROM reports r WHERE r.id = $1 AND $2 = ANY (r.path_ids)"
    " AND $3::boolean IS NOT NULL"};

void h_reports_get(req_t *r)
{
    action_get_visible(r, &Q_REPORT_GET, false);
}

/* ---------- create ---------- */

typedef struct report_in {
    long long to_user_id, authorized_by, assigned_by_leader_id;
    const char *subject, *body, *urgent_reason, *deputy_opinion;
    bool urgent;
} report_in;

static const json_field report_fields[] = {
    {.name = "to_user_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(report_in, to_user_id)},
    {.name = "subject", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(report_in, subject)},
    {.name = "body", .type = JF_TEXT, .flags = JF_REQUIRED, .max = 20000,
     .offset = offsetof(report_in, body)},
    {.name = "urgent", .type = JF_BOOL, .offset = offsetof(report_in, urgent)},
    {.name = "urgent_reason", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 2000,
     .offset = offsetof(report_in, urgent_reason)},
    {.name = "authorized_by", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(report_in, authorized_by)},
    {.name = "deputy_opinion", .type = JF_STRING, .flags = JF_NULLABLE, .min = 1, .max = 4000,
     .offset = offsetof(report_in, deputy_opinion)},
    {.name = "assigned_by_leader_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(report_in, assigned_by_leader_id)},
    JF_END,
};

typedef struct report_tx {
    report_in in;
} report_tx;

static const db_stmt Q_DEPUTY_AWAY = {
    "reports_deputy_away",
    "SELECT EXISTS (SELECT 1 FROM attendance.away_now WHERE user_id = $1) AS away"};

static const db_stmt Q_REPORT_INSERT = {
    "reports_insert",
    "INSERT INTO reports(sender_id, to_user_id, subject, body, urgent, urgent_reason,"
    " authorized_by, deputy_opinion, deputy_id, assigned_by_leader_id, route, bypassed_ids,"
    " feedback_owed, state, path_ids)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::bigint[], $13, $14,"
    " ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[$1::bigint, $2::bigint,"
    "   coalesce($7::bigint, 0), coalesce($9::bigint, 0)] || $12::bigint[]) x WHERE x > 0))"
    " RETURNING id, report_doc(reports) AS doc"};

/* The sender's superiors, nearest first (R-ORG-1). */
static int chain_of(db_conn *c, long long who, long long *chain, size_t *n, problem_t *p)
{
    *n = 0;
    long long cur = who;
    while (*n < REPORT_CHAIN_MAX) {
        long long up;
        if (org_superior_of(c, cur, &up, p))
            return -1;
        if (!up || up == cur)
            break;
        for (size_t i = 0; i < *n; i++)
            if (chain[i] == up)
                return 0;
        chain[(*n)++] = up;
        cur = up;
    }
    return 0;
}

static int report_store(db_conn *c, create_tx *ct, problem_t *p)
{
    report_tx *t = ct->ctx;
    const report_in *in = &t->in;
    org_person me, to;
    if (org_person_get(c, ct->r->caller->id, &me, p))
        return -1;
    if (!me.department_id || !strcmp(me.department_kind, "external"))
        return problem_set(p, ERR_REPORT_NOT_OFFICE, NULL, "R-ORG-2",
                           "internal reports are made by members of the office");
    if (org_person_get(c, in->to_user_id, &to, p)) {
        if (p->code != ERR_USER_NOT_FOUND)
            return -1;
        problem_clear(p);
        return problem_field(p, "to_user_id", "is not an active user");
    }
    long long chain[REPORT_CHAIN_MAX];
    size_t n;
    if (chain_of(c, me.id, chain, &n, p))
        return -1;
    const char *route, *state;
    size_t bypassed = 0;
    long long deputy = 0;
    bool owed = false;
    if (in->assigned_by_leader_id) {
        /* R-ORG-5: work a district leader assigned directly. */
        org_person leader;
        if (org_person_get(c, in->assigned_by_leader_id, &leader, p) ||
            !org_is_district_leader(leader.position)) {
            problem_clear(p);
            p->rule = "R-ORG-5";
            return problem_field(p, "assigned_by_leader_id", "is not a district leader");
        }
        if (!n || in->to_user_id != chain[0]) {
            problem_set(p, ERR_REPORT_NOT_DIRECT_SUPERIOR, NULL, "R-ORG-5",
                        "work a district leader assigned directly is reported to your direct "
                        "superior");
            return problem_field(p, "to_user_id", "must be your direct superior");
        }
        route = "leader_assigned";
        state = "awaiting_outcome";
    } else {
        report_route_in ri = {
            .chain = chain,
            .chain_len = n,
            .to = in->to_user_id,
            .authorized_by = in->authorized_by,
            .sender_is_chief = !strcmp(me.position, POS_SECTION_CHIEF),
            .to_is_director = !strcmp(to.position, POS_OFFICE_DIRECTOR),
            .urgent = in->urgent,
            .has_reason = in->urgent_reason != NULL,
            .has_deputy_opinion = in->deputy_opinion != NULL,
        };
        /* R-ORG-4 asks attendance whether the deputy is away only when it matters. */
        if (n && ri.sender_is_chief && ri.to_is_director && !ri.has_deputy_opinion && in->urgent) {
            char d[24];
            const char *params[] = {db_int(d, chain[0])};
            PGresult *res;
            if (db_query(c, &Q_DEPUTY_AWAY, 1, params, &res, p))
                return -1;
            ri.deputy_away = db_col_bool(res, 0, "away");
            PQclear(res);
        }
        report_route_kind kind;
        const char *rule, *field, *why;
        if (report_route(&ri, &kind, &bypassed, &rule, &field, &why)) {
            problem_set(p, ERR_REPORT_ROUTE_REFUSED, NULL, rule, "%s", why);
            return field ? problem_field(p, field, "%s", why) : -1;
        }
        route = report_route_name(kind);
        state = "open";
        owed = kind == ROUTE_AUTHORIZED || kind == ROUTE_URGENT || kind == ROUTE_DEPUTY_AWAY;
        if (kind == ROUTE_DEPUTY_OPINION || kind == ROUTE_DEPUTY_AWAY)
            deputy = chain[0];
    }
    char skipped[REPORT_CHAIN_MAX * 21 + 3];
    size_t pos = 0;
    skipped[pos++] = '{';
    for (size_t i = 0; i < bypassed; i++)
        pos += (size_t)snprintf(skipped + pos, sizeof skipped - pos, i ? ",%lld" : "%lld",
                                chain[i]);
    skipped[pos++] = '}';
    skipped[pos] = '\0';
    char me_s[24], to_s[24], auth[24], dep[24], lead[24];
    const char *params[] = {db_int(me_s, me.id),
                            db_int(to_s, in->to_user_id),
                            in->subject,
                            in->body,
                            in->urgent ? "true" : "false",
                            in->urgent_reason,
                            in->authorized_by ? db_int(auth, in->authorized_by) : NULL,
                            in->deputy_opinion,
                            deputy ? db_int(dep, deputy) : NULL,
                            in->assigned_by_leader_id ? db_int(lead, in->assigned_by_leader_id)
                                                      : NULL,
                            route,
                            skipped,
                            owed ? "true" : "false",
                            state};
    if (create_insert(c, ct, &Q_REPORT_INSERT, 14, params, p))
        return -1;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "%s reports to you: %s", me.display_name, in->subject);
    utf8_trim(title, sizeof title);
    if (notify(c, in->to_user_id,
               in->assigned_by_leader_id ? "report_leader_assigned" : "report_to_you", title,
               in->urgent_reason ? in->urgent_reason : "", "report", ct->id, p))
        return -1;
    if (bypassed) {
        snprintf(title, sizeof title, "%s reported over your level (%s): %s", me.display_name,
                 route, in->subject);
        utf8_trim(title, sizeof title);
        if (notify_all(c, skipped, "report_bypassed", title,
                             in->urgent_reason ? in->urgent_reason : "", "report", ct->id, p))
            return -1;
    }
    return 0;
}

static const create_t report_create = {
    .entity = "report",
    .fields = report_fields,
    .store = report_store,
};

void h_reports_create(req_t *r)
{
    report_tx t = {0};
    create_handle(r, &report_create, &t.in, &t);
}

/* ---------- actions ---------- */

typedef struct report_act_in {
    const char *decision, *note, *outcome;
} report_act_in;

typedef struct report_row {
    long long sender, to, deputy;
    bool owed;
    char route[24];
    char subject[808];
    char *bypassed;
} report_row;

static const action_kind report_kind = {
    .entity = "report",
    .noun = "report",
    .wrong_state = ERR_REPORT_WRONG_STATE,
};

static const db_stmt Q_REPORT_LOCK = {
    "reports_lock",
    "SELECT report_doc(r) AS doc, r.version, r.state, r.sender_id, r.to_user_id,"
    " coalesce(r.deputy_id, 0) AS deputy_id, r.feedback_owed, r.route, r.subject,"
    " r.bypassed_ids::text AS bypassed"
    " FROM reports r WHERE r.id = $1 AND $2 = ANY (r.path_ids) FOR NO KEY UPDATE"};

static const action_row_spec report_spec = {
    .doc = "doc",
    .missing = ERR_REPORT_NOT_FOUND,
    .detail = "no such report",
};

static int report_lock(db_conn *c, action_tx *t, problem_t *p)
{
    report_row *q = t->row;
    free(q->bypassed);
    memset(q, 0, sizeof *q);
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id)};
    PGresult *res;
    if (action_lock_row(c, t, &Q_REPORT_LOCK, 2, params, &report_spec, &res, p))
        return -1;
    q->sender = db_col_ll(res, 0, "sender_id");
    q->to = db_col_ll(res, 0, "to_user_id");
    q->deputy = db_col_ll(res, 0, "deputy_id");
    q->owed = db_col_bool(res, 0, "feedback_owed");
    snprintf(q->route, sizeof q->route, "%s", db_col_str(res, 0, "route"));
    snprintf(q->subject, sizeof q->subject, "%s", db_col_str(res, 0, "subject"));
    q->bypassed = strdup(db_col_str(res, 0, "bypassed"));
    PQclear(res);
    if (!q->bypassed)
        return problem_oom(p);
    return 0;
}

static int authorise_addressee(db_conn *c, action_tx *t, problem_t *p)
{
    const report_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->to)
        return problem_set(p, ERR_REPORT_NOT_ADDRESSEE, NULL, "R-ORG-2",
                           "only the superior it was sent to answers it");
    return 0;
}

static int authorise_sender(db_conn *c, action_tx *t, problem_t *p)
{
    const report_row *q = t->row;
    (void)c;
    if (t->r->caller->id != q->sender)
        return problem_set(p, ERR_REPORT_NOT_SENDER, NULL, NULL,
                           "only the sender records this");
    return 0;
}

static const db_stmt Q_REPORT_SET = {
    "reports_set",
    "UPDATE reports r SET state = $2,"
    " decision = CASE WHEN $3::text IS NOT NULL THEN $3 ELSE r.decision END,"
    " responded_at = CASE WHEN $3::text IS NOT NULL THEN now() ELSE r.responded_at END,"
    " feedback = CASE WHEN $4::text IS NOT NULL THEN $4 ELSE r.feedback END,"
    " feedback_at = CASE WHEN $4::text IS NOT NULL THEN now() ELSE r.feedback_at END,"
    " outcome = CASE WHEN $5::text IS NOT NULL THEN $5 ELSE r.outcome END,"
    " outcome_at = CASE WHEN $5::text IS NOT NULL THEN now() ELSE r.outcome_at END,"
    " version = r.version + 1, updated_at = now() WHERE r.id = $1 RETURNING report_doc(r) AS doc"};

static int report_set(db_conn *c, action_tx *t, const char *state, problem_t *p)
{
    const report_act_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id), state, in->decision, in->note, in->outcome};
    PGresult *res;
    if (db_query(c, &Q_REPORT_SET, 5, params, &res, p))
        return -1;
    free(t->doc);
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    return t->doc ? 0 : problem_oom(p);
}

static int report_tell(db_conn *c, action_tx *t, long long who, const char *ids,
                       const char *kind, const char *fmt, const char *body, problem_t *p)
{
    const report_row *q = t->row;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, fmt, q->subject);
    utf8_trim(title, sizeof title);
    if (ids)
        return notify_all(c, ids, kind, title, body, "report", t->id, p);
    return notify(c, who, kind, title, body, "report", t->id, p);
}

/* R-ORG-2: the answer goes to the bypassed superiors too, and the report
 * stays open until the sender records the feedback owed to them; R-ORG-3:
 * the director's decision goes to the deputy whose opinion was stated. */
static int perform_respond(db_conn *c, action_tx *t, problem_t *p)
{
    const report_row *q = t->row;
    const report_act_in *in = t->in;
    if (report_set(c, t, q->owed ? "answered" : "closed", p) ||
        report_tell(c, t, q->sender, NULL, "report_answered", "Answered: %s", in->decision, p))
        return -1;
    if (q->owed && report_tell(c, t, 0, q->bypassed, "report_answer_for_you",
                               "The answer to a report over your level: %s", in->decision, p))
        return -1;
    if (!strcmp(q->route, "deputy_opinion") &&
        report_tell(c, t, q->deputy, NULL, "report_decision_for_deputy",
                    "The director decided on a report with your opinion (R-ORG-3): %s",
                    in->decision, p))
        return -1;
    return 0;
}

static int perform_feedback(db_conn *c, action_tx *t, problem_t *p)
{
    const report_row *q = t->row;
    const report_act_in *in = t->in;
    if (report_set(c, t, "closed", p))
        return -1;
    return report_tell(c, t, 0, q->bypassed, "report_feedback", "Feedback (反馈) on: %s",
                       in->note, p);
}

/* R-ORG-5: the outcome of the leader's assignment, reported after. */
static int perform_outcome(db_conn *c, action_tx *t, problem_t *p)
{
    const report_row *q = t->row;
    const report_act_in *in = t->in;
    if (report_set(c, t, "closed", p))
        return -1;
    return report_tell(c, t, q->to, NULL, "report_outcome", "Outcome (事后报告): %s",
                       in->outcome, p);
}

static const json_field respond_fields[] = {
    {.name = "decision", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(report_act_in, decision)},
    JF_END,
};
static const json_field feedback_fields[] = {
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(report_act_in, note)},
    JF_END,
};
static const json_field outcome_fields[] = {
    {.name = "outcome", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(report_act_in, outcome)},
    JF_END,
};

static const char *const from_open[] = {"open", NULL};
static const char *const from_answered[] = {"answered", NULL};
static const char *const from_awaiting[] = {"awaiting_outcome", NULL};

static const action_t act_respond = {
    .kind = &report_kind,
    .verb = "respond",
    .done = "answered",
    .fields = respond_fields,
    .decides = true,
    .from_states = from_open,
    .rule = "R-ORG-2",
    .lock = report_lock,
    .authorise = authorise_addressee,
    .perform = perform_respond,
};
static const action_t act_feedback = {
    .kind = &report_kind,
    .verb = "feedback",
    .done = "closed",
    .fields = feedback_fields,
    .from_states = from_answered,
    .rule = "R-ORG-2",
    .lock = report_lock,
    .authorise = authorise_sender,
    .perform = perform_feedback,
};
static const action_t act_outcome = {
    .kind = &report_kind,
    .verb = "outcome",
    .done = "closed",
    .fields = outcome_fields,
    .from_states = from_awaiting,
    .rule = "R-ORG-5",
    .lock = report_lock,
    .authorise = authorise_sender,
    .perform = perform_outcome,
};

static void report_action(req_t *r, const action_t *act)
{
    report_act_in in = {0};
    report_row row = {0};
    action_handle(r, act, &in, &row);
    free(row.bypassed);
}

void h_reports_respond(req_t *r) { report_action(r, &act_respond); }
void h_reports_feedback(req_t *r) { report_action(r, &act_feedback); }
void h_reports_outcome(req_t *r) { report_action(r, &act_outcome); }
