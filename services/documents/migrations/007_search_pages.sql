-- GET /documents?q=: the ids of one page of a search, newest first.
--
-- A search text that few documents hold is found through the trigram
-- index (documents_search, migration 005): a bitmap of its matches, of
-- which the page is the newest. A text that many documents hold is found
-- by walking the documents newest first until the page is full: a bitmap
-- would read every match for a page of 20. Which one it is shows after at
-- most 2 000 matches: the first step stops there and the walk takes over.
-- The plans are chosen here, once a connection (seqscan off, generic
-- plans), rather than by estimates of a pattern that no statistic
-- describes well: a frequent estimate made the planner walk 20 000 rows
-- for a text a thousand documents hold, a rare one made it sort every
-- match's JSON. VOLATILE although it only reads: the planner evaluates a
-- stable function of constants while it plans a custom plan, which ran the
-- search twice.
--
-- p_key: a piece of p_q (LIKE-escaped) that the index is asked for, or
-- NULL when p_q has no trigram to look up (the walk alone); p_q: the
-- search text, matched as it is (strpos). The filters and the visibility
-- are those of the plain list (DOCS_FILTERS and DOCUMENT_VISIBLE in
-- documents.h, document_visible in migration 001), written out here.
CREATE FUNCTION documents_search_ids(p_key text, p_q text, p_after bigint, p_state text,
                                     p_issuer text, p_year integer, p_dept bigint,
                                     p_mismatch boolean, p_user bigint, p_udept bigint,
                                     p_limit integer) RETURNS bigint[]
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
