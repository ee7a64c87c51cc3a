-- R-DOC-6 with R-SEAL-2: a seal request that names a signed, numbered
-- outgoing document carries the document's number and the SHA-256 of its
-- signed body, read from the view the documents service publishes
-- (documents.signed_documents); when the leader who signed it may approve
-- this use of this seal, the signature is the approval.

ALTER TABLE seal_requests
    ADD COLUMN document_sha256 text CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN approved_by_signature boolean NOT NULL DEFAULT false;
ALTER TABLE seal_requests ADD CONSTRAINT seal_requests_signature_check
    CHECK (NOT approved_by_signature OR (document_id IS NOT NULL AND document_sha256 IS NOT NULL));
COMMENT ON COLUMN seal_requests.document_sha256 IS 'SHA-256 of the signed body of the outgoing document named (R-DOC-6).';
COMMENT ON COLUMN seal_requests.approved_by_signature IS 'The leader''s signature of the document was the approval (R-DOC-6): approved_by is the signer.';

ALTER TYPE seal_request_json ADD ATTRIBUTE document_sha256 text;
ALTER TYPE seal_request_json ADD ATTRIBUTE approved_by_signature boolean;

CREATE OR REPLACE FUNCTION seal_request_doc(q seal_requests, s seals, usage_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        q.id, q.seal_id, s.name, s.kind, q.matter, q.document_number, q.content,
        q.using_unit, q.copies, q.document_id, q.requester_id, q.state,
        ROW('R-SEAL-2', q.approver_role,
            eligible_approvers(q.approver_role, s))::seal_approval_json,
        s.custodian_id, q.approved_by, q.approved_at, q.rejected_by, q.rejected_at,
        q.decision_comment, q.stamped_by, q.stamped_at, q.stamped_count, q.stamp_note,
        q.refused_by, q.refused_at, q.refuse_reason, q.withdrawn_at, usage_id,
        q.version, q.created_at, q.updated_at, q.major_matter, q.document_sha256,
        q.approved_by_signature)::seal_request_json)
$$;
