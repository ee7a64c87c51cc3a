-- GET /documents?q=: the titles in a trigram index of their own, for a
-- cited number ("〔2023〕123号"), which documents_search_ids (sql/read.sql)
-- looks up as two things: the number itself through the unique (issuer,
-- doc_year, doc_seq) index, and the titles that cite it through this one.
-- In the shared index (documents_search, migration 009) the number's
-- trigrams are those of every number: "Q12" alone is in ~55 000 numbers at
-- 10^6 documents, and reading those entry lists was nearly all of such a
-- search's 1 ms of PostgreSQL CPU. In titles, digits are rare.
CREATE INDEX documents_title_search ON documents USING gin (title public.gin_trgm_ops)
    WITH (gin_pending_list_limit = 64);
