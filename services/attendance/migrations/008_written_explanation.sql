-- 请假制度 三 "事后出具书面说明(如诊断书等)": the written explanation of an
-- extension is a document: it carries the scan of, say, the medical
-- certificate (PDF, JPEG or PNG, size-limited, kept with its SHA-256), and
-- the approver who recorded the extension accepts it or not; a refused
-- explanation turns the extension's half-days into absenteeism (R-ATT-4).

CREATE TABLE leave_explanation_files (
    request_id   bigint PRIMARY KEY REFERENCES leave_requests(id),
    data         bytea NOT NULL CHECK (octet_length(data) > 0),
    uploaded_by  bigint NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE leave_explanation_files IS 'The scan attached to the written explanation of an extension (R-ATT-4); its description (type, name, size, SHA-256) is on the leave request.';

ALTER TABLE leave_requests ADD COLUMN explanation_file_type text
    CHECK (explanation_file_type IN ('application/pdf', 'image/jpeg', 'image/png'));
ALTER TABLE leave_requests ADD COLUMN explanation_file_name text
    CHECK (length(btrim(explanation_file_name)) BETWEEN 1 AND 200);
ALTER TABLE leave_requests ADD COLUMN explanation_file_size integer
    CHECK (explanation_file_size > 0);
ALTER TABLE leave_requests ADD COLUMN explanation_file_sha256 text
    CHECK (explanation_file_sha256 ~ '^[0-9a-f]{64}$');
ALTER TABLE leave_requests ADD COLUMN explanation_review text
    CHECK (explanation_review IN ('accepted', 'refused'));
ALTER TABLE leave_requests ADD COLUMN explanation_reviewed_by bigint;
ALTER TABLE leave_requests ADD COLUMN explanation_reviewed_at timestamptz;
ALTER TABLE leave_requests ADD COLUMN explanation_review_comment text;
ALTER TABLE leave_requests ADD CONSTRAINT leave_requests_explanation_reviewed
    CHECK ((explanation_review IS NULL) = (explanation_reviewed_at IS NULL)
           AND (explanation_review IS NULL OR explanation IS NOT NULL));
COMMENT ON COLUMN leave_requests.explanation_review IS 'The approver''s review of the written explanation: accepted, or refused, which turns the extension into absenteeism (R-ATT-4).';

-- The unexplained-extension sweep skips an explanation waiting for its
-- review: the delay is not the applicant's.
DROP INDEX leave_unexplained;
CREATE INDEX leave_unexplained ON leave_requests (explanation_due)
    WHERE state = 'closed' AND ext_half_days > 0 AND ext_outcome IS NULL AND explanation IS NULL;

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
        l.version, l.created_at, l.updated_at)::leave_json)
$$;
