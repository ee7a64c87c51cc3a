-- Bench data for seals, in bulk (needs identity.sql and the demo seals of
-- deploy/sql/demo_seals.sql):
--
--   * one seal of kind 'other' per bench section (压测章001..200), kept by
--     the section's first staff member and approved by its chief: the
--     request -> approve -> stamp scenario spreads over them;
--   * :rows entries in the use log (with their stamped requests), half on
--     the district government seal (approved by the mayor), half on the
--     office seal (approved by the director), stamped by the demo custodian
--     at working hours over 2021-2025: the month's-log scenario reads them.
\set ON_ERROR_STOP 1
SET search_path = seals;

CREATE TEMP TABLE bench_sections AS
SELECT d.id AS department_id, d.chief_id,
       (SELECT min(u.id) FROM identity.users u
        WHERE u.department_id = d.id AND u.position = 'staff') AS custodian_id,
       row_number() OVER (ORDER BY d.id) AS n
FROM identity.org_departments d
WHERE d.name LIKE '压测科%' AND d.chief_id IS NOT NULL;

BEGIN;

INSERT INTO seals(name, kind, custodian_id, approver_ids)
SELECT format('压测章%s', lpad(b.n::text, 3, '0')), 'other', b.custodian_id, ARRAY[b.chief_id]
FROM bench_sections b
ON CONFLICT (name) DO NOTHING;

INSERT INTO seal_custodians(seal_id, custodian_id, since)
SELECT s.id, s.custodian_id, s.created_at FROM seals s
WHERE s.name LIKE '压测章%'
  AND NOT EXISTS (SELECT 1 FROM seal_custodians k WHERE k.seal_id = s.id);

CREATE TEMP TABLE bench_staff AS
SELECT row_number() OVER (ORDER BY u.id) AS n, u.id, u.display_name
FROM identity.users u WHERE u.username LIKE 'bench%' AND u.position = 'staff';
SELECT count(*) AS nstaff FROM bench_staff \gset

CREATE TEMP TABLE demo_seals AS
SELECT row_number() OVER (ORDER BY s.id) - 1 AS n, s.id, s.custodian_id,
       CASE s.kind WHEN 'district_government' THEN 'district_leader'
                   ELSE 'office_director' END AS role,
       (SELECT p.id FROM identity.org_people p
        WHERE p.position = CASE s.kind WHEN 'district_government' THEN 'district_mayor'
                                       ELSE 'office_director' END
        ORDER BY p.id LIMIT 1) AS approver_id
FROM seals s WHERE s.name IN ('区政府公章', '区政府办公室公章');

SELECT greatest(0, :rows - (SELECT count(*) FROM seal_usages)) AS missing \gset

-- Stamped requests; the time of each use is spread over five years, on
-- working hours (08:30-17:30 office time).
CREATE TEMP TABLE bench_uses AS
SELECT g.i, d.id AS seal_id, d.role, d.approver_id, d.custodian_id,
       timestamptz '2021-01-01 08:30:00+08'
         + ((g.i::bigint * 7919) % 1826) * interval '1 day'
         + ((g.i::bigint * 104729) % 32400) * interval '1 second' AS at,
       st.id AS requester_id, st.display_name AS requester_name
FROM generate_series(1, :missing) AS g(i)
JOIN demo_seals d ON d.n = g.i % 2
JOIN bench_staff st ON st.n = (g.i::bigint * 15485863) % :nstaff + 1;

INSERT INTO seal_requests(seal_id, requester_id, matter, document_number, content, using_unit,
                          copies, approver_role, state, approved_by, approved_at,
                          custodian_notified_id, stamped_by, stamped_at, stamped_count,
                          created_at, updated_at)
SELECT u.seal_id, u.requester_id, 'general',
       format('压测〔%s〕%s号', to_char(u.at, 'YYYY'), u.i),
       '压测：历史用印', '船营区人民政府办公室', 2, u.role, 'stamped', u.approver_id,
       u.at - interval '1 hour', u.custodian_id, u.custodian_id, u.at, 1,
       u.at - interval '2 hours', u.at
FROM bench_uses u
ORDER BY u.at;

INSERT INTO seal_usages(seal_id, request_id, stamped_at, matter, document_number, content,
                        using_unit, count, handler_id, handler_name, approver_id,
                        approver_name, stamper_id, stamper_name)
SELECT q.seal_id, q.id, q.stamped_at, q.matter, q.document_number, q.content, q.using_unit, 1,
       q.requester_id, r.display_name, q.approved_by, a.display_name,
       q.stamped_by, k.display_name
FROM seal_requests q
JOIN identity.users r ON r.id = q.requester_id
JOIN identity.users a ON a.id = q.approved_by
JOIN identity.users k ON k.id = q.stamped_by
WHERE q.content = '压测：历史用印'
  AND NOT EXISTS (SELECT 1 FROM seal_usages u WHERE u.request_id = q.id)
ORDER BY q.stamped_at;

COMMIT;
VACUUM ANALYZE seal_requests;
VACUUM ANALYZE seal_usages;
VACUUM ANALYZE seals;
