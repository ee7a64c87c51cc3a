-- The signed, numbered outgoing documents, published to the seals service
-- (R-DOC-6): a seal request naming one carries its number and the SHA-256
-- of its signed body, and its signer's signature may be the approval.

CREATE VIEW signed_documents AS
SELECT d.id AS document_id, d.doc_number, d.signed_body_sha256, d.signed_by, d.issuer,
       d.state, d.department_id, d.printed_copies
FROM documents d
WHERE d.doc_number IS NOT NULL AND d.signed_by IS NOT NULL;
COMMENT ON VIEW signed_documents IS 'Signed, numbered outgoing documents: number, SHA-256 of the signed body, signer (R-DOC-6). Read by the seals service.';
GRANT SELECT ON signed_documents TO seals;
