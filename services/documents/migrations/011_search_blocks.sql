-- GET /documents?q=: the newest documents holding a text, through an index
-- whose entries are each one block of ids and one piece of text.
--
-- A text that many documents hold ("安全生产和防汛抗旱", in one document of
-- a thousand) is looked up among the newest 8 blocks of 4 096 ids first
-- (migration 009). documents_search holds each document's block and its
-- trigrams as separate entries, so that look-up read the entry lists of
-- the 8 blocks (32 768 documents) and of the text's trigrams (thousands
-- of documents each at 10^6) and intersected them: 53 index buffers and
-- ~1 ms of PostgreSQL CPU a search for 31 matches, against ~0.1 ms for
-- the same search in a table of 10^4 documents.
--
-- Here each entry is a block and a piece of text together: every three
-- characters in a row of the document's title and number (as the search
-- reads them: title, a space, the number), each after the document's
-- block in hexadecimal and an x ("155x产和防"). A search asks for the
-- pieces of its key in each of the newest blocks ("in block 155: 生产和
-- and 产和防, or in block 154: ..."), a tsquery of 8 conjunctions: 16
-- short entry lists whatever the size of the table, ~0.1 ms. A document
-- holding the text holds every three characters of it, so the index
-- finds every match; the match itself is tested on the text as it is
-- (strpos). Case is kept, as the match keeps it. A build costs ~15 µs a
-- document (a loop; a SELECT DISTINCT over generate_series cost 35).
--
-- The function is the index's: changing what it returns needs a new
-- function and a new index, never CREATE OR REPLACE of this one.
CREATE FUNCTION search_lexemes(p_id bigint, p_text text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    v_block text := to_hex(p_id >> 12) || 'x';
    v_pieces text[] := '{}';
BEGIN
    FOR i IN 1 .. length(p_text) - 2 LOOP
        v_pieces := v_pieces || (v_block || substr(p_text, i, 3));
    END LOOP;
    RETURN array_to_tsvector(v_pieces);
END
$$;
COMMENT ON FUNCTION search_lexemes(bigint, text) IS
    'The entries of documents_search_blocks: each three characters in a row of p_text, after the block of ids (p_id >> 12) in hexadecimal and an x. Immutable: an index is built on it.';

CREATE INDEX documents_search_blocks ON documents
    USING gin (search_lexemes(id, title || ' ' || coalesce(doc_number, '')))
    WITH (gin_pending_list_limit = 64);

-- documents_search keeps the trigrams alone, for a text that few documents
-- hold (sought over all of them) and for a text with digits: the blocks
-- were there for the look-up among the newest, which is the index above.
DROP INDEX documents_search;
CREATE INDEX documents_search ON documents
    USING gin (translate(title || ' ' || coalesce(doc_number, ''), '〕', 'Q') public.gin_trgm_ops)
    WITH (gin_pending_list_limit = 64);
