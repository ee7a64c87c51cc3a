-- Bench data for attendance: leave requests of the bench staff (loaded by
-- identity.sql), in bulk, up to :rows requests in all. run.sh loads it twice,
-- first with rows=10000 and later with rows=1000000, so that the leader's
-- to-approve list is measured at both sizes.
--
-- The queues stay the same size while the history grows, as in an office:
-- each bench section chief has 40 pending half-day requests (in 2027), made
-- on the first load; every other request is history, spread over the
-- working days of 2021-2025: closed (80%), rejected (8%), withdrawn (7%) or
-- approved and not yet closed (5%, already reminded to close, so the
-- service's sweep leaves them alone), each with its approval step.
-- The create-and-approve scenario asks for leave in 2030 and later, so it
-- never overlaps these.
\set ON_ERROR_STOP 1
SET search_path = attendance;

CREATE TEMP TABLE bench_staff AS
SELECT row_number() OVER (ORDER BY u.id) AS n, u.id, u.department_id, d.chief_id,
       row_number() OVER (PARTITION BY u.department_id ORDER BY u.id) AS k
FROM identity.users u
JOIN identity.org_departments d ON d.id = u.department_id
WHERE u.username LIKE 'bench%' AND u.position = 'staff' AND d.chief_id IS NOT NULL;

SELECT count(*) AS nstaff FROM bench_staff \gset

-- Working days of 2021-2025 (Monday to Friday), numbered.
CREATE TEMP TABLE bench_days AS
SELECT row_number() OVER (ORDER BY d) AS n, d::date AS d
FROM generate_series(date '2021-01-01', date '2025-12-31', interval '1 day') AS d
WHERE extract(isodow FROM d) < 6;
SELECT count(*) AS ndays FROM bench_days \gset

BEGIN;

-- The queues: 40 pending requests per chief, once.
INSERT INTO leave_requests(applicant_id, department_id, kind, reason, start_date, start_half,
                           end_date, end_half, half_days, starts_at, ends_at, state,
                           steps_total, current_step, current_approver_id, final_approver_id,
                           created_at, updated_at)
SELECT s.id, s.department_id, 'private', '压测：家中有事', day, 'am', day, 'am', 1,
       half_start(day, 'am'), half_end(day, 'am'), 'pending', 1, 1, s.chief_id, s.chief_id,
       now(), now()
FROM bench_staff s
CROSS JOIN LATERAL (SELECT date '2027-03-01' + (s.k % 20)::int AS day) x
WHERE s.k <= 40
  AND NOT EXISTS (SELECT 1 FROM leave_requests l WHERE l.state = 'pending'
                  AND l.reason = '压测：家中有事');

-- History, up to :rows requests in all.
SELECT greatest(0, :rows - (SELECT count(*) FROM leave_requests)) AS missing \gset

INSERT INTO leave_requests(applicant_id, department_id, kind, reason, start_date, start_half,
                           end_date, end_half, half_days, starts_at, ends_at, state,
                           steps_total, current_step, current_approver_id, final_approver_id,
                           returned_at, closed_at, close_reminded_at, created_at, updated_at)
SELECT s.id, s.department_id,
       CASE WHEN g.i % 4 = 0 THEN 'public' ELSE 'private' END,
       '压测：历史请假', d.d, h.half, d.d, h.half, 1,
       half_start(d.d, h.half), half_end(d.d, h.half), st.state, 1, NULL, NULL, s.chief_id,
       CASE WHEN st.state = 'closed' THEN half_end(d.d, h.half) END,
       CASE WHEN st.state = 'closed' THEN half_end(d.d, h.half) + interval '1 hour' END,
       CASE WHEN st.state = 'approved' THEN half_end(d.d, h.half) + interval '1 day' END,
       half_start(d.d, h.half) - interval '3 days', half_start(d.d, h.half) - interval '2 days'
FROM generate_series(1, :missing) AS g(i)
JOIN bench_staff s ON s.n = (g.i::bigint * 7919) % :nstaff + 1
JOIN bench_days d ON d.n = (g.i::bigint * 104729) % :ndays + 1
CROSS JOIN LATERAL (SELECT CASE WHEN g.i % 2 = 0 THEN 'am' ELSE 'pm' END AS half) h
CROSS JOIN LATERAL (SELECT CASE WHEN g.i % 100 < 80 THEN 'closed'
                                WHEN g.i % 100 < 88 THEN 'rejected'
                                WHEN g.i % 100 < 95 THEN 'withdrawn'
                                ELSE 'approved' END AS state) st
ORDER BY g.i;

-- One approval step per request, decided as its state says.
INSERT INTO leave_steps(request_id, step, approver_id, role, decision, decided_at)
SELECT l.id, 1, l.final_approver_id, 'section_chief',
       CASE WHEN l.state IN ('closed', 'approved') THEN 'approved'
            WHEN l.state = 'rejected' THEN 'rejected' END,
       CASE WHEN l.state IN ('closed', 'approved', 'rejected') THEN l.updated_at END
FROM leave_requests l
WHERE l.reason LIKE '压测：%'
  AND NOT EXISTS (SELECT 1 FROM leave_steps s WHERE s.request_id = l.id);

-- Their documents, as the service stores a request's: an update that
-- leaves doc as it was builds it (leave_doc_keep; migration 016).
UPDATE leave_requests SET doc = doc WHERE doc IS NULL;

COMMIT;
VACUUM ANALYZE leave_requests;
VACUUM ANALYZE leave_steps;
