-- Bench data for documents, in bulk (needs identity.sql and the demo
-- office). Run with -v rows=N; a second run with a larger N adds the rest.
--
--   * :rows issued outgoing documents of the bench sections over 2021-2025,
--     numbered in each year's series (the counters follow), with titles
--     drawn from a vocabulary: the search scenario reads them by substring;
--   * :rows incoming items of 2021-2025, one in a hundred open and past its
--     deadline (flagged overdue): the overdue list reads them;
--   * 400 000 signed, proofread documents of this year waiting for their
--     numbers (once): the numbering scenario numbers them.
-- The search indexes are dropped during the bulk insert and built again
-- from their definitions.
\set ON_ERROR_STOP 1
SET search_path = documents;

CREATE TEMP TABLE bench_authors AS
SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id, u.department_id
FROM identity.users u WHERE u.username LIKE 'bench%' AND u.position = 'staff';
SELECT count(*) AS nauthors FROM bench_authors \gset

CREATE TEMP TABLE vocab(n int, w text);
INSERT INTO vocab
SELECT row_number() OVER () - 1, w FROM unnest(ARRAY[
    '安全生产', '防汛抗旱', '森林防火', '环境保护', '招商引资', '项目建设', '乡村振兴',
    '城市管理', '教育发展', '医疗卫生', '社会保障', '就业创业', '财政预算', '国有资产',
    '审计整改', '信访稳定', '营商环境', '数字政府', '政务公开', '文明创建', '民生实事',
    '冬季供暖', '交通运输', '食品安全', '疫情防控', '人口普查', '档案管理', '机关事务',
    '节能减排', '河长制', '农田水利', '征地拆迁']) AS w;
SELECT count(*) AS nvocab FROM vocab \gset

SELECT greatest(0, :rows - (SELECT count(*) FROM documents WHERE title LIKE '关于%（压测）')) AS missing \gset

-- The search indexes are built again as the migrations define them (their
-- storage parameters included); documents_search from its definition here
-- when a load stopped before it was built again.
SELECT string_agg(coalesce(i.indexdef, d.def), '; ') AS search_indexdefs
FROM (VALUES ('documents_search',
              'CREATE INDEX documents_search ON documents USING gin'
              ' (translate(title || '' '' || coalesce(doc_number, ''''), ''〕'', ''Q'') public.gin_trgm_ops)'
              ' WITH (gin_pending_list_limit = 64)'),
             ('documents_title_search', 'SELECT 1'),
             ('documents_search_blocks', 'SELECT 1')) d(name, def)
LEFT JOIN pg_indexes i ON i.schemaname = 'documents' AND i.indexname = d.name \gset
DROP INDEX IF EXISTS documents_search, documents_title_search, documents_search_blocks;

BEGIN;
WITH g AS (
    SELECT i, (2021 + i % 5)::int AS yr, (1 + i % 12)::int AS mo, (1 + i % 28)::int AS dy
    FROM generate_series((SELECT count(*) FROM documents WHERE title LIKE '关于%（压测）') + 1,
                         (SELECT count(*) FROM documents WHERE title LIKE '关于%（压测）') + :missing) i
)
INSERT INTO documents(issuer, doc_type, title, body, main_recipients, print_count,
                      department_id, creator_id, state, path_ids, signer_id, signed_by,
                      signed_at, doc_year, doc_seq, doc_number, numbered_at,
                      signed_body_sha256, letterhead_count, printed_copies, printed_at,
                      archived_at, stamped_count, issued_at, created_at)
SELECT 'government_office', 'notice',
       '关于做好' || v1.w || '和' || v2.w || '工作的通知（压测）', '压测正文', '各科室', 3,
       a.department_id, a.id, 'issued', ARRAY[a.id], NULL, NULL,
       make_timestamptz(g.yr, g.mo, g.dy, 9, 0, 0, 'Asia/Shanghai'),
       g.yr, NULL, NULL, NULL, NULL, 3, 3, now(), now(), 3, now(),
       make_timestamptz(g.yr, g.mo, g.dy, 9, 0, 0, 'Asia/Shanghai')
FROM g
JOIN bench_authors a ON a.n = g.i % :nauthors
JOIN vocab v1 ON v1.n = g.i % :nvocab
JOIN vocab v2 ON v2.n = (g.i / :nvocab) % :nvocab;

-- Numbers in each year's series, after the rows the series already has.
UPDATE documents d SET doc_seq = s.seq, signed_by = d.creator_id,
    doc_number = '船营府办发〔' || d.doc_year || '〕' || s.seq || '号',
    numbered_at = d.created_at, signed_body_sha256 = repeat('0', 64)
FROM (SELECT id, doc_year, coalesce((SELECT last FROM number_counters c
                                     WHERE c.series = 'government_office' AND c.year = x.doc_year), 0)
             + row_number() OVER (PARTITION BY doc_year ORDER BY id) AS seq
      FROM documents x WHERE x.doc_seq IS NULL AND x.title LIKE '关于%（压测）') s
WHERE d.id = s.id;
INSERT INTO number_counters(series, year, last)
SELECT 'government_office', doc_year, max(doc_seq) FROM documents
WHERE issuer = 'government_office' AND doc_year BETWEEN 2021 AND 2025 GROUP BY doc_year
ON CONFLICT (series, year) DO UPDATE SET last = excluded.last;
COMMIT;


-- Incoming items, one in a hundred open past its deadline.
SELECT greatest(0, :rows - (SELECT count(*) FROM incoming WHERE source_org = '压测来文单位')) AS imissing \gset
BEGIN;
WITH g AS (
    SELECT i, (2021 + i % 5)::int AS yr, (1 + i % 12)::int AS mo, (1 + i % 28)::int AS dy
    FROM generate_series((SELECT count(*) FROM incoming WHERE source_org = '压测来文单位') + 1,
                         (SELECT count(*) FROM incoming WHERE source_org = '压测来文单位') + :imissing) i
)
INSERT INTO incoming(source_kind, source_org, original_number, kind, title, received_at,
                     deadline, registry_year, registry_seq, registry_number, state, creator_id,
                     path_ids, overdue, overdue_at)
SELECT 'superior', '压测来文单位', '', 'document', '关于' || v.w || '的通知（压测）',
       make_timestamptz(g.yr, g.mo, g.dy, 9, 0, 0, 'Asia/Shanghai'),
       make_date(g.yr, g.mo, g.dy) + 30,
       g.yr, 1000000 + g.i, '收〔' || g.yr || '〕' || (1000000 + g.i) || '号',
       CASE WHEN g.i % 100 = 0 THEN 'forwarded' ELSE 'archived' END,
       (SELECT id FROM identity.users WHERE username = 'wenmi1'), '{}',
       g.i % 100 = 0, CASE WHEN g.i % 100 = 0 THEN now() END
FROM g JOIN vocab v ON v.n = g.i % :nvocab;
COMMIT;

-- Proofread documents waiting for their numbers (this year's series).
BEGIN;
INSERT INTO documents(issuer, doc_type, title, body, main_recipients, print_count,
                      department_id, creator_id, state, path_ids, signer_id, signed_by, signed_at)
SELECT 'government_office', 'notice', '待编号文件' || g || '（压测编号）', '压测正文', '各科室', 1,
       a.department_id, a.id, 'proofread', ARRAY[a.id],
       (SELECT id FROM identity.users WHERE username = 'director'),
       (SELECT id FROM identity.users WHERE username = 'director'), now()
FROM generate_series(1, 400000) g JOIN bench_authors a ON a.n = g % :nauthors
WHERE NOT EXISTS (SELECT 1 FROM documents WHERE title LIKE '待编号文件%（压测编号）');
COMMIT;

SET maintenance_work_mem = '256MB';
:search_indexdefs;

-- Vacuumed as autovacuum would soon after such an insert (the runs also
-- start from a vacuumed database: settle in lib/measure.sh).
VACUUM (ANALYZE) documents;
VACUUM (ANALYZE) incoming;
