-- Bench data for printing, in bulk (needs identity.sql and the demo office):
--
--   * every bench section gets a printer (identity.departments.has_printer),
--     so the create -> approve -> complete scenario runs each job on its
--     requester's own printer (R-PRN-1) and its requester completes it;
--   * :rows entries in the copy register (with their completed jobs): half
--     for the demo section 综合科 (100 000 a year), the rest spread over the
--     bench sections, completed at working hours over 2021-2025 and signed
--     by the section's supervising deputy: the register scenario reads one
--     department's year.
\set ON_ERROR_STOP 1

UPDATE identity.departments SET has_printer = true
WHERE name LIKE '压测科%' AND NOT has_printer;

SET search_path = printing;

CREATE TEMP TABLE bench_depts AS
SELECT row_number() OVER (ORDER BY d.id) - 1 AS n, d.id, d.name, d.supervising_deputy_id,
       (SELECT min(u.id) FROM identity.users u WHERE u.department_id = d.id
          AND u.position = 'staff' AND NOT u.is_secretary) AS staff_id
FROM identity.org_departments d
WHERE d.name LIKE '压测科%' OR d.name = '综合科';
SELECT count(*) - 1 AS nbench FROM bench_depts \gset
SELECT n AS zonghe FROM bench_depts WHERE name = '综合科' \gset
SELECT id AS operator FROM identity.org_people WHERE username = 'wenmi1' \gset

BEGIN;

SELECT greatest(0, :rows - (SELECT count(*) FROM copy_register)) AS missing \gset

CREATE TEMP TABLE bench_entries AS
SELECT g.i, d.id AS department_id, d.name AS department_name, d.staff_id,
       d.supervising_deputy_id AS approver_id,
       timestamptz '2021-01-01 08:30:00+08'
         + ((g.i::bigint * 7919) % 1826) * interval '1 day'
         + ((g.i::bigint * 104729) % 32400) * interval '1 second' AS at,
       10 + g.i % 40 AS pages, 10 + g.i % 25 AS copies
FROM generate_series(1, :missing) AS g(i)
JOIN bench_depts d ON d.n = CASE WHEN g.i % 2 = 0 THEN :zonghe
                                 ELSE (g.i / 2) % (:nbench + 1) END;

INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                       operator_department_id, large_threshold, is_large, state,
                       actual_pages, actual_copies, actual_sheets, completed_by, completed_at,
                       created_at, updated_at)
SELECT e.staff_id, e.department_id, 'copy', format('压测：历史复印%s', e.i), e.pages, e.copies,
       e.pages * e.copies, (SELECT id FROM identity.org_departments WHERE is_print_center LIMIT 1),
       200, true, 'completed', e.pages, e.copies, e.pages * e.copies, :operator, e.at,
       e.at - interval '1 day', e.at
FROM bench_entries e
ORDER BY e.at;

INSERT INTO print_job_steps(job_id, step, rule, role, decision, decided_by, decided_at)
SELECT j.id, 1, 'R-PRN-3', 'director_or_supervising_deputy', 'approved',
       coalesce(d.supervising_deputy_id, :operator), j.completed_at - interval '2 hours'
FROM print_jobs j JOIN bench_depts d ON d.id = j.department_id
WHERE j.title LIKE '压测：历史复印%'
  AND NOT EXISTS (SELECT 1 FROM print_job_steps s WHERE s.job_id = j.id);

INSERT INTO copy_register(job_id, department_id, department_name, requester_id, requester_name,
                          operator_id, operator_name, kind, title, pages, copies, sheets,
                          approver_id, approver_name, without_approval, completed_at)
SELECT j.id, j.department_id, d.name, j.requester_id, r.display_name, :operator, o.display_name,
       j.kind, j.title, j.actual_pages, j.actual_copies, j.actual_sheets, s.decided_by,
       a.display_name, false, j.completed_at
FROM print_jobs j
JOIN bench_depts d ON d.id = j.department_id
JOIN print_job_steps s ON s.job_id = j.id AND s.step = 1
JOIN identity.users r ON r.id = j.requester_id
JOIN identity.users o ON o.id = :operator
JOIN identity.users a ON a.id = s.decided_by
WHERE j.title LIKE '压测：历史复印%'
  AND NOT EXISTS (SELECT 1 FROM copy_register c WHERE c.job_id = j.id)
ORDER BY j.completed_at;

COMMIT;
VACUUM ANALYZE print_jobs;
VACUUM ANALYZE print_job_steps;
VACUUM ANALYZE copy_register;
