-- Demo printing (DESIGN.md section 10): the equipment of 文秘科 and 综合科
-- with a maintenance entry, a registered copy-room visit, and jobs in every
-- state: waiting for the deputy in charge of government affairs (R-PRN-2),
-- ready to run, rejected, cancelled, completed large with its signature and
-- register entry, and one large job done without approval: a violation the
-- director has still to follow up (R-PRN-3). Safe to load twice.
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = printing;
-- Office time, as the services' sessions have it: today's date, the times
-- written below and the documents stored with their rows are the office's,
-- not the server's.
SET TimeZone = 'Asia/Shanghai';

INSERT INTO equipment(name, kind, department_id, location, model, serial_number, registered_by)
SELECT v.name, v.kind, d.id, v.location, v.model, v.serial, a.id
FROM (VALUES ('复印室复印机', 'copier', '文秘科', 'copy_room', '理光 MP 4055', 'DEMO-CP-001'),
             ('复印室速印机', 'duplicator', '文秘科', 'copy_room', '理想 SF 5231', 'DEMO-DP-001'),
             ('文秘科打印机', 'printer', '文秘科', 'section', '惠普 M405', 'DEMO-PR-001'),
             ('综合科打印机', 'printer', '综合科', 'section', '惠普 M405', 'DEMO-PR-002'))
     AS v(name, kind, dept, location, model, serial)
JOIN identity.org_departments d ON d.name = v.dept
JOIN identity.org_people a ON a.username = 'wenmi1'
ON CONFLICT (serial_number) DO NOTHING;

INSERT INTO maintenance_log(equipment_id, kind, note, performed_by, performed_at)
SELECT e.id, 'maintenance', '更换硒鼓，清洁进纸通道', p.id, now() - interval '3 days'
FROM equipment e JOIN identity.org_people p ON p.username = 'wenmi1'
WHERE e.serial_number = 'DEMO-CP-001'
  AND NOT EXISTS (SELECT 1 FROM maintenance_log m WHERE m.equipment_id = e.id);

INSERT INTO copy_room_visits(visitor_id, visitor_name, department_id, reason, visited_at, registered_by)
SELECT v.id, v.display_name, v.department_id, '领取乡镇会议材料', now() - interval '2 days', w.id
FROM identity.org_people v JOIN identity.org_people w ON w.username = 'wenmi1'
WHERE v.username = 'town1_clerk'
  AND NOT EXISTS (SELECT 1 FROM copy_room_visits x WHERE x.visitor_id = v.id);

-- The jobs, once.
DO $$
DECLARE
    zonghe bigint := (SELECT id FROM identity.org_departments WHERE name = '综合科');
    wenmi bigint := (SELECT id FROM identity.org_departments WHERE name = '文秘科');
    xinxi bigint := (SELECT id FROM identity.org_departments WHERE name = '信息科');
    zonghe1 bigint := (SELECT id FROM identity.org_people WHERE username = 'zonghe1');
    zonghe2 bigint := (SELECT id FROM identity.org_people WHERE username = 'zonghe2');
    xinxi1 bigint := (SELECT id FROM identity.org_people WHERE username = 'xinxi1');
    wenmi1 bigint := (SELECT id FROM identity.org_people WHERE username = 'wenmi1');
    deputy_gov bigint := (SELECT id FROM identity.org_people WHERE username = 'deputy_gov');
    deputy2 bigint := (SELECT id FROM identity.org_people WHERE username = 'deputy2');
    j bigint;
    reg bigint;
BEGIN
    IF zonghe IS NULL OR EXISTS (SELECT 1 FROM print_jobs) THEN
        RETURN;
    END IF;

    -- Waiting for the deputy in charge of government affairs (R-PRN-2).
    INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                           operator_department_id, large_threshold, is_large)
    VALUES (zonghe1, zonghe, 'print_shop', '全区经济工作会议材料汇编', 40, 100, 4000, wenmi, 200, true)
    RETURNING id INTO j;
    INSERT INTO print_job_steps(job_id, step, rule, role) VALUES
        (j, 1, 'R-PRN-2', 'gov_affairs_deputy'), (j, 2, 'R-PRN-3', 'director_or_supervising_deputy');

    -- Ready to run at the designated section (信息科 has no printer, R-PRN-1).
    INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                           operator_department_id, large_threshold, is_large, state)
    VALUES (xinxi1, xinxi, 'print', '信息化建设周报', 4, 5, 20, wenmi, 200, false, 'ready');

    -- Rejected.
    INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                           operator_department_id, large_threshold, is_large, state,
                           decision_comment)
    VALUES (zonghe2, zonghe, 'print_shop', '宣传折页', 2, 500, 1000, wenmi, 200, true,
            'rejected', '请压缩印数')
    RETURNING id INTO j;
    INSERT INTO print_job_steps(job_id, step, rule, role, decision, decided_by, decided_at, comment)
    VALUES (j, 1, 'R-PRN-2', 'gov_affairs_deputy', 'rejected', deputy_gov, now() - interval '1 day', '请压缩印数');
    INSERT INTO print_job_steps(job_id, step, rule, role)
    VALUES (j, 2, 'R-PRN-3', 'director_or_supervising_deputy');

    -- Cancelled by its requester.
    INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                           operator_department_id, large_threshold, is_large, state,
                           cancelled_by, cancelled_at)
    VALUES (zonghe2, zonghe, 'copy', '通讯录', 3, 10, 30, wenmi, 200, false, 'cancelled',
            zonghe2, now() - interval '1 day');

    -- Completed large, signed by the supervising deputy, in the register.
    INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                           operator_department_id, large_threshold, is_large, state,
                           actual_pages, actual_copies, actual_sheets, completed_by,
                           completed_at)
    VALUES (zonghe1, zonghe, 'copy', '年度考核表', 2, 150, 300, wenmi, 200, true, 'completed',
            2, 150, 300, wenmi1, now() - interval '2 days')
    RETURNING id INTO j;
    INSERT INTO print_job_steps(job_id, step, rule, role, decision, decided_by, decided_at)
    VALUES (j, 1, 'R-PRN-3', 'director_or_supervising_deputy', 'approved', deputy2,
            now() - interval '3 days');
    INSERT INTO copy_register(job_id, department_id, department_name, requester_id, requester_name,
                              operator_id, operator_name, kind, title, pages, copies, sheets,
                              approver_id, approver_name, without_approval, completed_at)
    SELECT j, zonghe, '综合科', zonghe1, person_name(zonghe1), wenmi1, person_name(wenmi1),
           'copy', '年度考核表', 2, 150, 300, deputy2, person_name(deputy2), false,
           now() - interval '2 days';

    -- A large job done without approval: a violation to follow up (R-PRN-3).
    INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, sheets,
                           operator_department_id, large_threshold, is_large, state,
                           actual_pages, actual_copies, actual_sheets, completed_by,
                           completed_at)
    VALUES (zonghe2, zonghe, 'copy', '培训讲义', 10, 10, 100, wenmi, 200, false, 'completed',
            10, 30, 300, wenmi1, now() - interval '1 day')
    RETURNING id INTO j;
    INSERT INTO copy_register(job_id, department_id, department_name, requester_id, requester_name,
                              operator_id, operator_name, kind, title, pages, copies, sheets,
                              without_approval, completed_at)
    VALUES (j, zonghe, '综合科', zonghe2, person_name(zonghe2), wenmi1, person_name(wenmi1),
            'copy', '培训讲义', 10, 30, 300, true, now() - interval '1 day')
    RETURNING id INTO reg;
    INSERT INTO violations(job_id, register_id, department_id, requester_id, operator_id, sheets,
                           threshold, created_at, updated_at)
    VALUES (j, reg, zonghe, zonghe2, wenmi1, 300, 200, now() - interval '1 day',
            now() - interval '1 day');
END $$;

COMMIT;
