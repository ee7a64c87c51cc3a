-- 请假制度 三 "必须通过电话及时补假": an extension (补假) is recorded before the
-- end of the leave in force, and it may not make the leave longer than its
-- approvers may grant: the approval chain of the whole leave is computed
-- again (R-ATT-2) and the approvers it adds must approve the extension too
-- (R-ATT-4). Until they have, the extension is pending and the leave ends
-- where it did; refused, it never applies.

ALTER TABLE leave_requests ADD COLUMN ext_state text
    CHECK (ext_state IN ('pending', 'granted', 'refused'));
UPDATE leave_requests SET ext_state = 'granted' WHERE ext_end_date IS NOT NULL;
ALTER TABLE leave_requests ADD CONSTRAINT leave_requests_ext_state
    CHECK ((ext_end_date IS NULL) = (ext_state IS NULL));
ALTER TABLE leave_requests ADD COLUMN ext_approvers bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE leave_requests ADD COLUMN ext_roles text[] NOT NULL DEFAULT '{}';
ALTER TABLE leave_requests ADD COLUMN ext_step smallint;
ALTER TABLE leave_requests ADD COLUMN ext_approvals jsonb NOT NULL DEFAULT '[]';
ALTER TABLE leave_requests ADD COLUMN ext_total_half_days integer CHECK (ext_total_half_days > 0);
ALTER TABLE leave_requests ADD CONSTRAINT leave_requests_ext_step
    CHECK ((ext_state = 'pending') = (ext_step IS NOT NULL)
           AND (ext_step IS NULL OR ext_step BETWEEN 1 AND cardinality(ext_approvers)));
COMMENT ON COLUMN leave_requests.ext_state IS 'The extension (补假): pending while approvers the longer leave needs have not all approved it, granted (in force: ends_at follows it) or refused (R-ATT-4).';
COMMENT ON COLUMN leave_requests.ext_approvers IS 'The approvers the whole leave with the extension needs beyond those who already approved it, in order (R-ATT-2 chain computed again); ext_step is whose turn it is.';
COMMENT ON COLUMN leave_requests.ext_approvals IS 'Their decisions on the extension: [{step, approver_id, role, decision, decided_at, comment}].';

-- A single expression still (see migration 004): the added approvers are
-- two parallel arrays rather than a sub-select.
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
            'text', l.explanation, 'submitted_at', l.explained_at) END,
        l.returned_at, l.closed_at, l.explanation_due, l.late_half_days,
        l.ext_half_days, l.ext_outcome, l.late_absence_id, l.ext_absence_id,
        l.state = 'approved' AND l.ends_at < now(),
        l.version, l.created_at, l.updated_at)::leave_json)
$$;
