-- Printing: print, copy, typing and print-shop jobs, the copy register,
-- violations, equipment and its maintenance, copy-room visits
-- (打字、复印、印刷管理制度; R-PRN-1 .. R-PRN-6).
-- People and departments are identity's, read through identity.org_people
-- and identity.org_departments; their ids are not foreign keys because the
-- identity schema is not ours.

-- The functions below read identity's published views; their bodies are
-- checked when first used, so this service may migrate before identity.
SET LOCAL check_function_bodies = off;

CREATE TABLE print_jobs (
    id                     bigserial PRIMARY KEY,
    requester_id           bigint NOT NULL,
    department_id          bigint NOT NULL,
    kind                   text NOT NULL CHECK (kind IN ('print', 'copy', 'print_shop', 'typing')),
    title                  text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    pages                  integer NOT NULL CHECK (pages BETWEEN 1 AND 100000),
    copies                 integer NOT NULL CHECK (copies BETWEEN 1 AND 100000),
    duplex                 boolean NOT NULL DEFAULT false,
    sheets                 integer NOT NULL CHECK (sheets > 0),
    for_unit_id            bigint,
    document_id            bigint,
    operator_department_id bigint NOT NULL,
    large_threshold        integer NOT NULL CHECK (large_threshold > 0),
    is_large               boolean NOT NULL,
    cost_charged_to        text NOT NULL DEFAULT 'office' CHECK (cost_charged_to IN ('office', 'requester')),
    state                  text NOT NULL DEFAULT 'pending'
                           CHECK (state IN ('pending', 'ready', 'rejected', 'cancelled', 'completed')),
    actual_pages           integer CHECK (actual_pages BETWEEN 1 AND 100000),
    actual_copies          integer CHECK (actual_copies BETWEEN 1 AND 100000),
    actual_sheets          integer CHECK (actual_sheets > 0),
    cost_fen               bigint CHECK (cost_fen >= 0),
    completed_by           bigint,
    completed_at           timestamptz,
    completion_note        text,
    cancelled_by           bigint,
    cancelled_at           timestamptz,
    decision_comment       text,
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'completed') = (completed_at IS NOT NULL AND completed_by IS NOT NULL
                                     AND actual_sheets IS NOT NULL)),
    CHECK (kind = 'print_shop' OR cost_fen IS NULL)
);
COMMENT ON TABLE print_jobs IS 'Print, copy, typing and print-shop jobs: where each runs (R-PRN-1), who must sign it (R-PRN-2, R-PRN-3, R-PRN-4), completed by office staff with the real figures (R-PRN-6).';
CREATE INDEX print_jobs_requester ON print_jobs (requester_id, id);
CREATE INDEX print_jobs_department ON print_jobs (department_id, id);
CREATE INDEX print_jobs_operator ON print_jobs (operator_department_id, id);
CREATE INDEX print_jobs_open ON print_jobs (state, id) WHERE state IN ('pending', 'ready');
CREATE INDEX print_jobs_document ON print_jobs (document_id) WHERE document_id IS NOT NULL;
CREATE INDEX print_jobs_completed ON print_jobs (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE print_job_steps (
    job_id      bigint NOT NULL REFERENCES print_jobs(id),
    step        integer NOT NULL CHECK (step > 0),
    rule        text NOT NULL CHECK (rule IN ('R-PRN-2', 'R-PRN-3', 'R-PRN-4')),
    role        text NOT NULL CHECK (role IN ('gov_affairs_deputy', 'director_or_supervising_deputy', 'director')),
    decision    text CHECK (decision IN ('approved', 'rejected')),
    decided_by  bigint,
    decided_at  timestamptz,
    comment     text,
    PRIMARY KEY (job_id, step),
    CHECK ((decision IS NULL) = (decided_by IS NULL))
);
COMMENT ON TABLE print_job_steps IS 'The signatures a job needs, in order: the deputy in charge of government affairs for the print shop (R-PRN-2), the director or the supervising deputy for a large job (R-PRN-3), the director for another department''s typing or copying (R-PRN-4).';
CREATE INDEX print_job_steps_pending ON print_job_steps (role, job_id) WHERE decision IS NULL;

-- The copy register (复印登记簿, R-PRN-3): the real figures of every large
-- job, written when it is completed. Append-only.
CREATE TABLE copy_register (
    id              bigserial PRIMARY KEY,
    job_id          bigint NOT NULL UNIQUE REFERENCES print_jobs(id),
    department_id   bigint NOT NULL,
    department_name text NOT NULL,
    requester_id    bigint NOT NULL,
    requester_name  text NOT NULL,
    operator_id     bigint NOT NULL,
    operator_name   text NOT NULL,
    kind            text NOT NULL,
    title           text NOT NULL,
    pages           integer NOT NULL CHECK (pages > 0),
    copies          integer NOT NULL CHECK (copies > 0),
    sheets          integer NOT NULL CHECK (sheets > 0),
    approver_id     bigint,
    approver_name   text,
    without_approval boolean NOT NULL,
    completed_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (without_approval = (approver_id IS NULL))
);
COMMENT ON TABLE copy_register IS 'The copy register (复印登记簿, R-PRN-3): the real figures of each large job, with who asked, ran and signed it; names as they were. Append-only.';
-- One department's register for a period, newest first, keyset by (completed_at, id).
CREATE INDEX copy_register_department_time ON copy_register (department_id, completed_at, id);
CREATE INDEX copy_register_time ON copy_register (completed_at, id);

CREATE FUNCTION refuse_register_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the copy register is append-only (R-PRN-3)' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER copy_register_append_only BEFORE UPDATE OR DELETE ON copy_register
    FOR EACH ROW EXECUTE FUNCTION refuse_register_change();
CREATE TRIGGER copy_register_no_truncate BEFORE TRUNCATE ON copy_register
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_register_change();
REVOKE UPDATE, DELETE, TRUNCATE ON copy_register FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON copy_register FROM CURRENT_USER;

CREATE TABLE violations (
    id               bigserial PRIMARY KEY,
    job_id           bigint NOT NULL UNIQUE REFERENCES print_jobs(id),
    register_id      bigint NOT NULL, -- copy_register(id); no foreign key: its check
                                      -- would lock the entry, which the append-only
                                      -- register grants nobody
    department_id    bigint NOT NULL,
    requester_id     bigint NOT NULL,
    operator_id      bigint NOT NULL,
    sheets           integer NOT NULL CHECK (sheets > 0),
    threshold        integer NOT NULL CHECK (threshold > 0),
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'followed_up')),
    education_note   text,
    penalty          text,
    followed_up_by   bigint,
    followed_up_at   timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'followed_up') = (followed_up_at IS NOT NULL AND followed_up_by IS NOT NULL
                                      AND length(btrim(education_note)) > 0)),
    CHECK (penalty IS NULL OR length(btrim(penalty)) > 0)
);
COMMENT ON TABLE violations IS 'Large jobs done without the director''s or the supervising deputy''s signature (R-PRN-3); the director records the criticism and education given and, where the case warrants it, a penalty.';
CREATE INDEX violations_department ON violations (department_id, id);
CREATE INDEX violations_open ON violations (id) WHERE state = 'open';

CREATE TABLE equipment (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind          text NOT NULL CHECK (kind IN ('printer', 'copier', 'duplicator', 'typewriter', 'scanner', 'other')),
    department_id bigint NOT NULL,
    location      text NOT NULL CHECK (location IN ('copy_room', 'section')),
    model         text CHECK (model IS NULL OR length(btrim(model)) BETWEEN 1 AND 100),
    serial_number text UNIQUE CHECK (serial_number IS NULL OR length(btrim(serial_number)) BETWEEN 1 AND 100),
    state         text NOT NULL DEFAULT 'in_service' CHECK (state IN ('in_service', 'out_of_service', 'retired')),
    registered_by bigint NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE equipment IS 'Registered printing and copying equipment (R-PRN-5), by department and whether it stands in the copy room (R-PRN-6).';
CREATE INDEX equipment_department ON equipment (department_id, id);

CREATE TABLE maintenance_log (
    id           bigserial PRIMARY KEY,
    equipment_id bigint NOT NULL REFERENCES equipment(id),
    kind         text NOT NULL CHECK (kind IN ('maintenance', 'repair', 'cleaning', 'inspection', 'supplies')),
    note         text NOT NULL CHECK (length(btrim(note)) BETWEEN 1 AND 2000),
    performed_by bigint NOT NULL,
    performed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE maintenance_log IS 'The maintenance log of each piece of equipment (R-PRN-5). Append-only.';
CREATE INDEX maintenance_log_equipment ON maintenance_log (equipment_id, id);
CREATE TRIGGER maintenance_log_append_only BEFORE UPDATE OR DELETE ON maintenance_log
    FOR EACH ROW EXECUTE FUNCTION refuse_register_change();
REVOKE UPDATE, DELETE, TRUNCATE ON maintenance_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON maintenance_log FROM CURRENT_USER;

CREATE TABLE copy_room_visits (
    id            bigserial PRIMARY KEY,
    visitor_id    bigint NOT NULL,
    visitor_name  text NOT NULL,
    department_id bigint,
    reason        text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
    visited_at    timestamptz NOT NULL DEFAULT now(),
    registered_by bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE copy_room_visits IS 'Visits to the copy room by people who are not office staff, each with the reason their work required it (R-PRN-6). Append-only.';
CREATE INDEX copy_room_visits_time ON copy_room_visits (visited_at, id);
CREATE INDEX copy_room_visits_visitor ON copy_room_visits (visitor_id, id);
REVOKE UPDATE, DELETE, TRUNCATE ON copy_room_visits FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON copy_room_visits FROM CURRENT_USER;

-- ---------------------------------------------------------------- rules

-- Who may sign a step of a job of department p_department today (R-PRN-2, R-PRN-3, R-PRN-4); never a
-- secretary (R-SEC-3).
CREATE FUNCTION eligible_approvers(p_role text, p_department bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
    FROM identity.org_people p
    WHERE p.active AND NOT p.is_secretary
      AND CASE p_role
            WHEN 'gov_affairs_deputy' THEN p.gov_affairs
            WHEN 'director' THEN p.position = 'office_director'
            WHEN 'director_or_supervising_deputy' THEN
                 p.position = 'office_director'
                 OR p.id = (SELECT d.supervising_deputy_id FROM identity.org_departments d
                            WHERE d.id = p_department)
            ELSE false
          END
$$;

CREATE FUNCTION person_name(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT p.display_name FROM identity.org_people p WHERE p.id = p_id
$$;

CREATE FUNCTION job_doc(j print_jobs) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', j.id, 'kind', j.kind, 'title', j.title, 'state', j.state,
        'requester_id', j.requester_id, 'requester_name', person_name(j.requester_id),
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
        'version', j.version, 'created_at', j.created_at, 'updated_at', j.updated_at)
$$;

-- Who sees a job: its requester, the people of its department and of the
-- department that runs it, the department it is done for, whoever may sign
-- or signed a step, and (privileged) office leaders and administrators.
CREATE FUNCTION job_visible(j print_jobs, viewer bigint, viewer_dept bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged
        OR viewer = j.requester_id
        OR viewer_dept IN (j.department_id, j.operator_department_id)
        OR viewer_dept IS NOT DISTINCT FROM j.for_unit_id
        OR EXISTS (SELECT 1 FROM print_job_steps s WHERE s.job_id = j.id
                   AND (viewer IS NOT DISTINCT FROM s.decided_by
                        OR (s.decision IS NULL AND viewer = ANY (eligible_approvers(s.role, j.department_id)))))
$$;

CREATE FUNCTION register_doc(r copy_register) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'job_id', r.job_id, 'completed_at', r.completed_at,
        'department_id', r.department_id, 'department_name', r.department_name,
        'kind', r.kind, 'title', r.title,
        'pages', r.pages, 'copies', r.copies, 'sheets', r.sheets,
        'requester_id', r.requester_id, 'requester_name', r.requester_name,
        'operator_id', r.operator_id, 'operator_name', r.operator_name,
        'approver_id', r.approver_id, 'approver_name', r.approver_name,
        'without_approval', r.without_approval,
        'version', 1, 'created_at', r.completed_at, 'updated_at', r.completed_at)
$$;

CREATE FUNCTION violation_doc(v violations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'job_id', v.job_id, 'register_id', v.register_id, 'state', v.state,
        'department_id', v.department_id,
        'requester_id', v.requester_id, 'requester_name', person_name(v.requester_id),
        'operator_id', v.operator_id, 'operator_name', person_name(v.operator_id),
        'sheets', v.sheets, 'threshold', v.threshold,
        'education_note', v.education_note, 'penalty', v.penalty,
        'followed_up_by', v.followed_up_by, 'followed_up_at', v.followed_up_at,
        'version', v.version, 'created_at', v.created_at, 'updated_at', v.updated_at)
$$;

CREATE FUNCTION equipment_doc(e equipment) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', e.id, 'name', e.name, 'kind', e.kind, 'department_id', e.department_id,
        'location', e.location, 'model', e.model, 'serial_number', e.serial_number,
        'state', e.state, 'registered_by', e.registered_by,
        'last_maintenance_at', (SELECT max(m.performed_at) FROM maintenance_log m
                                WHERE m.equipment_id = e.id),
        'version', e.version, 'created_at', e.created_at, 'updated_at', e.updated_at)
$$;

CREATE FUNCTION maintenance_doc(m maintenance_log) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id, 'equipment_id', m.equipment_id, 'kind', m.kind, 'note', m.note,
        'performed_by', m.performed_by, 'performed_by_name', person_name(m.performed_by),
        'performed_at', m.performed_at,
        'version', 1, 'created_at', m.performed_at, 'updated_at', m.performed_at)
$$;

CREATE FUNCTION visit_doc(v copy_room_visits) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'visitor_id', v.visitor_id, 'visitor_name', v.visitor_name,
        'department_id', v.department_id, 'reason', v.reason, 'visited_at', v.visited_at,
        'registered_by', v.registered_by,
        'version', 1, 'created_at', v.created_at, 'updated_at', v.created_at)
$$;

-- The documents service checks the copies printed of a numbered document
-- against its stamped count (R-DOC-6).
CREATE VIEW document_copies AS
SELECT j.document_id, sum(j.actual_copies)::bigint AS copies
FROM print_jobs j
WHERE j.document_id IS NOT NULL AND j.state = 'completed'
GROUP BY j.document_id;
COMMENT ON VIEW document_copies IS 'Completed copies per outgoing document, published to the documents service (R-DOC-6).';
GRANT SELECT ON document_copies TO documents;
