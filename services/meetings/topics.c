/* Topics: gathered by the secretariat with their presenter's explanation
 * and recommendation, on the agenda once the section's supervising deputy
 * approves them (R-MTG-3); confidential ones are seen only by the
 * participants, and every read of one is audited (R-MTG-8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "meetings.h"

static const char *const categories[] = {"general", "personnel", "finance", "other", NULL};

/* ---------- reads (confidential reads are audited, R-MTG-8) ---------- */

static const db_stmt Q_TOPIC_GET = {
    "mtg_topic_get",
    "WITH v AS (SELECT t.id, topic_doc(t) AS doc, t.version, t.confidential FROM topics t"
    "   JOIN meetings m ON m.id = t.meeting_id WHERE t.id = $1 AND topic_visible(t, m, $2, $3)),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action,"
    "   request_id, client_request_id)"
    "   SELECT 'meetings', $2, 'topic', v.id, 'read', $4, $5 FROM v WHERE v.confidential)"
    " SELECT doc, version FROM v"};

void h_topics_get(req_t *r)
{
    static const read_arg args[] = {READ_USER, READ_SEES_ALL, READ_REQUEST_ID,
                                    READ_CLIENT_REQUEST_ID, READ_END};
    action_get_as(r, &Q_TOPIC_GET, meetings_privileged(r), args);
}

/* A confidential topic listed is read (R-MTG-8), audited by the same
 * statement for the rows the page shows (not the one more that tells
 * whether a next page exists). */
static const db_stmt Q_TOPICS_LIST = {
    "mtg_topic_list",
    "WITH v AS (SELECT t.id, topic_doc(t) AS doc, t.confidential FROM topics t"
    "   JOIN meetings m ON m.id = t.meeting_id WHERE t.meeting_id = $1"
    "   AND " PAGE_BEFORE("t.id", "$5") " AND topic_visible(t, m, $2, $3)"
    "   ORDER BY t.id DESC LIMIT $6::bigint),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action,"
    "   request_id, client_request_id)"
    "   SELECT 'meetings', $2, 'topic', s.id, 'read_list', $4, $7"
    "   FROM (SELECT v.id, v.confidential FROM v ORDER BY v.id DESC LIMIT $6::bigint - 1) s"
    "   WHERE s.confidential)"
    " SELECT id, doc FROM v ORDER BY id DESC"};

static const list_t topics_list = {
    .stmt = &Q_TOPICS_LIST,
    .path_id = true,
    .params = {"@id", "@caller", "@sees_all", "@rid", "@cursor", "@limit", "@client_rid"},
    .sees_all_of = meetings_privileged,
};

void h_topics_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &topics_list, &q) || !meeting_seen_or_reply(r, q.id))
        return;
    list_reply(&q);
}

/* ---------- create ---------- */

typedef struct topic_in {
    const char *title, *category, *summary, *explanation, *recommendation, *materials, *comment;
    long long department_id, presenter_id;
    bool confidential;
} topic_in;

static const json_field topic_fields[] = {
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(topic_in, title)},
    {.name = "category", .type = JF_ENUM, .flags = JF_REQUIRED, .values = categories,
     .offset = offsetof(topic_in, category)},
    {.name = "department_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(topic_in, department_id)},
    {.name = "presenter_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(topic_in, presenter_id)},
    {.name = "summary", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(topic_in, summary)},
    {.name = "explanation", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 5000,
     .offset = offsetof(topic_in, explanation)},
    {.name = "recommendation", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 5000,
     .offset = offsetof(topic_in, recommendation)},
    {.name = "materials", .type = JF_TEXT, .max = 20000, .offset = offsetof(topic_in, materials)},
    {.name = "confidential", .type = JF_BOOL, .offset = offsetof(topic_in, confidential)},
    JF_END,
};

typedef struct topic_tx {
    req_t *r;
    topic_in in;
    long long meeting;
    char *doc;
} topic_tx;

static const db_stmt Q_MEETING_FOR_TOPIC = {
    "mtg_meeting_for_topic",
    "SELECT m.state, m.kind, m.chair_id, m.recorder_id, meeting_visible(m, $2, $3), m.title"
    " FROM meetings m WHERE m.id = $1 FOR SHARE"};

static const db_stmt Q_DEPARTMENT = {
    "mtg_department",
    "SELECT d.kind, d.supervising_deputy_id FROM identity.org_departments d WHERE d.id = $1"};

static const db_stmt Q_TOPIC_INSERT = {
    "mtg_topic_insert",
    "INSERT INTO topics(meeting_id, title, category, department_id, presenter_id, summary,"
    " explanation, recommendation, materials, confidential, submitted_by, approver_id, state,"
    " decided_by, decided_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, ''), $10, $11, $12, $13,"
    " CASE WHEN $13 = 'approved' THEN $12::bigint END,"
    " CASE WHEN $13 = 'approved' THEN now() END) RETURNING id, topic_doc(topics)"};

/* R-MTG-1: the section chief concerned takes part as a member. */
static const db_stmt Q_PRESENTER_JOINS = {
    "mtg_presenter_joins",
    "INSERT INTO meeting_participants(meeting_id, user_id, role) VALUES ($1, $2, 'member')"
    " ON CONFLICT (meeting_id, user_id) DO NOTHING"};

static int topic_store(db_conn *c, create_tx *ct, problem_t *p)
{
    topic_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    bool secretariat = false;
    if (store_in_secretariat(c, me->id, &secretariat, p))
        return -1;
    bool privileged = secretariat || me->is_admin ||
                      (!me->is_secretary && org_is_office_leader(me->position));
    char mid[24], u[24];
    const char *pm[] = {db_int(mid, t->meeting), db_int(u, me->id), privileged ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_MEETING_FOR_TOPIC, 3, pm, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "meeting_visible")) {
        PQclear(res);
        return problem_set(p, ERR_MEETING_NOT_FOUND, NULL, NULL, "no such meeting");
    }
    char state[24], kind[16], mtitle[800];
    snprintf(state, sizeof state, "%s", db_col_str(res, 0, "state"));
    snprintf(kind, sizeof kind, "%s", db_col_str(res, 0, "kind"));
    snprintf(mtitle, sizeof mtitle, "%s", db_col_str(res, 0, "title"));
    long long chair = db_col_ll(res, 0, "chair_id"), recorder = db_col_ll(res, 0, "recorder_id");
    PQclear(res);
    bool thematic = !strcmp(kind, "thematic");
    if (thematic ? (me->id != recorder && me->id != chair) : !secretariat)
        return problem_set(p, ERR_TOPIC_NOT_SECRETARIAT, NULL, thematic ? "R-MTG-10" : "R-MTG-3",
                           thematic ? "the leader's secretary prepares a thematic meeting's topics"
                                    : "sections submit topics through the secretariat (文秘科)");
    if (strcmp(state, "planned") && strcmp(state, "agenda_published"))
        return problem_set(p, ERR_MEETING_WRONG_STATE, NULL, NULL,
                           "the meeting is %s; topics are added while it is being prepared", state);
    if (thematic && !strcmp(t->in.category, "personnel"))
        return problem_set(p, ERR_TOPIC_PERSONNEL_NEEDS_DIRECTORS_MEETING, NULL, NULL,
                           "personnel matters (transfers, adjustments, rewards, appointments) are "
                           "decided only at a director's office meeting");
    char dep[24];
    const char *pd[] = {db_int(dep, t->in.department_id)};
    if (db_query(c, &Q_DEPARTMENT, 1, pd, &res, p))
        return -1;
    long long approver = 0;
    const char *dkind = PQntuples(res) ? db_col_str(res, 0, "kind") : "";
    if (PQntuples(res) == 0 || !strcmp(dkind, "external") || !strcmp(dkind, "bureau") ||
        !strcmp(dkind, "township"))
        problem_field(p, "department_id", "must be a section of the office");
    else
        approver = db_col_ll(res, 0, "supervising_deputy_id");
    PQclear(res);
    org_person presenter;
    if (org_person_get(c, t->in.presenter_id, &presenter, p)) {
        if (p->code != ERR_USER_NOT_FOUND)
            return -1;
        problem_clear(p);
        problem_field(p, "presenter_id", "is not an active user");
    } else if (!thematic && !mtg_may_present(presenter.position)) {
        problem_field(p, "presenter_id",
                      "a deputy director or the section chief concerned presents a topic "
                      "(R-MTG-3)");
        p->rule = "R-MTG-3";
    }
    if (p->errors)
        return -1;
    if (thematic || !approver)
        approver = chair;
    char pres[24], conf[8], appr[24];
    snprintf(conf, sizeof conf, "%s", t->in.confidential ? "true" : "false");
    const char *pi[] = {mid,
                        t->in.title,
                        t->in.category,
                        dep,
                        db_int(pres, t->in.presenter_id),
                        t->in.summary,
                        t->in.explanation,
                        t->in.recommendation,
                        t->in.materials,
                        conf,
                        u,
                        db_int(appr, approver),
                        thematic ? "approved" : "proposed"};
    if (db_query(c, &Q_TOPIC_INSERT, 13, pi, &res, p))
        return -1;
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "topic_doc"));
    PQclear(res);
    if (!ct->doc)
        return problem_oom(p);
    if (!thematic) {
        const char *pj[] = {mid, pres};
        char title[TITLE_BYTES];
        /* A confidential topic is read in the topic, where the read is
         * audited (R-MTG-8), not in the notification. */
        if (t->in.confidential)
            snprintf(title, sizeof title, "Approve a confidential topic for %s", mtitle);
        else
            snprintf(title, sizeof title, "Approve a topic for %s: %s", mtitle, t->in.title);
        if (db_run(c, &Q_PRESENTER_JOINS, 2, pj, p) ||
            notify(c, approver, "topic_to_approve", title,
                   t->in.confidential ? "" : t->in.summary, "topic", id, p))
            return -1;
    }
    ct->id = id;
    return 0;
}

static const create_t topic_create = {
    .entity = "topic",
    .fields = topic_fields,
    .store = topic_store,
};

void h_topics_create(req_t *r)
{
    topic_tx t = {.r = r, .meeting = path_id_or_reply(r, "id")};
    if (t.meeting)
        create_handle(r, &topic_create, &t.in, &t);
}

/* ---------- approve, reject ---------- */

static const action_kind topic_kind = {
    .entity = "topic",
    .noun = "topic",
    .wrong_state = ERR_TOPIC_WRONG_STATE,
};

typedef struct topic_row {
    long long approver, submitted_by;
    bool confidential;
    char title[800];
} topic_row;

static const db_stmt Q_TOPIC_LOCK = {
    "mtg_topic_lock",
    "SELECT topic_doc(t), t.version, t.state, t.approver_id, t.submitted_by, t.title,"
    " t.confidential,"
    " topic_visible(t, m, $2, $3), m.state AS meeting_state"
    " FROM topics t JOIN meetings m ON m.id = t.meeting_id WHERE t.id = $1"
    " FOR NO KEY UPDATE OF t"};

static const action_row_spec topic_spec = {
    .doc = "topic_doc",
    .visible = "topic_visible",
    .missing = ERR_TOPIC_NOT_FOUND,
    .detail = "no such topic",
};

static int topic_lock(db_conn *c, action_tx *t, problem_t *p)
{
    topic_row *row = t->row;
    memset(row, 0, sizeof *row);
    const caller_t *me = t->r->caller;
    bool privileged = me->is_admin || (!me->is_secretary && org_is_office_leader(me->position));
    if (!privileged && store_in_secretariat(c, me->id, &privileged, p))
        return -1;
    PGresult *res;
    if (action_lock_visible(c, t, &Q_TOPIC_LOCK, privileged, &topic_spec, &res, p))
        return -1;
    row->approver = db_col_ll(res, 0, "approver_id");
    row->submitted_by = db_col_ll(res, 0, "submitted_by");
    row->confidential = db_col_bool(res, 0, "confidential");
    snprintf(row->title, sizeof row->title, "%s", db_col_str(res, 0, "title"));
    const char *mstate = db_col_str(res, 0, "meeting_state");
    bool closed = !strcmp(mstate, "closed") || !strcmp(mstate, "cancelled");
    PQclear(res);
    if (closed)
        return problem_set(p, ERR_TOPIC_MEETING_OVER, NULL, NULL, "the topic's meeting is over");
    return 0;
}

/* R-MTG-3: the supervising deputy of the topic's section (the director for
 * a section without one). */
static int authorise_approver(db_conn *c, action_tx *t, problem_t *p)
{
    const topic_row *row = t->row;
    (void)c;
    if (t->r->caller->id != row->approver)
        return problem_set(p, ERR_TOPIC_APPROVER_MISMATCH, NULL, NULL,
                           "a topic is approved by its section's supervising deputy director");
    return 0;
}

static const db_stmt Q_TOPIC_DECIDE = {
    "mtg_topic_decide",
    "UPDATE topics t SET state = $2, decided_by = $3, decided_at = now(), comment = $4,"
    " version = t.version + 1, updated_at = now() WHERE t.id = $1 RETURNING topic_doc(t)"};

static int decide(db_conn *c, action_tx *t, const char *to, problem_t *p)
{
    const topic_row *row = t->row;
    const comment_in *in = t->in;
    char id[24], u[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), to, db_int(u, t->r->caller->id), in->comment};
    if (db_text(c, &Q_TOPIC_DECIDE, 4, params, &t->doc, p))
        return -1;
    /* A confidential topic and the comment on it are read in the topic,
     * where the read is audited (R-MTG-8), not in the notification. */
    if (row->confidential)
        snprintf(title, sizeof title, "Confidential topic %lld %s", t->id, to);
    else
        snprintf(title, sizeof title, "Topic %s: %s", to, row->title);
    return notify(c, row->submitted_by, "topic_decided", title,
                  in->comment && !row->confidential ? in->comment : "", "topic", t->id, p);
}

static int perform_approve(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "approved", p);
}

static int perform_reject(db_conn *c, action_tx *t, problem_t *p)
{
    return decide(c, t, "rejected", p);
}

static const char *const from_proposed[] = {"proposed", NULL};

static const action_t act_approve = {
    ACTION_DECISION("approve", "approved"),
    .kind = &topic_kind, .from_states = from_proposed, .rule = "R-MTG-3",
    .lock = topic_lock, .authorise = authorise_approver, .perform = perform_approve,
};
static const action_t act_reject = {
    ACTION_DECISION("reject", "rejected"),
    .kind = &topic_kind, .from_states = from_proposed, .rule = "R-MTG-3",
    .lock = topic_lock, .authorise = authorise_approver, .perform = perform_reject,
};

void h_topics_approve(req_t *r)
{
    comment_in in = {0};
    topic_row row = {0};
    action_handle(r, &act_approve, &in, &row);
}

void h_topics_reject(req_t *r)
{
    comment_in in = {0};
    topic_row row = {0};
    action_handle(r, &act_reject, &in, &row);
}
