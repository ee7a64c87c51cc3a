-- The meetings service's read definitions: the functions that shape its
-- responses (one document per resource), decide who sees a meeting, a topic,
-- a decision and a task, and give a decision's supervision light, and the
-- views it publishes to attendance. Applied whole, in one transaction, after
-- the migrations at every start that finds it or its definitions changed, or
-- applies a migration (common/migrate.c), so each is CREATE OR REPLACE; a
-- change of a result type or of a view's columns needs a migration that drops
-- the old one first. The functions that read a table are PL/pgSQL where a
-- statement that calls them would otherwise plan them again (see migration
-- 004); those that only shape a row are SQL and are inlined where they are
-- called.
--
-- Left in the migrations: the functions that write (propose_overdue_topics,
-- report_counts) and the triggers that keep published decisions immutable.
-- A function used in an index expression would stay there too (none is
-- today): replacing it here would leave the index built with the old one.

-- They read identity's published views, whose bodies are checked when first
-- used, so the service may start before identity has migrated.
SET LOCAL check_function_bodies = off;

-- ---------------------------------------------------------------- people

CREATE OR REPLACE FUNCTION person_name(p_id bigint) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT p.display_name FROM identity.org_people p WHERE p.id = p_id);
END
$$;

CREATE OR REPLACE FUNCTION is_participant(p_meeting bigint, p_user bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM meeting_participants x
                   WHERE x.meeting_id = p_meeting AND x.user_id = p_user)
$$;

-- ---------------------------------------------------------------- meetings

CREATE OR REPLACE FUNCTION meeting_doc(m meetings, viewer bigint) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', m.id, 'kind', m.kind, 'title', m.title, 'scheduled_at', m.scheduled_at,
        'location', m.location, 'state', m.state,
        'chair_id', m.chair_id,
        'chair_name', (SELECT p.display_name FROM identity.org_people p WHERE p.id = m.chair_id),
        'recorder_id', m.recorder_id,
        'recorder_name', (SELECT p.display_name FROM identity.org_people p WHERE p.id = m.recorder_id),
        'created_by', m.created_by, 'reschedule_needed', m.reschedule_needed,
        'participants', (SELECT coalesce(json_agg(json_build_object(
                'user_id', x.user_id, 'name', p.display_name, 'role', x.role,
                'present', x.present,
                'absence', (SELECT a.state FROM meeting_absence_requests a
                            WHERE a.meeting_id = m.id AND a.user_id = x.user_id
                              AND a.state IN ('pending', 'approved')))
                ORDER BY x.role, x.user_id), '[]')
            FROM meeting_participants x LEFT JOIN identity.org_people p ON p.id = x.user_id
            WHERE x.meeting_id = m.id),
        'agenda_published_at', m.agenda_published_at, 'started_at', m.started_at,
        'minutes', CASE WHEN EXISTS (SELECT 1 FROM meeting_participants x
                                     WHERE x.meeting_id = m.id AND x.user_id = viewer)
                        THEN m.minutes END,
        'minutes_approved_by', m.minutes_approved_by, 'minutes_approved_at', m.minutes_approved_at,
        'closed_at', m.closed_at, 'cancelled_at', m.cancelled_at,
        'version', m.version, 'created_at', m.created_at, 'updated_at', m.updated_at);
END
$$;

-- R-MTG-8: what meeting_doc shows viewer of confidential topics and
-- decisions: the minutes (shown to the participants alone) of a meeting
-- with a confidential topic. NULL when it shows none; otherwise what was
-- read, for the read's audit event: the minutes and the confidential
-- topics and decisions they record.
CREATE OR REPLACE FUNCTION meeting_confidential_shown(m meetings, viewer bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF m.minutes IS NULL OR NOT is_participant(m.id, viewer)
       OR NOT EXISTS (SELECT 1 FROM topics t WHERE t.meeting_id = m.id AND t.confidential) THEN
        RETURN NULL;
    END IF;
    RETURN json_build_object(
        'shown', 'minutes',
        'topic_ids', ARRAY(SELECT t.id FROM topics t
                           WHERE t.meeting_id = m.id AND t.confidential ORDER BY t.id),
        'decision_ids', ARRAY(SELECT d.id FROM decisions d
                              WHERE d.meeting_id = m.id AND d.confidential ORDER BY d.id));
END
$$;

-- Who sees a meeting: its participants, whoever created it, and the
-- privileged (office leaders, the secretariat, administrators).
CREATE OR REPLACE FUNCTION meeting_visible(m meetings, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged OR viewer = m.created_by OR is_participant(m.id, viewer)
$$;

-- ---------------------------------------------------------------- topics

CREATE OR REPLACE FUNCTION topic_doc(t topics) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'meeting_id', t.meeting_id, 'title', t.title, 'category', t.category,
        'department_id', t.department_id, 'presenter_id', t.presenter_id,
        'presenter_name', person_name(t.presenter_id),
        'summary', t.summary, 'explanation', t.explanation, 'recommendation', t.recommendation,
        'materials', t.materials, 'confidential', t.confidential, 'state', t.state,
        'submitted_by', t.submitted_by, 'approver_id', t.approver_id,
        'decided_by', t.decided_by, 'decided_at', t.decided_at, 'comment', t.comment,
        'source_decision_id', t.source_decision_id,
        'version', t.version, 'created_at', t.created_at, 'updated_at', t.updated_at)
$$;

-- R-MTG-3, R-MTG-8: the submitter and the approving deputy see a topic; the
-- privileged (office leaders, the secretariat, administrators) see the ones
-- that are not confidential; the participants see
-- the approved ones once the agenda is published (the chair and recorder
-- at once). A confidential topic is seen by nobody else.
CREATE OR REPLACE FUNCTION topic_visible(t topics, m meetings, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT viewer IS NOT DISTINCT FROM t.submitted_by OR viewer = t.approver_id
        OR (NOT t.confidential AND privileged)
        OR viewer = m.chair_id OR viewer = m.recorder_id
        OR (t.state = 'approved' AND m.state <> 'planned' AND is_participant(m.id, viewer))
$$;

-- ---------------------------------------------------------------- decisions

CREATE OR REPLACE FUNCTION decision_doc(d decisions) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', d.id, 'meeting_id', d.meeting_id, 'topic_id', d.topic_id,
        'category', d.category, 'confidential', d.confidential, 'text', d.text,
        'responsible_id', d.responsible_id,
        'responsible_name', (SELECT p.display_name FROM identity.org_people p
                             WHERE p.id = d.responsible_id),
        'department_id', d.department_id,
        'deadline', d.deadline, 'requirements', d.requirements, 'supersedes_id', d.supersedes_id,
        'superseded_by', (SELECT n.id FROM decisions n WHERE n.supersedes_id = d.id
                          AND n.state <> 'draft' ORDER BY n.id LIMIT 1),
        'subject_id', d.subject_id, 'personnel_action', d.personnel_action,
        'period_until', d.period_until, 'state', d.state, 'published_at', d.published_at,
        'overdue', d.state IN ('published', 'in_progress')
                   AND d.deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date,
        'overdue_at', d.overdue_at,
        'progress_count', d.progress_count, 'last_progress_at', d.last_progress_at,
        'last_progress_note', d.last_progress_note,
        'completed_at', d.completed_at, 'outcome', d.outcome,
        'proposed_topic_id', d.proposed_topic_id,
        'version', d.version, 'created_at', d.created_at, 'updated_at', d.updated_at);
END
$$;

-- R-MTG-8: a confidential decision, and any draft, is seen only by the
-- meeting's participants; a published ordinary one also by its responsible
-- person and the privileged.
CREATE OR REPLACE FUNCTION decision_visible(d decisions, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT is_participant(d.meeting_id, viewer)
        OR (d.state <> 'draft' AND NOT d.confidential
            AND (privileged OR viewer = d.responsible_id))
$$;

-- R-MTG-9: the supervision light of a decision. Red: past its deadline and
-- not completed; yellow: due within three days or no progress reported in
-- the last fourteen; green: on track; done: completed.
CREATE OR REPLACE FUNCTION decision_light(d decisions) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN d.state = 'completed' THEN 'done'
        WHEN d.deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'red'
        WHEN d.deadline <= (now() AT TIME ZONE 'Asia/Shanghai')::date + 3
          OR coalesce(d.last_progress_at, d.published_at) < now() - interval '14 days' THEN 'yellow'
        ELSE 'green' END
$$;

-- ---------------------------------------------------------------- absences and tasks

CREATE OR REPLACE FUNCTION absence_doc(a meeting_absence_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'meeting_id', a.meeting_id, 'user_id', a.user_id,
        'user_name', person_name(a.user_id), 'reason', a.reason, 'state', a.state,
        'decided_by', a.decided_by, 'decided_at', a.decided_at, 'comment', a.comment,
        'version', a.version, 'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

CREATE OR REPLACE FUNCTION task_doc(t tasks) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'assigner_id', t.assigner_id, 'assigner_name', person_name(t.assigner_id),
        'assignee_id', t.assignee_id, 'assignee_name', person_name(t.assignee_id),
        'title', t.title, 'details', t.details, 'deadline', t.deadline, 'routine', t.routine,
        'state', t.state, 'reported_to_id', t.reported_to_id,
        'escalated_to_id', t.escalated_to_id, 'progress', t.progress, 'outcome', t.outcome,
        'completed_at', t.completed_at, 'conflict_with_id', t.conflict_with_id,
        'conflict_note', t.conflict_note, 'consult_ids', t.consult_ids,
        'agreed_ids', t.agreed_ids,
        'version', t.version, 'created_at', t.created_at, 'updated_at', t.updated_at)
$$;

CREATE OR REPLACE FUNCTION task_visible(t tasks, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged OR viewer IN (t.assigner_id, t.assignee_id)
        OR viewer IS NOT DISTINCT FROM t.reported_to_id
        OR viewer IS NOT DISTINCT FROM t.escalated_to_id
        OR viewer = ANY (t.consult_ids)
$$;

-- ---------------------------------------------------------------- published to attendance

-- R-MTG-9, R-ATT-6: the published decisions of director's meetings that a
-- discipline case may cite (personnel ones carry the subject, the action
-- and the period: a suspension's end or a transfer's deadline). Only what
-- a case checks: never the text, the requirements or the meeting (R-MTG-8:
-- attendance answers people who were not at a confidential meeting).
CREATE OR REPLACE VIEW published_decisions AS
SELECT d.id, d.category, d.subject_id, d.personnel_action, d.period_until, d.state
FROM decisions d JOIN meetings m ON m.id = d.meeting_id
WHERE d.state <> 'draft' AND m.kind IN ('regular', 'urgent');
COMMENT ON VIEW published_decisions IS 'Published decisions of director''s meetings as attendance''s discipline cases check them (R-ATT-6): no text, requirements or meeting (R-MTG-8).';
GRANT SELECT ON published_decisions TO attendance;

-- R-MTG-6, R-ATT-5: who had to attend each closed meeting and whether they
-- came or had the director's leave.
CREATE OR REPLACE VIEW meeting_attendance AS
SELECT m.id AS meeting_id, m.kind AS meeting_kind, m.title,
       (m.scheduled_at AT TIME ZONE 'Asia/Shanghai')::date AS meeting_date,
       m.scheduled_at, m.closed_at, x.user_id, x.role, coalesce(x.present, false) AS present,
       EXISTS (SELECT 1 FROM meeting_absence_requests a WHERE a.meeting_id = m.id
               AND a.user_id = x.user_id AND a.state = 'approved') AS absence_approved,
       (x.role <> 'attendee' AND NOT coalesce(x.present, false)
        AND NOT EXISTS (SELECT 1 FROM meeting_absence_requests a WHERE a.meeting_id = m.id
                        AND a.user_id = x.user_id AND a.state = 'approved')) AS absent_without_leave
FROM meetings m JOIN meeting_participants x ON x.meeting_id = m.id
WHERE m.state = 'closed';
COMMENT ON VIEW meeting_attendance IS 'Attendance of closed meetings, for attendance''s absenteeism (R-ATT-5): a member absent without approved leave.';
GRANT SELECT ON meeting_attendance TO attendance;
