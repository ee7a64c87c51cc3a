-- A job's document as its last change left it, kept with the row. The next
-- action's audit event takes its before from here instead of building
-- job_doc again (PL/pgSQL over the job, its steps and who may sign each,
-- the register entry and the violation: about 200 µs), so that a job's
-- flow (create, approve, complete) builds the document once a request, not
-- five times. Who may sign an open step today is still asked of identity
-- when a job is locked (the signer's authority, R-PRN-2..4), never read
-- from here; the answers (GET, lists) still build the document now.
--
-- The trigger keeps it: every update of a job builds its document from the
-- new row and the steps the transaction has written before it; an update
-- that sets doc itself (the new job's, once its steps exist) has built it.
-- A job written by hand or loaded in bulk may have none; the lock then
-- builds it (coalesce in the service).
ALTER TABLE print_jobs ADD COLUMN doc text;
COMMENT ON COLUMN print_jobs.doc IS 'The job''s JSON document (job_doc) as of its last change, the before of its next audit event; kept by the trigger print_job_doc_keep; NULL when not yet built.';

CREATE FUNCTION print_job_doc_keep() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    NEW.doc := job_doc(NEW)::text;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION print_job_doc_keep() IS 'Builds print_jobs.doc of the row being updated.';

CREATE TRIGGER print_job_doc_keep BEFORE UPDATE ON print_jobs
    FOR EACH ROW WHEN (NEW.doc IS NOT DISTINCT FROM OLD.doc) EXECUTE FUNCTION print_job_doc_keep();

-- The digest of job_doc's source that built the stored documents; read.sql
-- forgets them (sets them NULL, to be built again at each job's next
-- change) when job_doc is defined otherwise, so that an audit event never
-- pairs a before of one shape with an after of another.
CREATE TABLE job_doc_built (
    digest text NOT NULL,
    one    boolean PRIMARY KEY DEFAULT true CHECK (one)
);
COMMENT ON TABLE job_doc_built IS 'The md5 of the source of job_doc that built the stored print_jobs.doc (one row); sql/read.sql forgets the documents when it differs.';

INSERT INTO job_doc_built(digest)
SELECT md5(p.prosrc) FROM pg_proc p WHERE p.oid = 'job_doc(print_jobs)'::regprocedure;
