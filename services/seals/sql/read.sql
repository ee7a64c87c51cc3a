-- The seals service's read definitions: the functions that shape its
-- responses (one document per resource), decide who may approve a use of a
-- seal and who sees a request or a letter, and the view it publishes. Applied
-- whole, in one transaction, after the migrations at every start that finds
-- it or its definitions changed, or applies a migration (common/migrate.c),
-- so each is CREATE OR REPLACE; a change of a result type or of the view's
-- columns needs a migration that drops the old one first, and a column added
-- to a document is added to its row type (seal_json, seal_request_json...
-- made by migrations) by a migration too. The migrations keep the earlier
-- definitions as history; these are the shapes they left.
--
-- Not here: the trigger functions that guard the use log and the stubs
-- (refuse_log_change, refuse_young_stub_delete, refuse_stub_truncate),
-- which are schema, and any function an index expression uses (none of
-- these is one), which must stay as its index was built and so changes
-- only by a migration that builds the index again.
--
-- The document functions are single expressions that the planner inlines
-- into the calling statements; what they would have to look up (a name,
-- the pending handover, the use log entry, the seal) comes from the calling
-- statement (SEAL_DOC, CUSTODY_DOC, SEAL_REQUEST_DOC and PERSON_NAME in
-- seals.h). row_to_json over a named row type builds the keys in the type's
-- order.

-- They read identity's published views, whose bodies are checked when first
-- used, so the service may start before identity has migrated.
SET LOCAL check_function_bodies = off;

-- ---------------------------------------------------------------- rules

-- R-SEAL-2: the people who may approve under a role, never the seal's own
-- custodian (R-SEAL-1). The role itself is computed by the service
-- (seal_approver_role); this maps it to today's holders. Each role has its
-- own statement, which reads only the people of its positions
-- (users_position) or the seal's configured approvers (users_pkey); PL/pgSQL
-- keeps those plans for the session. The generic plan is kept even for the
-- configured approvers (p.id = ANY (s.approver_ids)), whose custom plan was
-- made again on every call for the same look-up by the primary key.
CREATE OR REPLACE FUNCTION eligible_approvers(p_role text, s seals) RETURNS bigint[]
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    CASE p_role
    WHEN 'district_mayor' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.position = 'district_mayor'
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    WHEN 'district_leader' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.position IN ('district_mayor', 'deputy_mayor')
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    WHEN 'office_director' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.position = 'office_director'
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    WHEN 'configured' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.id = ANY (s.approver_ids)
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    ELSE
        RETURN '{}'::bigint[];
    END CASE;
END $$;

-- Who sees a request: its requester, the approvers, the seal's custodian,
-- whoever acted on it, and (privileged) the leaders and administrators.
CREATE OR REPLACE FUNCTION request_visible(q seal_requests, s seals, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged
        OR viewer = q.requester_id OR viewer = s.custodian_id
        OR viewer IS NOT DISTINCT FROM q.approved_by OR viewer IS NOT DISTINCT FROM q.rejected_by
        OR viewer IS NOT DISTINCT FROM q.stamped_by OR viewer IS NOT DISTINCT FROM q.refused_by
        OR viewer IS NOT DISTINCT FROM q.custodian_notified_id
        OR (q.approver_role = 'configured' AND viewer = ANY (s.approver_ids))
$$;

-- Who sees a letter: its requester, the seal's custodian, whoever acted on
-- it, and (privileged) the leaders and administrators.
CREATE OR REPLACE FUNCTION letter_visible(l intro_letters, s seals, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged
        OR viewer = l.requester_id OR viewer = s.custodian_id
        OR viewer IS NOT DISTINCT FROM l.approved_by OR viewer IS NOT DISTINCT FROM l.rejected_by
        OR viewer IS NOT DISTINCT FROM l.issued_by OR viewer IS NOT DISTINCT FROM l.returned_by
$$;

-- When the stub was archived: the letter used, returned, or (issued and
-- neither) expired at the end of its last valid day, office time. NULL for
-- a letter never issued. The stub is kept three years from then (R-LET-4:
-- 二.4), which the trigger refuse_young_stub_delete enforces too.
CREATE OR REPLACE FUNCTION stub_archived_at(l intro_letters) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE l.state
             WHEN 'used' THEN l.used_at
             WHEN 'returned' THEN l.returned_at
             WHEN 'issued' THEN (l.valid_until + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
           END
$$;
COMMENT ON FUNCTION stub_archived_at(intro_letters) IS 'When an issued letter''s stub was archived (used, returned or expired); it is kept three years from then (R-LET-4).';

-- ---------------------------------------------------------------- documents

-- custodian_name and pending_handover_id come from the calling statement
-- (SEAL_DOC).
CREATE OR REPLACE FUNCTION seal_doc(s seals, custodian_name text, pending_handover_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(s.id, s.name, s.kind, s.state, s.custodian_id, custodian_name,
                           s.approver_ids, pending_handover_id, s.retired_at, s.version,
                           s.created_at, s.updated_at)::seal_json)
$$;

-- custodian_name comes from the calling statement (CUSTODY_DOC).
CREATE OR REPLACE FUNCTION custody_doc(k seal_custodians, custodian_name text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(k.id, k.seal_id, k.custodian_id, custodian_name, k.since, k.until,
                           k.until IS NULL, k.handover_id)::custody_json)
$$;

CREATE OR REPLACE FUNCTION handover_doc(h seal_handovers) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(h.id, h.seal_id, h.from_user_id, h.to_user_id, h.note, h.state,
                           h.confirmed_at, h.cancelled_at, h.cancelled_by, h.version,
                           h.created_at, h.updated_at)::handover_json)
$$;

-- s: the request's seal; usage_id: its use log entry, if stamped (both from
-- the calling statement, SEAL_REQUEST_DOC). The approval it needs (R-SEAL-2)
-- names today's approvers; a request that names a signed, numbered
-- document carries its number and the SHA-256 of its signed body, and
-- whether the signature was the approval (R-DOC-6).
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

-- seal_name: the name of u's seal, from the calling statement. An entry is
-- never changed (R-SEAL-4), so its version is always 1. It comes from a
-- stamped request or an issued letter (R-LET-1).
CREATE OR REPLACE FUNCTION usage_doc(u seal_usages, seal_name text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.seal_id, seal_name, u.request_id, u.stamped_at, u.matter,
                           u.document_number, u.content, u.using_unit, u.count,
                           u.handler_id, u.handler_name, u.approver_id, u.approver_name,
                           u.stamper_id, u.stamper_name, u.document_id, 1,
                           u.stamped_at, u.stamped_at, u.letter_id)::usage_json)
$$;

-- s: the letter's seal, from the calling statement. The stub is kept three
-- years from its archiving (R-LET-4: retained_until), and the letter shows
-- when it was last chased past its validity (R-LET-3).
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

-- ---------------------------------------------------------------- published

-- The documents service reads the stamps of its outgoing documents (R-DOC-6).
CREATE OR REPLACE VIEW document_stamps AS
SELECT u.document_id, u.id AS usage_id, u.seal_id, u.stamped_at, u.count, u.request_id
FROM seal_usages u WHERE u.document_id IS NOT NULL;
COMMENT ON VIEW document_stamps IS 'Seal uses per outgoing document, published to the documents service.';
GRANT SELECT ON document_stamps TO documents;
