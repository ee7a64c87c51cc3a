-- GET /documents?q=: documents_search_ids (migration 007) looks first
-- among the newest p_probe documents (for a text of digits and
-- separators, whose trigrams the index holds for most documents: a page
-- of "2023〕1" is in the newest thousands, through the index it is a
-- visit of tens of thousands), then as before.
DROP FUNCTION documents_search_ids(text, text, bigint, text, text, integer, bigint, boolean,
                                   bigint, bigint, integer);

CREATE FUNCTION documents_search_ids(p_key text, p_q text, p_after bigint, p_state text,
                                     p_issuer text, p_year integer, p_dept bigint,
                                     p_mismatch boolean, p_user bigint, p_udept bigint,
                                     p_limit integer, p_probe integer) RETURNS bigint[]
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_secretariat boolean := EXISTS (SELECT 1 FROM identity.org_departments s
                                     WHERE s.id = p_udept AND s.is_secretariat);
    -- The key is the whole text: the index's recheck of the LIKE is the match.
    v_exact boolean := p_key = replace(replace(replace(p_q, '\', '\\'), '%', '\%'), '_', '\_');
    v_ids bigint[];
BEGIN
    IF p_probe > 0 THEN
        v_ids := ARRAY(
            SELECT w.id FROM (SELECT d.* FROM documents d
                              WHERE d.id < coalesce(p_after, 9223372036854775807)
                              ORDER BY d.id DESC LIMIT p_probe) w
            WHERE strpos(w.title || ' ' || coalesce(w.doc_number, ''), p_q) > 0
              AND (p_state IS NULL OR w.state = p_state)
              AND (p_issuer IS NULL OR w.issuer = p_issuer)
              AND (p_year IS NULL OR w.doc_year = p_year)
              AND (p_dept IS NULL OR w.department_id = p_dept)
              AND (NOT p_mismatch OR w.stamp_mismatch)
              AND (p_user = w.creator_id OR p_user = ANY (w.path_ids)
                   OR (w.secrecy = 'none' AND (p_udept = w.department_id
                                               OR p_udept = ANY (w.co_department_ids)))
                   OR (w.state <> 'draft' AND v_secretariat))
            ORDER BY w.id DESC LIMIT p_limit);
        IF cardinality(v_ids) >= p_limit THEN
            RETURN v_ids;
        END IF;
    END IF;
    IF p_key IS NOT NULL THEN
        SELECT array_agg(m.id) INTO v_ids FROM (
            SELECT d.id FROM documents d
            WHERE (d.title || ' ' || coalesce(d.doc_number, '')) LIKE '%' || p_key || '%'
              AND (v_exact OR strpos(d.title || ' ' || coalesce(d.doc_number, ''), p_q) > 0)
              AND d.id + 0 < coalesce(p_after, 9223372036854775807)
              AND (p_state IS NULL OR d.state = p_state)
              AND (p_issuer IS NULL OR d.issuer = p_issuer)
              AND (p_year IS NULL OR d.doc_year = p_year)
              AND (p_dept IS NULL OR d.department_id = p_dept)
              AND (NOT p_mismatch OR d.stamp_mismatch)
              AND (p_user = d.creator_id OR p_user = ANY (d.path_ids)
                   OR (d.secrecy = 'none' AND (p_udept = d.department_id
                                               OR p_udept = ANY (d.co_department_ids)))
                   OR (d.state <> 'draft' AND v_secretariat))
            LIMIT 2000) m;
        IF coalesce(cardinality(v_ids), 0) < 2000 THEN
            RETURN ARRAY(SELECT x FROM unnest(v_ids) x ORDER BY x DESC LIMIT p_limit);
        END IF;
    END IF;
    RETURN ARRAY(
        SELECT d.id FROM documents d
        WHERE d.id < coalesce(p_after, 9223372036854775807)
          AND strpos(d.title || ' ' || coalesce(d.doc_number, ''), p_q) > 0
          AND (p_state IS NULL OR d.state = p_state)
          AND (p_issuer IS NULL OR d.issuer = p_issuer)
          AND (p_year IS NULL OR d.doc_year = p_year)
          AND (p_dept IS NULL OR d.department_id = p_dept)
          AND (NOT p_mismatch OR d.stamp_mismatch)
          AND (p_user = d.creator_id OR p_user = ANY (d.path_ids)
               OR (d.secrecy = 'none' AND (p_udept = d.department_id
                                           OR p_udept = ANY (d.co_department_ids)))
               OR (d.state <> 'draft' AND v_secretariat))
        ORDER BY d.id DESC LIMIT p_limit);
END
$$;

-- New and changed titles and numbers wait in the index's pending list
-- until it holds gin_pending_list_limit (4 MB by default), and every
-- search reads that list whole: after 1 500 documents were numbered a
-- search of 10^4 documents took six times as long. At 64 kB the writer
-- that fills it merges it into the index, a few dozen entries at a time.
ALTER INDEX documents_search SET (gin_pending_list_limit = 64);
