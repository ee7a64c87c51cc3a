-- Demo seals (DESIGN.md section 10): the district government seal and the
-- office seal, both kept by the user `custodian`. Safe to load twice.
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = seals;
-- Office time, as the services' sessions have it: today's date, the times
-- written below and the documents stored with their rows are the office's,
-- not the server's.
SET TimeZone = 'Asia/Shanghai';

INSERT INTO seals(name, kind, custodian_id)
SELECT v.name, v.kind, p.id
FROM (VALUES ('区政府公章', 'district_government'),
             ('区政府办公室公章', 'government_office')) AS v(name, kind)
JOIN identity.org_people p ON p.username = 'custodian'
ON CONFLICT (name) DO NOTHING;

-- R-SEAL-1: each seal's custody starts with its registration.
INSERT INTO seal_custodians(seal_id, custodian_id, since)
SELECT s.id, s.custodian_id, s.created_at FROM seals s
WHERE s.name IN ('区政府公章', '区政府办公室公章')
  AND NOT EXISTS (SELECT 1 FROM seal_custodians k WHERE k.seal_id = s.id);

COMMIT;
