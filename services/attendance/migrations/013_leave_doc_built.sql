-- The leave request's stored document (migration 012) is built by
-- leave_doc, leave_step_doc and the triggers' functions, which are defined
-- from now on in sql/read.sql, applied after the migrations at every start.
-- A migration runs before it, so it cannot rebuild the documents with a new
-- definition; instead read.sql compares the digest of the definitions with
-- the one the stored documents were built by (kept here) and rebuilds them
-- when they differ. The documents stored now were built by the definitions
-- in force (migrations 010 and 012), which read.sql repeats unchanged.

CREATE TABLE leave_doc_built (
    digest text NOT NULL,
    one    boolean PRIMARY KEY DEFAULT true CHECK (one)
);
COMMENT ON TABLE leave_doc_built IS 'The md5 of the source of leave_doc, leave_step_doc, leave_doc_keep and leave_steps_changed that built the stored leave_requests.doc (one row); sql/read.sql rebuilds the documents when it differs.';

INSERT INTO leave_doc_built(digest)
SELECT md5(string_agg(p.prosrc, '' ORDER BY p.proname))
  FROM pg_proc p
 WHERE p.oid IN ('leave_doc(leave_requests, json)'::regprocedure,
                 'leave_step_doc(leave_steps)'::regprocedure,
                 'leave_doc_keep()'::regprocedure,
                 'leave_steps_changed()'::regprocedure);
