-- The SQL floor of the printing service's create -> approve -> complete
-- (the bench scenario printing_job_flow): the statements the service sends
-- for POST /print-jobs (the department and its print centre with the job's
-- id, who may sign, the job and its signature step, its stored document,
-- the signers' notice, the audit event), POST /print-jobs/{id}/approve (the
-- job under its lock with its open steps, the step signed, the job
-- settled, the requester's notice, the audit event) and POST
-- /print-jobs/{id}/complete (the job under its lock with the operator,
-- the copy-register entry, the job completed, the notice, the two audit
-- events), as three transactions a pgbench transaction. Copied from the
-- statements' text (services/printing/jobs.c, job_actions.c,
-- common/audit.c) with the parameters of a bench job written in: a bench
-- staff member at random (ids 225-100020) prints 10 pages x 30 copies in
-- their own section and completes the job (the bench data puts user u in
-- section n = (u - 225) % 200 + 1, department id n + 8, whose supervising
-- deputy, the signer, is user 21 + (n - 1) / 50; the director, 7, is the
-- other eligible signer).
-- A statement whose result the script uses waits for it (\gset); the
-- statements between them go out as one pipeline (\startpipeline), one
-- round trip, as a service sends what it waits for no answer to. Run by
-- tests/bench/floor.sh and after the scenario by `make bench`; the schema
-- is the file name's first word.
\set u random(225, 100020)
\set n (:u - 225) % 200 + 1
\set dept :n + 8
\set signer 21 + (:n - 1) / 50
BEGIN;
SELECT d.kind, d.has_printer, (SELECT c.id FROM identity.org_departments c WHERE c.is_print_center ORDER BY c.id LIMIT 1) AS center, nextval('print_jobs_id_seq') AS job_id FROM identity.org_departments d WHERE d.id = :dept::bigint \gset
\startpipeline
SELECT a::text AS signers, :u::bigint = ANY (a) AS eligible FROM eligible_approvers('director_or_supervising_deputy', :dept::bigint) a;
INSERT INTO print_jobs(requester_id, department_id, kind, title, pages, copies, duplex, sheets, for_unit_id, document_id, operator_department_id, large_threshold, is_large, cost_charged_to, state, id) VALUES (:u::bigint, :dept::bigint, 'print', '压测：会议材料 1-6', 10, 30, false, 300, NULL, NULL, :dept::bigint, 200, true, 'office', 'pending', :job_id::bigint);
INSERT INTO print_job_steps(job_id, step, rule, role, decision, decided_by, decided_at, comment) VALUES (:job_id::bigint, 1, 'R-PRN-3', 'director_or_supervising_deputy', CASE WHEN false THEN 'approved' END, CASE WHEN false THEN :u::bigint::bigint END, CASE WHEN false THEN now() END, CASE WHEN false THEN 'signed by the requester' END);
UPDATE print_jobs j SET doc = job_doc(j)::text WHERE j.id = :job_id::bigint RETURNING set_config('oa.audit_doc', (j.doc)::text, true) AS doc;
SELECT identity.notify_many(ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[7, :signer::bigint]::bigint[]) AS x  WHERE x > 0), 'print_job_to_approve', 'Sign a print job (R-PRN-3): 压测：会议材料 1-6', '', 'print_job', :job_id::bigint);
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('printing', :u::bigint, 'print_job', :job_id::bigint, 'create', NULL::jsonb, current_setting('oa.audit_doc')::jsonb, '12a3b34723a099ccf55b6ec964d808e4', NULL);
COMMIT;
BEGIN;
\endpipeline
SELECT coalesce(j.doc, job_doc(j)::text) AS job_doc, j.version, j.state, j.requester_id, j.department_id, j.operator_department_id, j.pages, j.copies, j.large_threshold, j.duplex, j.is_large, j.kind, j.title, (true::boolean OR :signer::bigint::bigint = j.requester_id  OR 2::bigint IN (j.department_id, j.operator_department_id)  OR 2::bigint IS NOT DISTINCT FROM j.for_unit_id OR coalesce(o.signer, false)  OR EXISTS (SELECT 1 FROM print_job_steps d WHERE d.job_id = j.id             AND d.decided_by = :signer::bigint::bigint)) AS job_visible, o.open_steps FROM print_jobs j CROSS JOIN LATERAL (SELECT coalesce(json_agg(json_build_object('step', s.step,   'rule', s.rule, 'role', s.role, 'approver_ids', e.ids) ORDER BY s.step), '[]')   AS open_steps, bool_or(:signer::bigint::bigint = ANY (e.ids)) AS signer  FROM print_job_steps s CROSS JOIN LATERAL eligible_approvers(s.role, j.department_id)   AS e(ids) WHERE s.job_id = j.id AND s.decision IS NULL) o WHERE j.id = :job_id::bigint FOR NO KEY UPDATE OF j \gset a_
\startpipeline
UPDATE print_job_steps s SET decision = 'approved', decided_by = :signer::bigint, decided_at = now(), comment = '同意' WHERE s.job_id = :job_id::bigint AND s.decision IS NULL AND s.step = ANY ('{1}'::integer[]);
UPDATE print_jobs j SET state = CASE WHEN EXISTS (SELECT 1 FROM print_job_steps s  WHERE s.job_id = j.id AND s.decision IS NULL) THEN 'pending' ELSE 'ready' END, decision_comment = '同意', version = j.version + 1, updated_at = now() WHERE j.id = :job_id::bigint RETURNING set_config('oa.audit_doc', (j.doc)::text, true) AS doc;
SELECT identity.notify(:u::bigint, 'print_job_approved', 'Your print job was approved: 压测：会议材料 1-6', '同意', 'print_job', :job_id::bigint);
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('printing', :signer::bigint, 'print_job', :job_id::bigint, 'approve', :a_job_doc::jsonb, current_setting('oa.audit_doc')::jsonb, '16ddba8041b6a645c059cb024f7eb9f8', NULL);
COMMIT;
BEGIN;
\endpipeline
SELECT coalesce(j.doc, job_doc(j)::text) AS job_doc, j.version, j.state, j.requester_id, j.department_id, j.operator_department_id, j.pages, j.copies, j.large_threshold, j.duplex, j.is_large, j.kind, j.title, (false::boolean OR :u::bigint::bigint = j.requester_id  OR :dept::bigint::bigint IN (j.department_id, j.operator_department_id)  OR :dept::bigint::bigint IS NOT DISTINCT FROM j.for_unit_id OR coalesce(o.signer, false)  OR EXISTS (SELECT 1 FROM print_job_steps d WHERE d.job_id = j.id             AND d.decided_by = :u::bigint::bigint)) AS job_visible, o.open_steps, coalesce(me.active, false) AS me_active, coalesce(me.department_id, 0) AS me_department, coalesce(me.department_kind, '') AS me_department_kind FROM print_jobs j CROSS JOIN LATERAL (SELECT coalesce(json_agg(json_build_object('step', s.step,   'rule', s.rule, 'role', s.role, 'approver_ids', e.ids) ORDER BY s.step), '[]')   AS open_steps, bool_or(:u::bigint::bigint = ANY (e.ids)) AS signer  FROM print_job_steps s CROSS JOIN LATERAL eligible_approvers(s.role, j.department_id)   AS e(ids) WHERE s.job_id = j.id AND s.decision IS NULL) o LEFT JOIN identity.org_people me ON me.id = :u::bigint::bigint WHERE j.id = :job_id::bigint FOR NO KEY UPDATE OF j \gset c_
INSERT INTO copy_register(job_id, department_id, department_name, requester_id, requester_name, operator_id, operator_name, kind, title, pages, copies, sheets, approver_id, approver_name, without_approval) SELECT j.id, j.department_id, coalesce(d.name, ''), j.requester_id, coalesce(rq.display_name, ''), :u::bigint, coalesce(op.display_name, ''), j.kind, j.title, 10::integer, 30::integer, 300::integer, a.decided_by, ap.display_name, a.decided_by IS NULL FROM print_jobs j LEFT JOIN print_job_steps a ON a.job_id = j.id AND a.rule = 'R-PRN-3'  AND a.decision = 'approved' LEFT JOIN identity.org_departments d ON d.id = j.department_id LEFT JOIN identity.org_people rq ON rq.id = j.requester_id LEFT JOIN identity.org_people op ON op.id = :u::bigint::bigint LEFT JOIN identity.org_people ap ON ap.id = a.decided_by WHERE j.id = :job_id::bigint RETURNING id, without_approval, register_doc(copy_register) \gset r_
\startpipeline
UPDATE print_jobs j SET state = 'completed', actual_pages = 10, actual_copies = 30, actual_sheets = 300, cost_fen = NULL, completed_by = :u::bigint, completed_at = now(), completion_note = NULL, version = j.version + 1, updated_at = now() WHERE j.id = :job_id::bigint RETURNING set_config('oa.audit_doc', (j.doc)::text, true) AS doc;
SELECT identity.notify(:u::bigint, 'print_job_completed', 'Your print job is done: 压测：会议材料 1-6', '', 'print_job', :job_id::bigint);
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('printing', :u::bigint, 'copy_register', :r_id::bigint, 'create', NULL::jsonb, :r_register_doc::jsonb, 'f3acd72cd6a2aab05c15f692801c7bbf', NULL), ('printing', :u::bigint, 'print_job', :job_id::bigint, 'complete', :c_job_doc::jsonb,  CASE WHEN true::boolean THEN current_setting('oa.audit_doc') ELSE NULL END::jsonb, 'f3acd72cd6a2aab05c15f692801c7bbf', NULL);
COMMIT;
\endpipeline
