-- GET /documents?q=: a text that recurs in many documents (a subject's
-- words: "安全生产和防汛抗旱" is in one document of a thousand) is looked up
-- among the newest documents first, and a cited number through trigrams
-- that few numbers share.
--
-- The trigram index gives its matches in no order, so the page of the 20
-- newest was the whole bitmap's rows read and rechecked: 977 rows on as
-- many pages at 10^6 documents for a page of 20, 50 times the rows of the
-- same search at 10^4. The index now also holds each document's block of
-- ids (4 096 consecutive ids, id >> 12), so that one index scan finds the
-- matches among the newest blocks only; when those hold a page, no older
-- document is read at all, since every document outside them is older
-- than every one inside. Otherwise the search goes on as before, over all
-- of them. Only a text without digits starts with the newest blocks: a
-- cited number or a year is most often in one or a few documents of any
-- age, which a first look at the newest would only add to.
--
-- The key of a cited number starts at its closing bracket ("〕123号").
-- The bracket is no letter to pg_trgm, so the sequence began a word and
-- the key's trigrams were those of every sequence starting with its first
-- digits ("  1": half of all numbers, most of the index's entries read by
-- every such search). The index and the key read the bracket as a letter
-- (Q), so the key's trigrams are "Q12", "123" and "23号", each in a few
-- thousand numbers. Any text holding the key holds it with the bracket so
-- read, so the index still finds every match; the match itself is tested
-- on the text as it is (strpos).
DROP INDEX documents_search;
CREATE INDEX documents_search ON documents
    USING gin ((ARRAY[id >> 12]),
               translate(title || ' ' || coalesce(doc_number, ''), '〕', 'Q') public.gin_trgm_ops)
    WITH (gin_pending_list_limit = 64);

-- documents_search_ids (sql/read.sql) asks the index in these terms.
