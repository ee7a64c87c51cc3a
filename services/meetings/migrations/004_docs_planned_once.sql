-- The documents of a meeting and of a decision, and a person's name, in
-- PL/pgSQL, whose statements are planned once for each connection: as SQL
-- functions with a subquery (or a FROM) they are never inlined, and are
-- planned again in every statement that calls them (a meeting's document,
-- read twice by every action on a meeting, took longer to plan than to
-- build). The names come from subqueries and a join instead of
-- person_name(), called row by row. The documents are the same.

CREATE OR REPLACE FUNCTION person_name(p_id bigint) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT p.display_name FROM identity.org_people p WHERE p.id = p_id);
END
$$;

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
