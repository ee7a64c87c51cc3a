-- JSON shapes of attendance resources, built in the database so that a read
-- is one round trip and one encode.

CREATE FUNCTION outing_doc(o outings) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', o.id, 'user_id', o.user_id, 'department_id', o.department_id,
        'matter', o.matter, 'destination', o.destination, 'contact', o.contact,
        'starts_at', o.starts_at, 'ends_at', o.ends_at, 'state', o.state,
        'returned_at', o.returned_at, 'return_comment', o.return_comment,
        'current', o.state = 'out' AND o.starts_at <= now() AND o.ends_at > now(),
        'version', o.version, 'created_at', o.created_at, 'updated_at', o.updated_at)
$$;

CREATE FUNCTION leave_doc(l leave_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', l.id, 'applicant_id', l.applicant_id, 'department_id', l.department_id,
        'kind', l.kind, 'reason', l.reason,
        'start_date', l.start_date, 'start_half', l.start_half,
        'end_date', l.end_date, 'end_half', l.end_half,
        'half_days', l.half_days, 'days', l.half_days * 0.5,
        'starts_at', l.starts_at, 'ends_at', l.ends_at,
        'state', l.state, 'current_step', l.current_step,
        'current_approver_id', l.current_approver_id,
        'final_approver_id', l.final_approver_id,
        'approvals', (SELECT coalesce(json_agg(json_build_object(
                          'step', s.step, 'approver_id', s.approver_id, 'role', s.role,
                          'decision', s.decision, 'decided_at', s.decided_at,
                          'comment', s.comment) ORDER BY s.step), '[]'::json)
                      FROM leave_steps s WHERE s.request_id = l.id),
        'extension', CASE WHEN l.ext_end_date IS NULL THEN NULL ELSE json_build_object(
                          'new_end_date', l.ext_end_date, 'new_end_half', l.ext_end_half,
                          'reason', l.ext_reason, 'recorded_by', l.ext_by,
                          'recorded_at', l.ext_at) END,
        'explanation', CASE WHEN l.explanation IS NULL THEN NULL ELSE json_build_object(
                            'text', l.explanation, 'submitted_at', l.explained_at) END,
        'returned_at', l.returned_at, 'closed_at', l.closed_at,
        'explanation_due', l.explanation_due,
        'late_half_days', l.late_half_days,
        'extension_half_days', l.ext_half_days,
        'extension_outcome', l.ext_outcome,
        'late_absence_id', l.late_absence_id,
        'extension_absence_id', l.ext_absence_id,
        'overdue', l.state = 'approved' AND l.ends_at < now(),
        'version', l.version, 'created_at', l.created_at, 'updated_at', l.updated_at)
$$;

-- Who may see a leave request: the applicant, every approver in its chain,
-- and (see_all) the office leaders and administrators.
CREATE FUNCTION leave_visible(l leave_requests, viewer bigint, see_all boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT see_all OR l.applicant_id = viewer
        OR EXISTS (SELECT 1 FROM leave_steps s WHERE s.request_id = l.id AND s.approver_id = viewer)
$$;

CREATE FUNCTION activity_doc(a activities) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'title', a.title, 'kind', a.kind, 'location', a.location,
        'starts_at', a.starts_at, 'ends_at', a.ends_at, 'created_by', a.created_by,
        'participants', (SELECT coalesce(json_agg(json_build_object(
                             'user_id', p.user_id, 'attendance', p.attendance,
                             'recorded_by', p.recorded_by, 'recorded_at', p.recorded_at,
                             'absence_id', p.absence_id) ORDER BY p.user_id), '[]'::json)
                         FROM activity_participants p WHERE p.activity_id = a.id),
        'version', a.version, 'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

CREATE FUNCTION activity_absence_doc(q activity_absence_requests) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', q.id, 'activity_id', q.activity_id, 'user_id', q.user_id, 'reason', q.reason,
        'state', q.state, 'decided_by', q.decided_by, 'decided_at', q.decided_at,
        'comment', q.comment,
        'version', q.version, 'created_at', q.created_at, 'updated_at', q.updated_at)
$$;

CREATE FUNCTION absence_doc(a absences) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'user_id', a.user_id, 'department_id', a.department_id,
        'date', a.date, 'half_days', a.half_days, 'days', a.half_days * 0.5,
        'cause', a.cause,
        'source', CASE WHEN a.source_type IS NULL THEN NULL
                       ELSE json_build_object('type', a.source_type, 'id', a.source_id) END,
        'note', a.note, 'recorded_by', a.recorded_by, 'state', a.state,
        'void_reason', a.void_reason, 'voided_by', a.voided_by, 'voided_at', a.voided_at,
        'version', a.version, 'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

CREATE FUNCTION case_doc(c discipline_cases) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'user_id', c.user_id, 'department_id', c.department_id,
        'year', c.year, 'level', c.level,
        'measure', CASE c.level WHEN 1 THEN 'talk' WHEN 2 THEN 'suspension' ELSE 'transfer' END,
        'state', c.state, 'days_at_open', c.half_days_at_open * 0.5,
        'talk_by_id', c.talk_by_id, 'talk_notes', c.talk_notes, 'talked_at', c.talked_at,
        'probation', c.level = 1 AND c.state = 'completed',
        'meeting_decision_id', c.meeting_decision_id, 'decided_by', c.decided_by,
        'decided_at', c.decided_at, 'leader_id', c.leader_id,
        'leader_decision', c.leader_decision, 'leader_comment', c.leader_comment,
        'leader_decided_at', c.leader_decided_at,
        'allowance_yuan_per_month', c.allowance_yuan_per_month,
        'below_threshold', c.below_threshold, 'notes', c.notes,
        'version', c.version, 'created_at', c.created_at, 'updated_at', c.updated_at)
$$;

-- The span of a leave in time: the morning runs from 00:00 to 12:00 office
-- time, the afternoon from 12:00 to 24:00.
CREATE FUNCTION half_start(d date, half text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT (d + CASE WHEN half = 'pm' THEN interval '12 hours' ELSE interval '0' END)
           AT TIME ZONE 'Asia/Shanghai'
$$;

CREATE FUNCTION half_end(d date, half text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT (d + CASE WHEN half = 'pm' THEN interval '24 hours' ELSE interval '12 hours' END)
           AT TIME ZONE 'Asia/Shanghai'
$$;
