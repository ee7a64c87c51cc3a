-- Documents the planner can inline. A SQL function whose body has a
-- sub-select (leave_doc's approvals, activity_doc's participants,
-- leave_visible's EXISTS) is not inlined: it is planned again on every
-- execution of the statement that calls it, which was most of the database
-- time of a page of leave requests (~1 ms for 21). The sub-selects move to
-- the calling statements (LEAVE_DOC, ACTIVITY_DOC and LEAVE_VISIBLE in the
-- service), which are prepared once; what is left here is a single
-- expression, and row_to_json over a named row type builds the same keys
-- in the same order as json_build_object for about half the time (see
-- identity's user_json). A column added to a document is added to its
-- type as well.

CREATE TYPE leave_step_json AS (
    step        smallint,
    approver_id bigint,
    role        text,
    decision    text,
    decided_at  timestamptz,
    comment     text
);
COMMENT ON TYPE leave_step_json IS 'The fields of one approval step in the leave document, in order.';

CREATE FUNCTION leave_step_doc(s leave_steps) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(s.step, s.approver_id, s.role, s.decision, s.decided_at,
                           s.comment)::leave_step_json)
$$;

CREATE TYPE leave_json AS (
    id                   bigint,
    applicant_id         bigint,
    department_id        bigint,
    kind                 text,
    reason               text,
    start_date           date,
    start_half           text,
    end_date             date,
    end_half             text,
    half_days            integer,
    days                 numeric,
    starts_at            timestamptz,
    ends_at              timestamptz,
    state                text,
    current_step         smallint,
    current_approver_id  bigint,
    final_approver_id    bigint,
    approvals            json,
    extension            json,
    explanation          json,
    returned_at          timestamptz,
    closed_at            timestamptz,
    explanation_due      timestamptz,
    late_half_days       integer,
    extension_half_days  integer,
    extension_outcome    text,
    late_absence_id      bigint,
    extension_absence_id bigint,
    overdue              boolean,
    version              integer,
    created_at           timestamptz,
    updated_at           timestamptz
);
COMMENT ON TYPE leave_json IS 'The fields of the leave request document (leave_doc), in order.';

DROP FUNCTION leave_doc(leave_requests);

-- approvals: the steps as a JSON array in step order (LEAVE_DOC in the
-- service aggregates leave_step_doc in the calling statement).
CREATE FUNCTION leave_doc(l leave_requests, approvals json) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        l.id, l.applicant_id, l.department_id, l.kind, l.reason,
        l.start_date, l.start_half, l.end_date, l.end_half,
        l.half_days, l.half_days * 0.5, l.starts_at, l.ends_at,
        l.state, l.current_step, l.current_approver_id, l.final_approver_id,
        approvals,
        CASE WHEN l.ext_end_date IS NULL THEN NULL ELSE json_build_object(
            'new_end_date', l.ext_end_date, 'new_end_half', l.ext_end_half,
            'reason', l.ext_reason, 'recorded_by', l.ext_by, 'recorded_at', l.ext_at) END,
        CASE WHEN l.explanation IS NULL THEN NULL ELSE json_build_object(
            'text', l.explanation, 'submitted_at', l.explained_at) END,
        l.returned_at, l.closed_at, l.explanation_due, l.late_half_days,
        l.ext_half_days, l.ext_outcome, l.late_absence_id, l.ext_absence_id,
        l.state = 'approved' AND l.ends_at < now(),
        l.version, l.created_at, l.updated_at)::leave_json)
$$;

DROP FUNCTION leave_visible(leave_requests, bigint, boolean);

CREATE TYPE activity_participant_json AS (
    user_id     bigint,
    attendance  text,
    recorded_by bigint,
    recorded_at timestamptz,
    absence_id  bigint
);
COMMENT ON TYPE activity_participant_json IS 'The fields of one participant in the activity document, in order.';

CREATE FUNCTION activity_participant_doc(p activity_participants) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(p.user_id, p.attendance, p.recorded_by, p.recorded_at,
                           p.absence_id)::activity_participant_json)
$$;

CREATE TYPE activity_json AS (
    id           bigint,
    title        text,
    kind         text,
    location     text,
    starts_at    timestamptz,
    ends_at      timestamptz,
    created_by   bigint,
    participants json,
    version      integer,
    created_at   timestamptz,
    updated_at   timestamptz
);
COMMENT ON TYPE activity_json IS 'The fields of the activity document (activity_doc), in order.';

DROP FUNCTION activity_doc(activities);

-- participants: as a JSON array by user id (ACTIVITY_DOC in the service).
CREATE FUNCTION activity_doc(a activities, participants json) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(a.id, a.title, a.kind, a.location, a.starts_at, a.ends_at,
                           a.created_by, participants, a.version, a.created_at,
                           a.updated_at)::activity_json)
$$;
