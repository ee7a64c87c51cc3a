-- The documents service's read definitions: the functions that shape its
-- responses (one document per resource), the rules of who reads and who
-- signs, the search of the list, and the view it publishes to the seals
-- service. Applied whole, in one transaction, after the migrations at every
-- start that finds it or its definitions changed, or applies a migration
-- (common/migrate.c), so each is CREATE OR REPLACE and exactly as the
-- migrations left it (001, 002, 003, 004, 006, 008; the search since then as
-- the indexes of migrations 009, 010 and 011 need it): the audit log keeps
-- documents these functions built, and a stored document must read the same
-- as a new one. A change of a result type, of an argument list or of the
-- view's columns needs a migration that drops the old one first.
--
-- Left in the migrations: take_number (001) and incoming_add_entry (002),
-- which write (a number, a register entry) rather than read, and
-- search_lexemes (011), which documents_search_blocks indexes: replacing a
-- function an index expression calls would leave the index built from the
-- old one. The other search indexes (009, 010) index expressions of
-- built-in operators.

-- They read identity's published views, whose bodies are checked when first
-- used, so the service may start before identity has migrated.
SET LOCAL check_function_bodies = off;

-- ---------------------------------------------------------------- rules

-- The people who may sign a document of issuer p_issuer drafted by
-- department p_dept (R-DOC-3): a district government document by the
-- district mayor or the deputy mayor in charge of the drafting bureau (for
-- an office section, the one in charge of the office); an office document
-- by the director or the deputy director supervising the drafting section.
CREATE OR REPLACE FUNCTION eligible_signers(p_issuer text, p_dept bigint) RETURNS bigint[]
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
-- confidential ones only by the path. The secretariat is on the path of
-- every submitted document, secret ones too: it reviews every draft before
-- a leader sees it (R-DOC-2), proofreads (R-DOC-4), numbers (R-DOC-5),
-- hands out the letterheads and archives the original (R-DOC-6), as a
-- section whose clerks share the queue, so it reads them as a section
-- rather than by name; every such read, alone or in a list, is audited
-- (outgoing.c). A draft stays with its drafters until submitted.
CREATE OR REPLACE FUNCTION document_visible(d documents, p_user bigint, p_dept bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_user = d.creator_id OR p_user = ANY (d.path_ids)
        OR (d.secrecy = 'none' AND (p_dept = d.department_id OR p_dept = ANY (d.co_department_ids)))
        OR (d.state <> 'draft' AND EXISTS (SELECT 1 FROM identity.org_departments s
                                           WHERE s.id = p_dept AND s.is_secretariat))
$$;

-- Who reads an incoming item: the secretariat, the office director, and
-- everyone it was assigned or forwarded to (and the members of the
-- departments it was forwarded to, unless it is secret).
CREATE OR REPLACE FUNCTION incoming_visible(i incoming, p_user bigint, p_dept bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_user = ANY (i.path_ids)
        OR (i.secrecy = 'none' AND p_dept = ANY (i.department_ids))
        OR EXISTS (SELECT 1 FROM identity.org_people pp
                   LEFT JOIN identity.org_departments od ON od.id = pp.department_id
                   WHERE pp.id = p_user AND pp.active
                     AND (od.is_secretariat OR pp.position = 'office_director'))
$$;

-- Whether secretary p_sec may review drafts for leader p_leader now.
CREATE OR REPLACE FUNCTION secretary_authorised(p_leader bigint, p_sec bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM secretary_authorisations a
                   WHERE a.leader_id = p_leader AND a.secretary_id = p_sec
                     AND a.state = 'active')
$$;

-- ---------------------------------------------------------------- documents

-- An outgoing document (GET /documents/{id} and every action's answer).
CREATE OR REPLACE FUNCTION document_doc(d documents) RETURNS json LANGUAGE sql STABLE AS $$
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

-- An incoming item with its processing card (办文单).
CREATE OR REPLACE FUNCTION incoming_doc(i incoming) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id, 'registry_number', i.registry_number, 'source_kind', i.source_kind,
        'source_org', i.source_org, 'original_number', i.original_number, 'kind', i.kind,
        'title', i.title, 'received_at', i.received_at, 'urgency', i.urgency,
        'secrecy', i.secrecy, 'deadline', i.deadline, 'summary', i.summary, 'state', i.state,
        'creator_id', i.creator_id, 'leader_ids', i.leader_ids,
        'instructed_leader_ids', i.instructed_ids, 'department_ids', i.department_ids,
        'completed_department_ids', i.completed_ids, 'reply_document_id', i.reply_document_id,
        'reminded_at', i.reminded_at, 'overdue', i.overdue, 'overdue_at', i.overdue_at,
        'archived_at', i.archived_at,
        'entries', (SELECT coalesce(json_agg(json_build_object('no', e.no, 'step', e.step,
                        'actor_id', e.actor_id, 'text', e.text, 'at', e.at) ORDER BY e.no), '[]')
                    FROM incoming_entries e WHERE e.incoming_id = i.id),
        'version', i.version, 'created_at', i.created_at, 'updated_at', i.updated_at)
$$;

-- The incoming item's document the planner can inline. incoming_doc(i)
-- has a sub-select (the register entries), so it is not inlined: it was
-- planned again for every row of every list, most of a page's database
-- time. incoming_doc(i, entries) is a single expression; the lists
-- aggregate the entries in the calling statement (INCOMING_DOC in
-- documents.h), which is prepared once. Same keys, same order, same values
-- as incoming_doc(i), which the other statements keep using.
CREATE OR REPLACE FUNCTION incoming_doc(i incoming, entries json) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id, 'registry_number', i.registry_number, 'source_kind', i.source_kind,
        'source_org', i.source_org, 'original_number', i.original_number, 'kind', i.kind,
        'title', i.title, 'received_at', i.received_at, 'urgency', i.urgency,
        'secrecy', i.secrecy, 'deadline', i.deadline, 'summary', i.summary, 'state', i.state,
        'creator_id', i.creator_id, 'leader_ids', i.leader_ids,
        'instructed_leader_ids', i.instructed_ids, 'department_ids', i.department_ids,
        'completed_department_ids', i.completed_ids, 'reply_document_id', i.reply_document_id,
        'reminded_at', i.reminded_at, 'overdue', i.overdue, 'overdue_at', i.overdue_at,
        'archived_at', i.archived_at, 'entries', entries,
        'version', i.version, 'created_at', i.created_at, 'updated_at', i.updated_at)
$$;

-- An internal report or request (请示报告).
CREATE OR REPLACE FUNCTION report_doc(r reports) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'sender_id', r.sender_id, 'to_user_id', r.to_user_id, 'subject', r.subject,
        'body', r.body, 'urgent', r.urgent, 'urgent_reason', r.urgent_reason,
        'authorized_by', r.authorized_by, 'deputy_opinion', r.deputy_opinion,
        'deputy_id', r.deputy_id, 'assigned_by_leader_id', r.assigned_by_leader_id,
        'route', r.route, 'bypassed_ids', r.bypassed_ids, 'feedback_owed', r.feedback_owed,
        'state', r.state, 'decision', r.decision, 'responded_at', r.responded_at,
        'feedback', r.feedback, 'feedback_at', r.feedback_at, 'outcome', r.outcome,
        'outcome_at', r.outcome_at, 'version', r.version, 'created_at', r.created_at,
        'updated_at', r.updated_at)
$$;

-- A secretary's authorisation by their leader (R-SEC-3).
CREATE OR REPLACE FUNCTION secretary_authorisation_doc(a secretary_authorisations) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', a.id, 'leader_id', a.leader_id,
        'secretary_id', a.secretary_id, 'scope', a.scope, 'note', a.note, 'state', a.state,
        'granted_at', a.granted_at, 'revoked_at', a.revoked_at,
        'revoke_reason', a.revoke_reason, 'version', a.version,
        'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

-- ---------------------------------------------------------------- search

-- The documents a search may answer, whatever its text and cursor: the
-- filters of the plain list and the caller's visibility (DOCS_FILTERS and
-- DOCUMENT_VISIBLE in documents.h, document_visible above; p_secretariat:
-- the caller's department is the secretariat). Every step of
-- documents_search_ids reads the documents through it. A single SELECT of
-- scalar arguments, STABLE, with no settings of its own: the planner
-- inlines it into each statement that reads it, where it is the table with
-- these conditions, so each step keeps its own access path.
CREATE OR REPLACE FUNCTION documents_searchable(p_state text, p_issuer text, p_year integer,
                                                p_dept bigint, p_mismatch boolean,
                                                p_user bigint, p_udept bigint,
                                                p_secretariat boolean) RETURNS SETOF documents
LANGUAGE sql STABLE AS $$
    SELECT d.* FROM documents d
    WHERE (p_state IS NULL OR d.state = p_state)
      AND (p_issuer IS NULL OR d.issuer = p_issuer)
      AND (p_year IS NULL OR d.doc_year = p_year)
      AND (p_dept IS NULL OR d.department_id = p_dept)
      AND (NOT p_mismatch OR d.stamp_mismatch)
      AND (p_user = d.creator_id OR p_user = ANY (d.path_ids)
           OR (d.secrecy = 'none' AND (p_udept = d.department_id
                                       OR p_udept = ANY (d.co_department_ids)))
           OR (d.state <> 'draft' AND p_secretariat))
$$;

-- GET /documents?q=: the ids of one page of a search, newest first.
--
-- First among the newest p_probe ids (for a text of digits and
-- separators, whose trigrams the index holds for most documents: a page of
-- "2023〕1" is in the newest thousands, through the index it is a visit of
-- tens of thousands). Then a text without digits among the newest 8
-- blocks of 4 096 ids (documents_search_blocks, migration 011, whose
-- entries are pieces of text in a block): a text many documents hold has
-- a page among them, and no older document is read. Then a search text
-- that few documents hold is found through the trigram index: a bitmap of
-- its matches, of which the page is the newest. A text that many
-- documents hold is found by walking the documents newest first until the
-- page is full: a bitmap would read every match for a page of 20. Which
-- one it is shows after at most 2 000 matches: the first step stops there
-- and the walk takes over. The plans are chosen here, once a connection
-- (seqscan off, generic plans), rather than by estimates of a pattern that no
-- statistic describes well: a frequent estimate made the planner walk
-- 20 000 rows for a text a thousand documents hold, a rare one made it sort
-- every match's JSON. VOLATILE although it only reads: the planner
-- evaluates a stable function of constants while it plans a custom plan,
-- which ran the search twice.
--
-- p_key: a piece of p_q (LIKE-escaped) that the index is asked for (with
-- the closing bracket 〕 read as Q, as the index reads it), or
-- NULL when p_q has no trigram to look up (the walk alone); p_q: the
-- search text, matched as it is (strpos). The filters and the visibility
-- are documents_searchable's; each step adds its cursor (id + 0 where the
-- primary key must not be the path).
CREATE OR REPLACE FUNCTION documents_search_ids(p_key text, p_q text, p_after bigint, p_state text,
                                     p_issuer text, p_year integer, p_dept bigint,
                                     p_mismatch boolean, p_user bigint, p_udept bigint,
                                     p_limit integer, p_probe integer) RETURNS bigint[]
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_secretariat boolean := EXISTS (SELECT 1 FROM identity.org_departments s
                                     WHERE s.id = p_udept AND s.is_secretariat);
    -- The key is the whole text, and no bracket read as Q: the index's
    -- recheck of the LIKE is the match.
    v_exact boolean := p_key = replace(replace(replace(p_q, '\', '\\'), '%', '\%'), '_', '\_')
                       AND p_q !~ '[〕Q]';
    v_before bigint := coalesce(p_after, 9223372036854775807);
    v_end bigint;
    v_ids bigint[];
    v_top bigint;
    v_first bigint;
    v_piece text;
    v_window tsquery;
BEGIN
    -- A cited number ("〔2023〕123号", or with the end of its prefix before
    -- the bracket): a number holds it only if its year and sequence are
    -- those, since a number is its series' prefix, which holds no bracket,
    -- then 〔year〕sequence号 (outgoing_number.c); a title holds it as any
    -- text. No space in it, so the text is in the title or in the number,
    -- not across the two. The number by the unique (issuer, doc_year,
    -- doc_seq) index, the titles by their own trigram index (migration
    -- 010): not the shared index, where the number's trigrams are those of
    -- tens of thousands of numbers. (The series by their key: with seqscan
    -- off, a scan of the table is costed high enough to be compiled by
    -- JIT, 0.8 s a call.) The shape is tested in an IF of its own: a test
    -- without a query is evaluated without the executor.
    IF p_q ~ '^[^〔〕[:space:]]*〔[1-9][0-9]{0,8}〕[1-9][0-9]{0,17}号$' THEN
        IF NOT EXISTS (SELECT 1 FROM number_series s
                           WHERE s.issuer IN ('district_government', 'government_office')
                             AND s.prefix ~ '[〔〕]') THEN
            RETURN ARRAY(
                SELECT m.id FROM (
                    SELECT n.id
                    FROM documents_searchable(p_state, p_issuer, p_year, p_dept, p_mismatch,
                                              p_user, p_udept, v_secretariat) n
                    WHERE n.issuer IN ('district_government', 'government_office')
                      AND n.doc_year = substring(p_q FROM '〔([0-9]+)〕')::integer
                      AND n.doc_seq = substring(p_q FROM '〕([0-9]+)号$')::bigint
                      AND strpos(n.doc_number, p_q) > 0
                      AND n.id + 0 < v_before
                    UNION
                    SELECT t.id
                    FROM documents_searchable(p_state, p_issuer, p_year, p_dept, p_mismatch,
                                              p_user, p_udept, v_secretariat) t
                    WHERE t.title LIKE '%' || replace(replace(replace(p_q, '\', '\\'), '%', '\%'),
                                                      '_', '\_') || '%'
                      AND t.id + 0 < v_before
                ) m
                ORDER BY m.id DESC LIMIT p_limit);
        END IF;
    END IF;
    -- The id after the newest document before the cursor.
    IF p_probe > 0 OR (p_key IS NOT NULL AND p_q !~ '[0-9]') THEN
        v_end := coalesce(p_after, (SELECT max(m.id) + 1 FROM documents m));
    END IF;
    IF p_probe > 0 THEN
        v_ids := ARRAY(
            SELECT d.id
            FROM documents_searchable(p_state, p_issuer, p_year, p_dept, p_mismatch,
                                      p_user, p_udept, v_secretariat) d
            WHERE d.id < v_before
              AND d.id >= v_end - p_probe
              AND strpos(d.title || ' ' || coalesce(d.doc_number, ''), p_q) > 0
            ORDER BY d.id DESC LIMIT p_limit);
        IF cardinality(v_ids) >= p_limit THEN
            RETURN v_ids;
        END IF;
    END IF;
    -- A text without digits among the newest 8 blocks of 4 096 ids, through
    -- documents_search_blocks (migration 011): each block's entries for
    -- the key's pieces of three characters (p_key without its LIKE
    -- escapes; three at least), quoted as a tsquery wants them, in the
    -- block before the cursor's and the 7 before it. A text many
    -- documents hold has a page there, and no older document is read;
    -- when the blocks reach the first id, what they hold is every match.
    v_piece := regexp_replace(p_key, '\\(.)', '\1', 'g');
    IF length(v_piece) >= 3 AND p_q !~ '[0-9]' AND v_end IS NOT NULL THEN
        v_top := (v_end - 1) >> 12;
        v_first := greatest(v_top - 7, 0);
        v_window := (SELECT string_agg('(' || g.pieces || ')', ' | ')
                     FROM generate_series(v_top, v_first, -1) b,
                          LATERAL (SELECT string_agg(chr(39) || replace(replace(
                                                         to_hex(b) || 'x' || substr(v_piece, i, 3),
                                                         '\', '\\'), chr(39), chr(39) || chr(39))
                                                     || chr(39), ' & ') AS pieces
                                   FROM generate_series(1, length(v_piece) - 2) i) g)::tsquery;
        SELECT array_agg(m.id ORDER BY m.id DESC) INTO v_ids FROM (
            SELECT d.id
            FROM documents_searchable(p_state, p_issuer, p_year, p_dept, p_mismatch,
                                      p_user, p_udept, v_secretariat) d
            WHERE search_lexemes(d.id, d.title || ' ' || coalesce(d.doc_number, '')) @@ v_window
              AND strpos(d.title || ' ' || coalesce(d.doc_number, ''), p_q) > 0
              AND d.id + 0 < v_before
            LIMIT 2000) m;
        IF coalesce(cardinality(v_ids), 0) < 2000
           AND (coalesce(cardinality(v_ids), 0) >= p_limit OR v_first = 0) THEN
            RETURN coalesce(v_ids[1:p_limit], '{}');
        END IF;
    END IF;
    IF p_key IS NOT NULL AND coalesce(cardinality(v_ids), 0) < 2000 THEN
        SELECT array_agg(m.id ORDER BY m.id DESC) INTO v_ids FROM (
            SELECT d.id
            FROM documents_searchable(p_state, p_issuer, p_year, p_dept, p_mismatch,
                                      p_user, p_udept, v_secretariat) d
            WHERE translate(d.title || ' ' || coalesce(d.doc_number, ''), '〕', 'Q')
                  LIKE '%' || translate(p_key, '〕', 'Q') || '%'
              AND (v_exact OR strpos(d.title || ' ' || coalesce(d.doc_number, ''), p_q) > 0)
              AND d.id + 0 < v_before
            LIMIT 2000) m;
        IF coalesce(cardinality(v_ids), 0) < 2000 THEN
            RETURN coalesce(v_ids[1:p_limit], '{}');
        END IF;
    END IF;
    RETURN ARRAY(
        SELECT d.id
        FROM documents_searchable(p_state, p_issuer, p_year, p_dept, p_mismatch,
                                  p_user, p_udept, v_secretariat) d
        WHERE d.id < v_before
          AND strpos(d.title || ' ' || coalesce(d.doc_number, ''), p_q) > 0
        ORDER BY d.id DESC LIMIT p_limit);
END
$$;

-- ---------------------------------------------------------------- published

-- The signed, numbered outgoing documents, published to the seals service
-- (R-DOC-6): a seal request naming one carries its number and the SHA-256
-- of its signed body, and its signer's signature may be the approval.
CREATE OR REPLACE VIEW signed_documents AS
SELECT d.id AS document_id, d.doc_number, d.signed_body_sha256, d.signed_by, d.issuer,
       d.state, d.department_id, d.printed_copies
FROM documents d
WHERE d.doc_number IS NOT NULL AND d.signed_by IS NOT NULL;
COMMENT ON VIEW signed_documents IS 'Signed, numbered outgoing documents: number, SHA-256 of the signed body, signer (R-DOC-6). Read by the seals service.';
GRANT SELECT ON signed_documents TO seals;
