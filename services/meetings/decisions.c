/* Meeting decisions: recorded during the meeting with a responsible person,
 * a deadline and requirements (R-MTG-9), personnel matters only here
 * (R-MTG-5), immutable once published and changed only by a new decision
 * that supersedes (R-MTG-7), confidential ones seen by the participants
 * alone with every read audited (R-MTG-8); progress reported to the
 * convener (R-MTG-9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "meetings.h"

static const char *const states[] = {"draft", "published", "in_progress", "completed",
                                     "superseded", NULL};
static const char *const categories[] = {"general", "personnel", "finance", "other", NULL};
static const char *const personnel_actions[] = {"transfer",    "adjustment", "reward",
                                                "appointment", "suspension", "other", NULL};

/* ---------- reads (confidential reads are audited, R-MTG-8) ---------- */

static const db_stmt Q_DECISION_GET = {
    "mtg_decision_get",
    "WITH v AS (SELECT d.id, decision_doc(d) AS doc, d.version, d.confidential FROM decisions d"
    "   WHERE d.id = $1 AND decision_visible(d, $2, $3)),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action,"
    "   request_id, client_request_id)"
    "   SELECT 'meetings', $2, 'decision', v.id, 'read', $4, $5 FROM v WHERE v.confidential)"
    " SELECT doc, version FROM v"};

void h_decisions_get(req_t *r)
{
    static const read_arg args[] = {READ_USER, READ_SEES_ALL, READ_REQUEST_ID,
                                    READ_CLIENT_REQUEST_ID, READ_END};
    action_get_as(r, &Q_DECISION_GET, meetings_privileged(r), args);
}

/* A confidential decision listed is read (R-MTG-8): its event is written
 * by the same statement, for the rows the page shows (the last of the
 * LIMIT is only there to tell whether a next page exists). */
static const db_stmt Q_DECISIONS_LIST = {
    "mtg_decision_list",
    "WITH v AS (SELECT d.id, decision_doc(d) AS doc, d.confidential FROM decisions d"
    "   WHERE " PAGE_BEFORE("d.id", "$4") " AND ($5::text IS NULL OR d.state = $5)"
    "   AND (NOT $6 OR (d.state IN ('published', 'in_progress')"
    "        AND d.deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date))"
    "   AND ($7::bigint IS NULL OR d.responsible_id = $7) AND ($8::text IS NULL OR d.category = $8)"
    "   AND ($9::bigint IS NULL OR d.meeting_id = $9)"
    "   AND decision_visible(d, $1, $2) ORDER BY d.id DESC LIMIT $10::bigint),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action,"
    "   request_id, client_request_id)"
    "   SELECT 'meetings', $1, 'decision', s.id, 'read_list', $3, $11"
    "   FROM (SELECT v.id, v.confidential FROM v ORDER BY v.id DESC LIMIT $10::bigint - 1) s"
    "   WHERE s.confidential)"
    " SELECT id, doc FROM v ORDER BY id DESC"};

static const list_filter decision_filters[] = {
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "overdue", .kind = LIST_BOOL},
    {.name = "mine", .kind = LIST_BOOL},
    {.name = "responsible_id", .kind = LIST_ID},
    {.name = "meeting_id", .kind = LIST_ID},
    {.name = "category", .kind = LIST_ENUM, .values = categories},
    LIST_FILTERS_END,
};

static const list_t decisions_list = {
    .stmt = &Q_DECISIONS_LIST,
    .filters = decision_filters,
    .params = {"@caller", "@sees_all", "@rid", "@cursor", "state", "overdue", "responsible_id",
               "category", "meeting_id", "@limit", "@client_rid"},
    .sees_all_of = meetings_privileged,
};

/* ?mine=true: the decisions the caller is responsible for, whatever
 * responsible_id says. */
static const char *const mine_params[] = {"@caller",  "@sees_all",  "@rid",       "@cursor",
                                          "state",    "overdue",    "@caller",    "category",
                                          "meeting_id", "@limit",   "@client_rid", NULL};

void h_decisions_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &decisions_list, &q))
        return;
    PGresult *res = list_read_or_reply(&q, &Q_DECISIONS_LIST,
                                       list_true(&q, "mine") ? mine_params : decisions_list.params);
    if (res)
        reply_page(r, res, q.limit);
}

/* ---------- create ---------- */

typedef struct decision_in {
    long long topic_id, responsible_id, supersedes_id, subject_id;
    const char *text, *deadline, *requirements, *personnel_action, *period_until, *note,
        *outcome;
} decision_in;

static const json_field decision_fields[] = {
    {.name = "topic_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(decision_in, topic_id)},
    {.name = "text", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 5000,
     .offset = offsetof(decision_in, text)},
    {.name = "responsible_id", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(decision_in, responsible_id)},
    {.name = "deadline", .type = JF_DATE, .flags = JF_REQUIRED,
     .offset = offsetof(decision_in, deadline)},
    {.name = "requirements", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 5000,
     .offset = offsetof(decision_in, requirements)},
    {.name = "supersedes_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(decision_in, supersedes_id)},
    {.name = "subject_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(decision_in, subject_id)},
    {.name = "personnel_action", .type = JF_ENUM, .flags = JF_NULLABLE, .values = personnel_actions,
     .offset = offsetof(decision_in, personnel_action)},
    {.name = "period_until", .type = JF_DATE, .flags = JF_NULLABLE,
     .offset = offsetof(decision_in, period_until)},
    JF_END,
};

typedef struct decision_tx {
    req_t *r;
    decision_in in;
    long long meeting;
    char *doc;
} decision_tx;

static const db_stmt Q_MEETING_FOR_DECISION = {
    "mtg_meeting_for_decision",
    "SELECT m.state, m.kind, m.recorder_id, is_participant(m.id, $2) OR $3 AS visible"
    " FROM meetings m WHERE m.id = $1 FOR SHARE"};

static const db_stmt Q_TOPIC_FOR_DECISION = {
    "mtg_topic_for_decision",
    "SELECT t.state, t.category, t.confidential FROM topics t WHERE t.id = $1 AND t.meeting_id = $2"};

static const db_stmt Q_SUPERSEDABLE = {
    "mtg_supersedable",
    "SELECT d.state, d.category, EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes_id = d.id"
    "   AND n.state <> 'superseded') AS taken FROM decisions d WHERE d.id = $1"};

static const db_stmt Q_DEADLINE_OK = {
    "mtg_deadline_ok",
    "SELECT $1::date >= (now() AT TIME ZONE 'Asia/Shanghai')::date AS deadline_ok,"
    " $2::date IS NULL OR $2::date >= (now() AT TIME ZONE 'Asia/Shanghai')::date AS period_ok"};

static const db_stmt Q_DECISION_INSERT = {
    "mtg_decision_insert",
    "INSERT INTO decisions(meeting_id, topic_id, category, confidential, text, responsible_id,"
    " department_id, deadline, requirements, supersedes_id, subject_id, personnel_action,"
    " period_until, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, (SELECT p.department_id FROM identity.org_people p"
    "   WHERE p.id = $6::bigint), $7, $8, $9, $10, $11, $12, $13)"
    " RETURNING id, decision_doc(decisions)"};

static int decision_checks(db_conn *c, decision_tx *t, const char *mid, bool thematic,
                           problem_t *p, char *category, bool *confidential)
{
    const decision_in *in = &t->in;
    char tid[24];
    const char *pt[] = {db_int(tid, in->topic_id), mid};
    PGresult *res;
    if (db_query(c, &Q_TOPIC_FOR_DECISION, 2, pt, &res, p))
        return -1;
    if (PQntuples(res) == 0 || strcmp(db_col_str(res, 0, "state"), "approved")) {
        PQclear(res);
        return problem_field(p, "topic_id", "must be an approved topic of this meeting's agenda");
    }
    snprintf(category, 16, "%s", db_col_str(res, 0, "category"));
    *confidential = db_col_bool(res, 0, "confidential");
    PQclear(res);
    bool personnel = !strcmp(category, "personnel");
    /* R-MTG-5: personnel matters are decided only as director's meeting
     * decisions, and a personnel decision says whom and what. */
    if (personnel && thematic)
        return problem_set(p, ERR_DECISION_PERSONNEL_NEEDS_DIRECTORS_MEETING, NULL, NULL,
                           "personnel matters are decided only at a director's office meeting");
    if (personnel && !in->subject_id)
        problem_field(p, "subject_id", "a personnel decision names the person concerned (R-MTG-5)");
    if (personnel && !in->personnel_action)
        problem_field(p, "personnel_action",
                      "a personnel decision says what is decided (R-MTG-5)");
    if (!personnel && (in->subject_id || in->personnel_action || in->period_until))
        problem_field(p, in->subject_id ? "subject_id" : in->personnel_action ? "personnel_action" : "period_until",
                      "a personnel matter is decided under a personnel topic (R-MTG-5)");
    if (p->errors) {
        p->rule = "R-MTG-5";
        return -1;
    }
    if (org_office_member(c, in->responsible_id, "responsible_id", p))
        return -1;
    if (personnel && org_office_member(c, in->subject_id, "subject_id", p))
        return -1;
    /* R-MTG-8: only participants see a confidential decision, so only a
     * participant can carry it out. */
    char rid[24];
    db_int(rid, in->responsible_id);
    if (*confidential) {
        static const db_stmt Q_PART = {"mtg_is_participant",
                                       "SELECT is_participant($1, $2)"};
        const char *pp[] = {mid, rid};
        if (db_query(c, &Q_PART, 2, pp, &res, p))
            return -1;
        bool part = db_col_bool(res, 0, "is_participant");
        PQclear(res);
        if (!part) {
            problem_field(p, "responsible_id",
                          "a confidential decision is carried out by a participant (R-MTG-8)");
            p->rule = "R-MTG-8";
            return -1;
        }
    }
    const char *pd[] = {in->deadline, in->period_until};
    if (db_query(c, &Q_DEADLINE_OK, 2, pd, &res, p))
        return -1;
    if (!db_col_bool(res, 0, "deadline_ok"))
        problem_field(p, "deadline", "must not be in the past");
    if (!db_col_bool(res, 0, "period_ok"))
        problem_field(p, "period_until", "must not be in the past");
    PQclear(res);
    if (p->errors)
        return -1;
    if (in->supersedes_id) {
        char sid[24];
        const char *ps[] = {db_int(sid, in->supersedes_id)};
        if (db_query(c, &Q_SUPERSEDABLE, 1, ps, &res, p))
            return -1;
        if (PQntuples(res) == 0) {
            PQclear(res);
            return problem_field(p, "supersedes_id", "no such decision");
        }
        const char *state = db_col_str(res, 0, "state");
        bool published = strcmp(state, "draft") && strcmp(state, "superseded");
        bool taken = db_col_bool(res, 0, "taken");
        PQclear(res);
        if (!published || taken)
            return problem_set(p, ERR_DECISION_NOT_SUPERSEDABLE, NULL, NULL,
                               "decision %lld is not a published decision in force, so it "
                               "cannot be superseded",
                               in->supersedes_id);
    }
    return 0;
}

static int decision_store(db_conn *c, create_tx *ct, problem_t *p)
{
    decision_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    bool privileged = me->is_admin || (!me->is_secretary && org_is_office_leader(me->position));
    char mid[24], u[24];
    const char *pm[] = {db_int(mid, t->meeting), db_int(u, me->id), privileged ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_MEETING_FOR_DECISION, 3, pm, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "visible")) {
        PQclear(res);
        return problem_set(p, ERR_MEETING_NOT_FOUND, NULL, NULL, "no such meeting");
    }
    char state[24];
    snprintf(state, sizeof state, "%s", db_col_str(res, 0, "state"));
    bool thematic = !strcmp(db_col_str(res, 0, "kind"), "thematic");
    long long recorder = db_col_ll(res, 0, "recorder_id");
    PQclear(res);
    if (me->id != recorder)
        return problem_set(p, ERR_MEETING_NOT_RECORDER, NULL, thematic ? "R-MTG-10" : "R-MTG-2",
                           "the meeting's recorder records its decisions");
    if (strcmp(state, "in_progress"))
        return problem_set(p, ERR_MEETING_NOT_IN_PROGRESS, NULL, NULL,
                           "the meeting is %s; decisions are recorded during it", state);
    char category[16];
    bool confidential = false;
    if (decision_checks(c, t, mid, thematic, p, category, &confidential))
        return -1;
    char tid[24], rid[24], sup[24], subj[24];
    const decision_in *in = &t->in;
    const char *pi[] = {mid,
                        db_int(tid, in->topic_id),
                        category,
                        confidential ? "true" : "false",
                        in->text,
                        db_int(rid, in->responsible_id),
                        in->deadline,
                        in->requirements,
                        in->supersedes_id ? db_int(sup, in->supersedes_id) : NULL,
                        in->subject_id ? db_int(subj, in->subject_id) : NULL,
                        in->personnel_action,
                        in->period_until,
                        u};
    if (db_query(c, &Q_DECISION_INSERT, 13, pi, &res, p))
        return -1;
    long long id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "decision_doc"));
    PQclear(res);
    ct->id = id;
    return 0;
}

static const create_t decision_create = {
    .entity = "decision",
    .fields = decision_fields,
    .store = decision_store,
};

void h_decisions_create(req_t *r)
{
    decision_tx t = {.r = r, .meeting = path_id_or_reply(r, "id")};
    if (t.meeting)
        create_handle(r, &decision_create, &t.in, &t);
}

/* ---------- progress, complete ---------- */

static const action_kind decision_kind = {
    .entity = "decision",
    .noun = "decision",
    .wrong_state = ERR_DECISION_WRONG_STATE,
};

typedef struct decision_row {
    long long responsible, chair, recorder;
    bool confidential;
    char text[600];
} decision_row;

static const db_stmt Q_DECISION_LOCK = {
    "mtg_decision_lock",
    "SELECT decision_doc(d), d.version, d.state, d.responsible_id, m.chair_id, m.recorder_id,"
    " left(d.text, 100) AS text, d.confidential, decision_visible(d, $2, $3)"
    " FROM decisions d JOIN meetings m ON m.id = d.meeting_id WHERE d.id = $1"
    " FOR NO KEY UPDATE OF d"};

static const action_row_spec decision_spec = {
    .doc = "decision_doc",
    .visible = "decision_visible",
    .missing = ERR_DECISION_NOT_FOUND,
    .detail = "no such decision",
};

static int decision_lock(db_conn *c, action_tx *t, problem_t *p)
{
    decision_row *d = t->row;
    memset(d, 0, sizeof *d);
    const caller_t *me = t->r->caller;
    bool privileged = me->is_admin || (!me->is_secretary && org_is_office_leader(me->position));
    if (!privileged && store_in_secretariat(c, me->id, &privileged, p))
        return -1;
    PGresult *res;
    if (action_lock_visible(c, t, &Q_DECISION_LOCK, privileged, &decision_spec, &res, p))
        return -1;
    d->responsible = db_col_ll(res, 0, "responsible_id");
    d->chair = db_col_ll(res, 0, "chair_id");
    d->recorder = db_col_ll(res, 0, "recorder_id");
    d->confidential = db_col_bool(res, 0, "confidential");
    snprintf(d->text, sizeof d->text, "%s", db_col_str(res, 0, "text"));
    PQclear(res);
    return 0;
}

/* R-MTG-9: the responsible person reports. */
static int authorise_responsible(db_conn *c, action_tx *t, problem_t *p)
{
    const decision_row *d = t->row;
    (void)c;
    if (t->r->caller->id != d->responsible)
        return problem_set(p, ERR_DECISION_NOT_RESPONSIBLE, NULL, NULL,
                           "the person responsible for the decision reports on it");
    return 0;
}

static const db_stmt Q_PROGRESS_INSERT = {
    "mtg_progress_insert",
    "INSERT INTO decision_progress(decision_id, author_id, kind, note) VALUES ($1, $2, $3, $4)"};

static const db_stmt Q_DECISION_PROGRESS = {
    "mtg_decision_progress",
    "UPDATE decisions d SET state = $3, progress_count = d.progress_count + 1,"
    " last_progress_at = now(), last_progress_note = $2,"
    " completed_at = CASE WHEN $3 = 'completed' THEN now() END,"
    " outcome = CASE WHEN $3 = 'completed' THEN $2 END,"
    " version = d.version + 1, updated_at = now() WHERE d.id = $1 RETURNING decision_doc(d)"};

static int report(db_conn *c, action_tx *t, const char *kind, const char *to, const char *note,
                  problem_t *p)
{
    const decision_row *d = t->row;
    char id[24], u[24], title[TITLE_BYTES], ids[64];
    const char *pi[] = {db_int(id, t->id), db_int(u, t->r->caller->id), kind, note};
    if (db_run(c, &Q_PROGRESS_INSERT, 4, pi, p))
        return -1;
    const char *pu[] = {id, note, to};
    if (db_text(c, &Q_DECISION_PROGRESS, 3, pu, &t->doc, p))
        return -1;
    /* To the convener, and to the secretariat chief who supervises (督办);
     * of a confidential decision neither its text nor the note, which are
     * read in the decision, where the read is audited (R-MTG-8). */
    const char *what = !strcmp(to, "completed") ? "completed" : "progress";
    if (d->confidential)
        snprintf(title, sizeof title, "Confidential decision %lld: %s reported", t->id, what);
    else
        snprintf(title, sizeof title, "Decision %lld %s: %s", t->id, what, d->text);
    snprintf(ids, sizeof ids, "{%lld,%lld}", d->chair, d->recorder);
    return notify_all(c, ids, !strcmp(to, "completed") ? "decision_completed"
                                                             : "decision_progress",
                            title, d->confidential ? "" : note, "decision", t->id, p);
}

static int perform_progress(db_conn *c, action_tx *t, problem_t *p)
{
    const decision_in *in = t->in;
    return report(c, t, "progress", "in_progress", in->note, p);
}

static int perform_complete(db_conn *c, action_tx *t, problem_t *p)
{
    const decision_in *in = t->in;
    return report(c, t, "completion", "completed", in->outcome, p);
}

static const json_field progress_fields[] = {
    {.name = "note", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(decision_in, note)},
    JF_END,
};

static const json_field complete_fields[] = {
    {.name = "outcome", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(decision_in, outcome)},
    JF_END,
};

static const char *const from_open[] = {"published", "in_progress", NULL};

static const action_t act_progress = {
    .kind = &decision_kind,
    .verb = "progress",
    .done = "reported on",
    .fields = progress_fields,
    .from_states = from_open,
    .rule = "R-MTG-9",
    .lock = decision_lock,
    .authorise = authorise_responsible,
    .perform = perform_progress,
};
static const action_t act_complete = {
    .kind = &decision_kind,
    .verb = "complete",
    .done = "completed",
    .fields = complete_fields,
    .from_states = from_open,
    .rule = "R-MTG-9",
    .lock = decision_lock,
    .authorise = authorise_responsible,
    .perform = perform_complete,
};

void h_decisions_progress(req_t *r)
{
    decision_in in = {0};
    decision_row row = {0};
    action_handle(r, &act_progress, &in, &row);
}

void h_decisions_complete(req_t *r)
{
    decision_in in = {0};
    decision_row row = {0};
    action_handle(r, &act_complete, &in, &row);
}
