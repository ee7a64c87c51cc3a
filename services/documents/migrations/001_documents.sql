-- Documents: outgoing documents and their numbers (公文处理制度, R-DOC-1 ..
-- R-DOC-6). People and departments are identity's, read through
-- identity.org_people and identity.org_departments; their ids are not
-- foreign keys because the identity schema is not ours.

-- The functions below read identity's published views; their bodies are
-- checked when first used, so this service may migrate before identity.
SET LOCAL check_function_bodies = off;

CREATE TABLE number_series (
    issuer     text PRIMARY KEY CHECK (issuer IN ('district_government', 'government_office')),
    prefix     text NOT NULL CHECK (length(btrim(prefix)) BETWEEN 1 AND 20),
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE number_series IS 'The prefix of each issuer''s document numbers, e.g. 船营府发 (R-DOC-5); admins change it.';
INSERT INTO number_series(issuer, prefix) VALUES
    ('district_government', '船营府发'), ('government_office', '船营府办发');

CREATE TABLE number_counters (
    series text NOT NULL,
    year   integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last   bigint NOT NULL CHECK (last >= 1),
    PRIMARY KEY (series, year)
);
COMMENT ON TABLE number_counters IS 'The last number taken per series and year (R-DOC-5, R-DOC-8). A number is taken by updating the row inside the transaction that uses it: the row stays locked until that transaction ends, and a rollback gives the number back, so the numbers that exist are 1..last without a gap.';

-- Takes the next number of a series and year. The caller's transaction
-- holds the counter row until it ends (R-DOC-5).
CREATE FUNCTION take_number(p_series text, p_year integer) RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO number_counters AS c (series, year, last) VALUES (p_series, p_year, 1)
    ON CONFLICT (series, year) DO UPDATE SET last = c.last + 1
    RETURNING last
$$;

CREATE TABLE documents (
    id                   bigserial PRIMARY KEY,
    issuer               text NOT NULL CHECK (issuer IN ('district_government', 'government_office')),
    doc_type             text NOT NULL CHECK (doc_type IN ('notice', 'bulletin', 'request', 'report',
                             'reply', 'letter', 'opinion', 'decision', 'minutes', 'other')),
    title                text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body                 text NOT NULL CHECK (length(body) <= 200000),
    main_recipients      text NOT NULL CHECK (length(main_recipients) <= 1000),
    cc_recipients        text NOT NULL DEFAULT '' CHECK (length(cc_recipients) <= 1000),
    secrecy              text NOT NULL DEFAULT 'none' CHECK (secrecy IN ('none', 'secret', 'confidential')),
    urgency              text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent', 'extra_urgent')),
    print_count          integer NOT NULL CHECK (print_count BETWEEN 1 AND 100000),
    assigned_by          text CHECK (assigned_by IN ('government', 'office')),
    reply_to_incoming_id bigint,
    department_id        bigint NOT NULL,
    creator_id           bigint NOT NULL,
    co_department_ids    bigint[] NOT NULL DEFAULT '{}',
    co_signed_ids        bigint[] NOT NULL DEFAULT '{}',
    state                text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'secretariat_review',
                             'deputy_review', 'awaiting_signoff', 'proofreading', 'revising',
                             'proofread', 'numbered', 'printed', 'issued', 'declined')),
    path_ids             bigint[] NOT NULL DEFAULT '{}',
    reviewer_id          bigint,
    reviewed_at          timestamptz,
    signer_id            bigint,
    signed_by            bigint,
    signed_at            timestamptz,
    signed_body_sha256   text,
    doc_year             integer,
    doc_seq              bigint,
    doc_number           text UNIQUE,
    numbered_at          timestamptz,
    letterhead_count     integer CHECK (letterhead_count BETWEEN 1 AND 100000),
    printed_copies       integer CHECK (printed_copies BETWEEN 1 AND 100000),
    printed_at           timestamptz,
    archived_at          timestamptz,
    stamped_count        integer,
    stamp_mismatch       boolean NOT NULL DEFAULT false,
    issued_at            timestamptz,
    decline_reason       text,
    last_comment         text,
    body_version         integer NOT NULL DEFAULT 1,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer, doc_year, doc_seq),
    CHECK ((doc_number IS NULL) = (doc_seq IS NULL)),
    CHECK (doc_seq IS NULL OR signed_at IS NOT NULL),
    CHECK ((state = 'declined') = (decline_reason IS NOT NULL))
);
COMMENT ON TABLE documents IS 'Outgoing documents (发文) from draft to issue: secretariat review (R-DOC-1, R-DOC-2), sign-off by the responsible leader (R-DOC-3), proofreading (R-DOC-4), the number (R-DOC-5), printing, archive and stamps (R-DOC-6). path_ids: everyone who acted on it or was asked to, who may read it.';
CREATE INDEX documents_department ON documents (department_id, id);
CREATE INDEX documents_state ON documents (state, id);
CREATE INDEX documents_path ON documents USING gin (path_ids);

CREATE TABLE document_versions (
    document_id bigint NOT NULL REFERENCES documents(id),
    no          integer NOT NULL CHECK (no >= 1),
    title       text NOT NULL,
    body        text NOT NULL,
    author_id   bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, no)
);
COMMENT ON TABLE document_versions IS 'Every revision of a document''s title and body, with who and when (DESIGN section 6). Never changed.';

-- The people who may sign a document of issuer p_issuer drafted by
-- department p_dept (R-DOC-3): a district government document by the
-- district mayor or the deputy mayor in charge of the drafting bureau (for
-- an office section, the one in charge of the office); an office document
-- by the director or the deputy director supervising the drafting section.
CREATE FUNCTION eligible_signers(p_issuer text, p_dept bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT p.id ORDER BY p.id), '{}')
    FROM identity.org_people p
    WHERE p.active AND NOT p.is_secretary AND (
        (p_issuer = 'district_government' AND p.position = 'district_mayor')
     OR (p_issuer = 'government_office' AND p.position = 'office_director')
     OR (p_issuer = 'district_government' AND p.position = 'deputy_mayor' AND p.id = (
            SELECT coalesce(d.in_charge_id,
                            (SELECT ol.in_charge_id FROM identity.org_departments ol
                             WHERE ol.kind = 'office_leadership' AND d.kind = 'section'
                             ORDER BY ol.id LIMIT 1))
            FROM identity.org_departments d WHERE d.id = p_dept))
     OR (p_issuer = 'government_office' AND p.position = 'deputy_director' AND p.id = (
            SELECT d.supervising_deputy_id FROM identity.org_departments d WHERE d.id = p_dept)))
$$;

-- Whether user p_user of department p_dept reads document d: the people
-- on its path always; for an ordinary document also its drafting and
-- co-drafting departments, and the secretariat once submitted; secret and
-- confidential ones only by the path.
CREATE FUNCTION document_visible(d documents, p_user bigint, p_dept bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_user = d.creator_id OR p_user = ANY (d.path_ids)
        OR (d.secrecy = 'none' AND (p_dept = d.department_id OR p_dept = ANY (d.co_department_ids)))
        OR (d.state <> 'draft' AND EXISTS (SELECT 1 FROM identity.org_departments s
                                           WHERE s.id = p_dept AND s.is_secretariat))
$$;

CREATE FUNCTION document_doc(d documents) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'issuer', d.issuer, 'doc_type', d.doc_type, 'title', d.title,
        'body', d.body, 'main_recipients', d.main_recipients, 'cc_recipients', d.cc_recipients,
        'secrecy', d.secrecy, 'urgency', d.urgency, 'print_count', d.print_count,
        'assigned_by', d.assigned_by, 'reply_to_incoming_id', d.reply_to_incoming_id,
        'department_id', d.department_id, 'creator_id', d.creator_id,
        'co_department_ids', d.co_department_ids, 'co_signed_department_ids', d.co_signed_ids,
        'state', d.state, 'reviewer_id', d.reviewer_id, 'reviewed_at', d.reviewed_at,
        'signer_id', d.signer_id, 'signed_by', d.signed_by, 'signed_at', d.signed_at,
        'signed_body_sha256', d.signed_body_sha256,
        'doc_number', d.doc_number, 'doc_year', d.doc_year, 'doc_seq', d.doc_seq,
        'numbered_at', d.numbered_at, 'letterhead_count', d.letterhead_count,
        'printed_copies', d.printed_copies, 'printed_at', d.printed_at,
        'archived_at', d.archived_at, 'stamped_count', d.stamped_count,
        'stamp_mismatch', d.stamp_mismatch, 'issued_at', d.issued_at,
        'decline_reason', d.decline_reason, 'last_comment', d.last_comment,
        'body_version', d.body_version, 'version', d.version,
        'created_at', d.created_at, 'updated_at', d.updated_at)
$$;
