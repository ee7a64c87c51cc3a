-- 印信管理使用制度 read to the letter:
--  - 一.2: the list of major matters (财政、人事、国有资产等重大事项) is open: a
--    request may name another major matter, described, which needs the
--    district mayor alone like the three (R-SEAL-2);
--  - 一.4, 二: an introduction letter goes out under the seal, so issuing it
--    writes a use log entry (R-LET-1, R-SEAL-4);
--  - 二.2: no blank bearers: every bearer the letter counts is named (R-LET-2);
--  - 二.3: a letter past its validity, neither used nor returned, is chased
--    (R-LET-3);
--  - 二.4: the stub is kept three years from when it is archived (used,
--    returned or expired), not from the issue (R-LET-4).

SET LOCAL check_function_bodies = off;

-- ---------------------------------------------------------------- major matters

ALTER TABLE seal_requests DROP CONSTRAINT seal_requests_matter_check;
ALTER TABLE seal_requests ADD CONSTRAINT seal_requests_matter_check
    CHECK (matter IN ('general', 'finance', 'personnel', 'state_assets', 'other_major'));
ALTER TABLE seal_requests ADD COLUMN major_matter text;
ALTER TABLE seal_requests ADD CONSTRAINT seal_requests_major_matter_check
    CHECK ((matter = 'other_major') = (major_matter IS NOT NULL)
           AND (major_matter IS NULL OR length(btrim(major_matter)) BETWEEN 1 AND 200));
COMMENT ON COLUMN seal_requests.major_matter IS 'The major matter a request names beyond finance, personnel and state assets (matter other_major, R-SEAL-2: 等重大事项); it needs the district mayor alone.';

ALTER TYPE seal_request_json ADD ATTRIBUTE major_matter text;

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
        q.version, q.created_at, q.updated_at, q.major_matter)::seal_request_json)
$$;

-- ---------------------------------------------------------------- letters in the use log

-- An entry comes from a stamped seal request or from an issued letter. No
-- foreign key to the letter: its stub is removed after retention (R-LET-4)
-- while the log keeps every entry (R-SEAL-4).
ALTER TABLE seal_usages ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE seal_usages ADD COLUMN letter_id bigint UNIQUE;
ALTER TABLE seal_usages ADD CONSTRAINT seal_usages_one_source
    CHECK ((request_id IS NULL) <> (letter_id IS NULL));
COMMENT ON COLUMN seal_usages.letter_id IS 'The introduction letter whose issue this entry records (R-LET-1: issuing a letter stamps it); its document_number is the letter number.';

ALTER TYPE usage_json ADD ATTRIBUTE letter_id bigint;

CREATE OR REPLACE FUNCTION usage_doc(u seal_usages, seal_name text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.seal_id, seal_name, u.request_id, u.stamped_at, u.matter,
                           u.document_number, u.content, u.using_unit, u.count,
                           u.handler_id, u.handler_name, u.approver_id, u.approver_name,
                           u.stamper_id, u.stamper_name, u.document_id, 1,
                           u.stamped_at, u.stamped_at, u.letter_id)::usage_json)
$$;

-- ---------------------------------------------------------------- no blank bearers

-- NOT VALID: letters made before this rule keep their stubs as they are.
ALTER TABLE intro_letters ADD CONSTRAINT intro_letters_every_bearer_named
    CHECK (cardinality(bearer_names) = bearer_count) NOT VALID;

-- ---------------------------------------------------------------- chasing

ALTER TABLE intro_letters ADD COLUMN chased_at timestamptz;
ALTER TABLE intro_letters ADD COLUMN chase_count integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN intro_letters.chased_at IS 'When the requester and the custodian were last reminded of this issued letter past its validity, neither used nor returned (R-LET-3).';
CREATE INDEX intro_letters_outstanding ON intro_letters (valid_until) WHERE state = 'issued';

-- ---------------------------------------------------------------- retention

-- When the stub was archived: the letter used, returned, or (issued and
-- neither) expired at the end of its last valid day, office time. NULL for
-- a letter never issued.
CREATE FUNCTION stub_archived_at(l intro_letters) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE l.state
             WHEN 'used' THEN l.used_at
             WHEN 'returned' THEN l.returned_at
             WHEN 'issued' THEN (l.valid_until + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
           END
$$;
COMMENT ON FUNCTION stub_archived_at(intro_letters) IS 'When an issued letter''s stub was archived (used, returned or expired); it is kept three years from then (R-LET-4).';

ALTER TYPE letter_json ADD ATTRIBUTE archived_at timestamptz;
ALTER TYPE letter_json ADD ATTRIBUTE chased_at timestamptz;

CREATE OR REPLACE FUNCTION letter_doc(l intro_letters, s seals) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        l.id, l.seal_id, s.name, l.requester_id, l.bearer_names, l.bearer_count,
        l.recipient_org, l.matter, l.valid_until, l.state, s.custodian_id,
        l.approved_by, l.approved_at, l.rejected_by, l.rejected_at, l.decision_comment,
        l.letter_number, l.issued_by, l.issued_at, stub_archived_at(l) + interval '3 years',
        l.used_at, l.use_note, l.returned_by, l.returned_at, l.return_note,
        l.withdrawn_at, l.version, l.created_at, l.updated_at,
        stub_archived_at(l), l.chased_at)::letter_json)
$$;

-- SET search_path FROM CURRENT: the trigger also fires for a session whose
-- path does not hold this schema (an administrator's), and must find
-- stub_archived_at there.
CREATE OR REPLACE FUNCTION refuse_young_stub_delete() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF OLD.issued_at IS NULL OR stub_archived_at(OLD) > now() - interval '3 years' THEN
        RAISE EXCEPTION 'introduction letter % is kept three years from archiving (R-LET-4)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
END $$;
COMMENT ON FUNCTION refuse_young_stub_delete() IS 'Refuses deleting an introduction letter stub before three years from its archiving: used, returned or expired (R-LET-4).';
