-- The SQL floor of attendance's leave create + approve (the bench scenario
-- attendance_leave_create_approve): the statements the service sends for
-- POST /leave-requests (the calendar, the applicant's chain, the
-- applicant's lock, the insert, the approver's notice, the audit event)
-- and for POST /leave-requests/{id}/approve (the request under its lock,
-- the step, the settling update, the applicant's notice, the audit event),
-- as two transactions a pgbench transaction. Copied from the statements'
-- text (services/attendance/att.c, leave_requests.c, leave_actions.c,
-- leave_approval.c, common/org.c, common/audit.c) with the parameters of a
-- bench request written in: an applicant at random among the bench users,
-- a day at random far ahead (two requests of one person that overlap are
-- refused, and \gset then stops the script), the bench data's section 157
-- and its chief 173 as the approver. '"overdue":false' is spelled with
-- chr(58), because pgbench takes ":false" for a variable. A statement
-- whose result the script uses waits for it (\gset); the statements
-- between them go out as one pipeline (\startpipeline), one round trip, as
-- a service sends what it waits for no answer to. Run by
-- tests/bench/floor.sh and after the scenario by `make bench`; the schema
-- is the file name's first word.
\set a random(1000, 100000)
\set d random(100000, 3000000)
\startpipeline
BEGIN;
SELECT day - DATE '1970-01-01' AS day_no, kind = 'workday' AS workday FROM calendar_days WHERE day BETWEEN DATE '1970-01-01' + :d::integer AND DATE '1970-01-01' + :d::integer ORDER BY day;
SELECT p.id, p.username, p.display_name, p.position, coalesce(p.department_id, 0) AS department_id, coalesce(p.department_kind, '') AS department_kind, p.is_secretary, coalesce(p.serves_leader_id, 0) AS serves_leader_id, p.is_admin, p.gov_affairs, p.active, coalesce(d.chief_id, 0) AS chief_id, coalesce(d.supervising_deputy_id, 0) AS deputy_id, coalesce((SELECT id FROM identity.org_people WHERE position = 'office_director'   AND active ORDER BY id LIMIT 1), 0) AS director_id, coalesce((SELECT id FROM identity.org_people WHERE position = 'district_mayor'   AND active ORDER BY id LIMIT 1), 0) AS mayor_id, (SELECT count(*) FROM (SELECT 1 FROM identity.org_people q   WHERE q.department_id = p.department_id AND q.active LIMIT 2) q) AS section_size, coalesce(d.is_secretariat, false) AS is_secretariat FROM identity.org_people p LEFT JOIN identity.org_departments d ON d.id = p.department_id WHERE p.id = :a::bigint;
SELECT pg_advisory_xact_lock(hashtext('attendance.leave'), (:a::bigint % 2147483647)::integer);
\endpipeline
WITH l AS (INSERT INTO leave_requests(applicant_id, department_id, kind, reason,   start_date, start_half, end_date, end_half, half_days, starts_at, ends_at,   steps_total, current_step, current_approver_id, final_approver_id, doc)  SELECT :a::bigint, 157::bigint, 'private'::text, '压测：家中有事'::text, ('1970-01-01'::date + :d::integer)::date, 'am'::text, ('1970-01-01'::date + :d::integer)::date,   'am'::text, 1::integer, half_start(('1970-01-01'::date + :d::integer)::date, 'am'), half_end(('1970-01-01'::date + :d::integer)::date, 'am'),   1::integer, 1, ('{173}'::bigint[])[1], ('{173}'::bigint[])[1::integer],   (SELECT json_agg(row_to_json(ROW(x.ord, x.a, x.r, NULL, NULL, NULL)::leave_step_json)     ORDER BY x.ord) FROM unnest('{173}'::bigint[], '{section_chief}'::text[]) WITH ORDINALITY AS x(a, r, ord))::text  WHERE NOT EXISTS (SELECT 1 FROM leave_requests o WHERE o.applicant_id = :a::bigint   AND o.state IN ('pending', 'approved', 'closed')   AND o.starts_at < half_end(('1970-01-01'::date + :d::integer)::date, 'am') AND o.ends_at > half_start(('1970-01-01'::date + :d::integer)::date, 'am'))  RETURNING id, doc), s AS (INSERT INTO leave_steps(request_id, step, approver_id, role)  SELECT l.id, x.ord, x.a, x.r FROM l,   unnest('{173}'::bigint[], '{section_chief}'::text[]) WITH ORDINALITY AS x(a, r, ord)) SELECT id, doc FROM l \gset
\startpipeline
SELECT identity.notify(173, 'leave_to_approve', 'Leave request from 压测用户90553 awaits your approval', '2204-06-04 am to 2204-06-04 am, 0.5 working days, private leave: 压测：家中有事 (R-ATT-2)', 'leave_request', :id::bigint);
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('attendance', :a::bigint, 'leave_request', :id::bigint, 'create', NULL::jsonb, :doc::jsonb, 'ffaf9840764cb190638e9db86481ab78', NULL);
COMMIT;
BEGIN;
SELECT l.applicant_id, coalesce(l.current_approver_id, 0) AS current_approver_id, l.final_approver_id, l.version, coalesce(l.current_step, 0) AS current_step, l.steps_total, l.state, l.start_date, l.start_half, l.end_date, l.end_half, coalesce(l.ext_end_date::text, '') AS ext_end_date, coalesce(l.ext_end_half, '') AS ext_end_half, l.explanation IS NOT NULL AS explained, coalesce(l.ext_half_days, 0) AS ext_half_days, coalesce(l.ext_outcome, '') AS ext_outcome, coalesce(l.explanation_due < now(), false) AS due_passed, coalesce(l.ext_state, '') AS ext_state, coalesce(l.ext_approvers[l.ext_step], 0) AS ext_approver_id, coalesce(l.ext_step, 0) AS ext_step, coalesce(cardinality(l.ext_approvers), 0) AS ext_steps, l.ends_at <= now() AS ended, coalesce(l.explanation_review, '') AS review, coalesce(l.late_swept_slot, -1) AS late_swept_slot, coalesce(l.return_confirmation = 'pending', false) AS return_pending, coalesce(l.late_swept_from, -1) AS late_swept_from, CASE WHEN l.state = 'approved' AND l.ends_at < now() THEN replace(l.doc, ('"overdue"' || chr(58) || 'false'), ('"overdue"' || chr(58) || 'true')) ELSE l.doc END AS doc, (false::boolean OR l.applicant_id = 173::bigint OR EXISTS (SELECT 1 FROM leave_steps v WHERE v.request_id = l.id AND v.approver_id = 173::bigint) OR 173::bigint = ANY (l.ext_approvers)) AS visible FROM leave_requests l WHERE l.id = :id::bigint FOR UPDATE;
UPDATE leave_steps SET decision = 'approved', decided_at = now(), comment = '同意' WHERE request_id = :id::bigint AND step = 1;
UPDATE leave_requests l SET state = 'approved', current_step = NULL, current_approver_id = NULL, late_swept_slot = CASE WHEN 'approved' = 'approved' THEN office_slot(now()) - 1   ELSE late_swept_slot END, version = version + 1, updated_at = now() WHERE id = :id::bigint RETURNING set_config('oa.audit_doc', ( CASE WHEN l.state = 'approved' AND l.ends_at < now() THEN replace(l.doc, ('"overdue"' || chr(58) || 'false'), ('"overdue"' || chr(58) || 'true')) ELSE l.doc END)::text, true) AS doc;
SELECT identity.notify(:a::bigint, 'leave_approved', 'Your leave request was approved', 'Leave 2204-06-04 am to 2204-06-04 am: 同意', 'leave_request', :id::bigint);
INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before, after, request_id, client_request_id) VALUES ('attendance', 173, 'leave_request', :id::bigint, 'approve', :doc::jsonb, current_setting('oa.audit_doc')::jsonb, '84395b71d9f471c15da3e5babe80c578', NULL);
COMMIT;
\endpipeline
