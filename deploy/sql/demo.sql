-- The demo office of DESIGN.md section 10. Every demo login has the password
-- demo123 (for the demo only). Safe to load twice.
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = identity;
-- Office time, as the services' sessions have it: today's date, the times
-- written below and the documents stored with their rows are the office's,
-- not the server's.
SET TimeZone = 'Asia/Shanghai';

INSERT INTO departments(name, kind, is_secretariat, has_printer, is_print_center) VALUES
    ('区领导', 'district_leadership', false, false, false),
    ('办公室领导', 'office_leadership', false, false, false),
    ('文秘科', 'section', true, true, true),
    ('综合科', 'section', false, true, false),
    ('信息科', 'section', false, false, false),
    ('某某乡', 'external', false, false, false),
    ('某某镇', 'external', false, false, false),
    ('区教育局', 'external', false, false, false)
ON CONFLICT (name) DO NOTHING;

INSERT INTO users(username, display_name, position, department_id, is_secretary, is_admin,
                  gov_affairs, phone, password_hash)
SELECT v.username, v.display_name, v.position, d.id, v.is_secretary, v.is_admin,
       v.gov_affairs, v.phone,
       '$argon2id$v=19$m=19456,t=2,p=1$hp2xjMdb4o7Yo6TOT0KB1g$egEFvGZp4bmISJi++J0R4WJ2brt8F7asqfO3Ru7Wbec'
FROM (VALUES
    ('mayor',        '王区长',   'district_mayor',  '区领导',     false, false, false, '13800000001'),
    ('vmayor1',      '李副区长', 'deputy_mayor',    '区领导',     false, false, false, '13800000002'),
    ('vmayor2',      '赵副区长', 'deputy_mayor',    '区领导',     false, false, false, '13800000003'),
    ('director',     '张主任',   'office_director', '办公室领导', false, false, false, '13800000004'),
    ('deputy_gov',   '刘副主任', 'deputy_director', '办公室领导', false, false, true,  '13800000005'),
    ('deputy2',      '陈副主任', 'deputy_director', '办公室领导', false, false, false, '13800000006'),
    ('deputy3',      '杨副主任', 'deputy_director', '办公室领导', false, false, false, '13800000007'),
    ('wenmi_chief',  '周科长',   'section_chief',   '文秘科',     false, false, false, '13800000008'),
    ('wenmi1',       '吴文书',   'staff',           '文秘科',     false, false, false, '13800000009'),
    ('custodian',    '郑保管',   'staff',           '文秘科',     false, false, false, '13800000010'),
    ('zonghe_chief', '孙科长',   'section_chief',   '综合科',     false, false, false, '13800000011'),
    ('zonghe1',      '钱科员',   'staff',           '综合科',     false, false, false, '13800000012'),
    ('zonghe2',      '冯科员',   'staff',           '综合科',     false, false, false, '13800000013'),
    ('xinxi1',       '何科员',   'staff',           '信息科',     false, false, false, '13800000014'),
    ('sec1',         '许秘书',   'staff',           '综合科',     true,  false, false, '13800000015'),
    ('sec2',         '韩秘书',   'staff',           '综合科',     true,  false, false, '13800000016'),
    ('town1_clerk',  '某某乡文书', 'staff',         '某某乡',     false, false, false, '13800000017'),
    ('edu_head',     '教育局局长', 'section_chief', '区教育局',   false, false, false, '13800000018'),
    ('edu_clerk',    '教育局文书', 'staff',         '区教育局',   false, false, false, '13800000019'),
    ('admin',        '系统管理员', 'none',          NULL,         false, true,  false, NULL)
) AS v(username, display_name, position, dept, is_secretary, is_admin, gov_affairs, phone)
LEFT JOIN departments d ON d.name = v.dept
ON CONFLICT (username) DO NOTHING;

UPDATE users SET serves_leader_id = (SELECT id FROM users WHERE username = 'mayor')
WHERE username = 'sec1' AND serves_leader_id IS NULL;
UPDATE users SET serves_leader_id = (SELECT id FROM users WHERE username = 'vmayor1')
WHERE username = 'sec2' AND serves_leader_id IS NULL;

UPDATE departments SET supervising_deputy_id = (SELECT id FROM users WHERE username = 'deputy_gov')
WHERE name = '文秘科' AND supervising_deputy_id IS NULL;
UPDATE departments SET supervising_deputy_id = (SELECT id FROM users WHERE username = 'deputy2')
WHERE name IN ('综合科', '信息科') AND supervising_deputy_id IS NULL;

-- R-DOC-3: vmayor2 is in charge of the education bureau, vmayor1 of the
-- government office itself (the district documents its sections draft).
UPDATE departments SET in_charge_id = (SELECT id FROM users WHERE username = 'vmayor2')
WHERE name = '区教育局' AND in_charge_id IS NULL;
UPDATE departments SET in_charge_id = (SELECT id FROM users WHERE username = 'vmayor1')
WHERE name = '办公室领导' AND in_charge_id IS NULL;

COMMIT;
