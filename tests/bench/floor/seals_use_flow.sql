-- The SQL floor of the seals service's request -> approve -> stamp (the
-- bench scenario seals_use_flow): the statements the service sends for
-- POST /seal-requests (the seal and who may approve, the insert, the
-- approver's notice, the audit event), POST /seal-requests/{id}/approve
-- (the request under its lock, the decision with both notices, the audit
-- event) and POST /seal-requests/{id}/stamp (the request and its seal
-- under their locks, the log entry with the request's update and the
-- requester's notice, the two audit events), as three transactions a
-- pgbench transaction. Copied from the statements' text
-- (services/seals/requests.c, request_actions.c, common/audit.c)
-- with the parameters of a bench request written in: one of the 200 bench
-- seals at random (ids 3-202; the bench data makes id + 22 its approver and
-- id + 222 its custodian), a requester at random among the bench users.
-- A statement whose result the script uses waits for it (\gset); the
-- statements between them go out as one pipeline (\startpipeline), one
-- round trip, as a service sends what it waits for no answer to. Run by
-- tests/bench/floor.sh and after the scenario by `make bench`; the schema
-- is the file name's first word.
\set sid random(3, 202)
\set appr :sid + 22
\set cust :sid + 222
\set u random(1000, 100000)
\startpipeline
BEGIN;
SELECT s.kind, s.state, s.name, r.role, array_remove(e, :u::bigint::bigint)::text AS approvers, :u::bigint::bigint = ANY (e) AS eligible FROM seals s CROSS JOIN LATERAL (SELECT CASE s.kind WHEN 'district_government' THEN 'district_leader'  WHEN 'government_office' THEN 'office_director' WHEN 'other' THEN 'configured' END AS role) r, eligible_approvers(r.role, s) e WHERE s.id = :sid::bigint;
\endpipeline
WITH q AS (INSERT INTO seal_requests(seal_id, requester_id, matter, document_number, content, using_unit, copies, document_id, approver_role, major_matter, document_sha256) VALUES (:sid::bigint, :u::bigint, 'general', '压测〔2026〕1-6号', '压测：用印申请', '船营区人民政府办公室', 2, NULL, 'configured', NULL, NULL) RETURNING *) SELECT q.id, seal_request_doc(q, s, (SELECT su.id FROM seal_usages su WHERE su.request_id = q.id)) FROM q JOIN seals s ON s.id = q.seal_id \gset
\startpipeline
SELECT identity.notify_many(ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[:appr::bigint]::bigint[]) AS x  WHERE x > 0), 'seal_request_to_approve', 'Approve the use of the seal 压测章154: 压测〔2026〕1-6号', '压测：用印申请', 'seal_request', :id::bigint);
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('seals', :u::bigint, 'seal_request', :id::bigint, 'create', NULL::jsonb, :seal_request_doc::jsonb, '3309ebf0675a140728d805b2990f872f', NULL);
COMMIT;
BEGIN;
\endpipeline
SELECT seal_request_doc(q, s, (SELECT su.id FROM seal_usages su WHERE su.request_id = q.id)), q.version, q.state, q.requester_id, q.approver_role, q.copies, s.custodian_id, s.state AS seal_state, s.approver_ids::text AS approvers, s.name AS seal_name, q.approved_by, q.seal_id, q.custodian_notified_id, request_visible(q, s, :appr::bigint, false), me.position AS my_position, me.is_secretary AS my_is_secretary, coalesce(me.active, false) AS my_active FROM seal_requests q JOIN seals s ON s.id = q.seal_id LEFT JOIN identity.org_people me ON me.id = :appr::bigint WHERE q.id = :id::bigint FOR NO KEY UPDATE OF q \gset b_
\startpipeline
UPDATE seal_requests q SET state = 'approved', approved_by = CASE WHEN 'approved' = 'approved' THEN :appr::bigint::bigint END, approved_at = CASE WHEN 'approved' = 'approved' THEN now() END, rejected_by = CASE WHEN 'approved' = 'rejected' THEN :appr::bigint::bigint END, rejected_at = CASE WHEN 'approved' = 'rejected' THEN now() END, decision_comment = '同意', custodian_notified_id = CASE WHEN 'approved' = 'approved' THEN :cust::bigint::bigint END, version = q.version + 1, updated_at = now() FROM seals s WHERE q.id = :id::bigint AND s.id = q.seal_id RETURNING set_config('oa.audit_doc', ( seal_request_doc(q, s, (SELECT su.id FROM seal_usages su WHERE su.request_id = q.id)))::text, true) AS doc, identity.notify(q.requester_id, CASE WHEN 'approved' = 'approved' THEN 'seal_request_approved'  ELSE 'seal_request_rejected' END, 'Your request to use the seal 压测章154 was approved', '同意', 'seal_request', q.id) AS requester_notice, CASE WHEN 'approved' = 'approved' AND :cust::bigint::bigint > 0 THEN identity.notify(:cust::bigint::bigint,  'seal_request_to_stamp', 'Review and stamp with the seal 压测章154', '', 'seal_request', q.id) END AS custodian_notice;
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('seals', :appr::bigint, 'seal_request', :id::bigint, 'approve', :b_seal_request_doc::jsonb, current_setting('oa.audit_doc')::jsonb, '75077ed07997fec0bba4af0d773dddf5', NULL);
COMMIT;
BEGIN;
\endpipeline
SELECT seal_request_doc(q, s, (SELECT su.id FROM seal_usages su WHERE su.request_id = q.id)), q.version, q.state, q.requester_id, q.approver_role, q.copies, s.custodian_id, s.state AS seal_state, s.approver_ids::text AS approvers, s.name AS seal_name, q.approved_by, q.seal_id, q.custodian_notified_id, request_visible(q, s, :cust::bigint, false) FROM seal_requests q JOIN seals s ON s.id = q.seal_id WHERE q.id = :id::bigint FOR NO KEY UPDATE OF q FOR SHARE OF s \gset c_
WITH u AS (INSERT INTO seal_usages(seal_id, request_id, matter, document_number, content, using_unit, count, handler_id, handler_name, approver_id, approver_name, stamper_id, stamper_name, document_id) SELECT q.seal_id, q.id, q.matter, q.document_number, q.content, q.using_unit, 1, q.requester_id, coalesce( (SELECT pn.display_name FROM identity.org_people pn WHERE pn.id = q.requester_id), ''), q.approved_by, coalesce( (SELECT pn.display_name FROM identity.org_people pn WHERE pn.id = q.approved_by), ''), :cust::bigint, coalesce( (SELECT pn.display_name FROM identity.org_people pn WHERE pn.id = :cust::bigint::bigint), ''), q.document_id FROM seal_requests q WHERE q.id = :id::bigint RETURNING id, stamped_at, usage_doc(seal_usages, (SELECT s.name FROM seals s WHERE s.id = seal_usages.seal_id)) AS usage_doc) UPDATE seal_requests q SET state = 'stamped', stamped_by = :cust::bigint, stamped_at = u.stamped_at, stamped_count = 1, stamp_note = NULL, version = q.version + 1, updated_at = now() FROM u, seals s WHERE q.id = :id::bigint AND s.id = q.seal_id RETURNING u.id AS usage_id, u.usage_doc, seal_request_doc(q, s, u.id), identity.notify(q.requester_id, 'seal_request_stamped', 'The seal 压测章154 was applied: 1 impression(s)', '', 'seal_request', q.id) AS notice_id \gset s_
\startpipeline
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('seals', :cust::bigint, 'seal_usage', :s_usage_id::bigint, 'create', NULL::jsonb, :s_usage_doc::jsonb, '73e205066e13b67643d850330b8cd323', NULL), ('seals', :cust::bigint, 'seal_request', :id::bigint, 'stamp', :c_seal_request_doc::jsonb,  CASE WHEN false::boolean THEN current_setting('oa.audit_doc') ELSE :s_seal_request_doc END::jsonb, '73e205066e13b67643d850330b8cd323', NULL);
COMMIT;
\endpipeline
