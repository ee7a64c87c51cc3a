/* The steps of an incoming item after registration (R-DOC-7, R-DOC-8):
 * propose (secretariat), assign (director), instruct (each assigned
 * leader), forward (secretariat), complete (each handling department),
 * reply (the secretariat drafts the 批复 as a linked outgoing document),
 * archive (secretariat). Each step is an entry of the processing card. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "documents.h"

typedef struct in_act_in {
    const char *opinion, *instruction, *result, *comment;
    json_t *leader_ids, *department_ids;
} in_act_in;

typedef struct in_row {
    char source_kind[16], kind[16], position[24];
    char title[808], source_org[808], original_number[408];
    char *leaders, *instructed, *depts, *completed;
    bool in_secretariat;
} in_row;

static const action_kind incoming_kind = {
    .entity = "incoming",
    .noun = "incoming item",
    .wrong_state = ERR_INCOMING_WRONG_STATE,
};

static const db_stmt Q_IN_LOCK = {
    "incoming_lock",
    "SELECT incoming_doc(i) AS doc, i.version, i.state, incoming_visible(i, $2, $3) AS visible,"
    " i.source_kind, i.kind, i.title, i.leader_ids::text AS leaders,"
    " i.instructed_ids::text AS instructed, i.department_ids::text AS depts,"
    " i.completed_ids::text AS completed,"
    " EXISTS (SELECT 1 FROM identity.org_departments s WHERE s.id = $3 AND s.is_secretariat)"
    "  AS in_secretariat,"
    " coalesce((SELECT pp.position FROM identity.org_people pp WHERE pp.id = $2 AND pp.active), '')"
    "  AS position,"
    " i.source_org, i.original_number"
    " FROM incoming i WHERE i.id = $1 FOR NO KEY UPDATE"};

static void in_row_free(in_row *q)
{
    free(q->leaders);
    free(q->instructed);
    free(q->depts);
    free(q->completed);
}

static const action_row_spec in_spec = {
    .doc = "doc",
    .visible = "visible",
    .missing = ERR_INCOMING_NOT_FOUND,
    .detail = "no such incoming item",
};

static int in_lock(db_conn *c, action_tx *t, problem_t *p)
{
    in_row *q = t->row;
    in_row_free(q);
    memset(q, 0, sizeof *q);
    char id[24], u[24], d[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            db_int(d, t->r->caller->department_id)};
    PGresult *res;
    if (action_lock_row(c, t, &Q_IN_LOCK, 3, params, &in_spec, &res, p))
        return -1;
    snprintf(q->source_kind, sizeof q->source_kind, "%s", db_col_str(res, 0, "source_kind"));
    snprintf(q->kind, sizeof q->kind, "%s", db_col_str(res, 0, "kind"));
    snprintf(q->title, sizeof q->title, "%s", db_col_str(res, 0, "title"));
    q->leaders = strdup(db_col_str(res, 0, "leaders"));
    q->instructed = strdup(db_col_str(res, 0, "instructed"));
    q->depts = strdup(db_col_str(res, 0, "depts"));
    q->completed = strdup(db_col_str(res, 0, "completed"));
    q->in_secretariat = db_col_bool(res, 0, "in_secretariat");
    snprintf(q->position, sizeof q->position, "%s", db_col_str(res, 0, "position"));
    snprintf(q->source_org, sizeof q->source_org, "%s", db_col_str(res, 0, "source_org"));
    snprintf(q->original_number, sizeof q->original_number, "%s",
             db_col_str(res, 0, "original_number"));
    PQclear(res);
    if (!q->leaders || !q->instructed || !q->depts || !q->completed)
        return problem_oom(p);
    return 0;
}

static const char *rule_of(const in_row *q)
{
    return !strcmp(q->source_kind, "subordinate") ? "R-DOC-8" : "R-DOC-7";
}

static int authorise_secretariat(db_conn *c, action_tx *t, problem_t *p)
{
    const in_row *q = t->row;
    (void)c;
    if (!q->in_secretariat)
        return problem_set(p, ERR_INCOMING_SECRETARIAT_ONLY, NULL, rule_of(q),
                           "only the secretariat (文秘科) does this");
    return 0;
}

/* The director assigns; a superior's or peer's document is proposed on
 * first (拟办, R-DOC-7). */
static int authorise_director(db_conn *c, action_tx *t, problem_t *p)
{
    const in_row *q = t->row;
    (void)c;
    if (strcmp(q->position, POS_OFFICE_DIRECTOR))
        return problem_set(p, ERR_INCOMING_DIRECTOR_ONLY, NULL, rule_of(q),
                           "the office director assigns incoming items (分拨)");
    if (!strcmp(t->state, "registered") && strcmp(q->source_kind, "subordinate"))
        return problem_set(p, ERR_INCOMING_NOT_PROPOSED, NULL, NULL,
                           "the secretariat proposes how to handle it (拟办) before it is "
                           "assigned");
    if (strcmp(t->state, "registered") && strcmp(t->state, "proposed"))
        return problem_set(p, ERR_INCOMING_WRONG_STATE, NULL, NULL, "a %s item cannot be assigned",
                           t->state);
    return 0;
}

static const db_stmt Q_IN_MEMBER = {
    "incoming_member",
    "SELECT $1::bigint = ANY ($2::bigint[]) AS member, $1::bigint = ANY ($3::bigint[]) AS done"};

static int member_of(db_conn *c, long long who, const char *set, const char *done, bool *in,
                     bool *already, problem_t *p)
{
    char w[24];
    const char *params[] = {db_int(w, who), set, done};
    PGresult *res;
    if (db_query(c, &Q_IN_MEMBER, 3, params, &res, p))
        return -1;
    *in = db_col_bool(res, 0, "member");
    *already = db_col_bool(res, 0, "done");
    PQclear(res);
    return 0;
}

static int authorise_leader(db_conn *c, action_tx *t, problem_t *p)
{
    const in_row *q = t->row;
    bool in, already;
    if (member_of(c, t->r->caller->id, q->leaders, q->instructed, &in, &already, p))
        return -1;
    if (!in)
        return problem_set(p, ERR_INCOMING_NOT_ASSIGNED, NULL, rule_of(q),
                           "only the leaders the director assigned it to instruct (批示)");
    if (already)
        return problem_set(p, ERR_INCOMING_ALREADY_INSTRUCTED, NULL, NULL,
                           "you have already given your instruction");
    return 0;
}

static int authorise_handler(db_conn *c, action_tx *t, problem_t *p)
{
    const in_row *q = t->row;
    bool in, already;
    if (member_of(c, t->r->caller->department_id, q->depts, q->completed, &in, &already, p))
        return -1;
    if (!in)
        return problem_set(p, ERR_INCOMING_NOT_HANDLER, NULL, rule_of(q),
                           "only a department it was forwarded to reports it done");
    if (already)
        return problem_set(p, ERR_INCOMING_ALREADY_COMPLETED, NULL, NULL,
                           "your department has already reported it done");
    return 0;
}

/* ---------- the changes ---------- */

static const db_stmt Q_IN_STEP = {
    "incoming_step",
    "UPDATE incoming i SET state = $2, version = i.version + 1, updated_at = now()"
    " WHERE i.id = $1 RETURNING incoming_doc(i) AS doc"};

static int in_step(db_conn *c, action_tx *t, const char *to, const char *entry,
                   const char *text, problem_t *p)
{
    if (incoming_entry(c, t->id, entry, t->r->caller->id, text, p))
        return -1;
    char id[24];
    const char *params[] = {db_int(id, t->id), to};
    PGresult *res;
    if (db_query(c, &Q_IN_STEP, 2, params, &res, p))
        return -1;
    free(t->doc);
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    return t->doc ? 0 : problem_oom(p);
}

static int in_tell(db_conn *c, action_tx *t, const char *ids, const char *kind, const char *fmt,
                   problem_t *p)
{
    const in_row *q = t->row;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, fmt, q->title);
    utf8_trim(title, sizeof title);
    if (!ids)
        return store_notify_secretariat(c, kind, title, "", "incoming", t->id, p);
    return notify_all(c, ids, kind, title, "", "incoming", t->id, p);
}

static int perform_propose(db_conn *c, action_tx *t, problem_t *p)
{
    const in_act_in *in = t->in;
    if (in_step(c, t, "proposed", "propose", in->opinion, p))
        return -1;
    const in_row *q = t->row;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "Assign the incoming document (分拨): %s", q->title);
    utf8_trim(title, sizeof title);
    return store_notify_director(c, "incoming_to_assign", title, "incoming", t->id, p);
}

/* The leaders named who are not district or office leaders. */
static const db_stmt Q_NOT_LEADERS = {
    "incoming_not_leaders",
    "SELECT array_agg(x)::text AS not_leaders FROM unnest($1::bigint[]) x WHERE NOT EXISTS"
    " (SELECT 1 FROM identity.org_people pp WHERE pp.id = x AND pp.active"
    "  AND NOT pp.is_secretary AND pp.position IN ('district_mayor', 'deputy_mayor',"
    "  'office_director', 'deputy_director'))"};

static const db_stmt Q_ASSIGN = {
    "incoming_assign",
    "UPDATE incoming SET leader_ids = $2::bigint[],"
    " path_ids = (SELECT array_agg(DISTINCT x) FROM unnest(path_ids || $2::bigint[] || $3::bigint) x)"
    " WHERE id = $1"};

static int perform_assign(db_conn *c, action_tx *t, problem_t *p)
{
    const in_act_in *in = t->in;
    char *ids = db_id_array(in->leader_ids);
    if (!ids)
        return problem_oom(p);
    const char *p1[] = {ids};
    PGresult *res;
    int rc = -1;
    if (db_query(c, &Q_NOT_LEADERS, 1, p1, &res, p))
        goto cleanup;
    if (!db_col_null(res, 0, "not_leaders")) {
        problem_field(p, "leader_ids", "%s are not district or office leaders",
                      db_col_str(res, 0, "not_leaders"));
        PQclear(res);
        goto cleanup;
    }
    PQclear(res);
    char id[24], me[24];
    const char *p2[] = {db_int(id, t->id), ids, db_int(me, t->r->caller->id)};
    if (db_run(c, &Q_ASSIGN, 3, p2, p) || in_step(c, t, "assigned", "assign", in->opinion, p))
        goto cleanup;
    rc = in_tell(c, t, ids, "incoming_to_instruct", "Instruct (批示) on: %s", p);
cleanup:
    free(ids);
    return rc;
}

static const db_stmt Q_INSTRUCTED = {
    "incoming_instructed",
    "UPDATE incoming SET instructed_ids = array_append(instructed_ids, $2::bigint) WHERE id = $1"
    " RETURNING cardinality(ARRAY(SELECT unnest(leader_ids) EXCEPT SELECT unnest(instructed_ids)))"
    "  AS left_to_instruct"};

static int perform_instruct(db_conn *c, action_tx *t, problem_t *p)
{
    const in_act_in *in = t->in;
    char id[24], me[24];
    const char *params[] = {db_int(id, t->id), db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_INSTRUCTED, 2, params, &res, p))
        return -1;
    long long left = db_col_ll(res, 0, "left_to_instruct");
    PQclear(res);
    if (in_step(c, t, left ? "assigned" : "instructed", "instruct", in->instruction, p))
        return -1;
    if (left)
        return 0;
    return in_tell(c, t, NULL, "incoming_instructed",
                   "Every leader instructed; forward or reply: %s", p);
}

/* The departments named that are not sections or bureaus, and the chiefs
 * (or, without one, the members) of the others. */
static const db_stmt Q_HANDLERS = {
    "incoming_handlers",
    "SELECT (SELECT array_agg(x)::text FROM unnest($1::bigint[]) x WHERE NOT EXISTS"
    "   (SELECT 1 FROM identity.org_departments d WHERE d.id = x AND d.kind IN ('section', 'external')))"
    "  AS not_handlers,"
    " (SELECT coalesce(array_agg(pp.id), '{}')::text FROM identity.org_people pp"
    "   JOIN identity.org_departments d ON d.id = pp.department_id"
    "   WHERE d.id = ANY ($1::bigint[]) AND pp.active"
    "   AND (pp.id = d.chief_id OR d.chief_id IS NULL)) AS people"};

static const db_stmt Q_FORWARD = {
    "incoming_forward",
    "UPDATE incoming SET department_ids = $2::bigint[],"
    " path_ids = (SELECT array_agg(DISTINCT x) FROM unnest(path_ids || $3::bigint[]) x)"
    " WHERE id = $1"};

static int perform_forward(db_conn *c, action_tx *t, problem_t *p)
{
    const in_act_in *in = t->in;
    char *ids = db_id_array(in->department_ids), *people = NULL;
    if (!ids)
        return problem_oom(p);
    const char *p1[] = {ids};
    PGresult *res;
    int rc = -1;
    if (db_query(c, &Q_HANDLERS, 1, p1, &res, p))
        goto cleanup;
    if (!db_col_null(res, 0, "not_handlers")) {
        problem_field(p, "department_ids", "%s are not sections or units",
                      db_col_str(res, 0, "not_handlers"));
        PQclear(res);
        goto cleanup;
    }
    people = strdup(db_col_str(res, 0, "people"));
    PQclear(res);
    if (!people) {
        problem_oom(p);
        goto cleanup;
    }
    char id[24];
    const char *p2[] = {db_int(id, t->id), ids, people};
    if (db_run(c, &Q_FORWARD, 3, p2, p) ||
        in_step(c, t, "forwarded", "forward", in->comment, p))
        goto cleanup;
    rc = in_tell(c, t, people, "incoming_to_handle", "Handle and report back: %s", p);
cleanup:
    free(ids);
    free(people);
    return rc;
}

static const db_stmt Q_COMPLETED = {
    "incoming_completed",
    "UPDATE incoming SET completed_ids = array_append(completed_ids, $2::bigint) WHERE id = $1"
    " RETURNING cardinality(ARRAY(SELECT unnest(department_ids) EXCEPT SELECT unnest(completed_ids)))"
    "  AS left_to_complete"};

static int perform_complete(db_conn *c, action_tx *t, problem_t *p)
{
    const in_act_in *in = t->in;
    char id[24], d[24];
    const char *params[] = {db_int(id, t->id), db_int(d, t->r->caller->department_id)};
    PGresult *res;
    if (db_query(c, &Q_COMPLETED, 2, params, &res, p))
        return -1;
    long long left = db_col_ll(res, 0, "left_to_complete");
    PQclear(res);
    if (in_step(c, t, left ? "forwarded" : "completed", "complete", in->result, p))
        return -1;
    return in_tell(c, t, NULL, "incoming_completed", "Reported done: %s", p);
}

/* The 批复: an outgoing draft of the secretariat, from the leaders'
 * instructions, addressed to the unit that asked (R-DOC-8). */
static const db_stmt Q_REPLY_DRAFT = {
    "incoming_reply_draft",
    "WITH src AS (SELECT i.*, (SELECT string_agg(e.text, E'\\n' ORDER BY e.no)"
    "   FROM incoming_entries e WHERE e.incoming_id = i.id AND e.step = 'instruct') AS said"
    "   FROM incoming i WHERE i.id = $1),"
    " d AS (INSERT INTO documents(issuer, doc_type, title, body, main_recipients, secrecy,"
    " urgency, print_count, reply_to_incoming_id, department_id, creator_id, path_ids)"
    " SELECT 'district_government', 'reply',"
    "  left(CASE WHEN src.title LIKE '%的请示' THEN left(src.title, -3) || '的批复'"
    "            ELSE '关于《' || src.title || '》的批复' END, 200),"
    "  src.source_org || E'：\\n你单位《' || src.title || '》'"
    "  || CASE WHEN src.original_number <> '' THEN '（' || src.original_number || '）' ELSE '' END"
    "  || E'收悉。经研究，批复如下：\\n' || coalesce(src.said, ''),"
    "  left(src.source_org, 1000), src.secrecy, src.urgency, 2, src.id, $2, $3,"
    "  ARRAY(SELECT DISTINCT x FROM unnest(src.leader_ids || $3::bigint) x)"
    " FROM src RETURNING *),"
    " v AS (INSERT INTO document_versions(document_id, no, title, body, author_id)"
    " SELECT d.id, 1, d.title, d.body, d.creator_id FROM d)"
    " SELECT d.id," DOCUMENT_DOC("d") " AS doc FROM d"};

static const db_stmt Q_REPLY_LINK = {
    "incoming_reply_link", "UPDATE incoming SET reply_document_id = $2 WHERE id = $1"};

static int perform_reply(db_conn *c, action_tx *t, problem_t *p)
{
    const in_row *q = t->row;
    const in_act_in *in = t->in;
    if (strcmp(q->source_kind, "subordinate") || strcmp(q->kind, "request"))
        return problem_set(p, ERR_INCOMING_NO_REPLY, NULL, NULL,
                           "a 批复 answers a request (请示) from a subordinate unit");
    char id[24], dept[24], me[24];
    const char *p1[] = {db_int(id, t->id), db_int(dept, t->r->caller->department_id),
                        db_int(me, t->r->caller->id)};
    PGresult *res;
    if (db_query(c, &Q_REPLY_DRAFT, 3, p1, &res, p))
        return -1;
    long long doc_id = db_col_ll(res, 0, "id");
    char *doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!doc)
        return problem_oom(p);
    char d[24];
    const char *p2[] = {id, db_int(d, doc_id)};
    int rc = audit_write(c, &t->r->actor, "document", doc_id, "create", NULL, doc, p);
    free(doc);
    if (rc || db_run(c, &Q_REPLY_LINK, 2, p2, p))
        return -1;
    char text[64];
    snprintf(text, sizeof text, "document %lld", doc_id);
    return in_step(c, t, "replied", "reply", in->comment ? in->comment : text, p);
}

static const db_stmt Q_ARCHIVED = {
    "incoming_archived", "UPDATE incoming SET archived_at = now() WHERE id = $1"};

static int perform_archive(db_conn *c, action_tx *t, problem_t *p)
{
    const in_act_in *in = t->in;
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    if (db_run(c, &Q_ARCHIVED, 1, params, p))
        return -1;
    return in_step(c, t, "archived", "archive", in->comment, p);
}

/* ---------- the table ---------- */

static const json_field opinion_fields[] = {
    {.name = "opinion", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(in_act_in, opinion)},
    JF_END,
};
static const json_field assign_fields[] = {
    {.name = "leader_ids", .type = JF_ID_LIST, .flags = JF_REQUIRED, .min = 1, .max = 20,
     .offset = offsetof(in_act_in, leader_ids)},
    {.name = "opinion", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 2000,
     .offset = offsetof(in_act_in, opinion)},
    JF_END,
};
static const json_field instruct_fields[] = {
    {.name = "instruction", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(in_act_in, instruction)},
    JF_END,
};
static const json_field forward_fields[] = {
    {.name = "department_ids", .type = JF_ID_LIST, .flags = JF_REQUIRED, .min = 1, .max = 50,
     .offset = offsetof(in_act_in, department_ids)},
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(in_act_in, comment)},
    JF_END,
};
static const json_field result_fields[] = {
    {.name = "result", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 4000,
     .offset = offsetof(in_act_in, result)},
    JF_END,
};
/* A longer comment than common's comment_fields allows. */
static const json_field doc_comment_fields[] = {
    {.name = "comment", .type = JF_TEXT, .max = 2000, .offset = offsetof(in_act_in, comment)},
    JF_END,
};

static const char *const from_registered[] = {"registered", NULL};
static const char *const from_assigned[] = {"assigned", NULL};
static const char *const from_instructed[] = {"instructed", NULL};
static const char *const from_forwarded[] = {"forwarded", NULL};
static const char *const from_done[] = {"instructed", "completed", "replied", NULL};

/* Where authorise refuses a state itself (the director's assignment), it
 * does so before the If-Match is looked at, as it always has, and the
 * row's from-states say the same. The rule of an item depends on where it
 * came from (R-DOC-7 from above or a peer, R-DOC-8 from below: rule_of),
 * so the refusals of who may act name it rather than the row. */
static const char *const from_assignable[] = {"registered", "proposed", NULL};

/* R-DOC-7: the secretariat proposes how to handle it (拟办). */
static const action_t act_propose = {
    .kind = &incoming_kind,
    .verb = "propose",
    .done = "proposed",
    .fields = opinion_fields,
    .from_states = from_registered,
    .lock = in_lock,
    .authorise = authorise_secretariat,
    .perform = perform_propose,
};
/* R-DOC-7, R-DOC-8: the director assigns it to leaders (分拨). */
static const action_t act_assign = {
    .kind = &incoming_kind,
    .verb = "assign",
    .done = "assigned",
    .fields = assign_fields,
    .decides = true,
    .from_states = from_assignable,
    .lock = in_lock,
    .authorise = authorise_director,
    .perform = perform_assign,
};
/* R-DOC-7, R-DOC-8: each leader assigned instructs (批示). */
static const action_t act_instruct = {
    .kind = &incoming_kind,
    .verb = "instruct",
    .done = "instructed",
    .fields = instruct_fields,
    .decides = true,
    .from_states = from_assigned,
    .lock = in_lock,
    .authorise = authorise_leader,
    .perform = perform_instruct,
};
/* R-DOC-7, R-DOC-8: the secretariat forwards it to the departments that handle it. */
static const action_t act_forward = {
    .kind = &incoming_kind,
    .verb = "forward",
    .done = "forwarded",
    .fields = forward_fields,
    .from_states = from_instructed,
    .lock = in_lock,
    .authorise = authorise_secretariat,
    .perform = perform_forward,
};
/* R-DOC-7: each department reports it done. */
static const action_t act_complete = {
    .kind = &incoming_kind,
    .verb = "complete",
    .done = "completed",
    .fields = result_fields,
    .from_states = from_forwarded,
    .lock = in_lock,
    .authorise = authorise_handler,
    .perform = perform_complete,
};
/* R-DOC-8: the secretariat drafts the 批复 to a subordinate's request. */
static const action_t act_reply = {
    .kind = &incoming_kind,
    .verb = "reply",
    .done = "replied",
    .fields = doc_comment_fields,
    .from_states = from_instructed,
    .lock = in_lock,
    .authorise = authorise_secretariat,
    .perform = perform_reply,
};
/* R-DOC-7, R-DOC-8: the secretariat archives a finished item. */
static const action_t act_archive = {
    .kind = &incoming_kind,
    .verb = "archive",
    .done = "archived",
    .fields = doc_comment_fields,
    .from_states = from_done,
    .lock = in_lock,
    .authorise = authorise_secretariat,
    .perform = perform_archive,
};

static void in_action(req_t *r, const action_t *act)
{
    in_act_in in = {0};
    in_row row = {0};
    action_handle(r, act, &in, &row);
    in_row_free(&row);
}

void h_incoming_propose(req_t *r) { in_action(r, &act_propose); }
void h_incoming_assign(req_t *r) { in_action(r, &act_assign); }
void h_incoming_instruct(req_t *r) { in_action(r, &act_instruct); }
void h_incoming_forward(req_t *r) { in_action(r, &act_forward); }
void h_incoming_complete(req_t *r) { in_action(r, &act_complete); }
void h_incoming_reply(req_t *r) { in_action(r, &act_reply); }
void h_incoming_archive(req_t *r) { in_action(r, &act_archive); }
