-- 请假制度 三 "超出准假时限而未能及时返回的按旷工处理" and "对擅自延长请假时间的按
-- 旷工处理": late return cannot be dodged (R-ATT-4).
--  - Leave not closed after its end turns into absenteeism half-day by
--    half-day: the background sweep records each working half-day that
--    passes after the end in force while the leave is open. late_swept_slot
--    is the last half-day it has looked at (office half-days since
--    1970-01-01, am even, pm odd); it starts at the approval, so only the
--    half-days that pass after the leave was approved are the sweep's; the
--    closing counts the rest.
--  - A return time claimed earlier than the closing by more than
--    LEAVE_RETURN_MARGIN_MINUTES needs the final approver's confirmation;
--    refused, the person is back when they reported back.

CREATE FUNCTION office_slot(t timestamptz) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT (((t AT TIME ZONE 'Asia/Shanghai')::date - DATE '1970-01-01') * 2
            + CASE WHEN extract(hour FROM t AT TIME ZONE 'Asia/Shanghai') >= 12 THEN 1 ELSE 0 END)::integer
$$;
COMMENT ON FUNCTION office_slot(timestamptz) IS 'The office half-day holding t: days since 1970-01-01 (Asia/Shanghai) times two, plus one in the afternoon.';

ALTER TABLE leave_requests ADD COLUMN late_swept_slot integer;
ALTER TABLE leave_requests ADD COLUMN late_swept_from integer;
ALTER TABLE leave_requests ADD COLUMN late_swept_half_days integer NOT NULL DEFAULT 0
    CHECK (late_swept_half_days >= 0);
UPDATE leave_requests SET late_swept_slot = office_slot(now()) - 1 WHERE state = 'approved';
COMMENT ON COLUMN leave_requests.late_swept_slot IS 'The last office half-day the sweep has looked at for absenteeism of leave not closed after its end (R-ATT-4); set when the leave is approved.';
COMMENT ON COLUMN leave_requests.late_swept_from IS 'The half-day after which the sweep began recording: it recorded the half-days after late_swept_from up to late_swept_slot, which closing does not count again.';
COMMENT ON COLUMN leave_requests.late_swept_half_days IS 'Working half-days the sweep recorded as absenteeism because the leave was not closed after its end (R-ATT-4).';

ALTER TABLE leave_requests ADD COLUMN return_claimed_at timestamptz;
ALTER TABLE leave_requests ADD COLUMN close_requested_at timestamptz;
ALTER TABLE leave_requests ADD COLUMN close_comment text;
ALTER TABLE leave_requests ADD COLUMN return_confirmation text
    CHECK (return_confirmation IN ('pending', 'confirmed', 'refused'));
ALTER TABLE leave_requests ADD COLUMN return_confirmed_by bigint;
ALTER TABLE leave_requests ADD COLUMN return_confirmed_at timestamptz;
ALTER TABLE leave_requests ADD CONSTRAINT leave_requests_return_confirmation
    CHECK ((return_confirmation IS NULL) = (close_requested_at IS NULL)
           AND (return_confirmation <> 'pending' OR state = 'approved'));
COMMENT ON COLUMN leave_requests.return_confirmation IS 'A return time claimed earlier than the closing by more than the margin: pending until the final approver confirms it, or refuses it (the person is then back when they closed) (R-ATT-4).';

-- The leaves the sweep watches: approved through the service (which sets
-- late_swept_slot), past their end, with no return waiting for its
-- confirmation.
CREATE INDEX leave_unclosed_watch ON leave_requests (ends_at)
    WHERE state = 'approved' AND late_swept_slot IS NOT NULL AND return_confirmation IS NULL;

ALTER TYPE leave_json ADD ATTRIBUTE return_check json;
ALTER TYPE leave_json ADD ATTRIBUTE late_swept_half_days integer;

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
