-- Bench data for identity: 100 000 people in 200 sections, loaded in bulk
-- (not through the API). Needs the demo office (deploy/sql/demo.sql) for the
-- office leadership department. Every bench user's password is demo123 (the
-- demo hash), so the login scenario can use any of them.
--
--   bench000001 .. bench000004   deputy directors (office leadership), each
--                                supervising 50 of the bench sections
--   bench000005 .. bench000204   the section chiefs, one per section
--   bench000205 .. bench100000   staff, spread evenly over the sections
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = identity;

INSERT INTO departments(name, kind)
SELECT format('压测科%s', lpad(d::text, 3, '0')), 'section'
FROM generate_series(1, 200) AS d
ON CONFLICT (name) DO NOTHING;

CREATE TEMP TABLE bench_dept AS
SELECT row_number() OVER (ORDER BY id) AS n, id
FROM departments WHERE name LIKE '压测科%';

INSERT INTO users(username, display_name, position, department_id, phone, password_hash)
SELECT format('bench%s', lpad(g.i::text, 6, '0')),
       format('压测用户%s', g.i),
       CASE WHEN g.i <= 4 THEN 'deputy_director'
            WHEN g.i <= 204 THEN 'section_chief'
            ELSE 'staff' END,
       coalesce(b.id, (SELECT id FROM departments WHERE name = '办公室领导')),
       format('138%s', lpad(g.i::text, 8, '0')),
       '$argon2id$v=19$m=19456,t=2,p=1$hp2xjMdb4o7Yo6TOT0KB1g$egEFvGZp4bmISJi++J0R4WJ2brt8F7asqfO3Ru7Wbec'
FROM generate_series(1, 100000) AS g(i)
LEFT JOIN bench_dept b ON b.n = CASE WHEN g.i <= 4 THEN NULL
                                     WHEN g.i <= 204 THEN g.i - 4
                                     ELSE (g.i - 205) % 200 + 1 END
ORDER BY g.i
ON CONFLICT (username) DO NOTHING;

UPDATE departments d
SET supervising_deputy_id = (SELECT u.id FROM users u
                             WHERE u.username = format('bench%s', lpad((1 + (b.n - 1) / 50)::text, 6, '0')))
FROM bench_dept b
WHERE d.id = b.id AND d.supervising_deputy_id IS NULL;

COMMIT;
ANALYZE identity.users;
ANALYZE identity.departments;
