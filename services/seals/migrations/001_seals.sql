-- Seals: custody, seal use, the use log and introduction letters
-- (印信管理使用制度; R-SEAL-1 .. R-SEAL-4, R-LET-1 .. R-LET-4).
-- People are identity users, read through identity.org_people; their ids
-- are not foreign keys because the identity schema is not ours.

-- The functions below read identity's published views; their bodies are
-- checked when first used, so this service may migrate before identity.
SET LOCAL check_function_bodies = off;

CREATE TABLE seals (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind         text NOT NULL CHECK (kind IN ('district_government', 'government_office', 'other')),
    state        text NOT NULL DEFAULT 'active'
                 CHECK (state IN ('active', 'suspended', 'retired', 'lost')),
    custodian_id bigint NOT NULL,
    approver_ids bigint[] NOT NULL DEFAULT '{}',
    retired_at   timestamptz,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'other') = (cardinality(approver_ids) > 0)),
    CHECK ((state = 'retired') = (retired_at IS NOT NULL))
);
COMMENT ON TABLE seals IS 'The office''s seals, each kept by one custodian (R-SEAL-1); approver_ids are who approves uses of an other-kind seal (R-SEAL-2).';

CREATE TABLE seal_handovers (
    id           bigserial PRIMARY KEY,
    seal_id      bigint NOT NULL REFERENCES seals(id),
    from_user_id bigint NOT NULL,
    to_user_id   bigint NOT NULL,
    note         text NOT NULL DEFAULT '',
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'cancelled')),
    confirmed_at timestamptz,
    cancelled_at timestamptz,
    cancelled_by bigint,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (from_user_id <> to_user_id),
    CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL))
);
COMMENT ON TABLE seal_handovers IS 'Registered handovers of a seal: started by the custodian, effective when the receiver confirms (R-SEAL-1).';
CREATE UNIQUE INDEX seal_handovers_one_pending ON seal_handovers (seal_id) WHERE state = 'pending';
CREATE INDEX seal_handovers_seal ON seal_handovers (seal_id, id);
CREATE INDEX seal_handovers_to ON seal_handovers (to_user_id, id);
CREATE INDEX seal_handovers_from ON seal_handovers (from_user_id, id);

CREATE TABLE seal_custodians (
    id           bigserial PRIMARY KEY,
    seal_id      bigint NOT NULL REFERENCES seals(id),
    custodian_id bigint NOT NULL,
    since        timestamptz NOT NULL DEFAULT now(),
    until        timestamptz,
    handover_id  bigint REFERENCES seal_handovers(id),
    CHECK (until IS NULL OR until >= since)
);
COMMENT ON TABLE seal_custodians IS 'Who kept each seal and when (R-SEAL-1); the open row is the current custodian.';
CREATE UNIQUE INDEX seal_custodians_current ON seal_custodians (seal_id) WHERE until IS NULL;
CREATE INDEX seal_custodians_seal ON seal_custodians (seal_id, id);

CREATE TABLE seal_requests (
    id                    bigserial PRIMARY KEY,
    seal_id               bigint NOT NULL REFERENCES seals(id),
    requester_id          bigint NOT NULL,
    matter                text NOT NULL CHECK (matter IN ('general', 'finance', 'personnel', 'state_assets')),
    document_number       text NOT NULL CHECK (length(btrim(document_number)) BETWEEN 1 AND 100),
    content               text NOT NULL CHECK (length(btrim(content)) BETWEEN 1 AND 2000),
    using_unit            text NOT NULL CHECK (length(btrim(using_unit)) BETWEEN 1 AND 200),
    copies                integer NOT NULL CHECK (copies BETWEEN 1 AND 10000),
    document_id           bigint,
    approver_role         text NOT NULL
                          CHECK (approver_role IN ('district_mayor', 'district_leader', 'office_director', 'configured')),
    state                 text NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'stamped', 'refused')),
    approved_by           bigint,
    approved_at           timestamptz,
    rejected_by           bigint,
    rejected_at           timestamptz,
    decision_comment      text,
    custodian_notified_id bigint,
    stamped_by            bigint,
    stamped_at            timestamptz,
    stamped_count         integer,
    refused_by            bigint,
    refused_at            timestamptz,
    refuse_reason         text,
    withdrawn_at          timestamptz,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (state NOT IN ('approved', 'stamped', 'refused') OR approved_by IS NOT NULL),
    CHECK (state <> 'stamped' OR (stamped_by IS NOT NULL AND stamped_count IS NOT NULL)),
    CHECK (state <> 'refused' OR length(btrim(refuse_reason)) > 0),
    CHECK (stamped_count IS NULL OR stamped_count BETWEEN 1 AND copies)
);
COMMENT ON TABLE seal_requests IS 'Requests to use a seal: approved by the leader the seal and matter require (R-SEAL-2), then reviewed and stamped or refused by the custodian (R-SEAL-3).';
CREATE INDEX seal_requests_requester ON seal_requests (requester_id, id);
CREATE INDEX seal_requests_seal ON seal_requests (seal_id, id);
CREATE INDEX seal_requests_open ON seal_requests (state, seal_id, id) WHERE state IN ('pending', 'approved');

-- The use log (用印登记). Append-only: a trigger refuses every change and
-- the service's own role has no UPDATE, DELETE or TRUNCATE on it.
CREATE TABLE seal_usages (
    id              bigserial PRIMARY KEY,
    seal_id         bigint NOT NULL REFERENCES seals(id),
    request_id      bigint NOT NULL UNIQUE REFERENCES seal_requests(id),
    stamped_at      timestamptz NOT NULL DEFAULT now(),
    matter          text NOT NULL,
    document_number text NOT NULL,
    content         text NOT NULL,
    using_unit      text NOT NULL,
    count           integer NOT NULL CHECK (count > 0),
    handler_id      bigint NOT NULL,
    handler_name    text NOT NULL,
    approver_id     bigint NOT NULL,
    approver_name   text NOT NULL,
    stamper_id      bigint NOT NULL,
    stamper_name    text NOT NULL,
    document_id     bigint
);
COMMENT ON TABLE seal_usages IS 'The seal use log (R-SEAL-4): time, document number and content, using unit, count, handler, approver, stamper; names as they were. Append-only.';
-- One seal's log for a period, newest first, keyset by (stamped_at, id).
CREATE INDEX seal_usages_seal_time ON seal_usages (seal_id, stamped_at, id);
CREATE INDEX seal_usages_time ON seal_usages (stamped_at, id);
CREATE INDEX seal_usages_document ON seal_usages (document_id) WHERE document_id IS NOT NULL;

CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the seal use log is append-only (R-SEAL-4)' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER seal_usages_append_only BEFORE UPDATE OR DELETE ON seal_usages
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER seal_usages_no_truncate BEFORE TRUNCATE ON seal_usages
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
REVOKE UPDATE, DELETE, TRUNCATE ON seal_usages FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON seal_usages FROM CURRENT_USER;

-- The documents service reads the stamps of its outgoing documents (R-DOC-6).
CREATE VIEW document_stamps AS
SELECT u.document_id, u.id AS usage_id, u.seal_id, u.stamped_at, u.count, u.request_id
FROM seal_usages u WHERE u.document_id IS NOT NULL;
COMMENT ON VIEW document_stamps IS 'Seal uses per outgoing document, published to the documents service.';
GRANT SELECT ON document_stamps TO documents;

CREATE TABLE intro_letters (
    id               bigserial PRIMARY KEY,
    seal_id          bigint NOT NULL REFERENCES seals(id),
    requester_id     bigint NOT NULL,
    bearer_names     text[] NOT NULL,
    bearer_count     integer NOT NULL CHECK (bearer_count BETWEEN 1 AND 100),
    recipient_org    text NOT NULL CHECK (length(btrim(recipient_org)) BETWEEN 1 AND 200),
    matter           text NOT NULL CHECK (length(btrim(matter)) BETWEEN 1 AND 1000),
    valid_until      date NOT NULL,
    state            text NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'issued', 'used', 'returned')),
    approved_by      bigint,
    approved_at      timestamptz,
    rejected_by      bigint,
    rejected_at      timestamptz,
    decision_comment text,
    issued_by        bigint,
    issued_at        timestamptz,
    letter_year      integer,
    letter_seq       integer,
    letter_number    text,
    used_at          timestamptz,
    use_note         text,
    returned_by      bigint,
    returned_at      timestamptz,
    return_note      text,
    withdrawn_at     timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (cardinality(bearer_names) BETWEEN 1 AND bearer_count),
    CHECK (array_position(bearer_names, NULL) IS NULL),
    CHECK ((letter_number IS NULL) = (state IN ('pending', 'approved', 'rejected', 'withdrawn'))),
    CHECK (letter_number IS NULL OR (issued_at IS NOT NULL AND issued_by IS NOT NULL
                                     AND letter_year IS NOT NULL AND letter_seq > 0)),
    CHECK (state <> 'returned' OR length(btrim(return_note)) > 0)
);
COMMENT ON TABLE intro_letters IS 'Introduction letters and their stubs: approved by the director or a deputy (R-LET-2), issued with a number by the custodian of the seal (R-LET-1), returned unused onto the stub (R-LET-3), kept three years from issue (R-LET-4).';
CREATE UNIQUE INDEX intro_letters_number ON intro_letters (seal_id, letter_year, letter_seq);
CREATE INDEX intro_letters_requester ON intro_letters (requester_id, id);
CREATE INDEX intro_letters_seal ON intro_letters (seal_id, id);
CREATE INDEX intro_letters_issued ON intro_letters (issued_at) WHERE issued_at IS NOT NULL;

CREATE TABLE letter_series (
    seal_id     bigint NOT NULL REFERENCES seals(id),
    year        integer NOT NULL,
    last_number integer NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (seal_id, year)
);
COMMENT ON TABLE letter_series IS 'The last letter number per seal and year (R-LET-1); bumped in the issuing transaction, so numbers have no gaps.';

-- ---------------------------------------------------------------- shapes

CREATE FUNCTION person_name(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT p.display_name FROM identity.org_people p WHERE p.id = p_id
$$;

-- R-SEAL-2: the people who may approve under a role, never the seal's own
-- custodian (R-SEAL-1). The role itself is computed by the service
-- (seal_approver_role); this maps it to today's holders.
CREATE FUNCTION eligible_approvers(p_role text, s seals) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
    FROM identity.org_people p
    WHERE p.active AND NOT p.is_secretary AND p.id <> s.custodian_id
      AND CASE p_role
            WHEN 'district_mayor' THEN p.position = 'district_mayor'
            WHEN 'district_leader' THEN p.position IN ('district_mayor', 'deputy_mayor')
            WHEN 'office_director' THEN p.position = 'office_director'
            WHEN 'configured' THEN p.id = ANY (s.approver_ids)
            ELSE false
          END
$$;

CREATE FUNCTION seal_doc(s seals) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'name', s.name, 'kind', s.kind, 'state', s.state,
        'custodian_id', s.custodian_id, 'custodian_name', person_name(s.custodian_id),
        'approver_ids', s.approver_ids,
        'pending_handover_id', (SELECT h.id FROM seal_handovers h
                                WHERE h.seal_id = s.id AND h.state = 'pending'),
        'retired_at', s.retired_at, 'version', s.version,
        'created_at', s.created_at, 'updated_at', s.updated_at)
$$;

CREATE FUNCTION handover_doc(h seal_handovers) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', h.id, 'seal_id', h.seal_id, 'from_user_id', h.from_user_id,
        'to_user_id', h.to_user_id, 'note', h.note, 'state', h.state,
        'confirmed_at', h.confirmed_at, 'cancelled_at', h.cancelled_at,
        'cancelled_by', h.cancelled_by, 'version', h.version,
        'created_at', h.created_at, 'updated_at', h.updated_at)
$$;

CREATE FUNCTION custody_doc(k seal_custodians) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', k.id, 'seal_id', k.seal_id, 'custodian_id', k.custodian_id,
        'custodian_name', person_name(k.custodian_id), 'since', k.since, 'until', k.until,
        'current', k.until IS NULL, 'handover_id', k.handover_id)
$$;

CREATE FUNCTION seal_request_doc(q seal_requests) RETURNS json LANGUAGE sql STABLE AS $$
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
        'stamped_count', q.stamped_count,
        'refused_by', q.refused_by, 'refused_at', q.refused_at,
        'refuse_reason', q.refuse_reason, 'withdrawn_at', q.withdrawn_at,
        'usage_id', (SELECT u.id FROM seal_usages u WHERE u.request_id = q.id),
        'version', q.version, 'created_at', q.created_at, 'updated_at', q.updated_at)
    FROM seals s WHERE s.id = q.seal_id
$$;

-- Who sees a request: its requester, the approvers, the seal's custodian,
-- whoever acted on it, and (privileged) the leaders and administrators.
CREATE FUNCTION request_visible(q seal_requests, s seals, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged
        OR viewer = q.requester_id OR viewer = s.custodian_id
        OR viewer IS NOT DISTINCT FROM q.approved_by OR viewer IS NOT DISTINCT FROM q.rejected_by
        OR viewer IS NOT DISTINCT FROM q.stamped_by OR viewer IS NOT DISTINCT FROM q.refused_by
        OR viewer IS NOT DISTINCT FROM q.custodian_notified_id
        OR (q.approver_role = 'configured' AND viewer = ANY (s.approver_ids))
$$;

CREATE FUNCTION usage_doc(u seal_usages) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', u.id, 'seal_id', u.seal_id,
        'seal_name', (SELECT s.name FROM seals s WHERE s.id = u.seal_id),
        'request_id', u.request_id,
        'stamped_at', u.stamped_at, 'matter', u.matter,
        'document_number', u.document_number, 'content', u.content,
        'using_unit', u.using_unit, 'count', u.count,
        'handler_id', u.handler_id, 'handler_name', u.handler_name,
        'approver_id', u.approver_id, 'approver_name', u.approver_name,
        'stamper_id', u.stamper_id, 'stamper_name', u.stamper_name,
        'document_id', u.document_id, 'version', 1,
        'created_at', u.stamped_at, 'updated_at', u.stamped_at)
$$;

CREATE FUNCTION letter_doc(l intro_letters) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', l.id, 'seal_id', l.seal_id, 'seal_name', s.name,
        'requester_id', l.requester_id, 'bearer_names', l.bearer_names,
        'bearer_count', l.bearer_count, 'recipient_org', l.recipient_org,
        'matter', l.matter, 'valid_until', l.valid_until, 'state', l.state,
        'custodian_id', s.custodian_id,
        'approved_by', l.approved_by, 'approved_at', l.approved_at,
        'rejected_by', l.rejected_by, 'rejected_at', l.rejected_at,
        'decision_comment', l.decision_comment,
        'letter_number', l.letter_number, 'issued_by', l.issued_by, 'issued_at', l.issued_at,
        'retained_until', (l.issued_at + interval '3 years'),
        'used_at', l.used_at, 'use_note', l.use_note,
        'returned_by', l.returned_by, 'returned_at', l.returned_at,
        'return_note', l.return_note, 'withdrawn_at', l.withdrawn_at,
        'version', l.version, 'created_at', l.created_at, 'updated_at', l.updated_at)
    FROM seals s WHERE s.id = l.seal_id
$$;

CREATE FUNCTION letter_visible(l intro_letters, s seals, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged
        OR viewer = l.requester_id OR viewer = s.custodian_id
        OR viewer IS NOT DISTINCT FROM l.approved_by OR viewer IS NOT DISTINCT FROM l.rejected_by
        OR viewer IS NOT DISTINCT FROM l.issued_by OR viewer IS NOT DISTINCT FROM l.returned_by
$$;
