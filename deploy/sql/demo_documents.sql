-- Demo documents (DESIGN.md section 10): outgoing documents of 综合科 and of
-- 区教育局 in every state, incoming items and internal reports. Numbers are
-- taken from the series as the service takes them, so the series stays
-- gapless. Safe to load twice (nothing is added once the first is there).
\set ON_ERROR_STOP 1
BEGIN;
SET search_path = documents;
-- Office time, as the services' sessions have it: today's date, the times
-- written below and the documents stored with their rows are the office's,
-- not the server's.
SET TimeZone = 'Asia/Shanghai';

CREATE TEMP TABLE demo_people ON COMMIT DROP AS
SELECT username, id, department_id FROM identity.org_people;

DO $$
DECLARE
    zonghe   bigint := (SELECT department_id FROM demo_people WHERE username = 'zonghe1');
    edu      bigint := (SELECT department_id FROM demo_people WHERE username = 'edu_clerk');
    zonghe1  bigint := (SELECT id FROM demo_people WHERE username = 'zonghe1');
    edu_clerk bigint := (SELECT id FROM demo_people WHERE username = 'edu_clerk');
    wenmi1   bigint := (SELECT id FROM demo_people WHERE username = 'wenmi1');
    deputy2  bigint := (SELECT id FROM demo_people WHERE username = 'deputy2');
    director bigint := (SELECT id FROM demo_people WHERE username = 'director');
    vmayor1  bigint := (SELECT id FROM demo_people WHERE username = 'vmayor1');
    vmayor2  bigint := (SELECT id FROM demo_people WHERE username = 'vmayor2');
    zchief   bigint := (SELECT id FROM demo_people WHERE username = 'zonghe_chief');
    yr       int := extract(year FROM now())::int;
    txt      text := E'各科室：\n为进一步做好相关工作，现将有关事项通知如下。\n一、提高认识，加强领导。\n二、明确分工，落实责任。\n三、加强督查，确保实效。';
    st       text;
    n        int := 0;
    d        bigint;
    seq      bigint;
BEGIN
    IF zonghe1 IS NULL OR EXISTS (SELECT 1 FROM documents WHERE title LIKE '【示例】%') THEN
        RETURN;
    END IF;
    FOREACH st IN ARRAY ARRAY['draft', 'secretariat_review', 'awaiting_signoff', 'proofreading',
                              'revising', 'proofread', 'numbered', 'printed', 'issued', 'declined']
    LOOP
        n := n + 1;
        INSERT INTO documents(issuer, doc_type, title, body, main_recipients, cc_recipients,
                              print_count, department_id, creator_id, state, path_ids,
                              signer_id, signed_by, signed_at, decline_reason)
        VALUES ('government_office', 'notice', '【示例】关于做好第' || n || '项工作的通知', txt,
                '各科室', '区委办公室', 3, zonghe, zonghe1, st,
                CASE WHEN st IN ('draft', 'secretariat_review', 'declined') THEN ARRAY[zonghe1]
                     ELSE ARRAY[zonghe1, wenmi1, deputy2] END,
                CASE WHEN st NOT IN ('draft', 'secretariat_review', 'declined') THEN deputy2 END,
                CASE WHEN st IN ('proofreading', 'proofread', 'numbered', 'printed', 'issued') THEN deputy2 END,
                CASE WHEN st IN ('proofreading', 'proofread', 'numbered', 'printed', 'issued') THEN now() END,
                CASE WHEN st = 'declined' THEN '可由部门自行发文' END)
        RETURNING id INTO d;
        INSERT INTO document_versions(document_id, no, title, body, author_id)
        SELECT x.id, 1, x.title, x.body, x.creator_id FROM documents x WHERE x.id = d;
        IF st IN ('numbered', 'printed', 'issued') THEN
            seq := take_number('government_office', yr);
            UPDATE documents SET doc_year = yr, doc_seq = seq,
                doc_number = (SELECT prefix FROM number_series WHERE issuer = 'government_office')
                             || '〔' || yr || '〕' || seq || '号',
                numbered_at = now(), signed_body_sha256 = encode(sha256(convert_to(txt, 'UTF8')), 'hex'),
                letterhead_count = 3
            WHERE id = d;
        END IF;
        IF st IN ('printed', 'issued') THEN
            UPDATE documents SET printed_copies = 3, printed_at = now() WHERE id = d;
        END IF;
        IF st = 'issued' THEN
            UPDATE documents SET archived_at = now(), stamped_count = 3, issued_at = now() WHERE id = d;
        END IF;
    END LOOP;
    -- A bureau's draft awaiting its deputy mayor.
    INSERT INTO documents(issuer, doc_type, title, body, main_recipients, print_count,
                          department_id, creator_id, state, path_ids, signer_id)
    VALUES ('district_government', 'opinion', '【示例】关于加强中小学校园安全管理的意见', txt,
            '各乡镇、街道，区直各部门', 50, edu, edu_clerk, 'awaiting_signoff',
            ARRAY[edu_clerk, wenmi1, vmayor2], vmayor2)
    RETURNING id INTO d;
    INSERT INTO document_versions(document_id, no, title, body, author_id)
    SELECT x.id, 1, x.title, x.body, x.creator_id FROM documents x WHERE x.id = d;

    -- Incoming items: a superior's notice being instructed, an overdue one,
    -- and a township's request awaiting assignment.
    seq := take_number('incoming', yr);
    INSERT INTO incoming(source_kind, source_org, original_number, kind, title, received_at,
                         deadline, summary, registry_year, registry_seq, registry_number, state,
                         creator_id, leader_ids, path_ids)
    VALUES ('superior', '市政府办公室', '吉市府办发〔' || yr || '〕21号', 'document',
            '【示例】关于开展安全生产大检查的通知', now() - interval '2 days', current_date + 10,
            '要求各区于月底前报送检查情况', yr, seq, '收〔' || yr || '〕' || seq || '号', 'assigned',
            wenmi1, ARRAY[vmayor1], ARRAY[wenmi1, director, vmayor1]);
    seq := take_number('incoming', yr);
    INSERT INTO incoming(source_kind, source_org, original_number, kind, title, received_at,
                         deadline, summary, registry_year, registry_seq, registry_number, state,
                         creator_id, path_ids)
    VALUES ('peer', '区财政局', '船营财发〔' || yr || '〕5号', 'document',
            '【示例】关于报送年度预算执行情况的函', now() - interval '20 days', current_date - 3,
            '请于期限内报送', yr, seq, '收〔' || yr || '〕' || seq || '号', 'proposed',
            wenmi1, ARRAY[wenmi1]);
    seq := take_number('incoming', yr);
    INSERT INTO incoming(source_kind, source_org, original_number, kind, title, received_at,
                         summary, registry_year, registry_seq, registry_number, state,
                         creator_id, path_ids)
    VALUES ('subordinate', '某某乡', '某乡发〔' || yr || '〕3号', 'request',
            '【示例】关于修建村道资金的请示', now() - interval '1 day', '请求解决村道建设资金',
            yr, seq, '收〔' || yr || '〕' || seq || '号', 'registered', wenmi1, ARRAY[wenmi1]);
    INSERT INTO incoming_entries(incoming_id, no, step, actor_id, text)
    SELECT i.id, 1, 'register', wenmi1, i.summary FROM incoming i WHERE i.title LIKE '【示例】%';

    -- An internal report awaiting the chief's answer.
    INSERT INTO reports(sender_id, to_user_id, subject, body, route, state, path_ids)
    VALUES (zonghe1, zchief, '【示例】关于调整值班安排的请示', '拟调整下周值班安排，请审示。',
            'direct', 'open', ARRAY[zonghe1, zchief]);
END $$;

COMMIT;
