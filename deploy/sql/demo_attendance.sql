-- Demo data for the attendance service, loaded after demo.sql once every
-- service has migrated. Safe to load twice: each row is added only when it
-- is missing.
--
-- The 2026 public holidays and adjusted working days as the State Council
-- announced them (administrators keep the calendar with PUT /calendar/{year}),
-- a pending half-day leave waiting for the 综合科 chief, an approved one-day
-- leave of the only person in 信息科, and a labour activity.
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = attendance;
-- Office time, as the services' sessions have it: today's date, the times
-- written below and the documents stored with their rows are the office's,
-- not the server's.
SET TimeZone = 'Asia/Shanghai';

INSERT INTO calendar_days(day, kind)
SELECT d::date, 'holiday' FROM (VALUES
    ('2026-01-01'), ('2026-01-02'), ('2026-01-03'),
    ('2026-02-15'), ('2026-02-16'), ('2026-02-17'), ('2026-02-18'), ('2026-02-19'),
    ('2026-02-20'), ('2026-02-21'), ('2026-02-22'), ('2026-02-23'),
    ('2026-04-04'), ('2026-04-05'), ('2026-04-06'),
    ('2026-05-01'), ('2026-05-02'), ('2026-05-03'), ('2026-05-04'), ('2026-05-05'),
    ('2026-06-19'), ('2026-06-20'), ('2026-06-21'),
    ('2026-09-25'), ('2026-09-26'), ('2026-09-27'),
    ('2026-10-01'), ('2026-10-02'), ('2026-10-03'), ('2026-10-04'), ('2026-10-05'),
    ('2026-10-06'), ('2026-10-07')
) AS v(d)
WHERE NOT EXISTS (SELECT 1 FROM calendar_years WHERE year = 2026)
ON CONFLICT (day) DO NOTHING;

INSERT INTO calendar_days(day, kind)
SELECT d::date, 'workday' FROM (VALUES
    ('2026-01-04'), ('2026-02-14'), ('2026-02-28'), ('2026-05-09'), ('2026-09-20'),
    ('2026-10-10')
) AS v(d)
WHERE NOT EXISTS (SELECT 1 FROM calendar_years WHERE year = 2026)
ON CONFLICT (day) DO NOTHING;

INSERT INTO calendar_years(year) VALUES (2026) ON CONFLICT (year) DO NOTHING;

-- The next two working days at least a week ahead, for the demo leave.
CREATE TEMP TABLE demo_days ON COMMIT DROP AS
SELECT x::date AS day, row_number() OVER (ORDER BY x) AS n
FROM generate_series(current_date + 7, current_date + 40, interval '1 day') x
WHERE extract(isodow FROM x) < 6
  AND NOT EXISTS (SELECT 1 FROM calendar_days c WHERE c.day = x::date AND c.kind = 'holiday')
ORDER BY x LIMIT 2;

-- 钱科员 (zonghe1): half a day, waiting for the section chief (R-ATT-2).
WITH p AS (
    SELECT u.id, u.department_id, d.chief_id
    FROM identity.org_people u JOIN identity.org_departments d ON d.id = u.department_id
    WHERE u.username = 'zonghe1'
), l AS (
    INSERT INTO leave_requests(applicant_id, department_id, kind, reason, start_date, start_half,
        end_date, end_half, half_days, starts_at, ends_at, steps_total, current_step,
        current_approver_id, final_approver_id)
    SELECT p.id, p.department_id, 'private', '（演示）家中有事 family matter (demo)',
           dd.day, 'am', dd.day, 'am', 1, half_start(dd.day, 'am'), half_end(dd.day, 'am'),
           1, 1, p.chief_id, p.chief_id
    FROM p, demo_days dd
    WHERE dd.n = 1 AND NOT EXISTS (SELECT 1 FROM leave_requests WHERE reason LIKE '（演示）%'
                                   AND applicant_id = p.id)
    RETURNING id, current_approver_id
), s AS (
    INSERT INTO leave_steps(request_id, step, approver_id, role)
    SELECT id, 1, current_approver_id, 'section_chief' FROM l
)
SELECT identity.notify(current_approver_id, 'leave_to_approve',
                       'Leave request from 钱科员 awaits your approval',
                       'Half a day, private leave (R-ATT-2)', 'leave_request', id)
FROM l;

-- 何科员 (xinxi1), alone in 信息科: one day, approved by the supervising deputy.
WITH p AS (
    SELECT u.id, u.department_id, d.supervising_deputy_id AS deputy
    FROM identity.org_people u JOIN identity.org_departments d ON d.id = u.department_id
    WHERE u.username = 'xinxi1'
), l AS (
    INSERT INTO leave_requests(applicant_id, department_id, kind, reason, start_date, start_half,
        end_date, end_half, half_days, starts_at, ends_at, state, steps_total,
        final_approver_id, late_swept_slot)
    SELECT p.id, p.department_id, 'public', '（演示）参加市里培训 city training course (demo)',
           dd.day, 'am', dd.day, 'pm', 2, half_start(dd.day, 'am'), half_end(dd.day, 'pm'),
           'approved', 1, p.deputy, office_slot(now()) - 1
    FROM p, demo_days dd
    WHERE dd.n = 2 AND NOT EXISTS (SELECT 1 FROM leave_requests WHERE reason LIKE '（演示）%'
                                   AND applicant_id = p.id)
    RETURNING id, final_approver_id
)
INSERT INTO leave_steps(request_id, step, approver_id, role, decision, decided_at)
SELECT id, 1, final_approver_id, 'supervising_deputy', 'approved', now() FROM l;

-- The two requests' documents, as the service stores a request's: an
-- update that leaves doc as it was builds it (leave_doc_keep).
UPDATE leave_requests SET doc = doc WHERE doc IS NULL;

-- A labour activity for 文秘科 and 综合科, organised by the director (R-ATT-5).
WITH a AS (
    INSERT INTO activities(title, kind, location, starts_at, ends_at, created_by)
    SELECT '（演示）机关大院卫生清扫 compound clean-up (demo)', 'labour', '机关大院',
           half_start(dd.day, 'pm') + interval '2 hours', half_start(dd.day, 'pm') + interval '5 hours',
           (SELECT id FROM identity.org_people WHERE username = 'director')
    FROM demo_days dd
    WHERE dd.n = 2 AND NOT EXISTS (SELECT 1 FROM activities WHERE title LIKE '（演示）%')
    RETURNING id
)
INSERT INTO activity_participants(activity_id, user_id)
SELECT a.id, u.id FROM a, identity.org_people u
WHERE u.username IN ('wenmi_chief', 'wenmi1', 'custodian', 'zonghe_chief', 'zonghe1', 'zonghe2');

COMMIT;
