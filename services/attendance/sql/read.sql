-- The attendance service's read definitions: the functions that shape its
-- responses (one document per resource), the triggers' functions that keep a
-- leave request's document stored with its row, and the view it publishes.
-- Applied whole, in one transaction, after the migrations at every start that
-- finds it or its definitions changed, or applies a migration
-- (common/migrate.c), so each is CREATE OR REPLACE; a change of a result type
-- or of the view's columns needs a migration that drops the old one first.
--
-- The documents are a single expression over the row (row_to_json of a
-- named row type, see migration 004), so that the planner inlines them
-- where they are called; what they aggregate (a leave's steps, an
-- activity's participants) is aggregated by the calling statement
-- (LEAVE_DOC and ACTIVITY_DOC in the service). A field added to a document
-- is added to its type (leave_json, case_json...) by a migration first.
--
-- A leave request's document is stored with the row (migration 012): a
-- change of leave_doc or leave_step_doc reaches the stored documents only
-- when they are rebuilt (`UPDATE leave_requests SET doc = doc`, which the
-- trigger below turns into a rebuild), and the migrations run before this
-- file, so that rebuild must follow the new definition: the block at the
-- end of this file rebuilds them when the definitions it built them from
-- have changed.

-- ------------------------------------------------------------ leave

-- One approval step of a leave request.
CREATE OR REPLACE FUNCTION leave_step_doc(s leave_steps) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(s.step, s.approver_id, s.role, s.decision, s.decided_at,
                           s.comment)::leave_step_json)
$$;

-- approvals: the steps as a JSON array in step order (LEAVE_DOC in the
-- service aggregates leave_step_doc in the calling statement).
CREATE OR REPLACE FUNCTION leave_doc(l leave_requests, approvals json) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        l.id, l.applicant_id, l.department_id, l.kind, l.reason,
        l.start_date, l.start_half, l.end_date, l.end_half,
        l.half_days, l.half_days * 0.5, l.starts_at, l.ends_at,
        l.state, l.current_step, l.current_approver_id, l.final_approver_id,
        approvals,
        CASE WHEN l.ext_end_date IS NULL THEN NULL ELSE json_build_object(
            'new_end_date', l.ext_end_date, 'new_end_half', l.ext_end_half,
            'reason', l.ext_reason, 'recorded_by', l.ext_by, 'recorded_at', l.ext_at,
            'state', l.ext_state, 'half_days', l.ext_total_half_days,
            'current_approver_id', l.ext_approvers[l.ext_step],
            'approver_ids', l.ext_approvers, 'approver_roles', l.ext_roles,
            'approvals', l.ext_approvals) END,
        CASE WHEN l.explanation IS NULL THEN NULL ELSE json_build_object(
            'text', l.explanation, 'submitted_at', l.explained_at,
            'attachment', CASE WHEN l.explanation_file_type IS NULL THEN NULL
                ELSE json_build_object('content_type', l.explanation_file_type,
                    'file_name', l.explanation_file_name, 'size', l.explanation_file_size,
                    'sha256', l.explanation_file_sha256) END,
            'review', l.explanation_review, 'reviewed_by', l.explanation_reviewed_by,
            'reviewed_at', l.explanation_reviewed_at,
            'review_comment', l.explanation_review_comment) END,
        l.returned_at, l.closed_at, l.explanation_due, l.late_half_days,
        l.ext_half_days, l.ext_outcome, l.late_absence_id, l.ext_absence_id,
        l.state = 'approved' AND l.ends_at < now(),
        l.version, l.created_at, l.updated_at,
        CASE WHEN l.return_confirmation IS NULL THEN NULL ELSE json_build_object(
            'state', l.return_confirmation, 'claimed_returned_at', l.return_claimed_at,
            'closing_requested_at', l.close_requested_at, 'comment', l.close_comment,
            'decided_by', l.return_confirmed_by, 'decided_at', l.return_confirmed_at) END,
        l.late_swept_half_days)::leave_json)
$$;

-- The stored document (leave_requests.doc) of the row being inserted or
-- updated, with overdue false: the reading statement sets it from the
-- clock. The statement that makes a request gives it its approval steps'
-- JSON in doc (its steps are inserted with it, after it: leave_steps
-- refers to it); an update reads the steps, whose decision is written
-- before the update of the request that goes with it (migration 014).
CREATE OR REPLACE FUNCTION leave_doc_keep() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.doc := replace(leave_doc(NEW, NEW.doc::json)::text, '"overdue":true', '"overdue":false');
    ELSE
        NEW.doc := replace(leave_doc(NEW, (SELECT coalesce(json_agg(leave_step_doc(s) ORDER BY s.step),
                                                           '[]'::json)
                                           FROM leave_steps s WHERE s.request_id = NEW.id))::text,
                           '"overdue":true', '"overdue":false');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION leave_doc_keep() IS 'Builds leave_requests.doc of the row being inserted (doc holds its steps'' JSON) or updated (its steps read).';

-- ------------------------------------------------------------ outings

CREATE OR REPLACE FUNCTION outing_doc(o outings) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', o.id, 'user_id', o.user_id, 'department_id', o.department_id,
        'matter', o.matter, 'destination', o.destination, 'contact', o.contact,
        'starts_at', o.starts_at, 'ends_at', o.ends_at, 'state', o.state,
        'returned_at', o.returned_at, 'return_comment', o.return_comment,
        'current', o.state = 'out' AND o.starts_at <= now() AND o.ends_at > now(),
        'version', o.version, 'created_at', o.created_at, 'updated_at', o.updated_at)
$$;

-- ------------------------------------------------------------ activities

CREATE OR REPLACE FUNCTION activity_participant_doc(p activity_participants) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(p.user_id, p.attendance, p.recorded_by, p.recorded_at,
                           p.absence_id)::activity_participant_json)
$$;

-- participants: as a JSON array by user id (ACTIVITY_DOC in the service).
CREATE OR REPLACE FUNCTION activity_doc(a activities, participants json) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(a.id, a.title, a.kind, a.location, a.starts_at, a.ends_at,
                           a.created_by, participants, a.version, a.created_at,
                           a.updated_at)::activity_json)
$$;

CREATE OR REPLACE FUNCTION activity_absence_doc(q activity_absence_requests) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(q.id, q.activity_id, q.user_id, q.reason, q.state, q.decider_role,
                           q.decided_by, q.decided_at, q.comment, q.version, q.created_at,
                           q.updated_at)::activity_absence_json)
$$;

-- ------------------------------------------------------------ absenteeism

CREATE OR REPLACE FUNCTION absence_doc(a absences) RETURNS json LANGUAGE sql STABLE AS $$
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

-- probation (留岗查看) is the deputy's recorded decision, not the talk's
-- completion.
CREATE OR REPLACE FUNCTION case_doc(c discipline_cases) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        c.id, c.user_id, c.department_id, c.year, c.level,
        CASE c.level WHEN 1 THEN 'talk' WHEN 2 THEN 'suspension' ELSE 'transfer' END,
        c.state, c.half_days_at_open * 0.5, c.talk_by_id, c.talk_notes, c.talked_at,
        coalesce(c.under_watch, false), c.decider_role,
        c.meeting_decision_id, c.decided_by, c.decided_at, c.leader_id,
        c.leader_decision, c.leader_comment, c.leader_decided_at,
        c.allowance_yuan_per_month, c.below_threshold, c.notes,
        c.version, c.created_at, c.updated_at,
        c.talk_attitude, c.under_watch, c.suspension_months, c.transfer_by,
        coalesce(c.period_start, make_date(c.year, 1, 1)))::case_json)
$$;

-- ------------------------------------------------------------ published

-- Who is away right now, through an approved leave or a registered outing
-- that covers the present moment. R-ORG-4 (documents) reads it to let an
-- urgent matter bypass an absent supervising deputy.
CREATE OR REPLACE VIEW away_now AS
SELECT l.applicant_id AS user_id, 'leave'::text AS kind, l.id AS source_id, l.ends_at AS until
FROM leave_requests l
WHERE l.state = 'approved' AND l.starts_at <= now() AND l.ends_at > now()
UNION ALL
SELECT o.user_id, 'outing'::text, o.id, o.ends_at
FROM outings o
WHERE o.state = 'out' AND o.starts_at <= now() AND o.ends_at > now();

COMMENT ON VIEW away_now IS 'Who is away now: an approved, unclosed leave or an outing not yet returned whose span covers now() (R-ORG-4). until is when the absence is due to end.';

GRANT SELECT ON away_now TO documents, meetings, printing, seals;

-- ------------------------------------------------------------ stored documents

-- The stored leave documents were built by the definitions whose digest
-- leave_doc_built holds (migration 013); when the definitions above differ
-- from those, every document is rebuilt now, in this transaction, by the
-- trigger (an update that leaves doc as it was rebuilds it). Unchanged
-- definitions cost one digest at start.
DO $$
DECLARE
    now_built text := (SELECT md5(string_agg(p.prosrc, '' ORDER BY p.proname))
                         FROM pg_proc p
                        WHERE p.oid IN ('leave_doc(leave_requests, json)'::regprocedure,
                                        'leave_step_doc(leave_steps)'::regprocedure,
                                        'leave_doc_keep()'::regprocedure));
BEGIN
    IF now_built IS DISTINCT FROM (SELECT digest FROM leave_doc_built) THEN
        UPDATE leave_requests SET doc = doc;
        UPDATE leave_doc_built SET digest = now_built;
    END IF;
END
$$;
