-- A leave request's stored document (migration 012) is built once a change,
-- not once per statement that makes it. Before, a request was inserted
-- without a document and the trigger on its steps built it in an UPDATE of
-- the row just inserted (a second row version); an approval's decided step
-- rebuilt it in an UPDATE of the request, and the request's own update
-- (advanced or settled, in the same transaction) rebuilt it again: three
-- builds and two more row versions a request made and approved.
--
--  - The statement that makes a request (the service's create) gives the
--    new request its approval steps' JSON in doc; leave_doc_keep, before
--    the insert, turns it into the document. Its steps are inserted in the
--    same statement, and their trigger now builds only the requests that
--    have no document yet (a bulk load of requests and then their steps).
--  - A step's decision is written only with its request's change (the
--    approval advances or settles the request in the same transaction,
--    leave_approval.c), whose update rebuilds the document with the
--    decided step: the steps' update trigger is dropped.
--
-- The functions are defined in sql/read.sql (applied after the migrations);
-- they are repeated here as read.sql has them, so that the trigger has its
-- function and the digest of the definitions (migration 013) stays the
-- digest the stored documents were built by.

CREATE OR REPLACE FUNCTION leave_doc_keep() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.doc := replace(leave_doc(NEW, NEW.doc::json)::text, '"overdue":true', '"overdue":false');
    ELSE
        NEW.doc := replace(leave_doc(NEW, (SELECT coalesce(json_agg(leave_step_doc(s) ORDER BY s.step),
                                                           '[]'::json)
                                           FROM leave_steps s WHERE s.request_id = NEW.id))::text,
                           '"overdue":true', '"overdue":false');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION leave_doc_keep() IS 'Builds leave_requests.doc of the row being inserted (doc holds its steps'' JSON) or updated (its steps read).';

CREATE OR REPLACE FUNCTION leave_steps_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE leave_requests l
       SET doc = replace(leave_doc(l, a.approvals)::text, '"overdue":true', '"overdue":false')
      FROM (SELECT s.request_id, json_agg(leave_step_doc(s) ORDER BY s.step) AS approvals
              FROM leave_steps s
             WHERE s.request_id IN (SELECT c.request_id FROM changed c
                                      JOIN leave_requests r ON r.id = c.request_id
                                     WHERE r.doc IS NULL)
             GROUP BY s.request_id) a
     WHERE l.id = a.request_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION leave_steps_changed() IS 'Builds leave_requests.doc of the requests without one whose steps the statement inserted.';

CREATE TRIGGER leave_doc_made BEFORE INSERT ON leave_requests
    FOR EACH ROW WHEN (NEW.doc IS NOT NULL) EXECUTE FUNCTION leave_doc_keep();
DROP TRIGGER leave_steps_updated ON leave_steps;

UPDATE leave_doc_built
   SET digest = (SELECT md5(string_agg(p.prosrc, '' ORDER BY p.proname))
                   FROM pg_proc p
                  WHERE p.oid IN ('leave_doc(leave_requests, json)'::regprocedure,
                                  'leave_step_doc(leave_steps)'::regprocedure,
                                  'leave_doc_keep()'::regprocedure,
                                  'leave_steps_changed()'::regprocedure));
