-- Demo meetings (DESIGN.md section 10): a regular director's meeting next
-- week with its members, and one topic of 综合科 approved by its supervising
-- deputy. Safe to load twice.
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = meetings;
-- Office time, as the services' sessions have it: today's date, the times
-- written below and the documents stored with their rows are the office's,
-- not the server's.
SET TimeZone = 'Asia/Shanghai';

INSERT INTO meetings(kind, title, scheduled_at, location, chair_id, recorder_id, created_by)
SELECT 'regular', '办公室主任会议(示例)', date_trunc('day', now()) + interval '7 days 9 hours',
       '第一会议室', d.id, c.id, d.id
FROM identity.users d, identity.users c
WHERE d.username = 'director' AND c.username = 'wenmi_chief'
  AND NOT EXISTS (SELECT 1 FROM meetings WHERE title = '办公室主任会议(示例)');

INSERT INTO meeting_participants(meeting_id, user_id, role)
SELECT m.id, u.id, CASE u.username WHEN 'director' THEN 'chair'
                                   WHEN 'wenmi_chief' THEN 'recorder'
                                   WHEN 'xinxi1' THEN 'attendee' ELSE 'member' END
FROM meetings m, identity.users u
WHERE m.title = '办公室主任会议(示例)'
  AND u.username IN ('director', 'deputy_gov', 'deputy2', 'deputy3', 'wenmi_chief',
                     'zonghe_chief', 'xinxi1')
ON CONFLICT DO NOTHING;

INSERT INTO topics(meeting_id, title, category, department_id, presenter_id, summary,
                   explanation, recommendation, materials, submitted_by, approver_id, state,
                   decided_by, decided_at)
SELECT m.id, '关于调整办公用房的议题', 'general', dep.id, p.id, '综合科办公用房紧张',
       '综合科现有办公用房不足, 影响日常工作。', '建议将三楼会议室改作办公用房。', '用房平面图',
       s.id, a.id, 'approved', a.id, now()
FROM meetings m, identity.departments dep, identity.users p, identity.users s, identity.users a
WHERE m.title = '办公室主任会议(示例)' AND dep.name = '综合科' AND p.username = 'zonghe_chief'
  AND s.username = 'wenmi1' AND a.username = 'deputy2'
  AND NOT EXISTS (SELECT 1 FROM topics t WHERE t.meeting_id = m.id);

COMMIT;
