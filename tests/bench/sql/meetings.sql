-- Bench data for meetings, in bulk (needs identity.sql and the demo office):
-- 20 x :meetings published decisions (R-MTG-9) of :meetings closed
-- director's meetings (run.sh loads 50, then 5 000: 1 000 and 100 000
-- decisions), 20 a meeting, each with a bench staff member responsible
-- and a deadline spread over 2025-2027 (moved, below): half of them still
-- open, 30% reported on, 20% completed. What the supervision report
-- scenario reads. Overdue ones are
-- already flagged and reminded, so that the background job does not churn
-- through them during the runs. Every date is moved by the days since
-- 2026-12-04 (shift), the day the recorded runs of 2026-12-03 to 05 were
-- made around: the lights are read against today (a decision is green
-- while its deadline is more than three days off and it saw activity in the
-- last fourteen days), so fixed dates would turn the report's mix over as
-- the calendar moves (from 2026-12-20 no decision would be green, and each
-- page of the green ones would read every open decision).
\set ON_ERROR_STOP 1
SET search_path = meetings;
SELECT current_date - date '2026-12-04' AS shift \gset

SELECT id AS director FROM identity.users WHERE username = 'director' \gset
SELECT id AS recorder FROM identity.users WHERE username = 'wenmi_chief' \gset

BEGIN;

SELECT greatest(0, :meetings - (SELECT count(*) FROM meetings WHERE title LIKE '压测会议%')) AS missing \gset

INSERT INTO meetings(kind, title, scheduled_at, location, state, chair_id, recorder_id,
                     created_by, minutes, agenda_published_at, started_at, closed_at)
SELECT 'regular', format('压测会议%s', g.i),
       timestamptz '2025-01-06 09:00:00+08' + (g.i % 700 + :shift) * interval '1 day', '第一会议室',
       'closed', :director, :recorder, :director, '压测：会议纪要',
       timestamptz '2025-01-05 09:00:00+08' + (g.i % 700 + :shift) * interval '1 day',
       timestamptz '2025-01-06 09:00:00+08' + (g.i % 700 + :shift) * interval '1 day',
       timestamptz '2025-01-06 11:00:00+08' + (g.i % 700 + :shift) * interval '1 day'
FROM generate_series(1, :missing) AS g(i);

INSERT INTO topics(meeting_id, title, category, department_id, presenter_id, summary,
                   explanation, recommendation, approver_id, state, decided_by, decided_at)
SELECT m.id, '压测议题', 'general', 0, :director, 's', 'e', 'r', :director, 'approved',
       :director, m.agenda_published_at
FROM meetings m
WHERE m.title LIKE '压测会议%' AND NOT EXISTS (SELECT 1 FROM topics t WHERE t.meeting_id = m.id);

CREATE TEMP TABLE bench_staff AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, department_id
FROM identity.users WHERE username LIKE 'bench%' AND position = 'staff';
SELECT count(*) AS nstaff FROM bench_staff \gset

INSERT INTO decisions(meeting_id, topic_id, category, confidential, text, responsible_id,
                      department_id, deadline, requirements, state, published_at,
                      progress_count, last_progress_at, last_progress_note, completed_at,
                      outcome, overdue_at, due_reminded_at, proposed_topic_id, created_by)
SELECT t.meeting_id, t.id, (ARRAY['general', 'finance', 'other', 'general'])[1 + k.j % 4], false,
       format('压测决定%s-%s', t.meeting_id, k.j), s.id, s.department_id,
       (date '2025-03-01' + :shift + ((t.meeting_id * 37 + k.j * 11) % 1000)::integer), '按期办结并报告',
       CASE WHEN (t.meeting_id + k.j) % 10 < 5 THEN 'published'
            WHEN (t.meeting_id + k.j) % 10 < 8 THEN 'in_progress' ELSE 'completed' END,
       m.closed_at,
       CASE WHEN (t.meeting_id + k.j) % 10 < 5 THEN 0 ELSE 1 END,
       CASE WHEN (t.meeting_id + k.j) % 10 < 5 THEN NULL ELSE m.closed_at + interval '10 days' END,
       CASE WHEN (t.meeting_id + k.j) % 10 < 5 THEN NULL ELSE '压测：进展' END,
       CASE WHEN (t.meeting_id + k.j) % 10 >= 8 THEN m.closed_at + interval '20 days' END,
       CASE WHEN (t.meeting_id + k.j) % 10 >= 8 THEN '压测：办结' END,
       now(), now(), 0, :director
FROM topics t JOIN meetings m ON m.id = t.meeting_id
CROSS JOIN generate_series(1, 20) AS k(j)
JOIN bench_staff s ON s.n = (t.meeting_id * 20 + k.j) % :nstaff
WHERE m.title LIKE '压测会议%' AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.meeting_id = m.id);

COMMIT;
ANALYZE meetings.meetings;
ANALYZE meetings.topics;
-- Vacuumed as autovacuum would soon after such an insert, so that the
-- report's totals are counted from the index alone (migration 008) from
-- the first run.
VACUUM (ANALYZE) meetings.decisions;
