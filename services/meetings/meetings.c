/* The director's office meetings and the leaders' thematic meetings: their
 * reads and their convening, by the director with the secretariat chief
 * recording (R-MTG-1, R-MTG-2), or for a thematic meeting by the leader's
 * secretary (R-MTG-10). What is done to a meeting afterwards is in
 * meeting_actions.c (who may act, preparing it) and meeting_record.c (the
 * meeting held: attendance, minutes, close). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "list.h"
#include "org.h"
#include "meetings.h"

static const char *const kinds[] = {"regular", "urgent", "thematic", NULL};
static const char *const states[] = {"planned", "agenda_published", "in_progress", "closed",
                                     "cancelled", NULL};

/* ---------- reads ---------- */

/* R-MTG-8: a meeting whose document shows a participant the minutes of a
 * confidential topic is read as much as the topic: the same statement
 * writes one event naming what was shown (meeting_confidential_shown). */
static const db_stmt Q_MEETING_GET = {
    "mtg_meeting_get",
    "WITH v AS (SELECT m.id, meeting_doc(m, $2) AS doc, m.version,"
    "   meeting_confidential_shown(m, $2) AS shown FROM meetings m"
    "   WHERE m.id = $1 AND meeting_visible(m, $2, $3)),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, after,"
    "   request_id, client_request_id)"
    "   SELECT 'meetings', $2, 'meeting', v.id, 'read', v.shown::jsonb, $4, $5 FROM v"
    "   WHERE v.shown IS NOT NULL)"
    " SELECT doc, version FROM v"};

void h_meetings_get(req_t *r)
{
    static const read_arg args[] = {READ_USER, READ_SEES_ALL, READ_REQUEST_ID,
                                    READ_CLIENT_REQUEST_ID, READ_END};
    action_get_as(r, &Q_MEETING_GET, meetings_privileged(r), args);
}

static const db_stmt Q_MEETING_SEEN = {
    "mtg_meeting_seen",
    "SELECT 1 FROM meetings m WHERE m.id = $1 AND meeting_visible(m, $2, $3)"};

bool meeting_seen_or_reply(req_t *r, long long id)
{
    char m[24], u[24];
    const char *seen[] = {db_int(m, id), db_int(u, r->caller->id),
                          meetings_privileged(r) ? "true" : "false"};
    PGresult *res = db_read_or_reply(r, &Q_MEETING_SEEN, 3, seen);
    if (!res)
        return false;
    int n = PQntuples(res);
    PQclear(res);
    if (n == 0)
        reply_problem(r, ERR_MEETING_NOT_FOUND, NULL, NULL, "no such meeting");
    return n > 0;
}

/* A meeting listed with the minutes of a confidential topic is read
 * (R-MTG-8): its event is written by the same statement, for the rows the
 * page shows (the last of the LIMIT only tells whether a next page
 * exists). */
static const db_stmt Q_MEETINGS_LIST = {
    "mtg_meeting_list",
    "WITH v AS (SELECT m.id, meeting_doc(m, $5) AS doc,"
    "   meeting_confidential_shown(m, $5) AS shown FROM meetings m"
    "   WHERE " PAGE_BEFORE("m.id", "$1") " AND ($2::text IS NULL OR m.kind = $2)"
    "   AND ($3::text IS NULL OR m.state = $3) AND (NOT $4 OR is_participant(m.id, $5))"
    "   AND meeting_visible(m, $5, $6)"
    "   ORDER BY m.id DESC LIMIT $7::bigint),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, after,"
    "   request_id, client_request_id)"
    "   SELECT 'meetings', $5, 'meeting', s.id, 'read_list', s.shown::jsonb, $8, $9"
    "   FROM (SELECT v.id, v.shown FROM v ORDER BY v.id DESC LIMIT $7::bigint - 1) s"
    "   WHERE s.shown IS NOT NULL)"
    " SELECT id, doc FROM v ORDER BY id DESC"};

static const list_filter meeting_filters[] = {
    {.name = "kind", .kind = LIST_ENUM, .values = kinds},
    {.name = "state", .kind = LIST_ENUM, .values = states},
    {.name = "mine", .kind = LIST_BOOL},
    LIST_FILTERS_END,
};

static const list_t meetings_list = {
    .stmt = &Q_MEETINGS_LIST,
    .filters = meeting_filters,
    .params = {"@cursor", "kind", "state", "mine", "@caller", "@sees_all", "@limit", "@rid",
               "@client_rid"},
    .sees_all_of = meetings_privileged,
};

void h_meetings_list(req_t *r)
{
    list_handle(r, &meetings_list);
}

static const db_stmt Q_MEETING_DOC = {
    "mtg_meeting_doc", "SELECT meeting_doc(m, $2) AS doc FROM meetings m WHERE m.id = $1"};

/* The meeting's document as `caller` sees it, inside a create or an action. */
static int meeting_doc_read(db_conn *c, long long id, long long caller, char **out, problem_t *p)
{
    char m[24], u[24];
    const char *params[] = {db_int(m, id), db_int(u, caller)};
    if (db_text(c, &Q_MEETING_DOC, 2, params, out, p))
        return -1;
    return *out ? 0 : problem_oom(p);
}

int meeting_doc_after(db_conn *c, action_tx *t, problem_t *p)
{
    return meeting_doc_read(c, t->id, t->r->caller->id, &t->doc, p);
}

/* ---------- notifications ---------- */

static const db_stmt Q_NOTIFY_PARTICIPANTS = {
    "mtg_notify_participants",
    "SELECT identity.notify_many(ARRAY(SELECT x.user_id FROM meeting_participants x"
    "  WHERE x.meeting_id = $1 AND x.user_id <> $5 AND (NOT $6 OR x.role <> 'attendee')),"
    " $2, $3, $4, 'meeting', $1)"};

int notify_participants(db_conn *c, long long meeting, const char *kind,
                               const char *title, const char *body, long long except,
                               bool must_attend_only, problem_t *p)
{
    char m[24], e[24];
    const char *params[] = {db_int(m, meeting), kind, title, body ? body : "",
                            db_int(e, except), must_attend_only ? "true" : "false"};
    return db_write(c, &Q_NOTIFY_PARTICIPANTS, 6, params, p);
}

/* ---------- create ---------- */

static const json_field meeting_fields[] = {
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(meeting_in, title)},
    {.name = "kind", .type = JF_ENUM, .flags = JF_REQUIRED, .values = kinds,
     .offset = offsetof(meeting_in, kind)},
    {.name = "scheduled_at", .type = JF_DATETIME, .flags = JF_REQUIRED,
     .offset = offsetof(meeting_in, scheduled_at)},
    {.name = "location", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(meeting_in, location)},
    {.name = "participant_ids", .type = JF_ID_LIST, .flags = JF_REQUIRED, .max = 100,
     .offset = offsetof(meeting_in, participant_ids)},
    {.name = "attendee_ids", .type = JF_ID_LIST, .max = 100,
     .offset = offsetof(meeting_in, attendee_ids)},
    JF_END,
};

typedef struct meeting_tx {
    req_t *r;
    meeting_in in;
    char *members, *attendees, *doc;
} meeting_tx;

static const db_stmt Q_SECRETARIAT_CHIEF = {
    "mtg_secretariat_chief",
    "SELECT d.chief_id FROM identity.org_departments d WHERE d.is_secretariat"
    " AND d.chief_id IS NOT NULL ORDER BY d.id LIMIT 1"};

/* The first id of $1 that is not an active person (of the office, unless $2). */
static const db_stmt Q_FIRST_STRANGER = {
    "mtg_first_stranger",
    "SELECT x AS user_id FROM unnest($1::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM"
    " identity.org_people p WHERE p.id = x AND p.active AND ($2 OR (p.department_id IS NOT NULL"
    " AND p.department_kind NOT IN ('external', 'bureau', 'township', 'other')))) LIMIT 1"};

static const db_stmt Q_MEETING_INSERT = {
    "mtg_meeting_insert",
    "INSERT INTO meetings(kind, title, scheduled_at, location, chair_id, recorder_id, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};

/* R-MTG-1: the chair, the recorder, every deputy director (director's
 * meetings), the members named and the attendees (列席). */
static const db_stmt Q_PARTICIPANTS_INSERT = {
    "mtg_participants_insert",
    "INSERT INTO meeting_participants(meeting_id, user_id, role)"
    " SELECT DISTINCT ON (u) $1::bigint, u, role FROM ("
    "   SELECT $2::bigint AS u, 'chair' AS role, 1 AS o UNION ALL SELECT $3::bigint, 'recorder', 2"
    "   UNION ALL SELECT p.id, 'member', 3 FROM identity.org_people p"
    "     WHERE $6 AND p.active AND p.position = 'deputy_director'"
    "   UNION ALL SELECT x, 'member', 4 FROM unnest($4::bigint[]) AS x"
    "   UNION ALL SELECT x, 'attendee', 5 FROM unnest($5::bigint[]) AS x) s ORDER BY u, o"};

static const db_stmt Q_PROPOSE_OVERDUE = {"mtg_propose_overdue",
                                          "SELECT propose_overdue_topics()"};

static int check_people(db_conn *c, const char *ids, bool anyone, const char *field,
                        problem_t *p)
{
    const char *params[] = {ids, anyone ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_FIRST_STRANGER, 2, params, &res, p))
        return -1;
    int rc = 0;
    if (PQntuples(res) > 0)
        rc = problem_field(p, field, anyone ? "user %s is not an active user"
                                            : "user %s is not an active member of the office",
                           db_col_str(res, 0, "user_id"));
    PQclear(res);
    return rc;
}

static int meeting_store(db_conn *c, create_tx *ct, problem_t *p)
{
    meeting_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    bool thematic = !strcmp(t->in.kind, "thematic");
    long long chair, recorder;
    if (thematic) {
        /* R-MTG-10: the secretary prepares the meeting of the leader served. */
        if (!me->is_secretary || me->serves_leader_id <= 0)
            return problem_set(p, ERR_MEETING_NOT_LEADERS_SECRETARY, NULL, NULL,
                               "a thematic meeting is prepared by the secretary of the district "
                               "leader who holds it");
        chair = me->serves_leader_id;
        recorder = me->id;
    } else {
        org_person who;
        if (org_person_get(c, me->id, &who, p))
            return -1;
        if (!mtg_may_convene(who.position, who.is_secretary))
            return problem_set(p, ERR_MEETING_NOT_DIRECTOR, NULL, NULL,
                               "only the office director convenes and chairs a director's "
                               "meeting");
        chair = me->id;
        PGresult *res;
        if (db_query(c, &Q_SECRETARIAT_CHIEF, 0, NULL, &res, p))
            return -1;
        recorder = PQntuples(res) ? db_col_ll(res, 0, "chief_id") : 0;
        PQclear(res);
        if (!recorder)
            return problem_set(p, ERR_MEETING_NO_RECORDER, NULL, NULL,
                               "the secretariat has no chief to record the meeting");
    }
    bool future;
    if (store_in_future(c, t->in.scheduled_at, &future, p))
        return -1;
    if (!future)
        problem_field(p, "scheduled_at", "must be in the future");
    if (check_people(c, t->members, false, "participant_ids", p) ||
        check_people(c, t->attendees, true, "attendee_ids", p) || p->errors)
        return -1;
    char ch[24], rec[24], cr[24], id[24];
    PGresult *res;
    const char *pi[] = {t->in.kind, t->in.title,  t->in.scheduled_at, t->in.location,
                        db_int(ch, chair), db_int(rec, recorder), db_int(cr, me->id)};
    if (db_query(c, &Q_MEETING_INSERT, 7, pi, &res, p))
        return -1;
    long long mid = db_col_ll(res, 0, "id");
    PQclear(res);
    db_int(id, mid);
    const char *pp[] = {id, ch, rec, t->members, t->attendees, thematic ? "false" : "true"};
    if (db_run(c, &Q_PARTICIPANTS_INSERT, 6, pp, p))
        return -1;
    if (!thematic && !strcmp(t->in.kind, "regular") &&
        db_run(c, &Q_PROPOSE_OVERDUE, 0, NULL, p))
        return -1;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "Meeting convened: %s (%s)", t->in.title, t->in.scheduled_at);
    if (notify_participants(c, mid, "meeting_convened", title, t->in.location, me->id, false, p))
        return -1;
    if (meeting_doc_read(c, mid, me->id, &ct->doc, p))
        return -1;
    ct->id = mid;
    return 0;
}

/* A person is a member or an attendee, not both. */
static int meeting_check(create_tx *ct, problem_t *p)
{
    meeting_tx *t = ct->ctx;
    for (size_t i = 0; i < json_array_size(t->in.attendee_ids); i++)
        for (size_t k = 0; k < json_array_size(t->in.participant_ids); k++)
            if (json_integer_value(json_array_get(t->in.attendee_ids, i)) ==
                json_integer_value(json_array_get(t->in.participant_ids, k))) {
                problem_field(p, "attendee_ids", "user %lld is already a participant",
                              (long long)json_integer_value(json_array_get(t->in.attendee_ids, i)));
                i = k = SIZE_MAX - 1;
            }
    if (p->errors) {
        snprintf(p->detail, sizeof p->detail, "the meeting's people are listed twice");
        return -1;
    }
    t->members = db_id_array(t->in.participant_ids);
    t->attendees = db_id_array(t->in.attendee_ids);
    if (!t->members || !t->attendees)
        return problem_oom(p);
    return 0;
}

static const create_t meeting_create = {
    .entity = "meeting",
    .fields = meeting_fields,
    .check = meeting_check,
    .store = meeting_store,
};

void h_meetings_create(req_t *r)
{
    meeting_tx t = {.r = r};
    create_handle(r, &meeting_create, &t.in, &t);
    free(t.members);
    free(t.attendees);
}
