-- Violations found outside a recorded job (R-PRN-3): the regulation's case
-- is staff who copy or print a large amount without the director's or the
-- supervising deputy's signature (擅自复印、印刷); when that is discovered
-- rather than recorded at a job's completion, the director or the copy
-- room's staff record it, with what was done, for the director's follow-up.

ALTER TABLE violations
    ALTER COLUMN job_id DROP NOT NULL,
    ALTER COLUMN register_id DROP NOT NULL,
    ADD COLUMN source      text NOT NULL DEFAULT 'job' CHECK (source IN ('job', 'reported')),
    ADD COLUMN description text CHECK (description IS NULL OR length(btrim(description)) BETWEEN 1 AND 2000),
    ADD COLUMN reported_by bigint,
    ADD CONSTRAINT violations_source_shape CHECK (
        (source = 'job') = (job_id IS NOT NULL AND register_id IS NOT NULL)
        AND (source = 'reported') = (description IS NOT NULL AND reported_by IS NOT NULL));
COMMENT ON COLUMN violations.source IS 'job: a large job completed without its signature; reported: unauthorised copying discovered and recorded by the director or the copy room''s staff.';

CREATE OR REPLACE FUNCTION violation_doc(v violations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'source', v.source, 'job_id', v.job_id, 'register_id', v.register_id,
        'state', v.state, 'department_id', v.department_id,
        'requester_id', v.requester_id, 'requester_name', person_name(v.requester_id),
        'operator_id', v.operator_id, 'operator_name', person_name(v.operator_id),
        'sheets', v.sheets, 'threshold', v.threshold,
        'description', v.description, 'reported_by', v.reported_by,
        'education_note', v.education_note, 'penalty', v.penalty,
        'followed_up_by', v.followed_up_by, 'followed_up_at', v.followed_up_at,
        'version', v.version, 'created_at', v.created_at, 'updated_at', v.updated_at)
$$;
