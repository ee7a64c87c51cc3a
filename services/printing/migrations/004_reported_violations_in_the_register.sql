-- 打字、复印、印刷管理制度 二 "在复印完成后,如实填写复印登记簿": every large job
-- is in the copy register with its real figures. Unauthorised copying found
-- after the fact (a reported violation, R-PRN-3) was done all the same, so
-- it enters the register too, when it is recorded: the figures found, the
-- person as requester and operator, no approver, linked to its violation.

ALTER TABLE copy_register
    ALTER COLUMN job_id DROP NOT NULL,
    ADD COLUMN violation_id bigint UNIQUE,
    ADD CONSTRAINT copy_register_source CHECK ((job_id IS NULL) <> (violation_id IS NULL));
COMMENT ON COLUMN copy_register.violation_id IS 'For copying found after the fact: the violation recorded for it (R-PRN-3); job_id is then empty.';

CREATE OR REPLACE FUNCTION register_doc(r copy_register) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'job_id', r.job_id, 'violation_id', r.violation_id,
        'completed_at', r.completed_at,
        'department_id', r.department_id, 'department_name', r.department_name,
        'kind', r.kind, 'title', r.title,
        'pages', r.pages, 'copies', r.copies, 'sheets', r.sheets,
        'requester_id', r.requester_id, 'requester_name', r.requester_name,
        'operator_id', r.operator_id, 'operator_name', r.operator_name,
        'approver_id', r.approver_id, 'approver_name', r.approver_name,
        'without_approval', r.without_approval,
        'version', 1, 'created_at', r.completed_at, 'updated_at', r.completed_at)
$$;
