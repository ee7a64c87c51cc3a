-- The functions a request calls once a row are PL/pgSQL, so that their
-- statements keep their plans for the session. A LANGUAGE sql function whose
-- body reads a table (or holds a sub-select) cannot be inlined into the
-- calling statement, and PostgreSQL parses and plans its body again for
-- every statement that calls it: job_doc took about a millisecond a call
-- for that alone, five times in a job's create -> approve -> complete,
-- person_name a quarter of a millisecond for a one-row lookup, and
-- job_visible as much again. The documents and the answers are unchanged;
-- the functions without a table (register_doc, violation_doc, visit_doc,
-- maintenance_doc) are inlined where they are called and stay SQL.

CREATE OR REPLACE FUNCTION person_name(p_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT p.display_name FROM identity.org_people p WHERE p.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION job_doc(j print_jobs) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', j.id, 'kind', j.kind, 'title', j.title, 'state', j.state,
        'requester_id', j.requester_id,
        'requester_name', (SELECT p.display_name FROM identity.org_people p
                           WHERE p.id = j.requester_id),
        'department_id', j.department_id, 'for_unit_id', j.for_unit_id,
        'document_id', j.document_id,
        'pages', j.pages, 'copies', j.copies, 'duplex', j.duplex, 'sheets', j.sheets,
        'operator_department_id', j.operator_department_id,
        'large_threshold', j.large_threshold, 'is_large', j.is_large,
        'cost_charged_to', j.cost_charged_to,
        'required_approvals', coalesce((
            SELECT json_agg(json_build_object(
                'step', s.step, 'rule', s.rule, 'role', s.role,
                'approver_ids', eligible_approvers(s.role, j.department_id),
                'decision', s.decision, 'decided_by', s.decided_by,
                'decided_at', s.decided_at, 'comment', s.comment) ORDER BY s.step)
            FROM print_job_steps s WHERE s.job_id = j.id), '[]'::json),
        'actual_pages', j.actual_pages, 'actual_copies', j.actual_copies,
        'actual_sheets', j.actual_sheets, 'cost_fen', j.cost_fen,
        'completed_by', j.completed_by, 'completed_at', j.completed_at,
        'completion_note', j.completion_note,
        'register_id', (SELECT r.id FROM copy_register r WHERE r.job_id = j.id),
        'violation_id', (SELECT v.id FROM violations v WHERE v.job_id = j.id),
        'cancelled_by', j.cancelled_by, 'cancelled_at', j.cancelled_at,
        'decision_comment', j.decision_comment,
        'version', j.version, 'created_at', j.created_at, 'updated_at', j.updated_at);
END $$;

CREATE OR REPLACE FUNCTION job_visible(j print_jobs, viewer bigint, viewer_dept bigint,
                                       privileged boolean)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN privileged
        OR viewer = j.requester_id
        OR viewer_dept IN (j.department_id, j.operator_department_id)
        OR viewer_dept IS NOT DISTINCT FROM j.for_unit_id
        OR EXISTS (SELECT 1 FROM print_job_steps s WHERE s.job_id = j.id
                   AND (viewer IS NOT DISTINCT FROM s.decided_by
                        OR (s.decision IS NULL
                            AND viewer = ANY (eligible_approvers(s.role, j.department_id)))));
END $$;

CREATE OR REPLACE FUNCTION equipment_doc(e equipment) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', e.id, 'name', e.name, 'kind', e.kind, 'department_id', e.department_id,
        'location', e.location, 'model', e.model, 'serial_number', e.serial_number,
        'state', e.state, 'registered_by', e.registered_by,
        'last_maintenance_at', (SELECT max(m.performed_at) FROM maintenance_log m
                                WHERE m.equipment_id = e.id),
        'version', e.version, 'created_at', e.created_at, 'updated_at', e.updated_at);
END $$;
