-- The printing service's read definitions: the functions that shape its
-- responses (one document per resource) and decide who sees and signs a job,
-- and the view it publishes. Applied whole, in one transaction, after the
-- migrations at every start that finds it or its definitions changed, or
-- applies a migration (common/migrate.c), so each is CREATE OR REPLACE; a
-- change of a result type or of the view's columns needs a migration that
-- drops the old one first. The functions that read a table are PL/pgSQL, so
-- that their statements keep their plans for the session (a LANGUAGE sql
-- function that reads a table is planned again by every statement that calls
-- it); those that only shape a row are SQL and are inlined where they are
-- called.

-- They read identity's published views, whose bodies are checked when first
-- used, so the service may start before identity has migrated.
SET LOCAL check_function_bodies = off;

-- ---------------------------------------------------------------- rules

-- Who may sign a step of a job of department p_department today (R-PRN-2,
-- R-PRN-3, R-PRN-4); never a secretary (R-SEC-3). Each branch is a
-- statement the planner serves from identity's indexes (the gov_affairs
-- partial index, (position, id), the primary key), not a scan of every
-- person.
CREATE OR REPLACE FUNCTION eligible_approvers(p_role text, p_department bigint) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ids bigint[];
BEGIN
    IF p_role = 'gov_affairs_deputy' THEN
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
        FROM identity.org_people u
        WHERE u.gov_affairs AND u.active AND NOT u.is_secretary;
    ELSIF p_role = 'director' THEN
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
        FROM identity.org_people u
        WHERE u.position = 'office_director' AND u.active AND NOT u.is_secretary;
    ELSIF p_role = 'director_or_supervising_deputy' THEN
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
        FROM identity.org_people u
        WHERE (u.position = 'office_director'
               OR u.id = (SELECT d.supervising_deputy_id FROM identity.org_departments d
                          WHERE d.id = p_department))
          AND u.active AND NOT u.is_secretary;
    ELSE
        ids := '{}';
    END IF;
    RETURN ids;
END $$;

-- Who sees a job: its requester, the people of its department and of the
-- department that runs it, the department it is done for, whoever may sign
-- or signed a step, and (privileged) office leaders and administrators.
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

-- ------------------------------------------------------------ documents

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
        -- The steps in order as the primary key's index reads them, so the
        -- aggregate sorts nothing (an ORDER BY inside it sorted each call).
        'required_approvals', coalesce((
            SELECT json_agg(json_build_object(
                'step', s.step, 'rule', s.rule, 'role', s.role,
                'approver_ids', eligible_approvers(s.role, j.department_id),
                'decision', s.decision, 'decided_by', s.decided_by,
                'decided_at', s.decided_at, 'comment', s.comment))
            FROM (SELECT * FROM print_job_steps s WHERE s.job_id = j.id ORDER BY s.step) s),
            '[]'::json),
        'actual_pages', j.actual_pages, 'actual_copies', j.actual_copies,
        'actual_sheets', j.actual_sheets, 'cost_fen', j.cost_fen,
        'completed_by', j.completed_by, 'completed_at', j.completed_at,
        'completion_note', j.completion_note,
        -- A job enters the register, and becomes a violation, only as it is
        -- completed (perform_complete): an open job's builds (the create's,
        -- the approval's) look neither up.
        'register_id', CASE WHEN j.state = 'completed'
                            THEN (SELECT r.id FROM copy_register r WHERE r.job_id = j.id) END,
        'violation_id', CASE WHEN j.state = 'completed'
                             THEN (SELECT v.id FROM violations v WHERE v.job_id = j.id) END,
        'cancelled_by', j.cancelled_by, 'cancelled_at', j.cancelled_at,
        'decision_comment', j.decision_comment,
        'version', j.version, 'created_at', j.created_at, 'updated_at', j.updated_at);
END $$;

CREATE OR REPLACE FUNCTION register_doc(r copy_register) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'job_id', r.job_id, 'violation_id', r.violation_id,
        'completed_at', r.completed_at,
        'department_id', r.department_id, 'department_name', r.department_name,
        'kind', r.kind, 'title', r.title,
        'pages', r.pages, 'copies', r.copies, 'sheets', r.sheets,
        'requester_id', r.requester_id, 'requester_name', r.requester_name,
        'operator_id', r.operator_id, 'operator_name', r.operator_name,
        'approver_id', r.approver_id, 'approver_name', r.approver_name,
        'without_approval', r.without_approval,
        'version', 1, 'created_at', r.completed_at, 'updated_at', r.completed_at)
$$;

CREATE OR REPLACE FUNCTION violation_doc(v violations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'source', v.source, 'job_id', v.job_id, 'register_id', v.register_id,
        'state', v.state, 'department_id', v.department_id,
        'requester_id', v.requester_id, 'requester_name', person_name(v.requester_id),
        'operator_id', v.operator_id, 'operator_name', person_name(v.operator_id),
        'sheets', v.sheets, 'threshold', v.threshold,
        'description', v.description, 'reported_by', v.reported_by,
        'education_note', v.education_note, 'penalty', v.penalty,
        'followed_up_by', v.followed_up_by, 'followed_up_at', v.followed_up_at,
        'version', v.version, 'created_at', v.created_at, 'updated_at', v.updated_at)
$$;

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

CREATE OR REPLACE FUNCTION maintenance_doc(m maintenance_log) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id, 'equipment_id', m.equipment_id, 'kind', m.kind, 'note', m.note,
        'performed_by', m.performed_by, 'performed_by_name', person_name(m.performed_by),
        'performed_at', m.performed_at,
        'version', 1, 'created_at', m.performed_at, 'updated_at', m.performed_at)
$$;

CREATE OR REPLACE FUNCTION visit_doc(v copy_room_visits) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'visitor_id', v.visitor_id, 'visitor_name', v.visitor_name,
        'department_id', v.department_id, 'reason', v.reason, 'visited_at', v.visited_at,
        'registered_by', v.registered_by,
        'version', 1, 'created_at', v.created_at, 'updated_at', v.created_at)
$$;

-- ------------------------------------------------------------ published

-- The documents service checks the copies printed of a numbered document
-- against its stamped count (R-DOC-6).
CREATE OR REPLACE VIEW document_copies AS
SELECT j.document_id, sum(j.actual_copies)::bigint AS copies
FROM print_jobs j
WHERE j.document_id IS NOT NULL AND j.state = 'completed'
GROUP BY j.document_id;
COMMENT ON VIEW document_copies IS 'Completed copies per outgoing document, published to the documents service (R-DOC-6).';
GRANT SELECT ON document_copies TO documents;

-- ------------------------------------------------------------ stored documents

-- The jobs' stored documents (migration 007) were built by the job_doc
-- whose digest job_doc_built holds; when job_doc above differs from it,
-- they are forgotten now, in this transaction (an update that sets doc
-- itself is not rebuilt by the trigger), and each is built again at its
-- job's next change. Unchanged definitions cost one digest at start.
DO $$
DECLARE
    now_built text := (SELECT md5(p.prosrc) FROM pg_proc p
                        WHERE p.oid = 'job_doc(print_jobs)'::regprocedure);
BEGIN
    IF now_built IS DISTINCT FROM (SELECT digest FROM job_doc_built) THEN
        UPDATE print_jobs SET doc = NULL WHERE doc IS NOT NULL;
        UPDATE job_doc_built SET digest = now_built;
    END IF;
END
$$;
