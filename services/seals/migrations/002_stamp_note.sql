-- The custodian's own note on a stamp (R-SEAL-3), kept apart from the
-- approving leader's comment.

ALTER TABLE seal_requests ADD COLUMN stamp_note text;
COMMENT ON COLUMN seal_requests.stamp_note IS 'What the custodian noted when reviewing and stamping (R-SEAL-3).';

CREATE OR REPLACE FUNCTION seal_request_doc(q seal_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', q.id, 'seal_id', q.seal_id, 'seal_name', s.name, 'seal_kind', s.kind,
        'matter', q.matter, 'document_number', q.document_number, 'content', q.content,
        'using_unit', q.using_unit, 'copies', q.copies, 'document_id', q.document_id,
        'requester_id', q.requester_id, 'state', q.state,
        'required_approval', json_build_object(
            'rule', 'R-SEAL-2', 'role', q.approver_role,
            'approver_ids', eligible_approvers(q.approver_role, s)),
        'custodian_id', s.custodian_id,
        'approved_by', q.approved_by, 'approved_at', q.approved_at,
        'rejected_by', q.rejected_by, 'rejected_at', q.rejected_at,
        'decision_comment', q.decision_comment,
        'stamped_by', q.stamped_by, 'stamped_at', q.stamped_at,
        'stamped_count', q.stamped_count, 'stamp_note', q.stamp_note,
        'refused_by', q.refused_by, 'refused_at', q.refused_at,
        'refuse_reason', q.refuse_reason, 'withdrawn_at', q.withdrawn_at,
        'usage_id', (SELECT u.id FROM seal_usages u WHERE u.request_id = q.id),
        'version', q.version, 'created_at', q.created_at, 'updated_at', q.updated_at)
    FROM seals s WHERE s.id = q.seal_id
$$;
