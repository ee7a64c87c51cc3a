/* The meeting held: the recorder marks attendance (R-MTG-4) and writes the
 * minutes (R-MTG-2), a thematic meeting's leader approves them (R-MTG-10),
 * and the close publishes the minutes and the decisions (R-MTG-7) and tells
 * the absent (R-MTG-6). Who may do each, and from which state, is in the
 * action table (meeting_actions.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "org.h"
#include "meetings.h"

/* attendance */

static const db_stmt Q_MARK_ATTENDANCE = {
    "mtg_mark_attendance",
    "UPDATE meeting_participants SET present = $3, marked_at = now()"
    " WHERE meeting_id = $1 AND user_id = $2 RETURNING role"};

static const db_stmt Q_MEETING_TOUCH = {
    "mtg_meeting_touch",
    "UPDATE meetings SET version = version + 1, updated_at = now() WHERE id = $1"};

int meeting_perform_attendance(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_in *in = t->in;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, in->user_id),
                            in->present ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_MARK_ATTENDANCE, 3, params, &res, p))
        return -1;
    int n = PQntuples(res);
    PQclear(res);
    if (n == 0)
        return problem_field(p, "user_id", "user %lld is not a participant of this meeting",
                             in->user_id);
    if (db_run(c, &Q_MEETING_TOUCH, 1, params, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* minutes */

static const db_stmt Q_MEETING_MINUTES = {
    "mtg_meeting_minutes",
    "UPDATE meetings SET minutes = $2, minutes_approved_by = NULL, minutes_approved_at = NULL,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

int meeting_perform_minutes(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_in *in = t->in;
    const meeting_row *m = t->row;
    char id[24];
    const char *params[] = {db_int(id, t->id), in->text};
    if (db_run(c, &Q_MEETING_MINUTES, 2, params, p))
        return -1;
    if (m->thematic) {
        char title[TITLE_BYTES];
        snprintf(title, sizeof title, "Approve the minutes of your thematic meeting: %s",
                 m->title);
        if (notify(c, m->chair, "minutes_to_approve", title, "", "meeting", t->id, p))
            return -1;
    }
    return meeting_doc_after(c, t, p);
}

/* approve-minutes */

static const db_stmt Q_MINUTES_APPROVE = {
    "mtg_minutes_approve",
    "UPDATE meetings SET minutes_approved_by = $2, minutes_approved_at = now(),"
    " version = version + 1, updated_at = now() WHERE id = $1"};

int meeting_perform_approve_minutes(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    if (!m->has_minutes)
        return problem_set(p, ERR_MEETING_MINUTES_MISSING, NULL, NULL,
                           "the secretary has not drafted the minutes yet");
    char id[24], u[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id)};
    if (db_run(c, &Q_MINUTES_APPROVE, 2, params, p))
        return -1;
    snprintf(title, sizeof title, "The minutes of %s are approved: publish them", m->title);
    if (notify(c, m->recorder, "minutes_approved", title, "", "meeting", t->id, p))
        return -1;
    return meeting_doc_after(c, t, p);
}

/* close */

/* Must-attend participants whose attendance is not recorded and who have no
 * approved leave. */
static const db_stmt Q_UNMARKED = {
    "mtg_unmarked",
    "SELECT string_agg(person_name(x.user_id), ', ' ORDER BY x.user_id) AS unmarked"
    " FROM meeting_participants x WHERE x.meeting_id = $1 AND x.role <> 'attendee'"
    " AND x.present IS NULL AND NOT EXISTS (SELECT 1 FROM meeting_absence_requests a"
    "   WHERE a.meeting_id = x.meeting_id AND a.user_id = x.user_id AND a.state = 'approved')"};

static const db_stmt Q_MARK_EXCUSED = {
    "mtg_mark_excused",
    "UPDATE meeting_participants SET present = false, marked_at = now()"
    " WHERE meeting_id = $1 AND present IS NULL"};

/* R-MTG-7: the new decisions are published, and the ones they change
 * become superseded. */
static const db_stmt Q_DECISIONS_PUBLISH = {
    "mtg_decisions_publish",
    "WITH pub AS (UPDATE decisions SET state = 'published', published_at = now(),"
    "   version = version + 1, updated_at = now()"
    "   WHERE meeting_id = $1 AND state = 'draft' RETURNING id, supersedes_id, responsible_id),"
    " old AS (UPDATE decisions o SET state = 'superseded', version = o.version + 1,"
    "   updated_at = now() FROM pub WHERE o.id = pub.supersedes_id RETURNING o.id)"
    " SELECT count(identity.notify(pub.responsible_id, 'decision_assigned',"
    "   'A meeting decision names you responsible', '', 'decision', pub.id)),"
    " (SELECT count(*) FROM old) FROM pub"};

/* R-MTG-6: the recorder tells each absent must-attend participant the
 * decisions; a confidential one by its number only, as its text is read in
 * the decision, where the read is audited (R-MTG-8). */
static const db_stmt Q_NOTIFY_ABSENT = {
    "mtg_notify_absent",
    "SELECT identity.notify_many(ARRAY(SELECT x.user_id FROM meeting_participants x"
    "  WHERE x.meeting_id = $1 AND x.role <> 'attendee' AND NOT x.present),"
    " 'meeting_decisions_for_absent', $2,"
    " (SELECT coalesce(string_agg(d.id || ': ' || CASE WHEN d.confidential"
    "   THEN '(confidential: read it in the decision)' ELSE d.text END, E'\\n' ORDER BY d.id), '')"
    "  FROM decisions d WHERE d.meeting_id = $1 AND d.state <> 'draft'),"
    " 'meeting', $1)"};

static const db_stmt Q_MEETING_CLOSE = {
    "mtg_meeting_close",
    "UPDATE meetings SET state = 'closed', closed_at = now(), version = version + 1,"
    " updated_at = now() WHERE id = $1"};

int meeting_perform_close(db_conn *c, action_tx *t, problem_t *p)
{
    const meeting_row *m = t->row;
    if (!m->has_minutes)
        return problem_set(p, ERR_MEETING_MINUTES_MISSING, NULL, "R-MTG-2",
                           "the recorder has not written the minutes yet");
    if (m->thematic && !m->minutes_approved)
        return problem_set(p, ERR_MEETING_MINUTES_NOT_APPROVED, NULL, NULL,
                           "the minutes of a thematic meeting are published only after the "
                           "leader approves them");
    char id[24], title[TITLE_BYTES];
    const char *params[] = {db_int(id, t->id), title};
    PGresult *res;
    if (db_query(c, &Q_UNMARKED, 1, params, &res, p))
        return -1;
    if (!db_col_null(res, 0, "unmarked")) {
        problem_set(p, ERR_MEETING_ATTENDANCE_INCOMPLETE, NULL, NULL,
                    "record the attendance of every participant before closing; not recorded: %s",
                    db_col_str(res, 0, "unmarked"));
        PQclear(res);
        return -1;
    }
    PQclear(res);
    snprintf(title, sizeof title, "Decisions of the meeting you missed: %s", m->title);
    /* Nothing here reads their results: they go out together with the
     * document's read below (db_write), in order, and a failure among them
     * is that read's answer. */
    if (db_write(c, &Q_MARK_EXCUSED, 1, params, p) ||
        db_write(c, &Q_DECISIONS_PUBLISH, 1, params, p) ||
        db_write(c, &Q_MEETING_CLOSE, 1, params, p) ||
        db_write(c, &Q_NOTIFY_ABSENT, 2, params, p))
        return -1;
    snprintf(title, sizeof title, "Minutes published: %s", m->title);
    if (notify_participants(c, t->id, "meeting_minutes_published", title, "", t->r->caller->id,
                            false, p))
        return -1;
    return meeting_doc_after(c, t, p);
}
