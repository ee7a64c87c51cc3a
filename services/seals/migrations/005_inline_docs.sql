-- Documents the planner can inline. A SQL function whose body has a FROM
-- or a sub-select (usage_doc's seal name, seal_request_doc's seal and use
-- log entry, letter_doc's seal, seal_doc's pending handover, and
-- person_name in seal_doc and custody_doc) is not inlined: it is planned
-- again on every execution of the statement that calls it, which was most
-- of the database time of a page of the use log (~1.2 ms for 21 entries,
-- ~0.5 ms for the same columns bare). The seal row, the names and the
-- sub-selects now come from the calling statements (joins, and SEAL_DOC,
-- CUSTODY_DOC, SEAL_REQUEST_DOC and PERSON_NAME in seals.h), which are
-- prepared once; what is left here is a single expression, and
-- row_to_json over a named row type builds the same keys in the same order
-- as json_build_object for about half the time (see identity's user_json).
-- The values are the same; only the blanks json_build_object put around
-- ':' and ',' are gone. A column added to a document is added to its type
-- as well.

CREATE TYPE usage_json AS (
    id              bigint,
    seal_id         bigint,
    seal_name       text,
    request_id      bigint,
    stamped_at      timestamptz,
    matter          text,
    document_number text,
    content         text,
    using_unit      text,
    count           integer,
    handler_id      bigint,
    handler_name    text,
    approver_id     bigint,
    approver_name   text,
    stamper_id      bigint,
    stamper_name    text,
    document_id     bigint,
    version         integer,
    created_at      timestamptz,
    updated_at      timestamptz
);
COMMENT ON TYPE usage_json IS 'The fields of a use log entry''s document (usage_doc), in order.';

DROP FUNCTION usage_doc(seal_usages);

-- seal_name: the name of u's seal, from the calling statement. An entry is
-- never changed (R-SEAL-4), so its version is always 1.
CREATE FUNCTION usage_doc(u seal_usages, seal_name text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.seal_id, seal_name, u.request_id, u.stamped_at, u.matter,
                           u.document_number, u.content, u.using_unit, u.count,
                           u.handler_id, u.handler_name, u.approver_id, u.approver_name,
                           u.stamper_id, u.stamper_name, u.document_id, 1,
                           u.stamped_at, u.stamped_at)::usage_json)
$$;

CREATE TYPE seal_approval_json AS (
    rule         text,
    role         text,
    approver_ids bigint[]
);
COMMENT ON TYPE seal_approval_json IS 'The approval a seal request needs (R-SEAL-2), as its document shows it, in order.';

CREATE TYPE seal_request_json AS (
    id                bigint,
    seal_id           bigint,
    seal_name         text,
    seal_kind         text,
    matter            text,
    document_number   text,
    content           text,
    using_unit        text,
    copies            integer,
    document_id       bigint,
    requester_id      bigint,
    state             text,
    required_approval seal_approval_json,
    custodian_id      bigint,
    approved_by       bigint,
    approved_at       timestamptz,
    rejected_by       bigint,
    rejected_at       timestamptz,
    decision_comment  text,
    stamped_by        bigint,
    stamped_at        timestamptz,
    stamped_count     integer,
    stamp_note        text,
    refused_by        bigint,
    refused_at        timestamptz,
    refuse_reason     text,
    withdrawn_at      timestamptz,
    usage_id          bigint,
    version           integer,
    created_at        timestamptz,
    updated_at        timestamptz
);
COMMENT ON TYPE seal_request_json IS 'The fields of the seal request document (seal_request_doc), in order.';

DROP FUNCTION seal_request_doc(seal_requests);

-- s: the request's seal; usage_id: its use log entry, if stamped (both from
-- the calling statement). eligible_approvers is PL/pgSQL, whose statements
-- keep their plans for the session.
CREATE FUNCTION seal_request_doc(q seal_requests, s seals, usage_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        q.id, q.seal_id, s.name, s.kind, q.matter, q.document_number, q.content,
        q.using_unit, q.copies, q.document_id, q.requester_id, q.state,
        ROW('R-SEAL-2', q.approver_role,
            eligible_approvers(q.approver_role, s))::seal_approval_json,
        s.custodian_id, q.approved_by, q.approved_at, q.rejected_by, q.rejected_at,
        q.decision_comment, q.stamped_by, q.stamped_at, q.stamped_count, q.stamp_note,
        q.refused_by, q.refused_at, q.refuse_reason, q.withdrawn_at, usage_id,
        q.version, q.created_at, q.updated_at)::seal_request_json)
$$;

CREATE TYPE letter_json AS (
    id               bigint,
    seal_id          bigint,
    seal_name        text,
    requester_id     bigint,
    bearer_names     text[],
    bearer_count     integer,
    recipient_org    text,
    matter           text,
    valid_until      date,
    state            text,
    custodian_id     bigint,
    approved_by      bigint,
    approved_at      timestamptz,
    rejected_by      bigint,
    rejected_at      timestamptz,
    decision_comment text,
    letter_number    text,
    issued_by        bigint,
    issued_at        timestamptz,
    retained_until   timestamptz,
    used_at          timestamptz,
    use_note         text,
    returned_by      bigint,
    returned_at      timestamptz,
    return_note      text,
    withdrawn_at     timestamptz,
    version          integer,
    created_at       timestamptz,
    updated_at       timestamptz
);
COMMENT ON TYPE letter_json IS 'The fields of the introduction letter document (letter_doc), in order.';

DROP FUNCTION letter_doc(intro_letters);

-- s: the letter's seal, from the calling statement. The stub is kept three
-- years from issue (R-LET-4).
CREATE FUNCTION letter_doc(l intro_letters, s seals) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        l.id, l.seal_id, s.name, l.requester_id, l.bearer_names, l.bearer_count,
        l.recipient_org, l.matter, l.valid_until, l.state, s.custodian_id,
        l.approved_by, l.approved_at, l.rejected_by, l.rejected_at, l.decision_comment,
        l.letter_number, l.issued_by, l.issued_at, l.issued_at + interval '3 years',
        l.used_at, l.use_note, l.returned_by, l.returned_at, l.return_note,
        l.withdrawn_at, l.version, l.created_at, l.updated_at)::letter_json)
$$;

CREATE TYPE seal_json AS (
    id                  bigint,
    name                text,
    kind                text,
    state               text,
    custodian_id        bigint,
    custodian_name      text,
    approver_ids        bigint[],
    pending_handover_id bigint,
    retired_at          timestamptz,
    version             integer,
    created_at          timestamptz,
    updated_at          timestamptz
);
COMMENT ON TYPE seal_json IS 'The fields of the seal document (seal_doc), in order.';

DROP FUNCTION seal_doc(seals);

-- custodian_name and pending_handover_id come from the calling statement
-- (SEAL_DOC in the service).
CREATE FUNCTION seal_doc(s seals, custodian_name text, pending_handover_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(s.id, s.name, s.kind, s.state, s.custodian_id, custodian_name,
                           s.approver_ids, pending_handover_id, s.retired_at, s.version,
                           s.created_at, s.updated_at)::seal_json)
$$;

CREATE TYPE custody_json AS (
    id             bigint,
    seal_id        bigint,
    custodian_id   bigint,
    custodian_name text,
    since          timestamptz,
    until          timestamptz,
    "current"      boolean,
    handover_id    bigint
);
COMMENT ON TYPE custody_json IS 'The fields of a custody period''s document (custody_doc), in order.';

DROP FUNCTION custody_doc(seal_custodians);

-- custodian_name comes from the calling statement (CUSTODY_DOC in the
-- service).
CREATE FUNCTION custody_doc(k seal_custodians, custodian_name text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(k.id, k.seal_id, k.custodian_id, custodian_name, k.since, k.until,
                           k.until IS NULL, k.handover_id)::custody_json)
$$;

-- handover_doc was already a single expression; it changes only to build
-- the document the cheaper way, like the others.
CREATE TYPE handover_json AS (
    id           bigint,
    seal_id      bigint,
    from_user_id bigint,
    to_user_id   bigint,
    note         text,
    state        text,
    confirmed_at timestamptz,
    cancelled_at timestamptz,
    cancelled_by bigint,
    version      integer,
    created_at   timestamptz,
    updated_at   timestamptz
);
COMMENT ON TYPE handover_json IS 'The fields of the handover document (handover_doc), in order.';

CREATE OR REPLACE FUNCTION handover_doc(h seal_handovers) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(h.id, h.seal_id, h.from_user_id, h.to_user_id, h.note, h.state,
                           h.confirmed_at, h.cancelled_at, h.cancelled_by, h.version,
                           h.created_at, h.updated_at)::handover_json)
$$;

-- Names are read by the calling statements themselves (PERSON_NAME in the
-- service); nothing calls this any more.
DROP FUNCTION person_name(bigint);
