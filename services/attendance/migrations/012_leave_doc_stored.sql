-- The leave request's document is kept with the row instead of being built
-- on every read. Building it (leave_doc over 35 fields and the approval
-- steps aggregated from leave_steps) cost PostgreSQL about 20 µs a request,
-- most of an approver's page of 20 (R-ATT-4's queue is read far more often
-- than a request changes); reading the stored text costs a copy.
--
-- Triggers keep it exact (in the service's schema whoever writes, hence
-- their search_path): every update of a request rebuilds its document, and
-- every insert or change of its steps rebuilds the documents of the
-- requests concerned in one statement. The one field that
-- depends on the clock, overdue (approved and past its end), is stored as
-- false and turned true by the reading statement (LEAVE_DOC in the service).
-- A field added to leave_doc needs `UPDATE leave_requests SET doc = doc` in
-- its migration, which rebuilds every document (an update that leaves doc
-- as it was rebuilds it).

ALTER TABLE leave_requests ADD COLUMN doc text;
COMMENT ON COLUMN leave_requests.doc IS 'The request''s JSON document (leave_doc with its steps) as of its last change, overdue false; kept by the triggers leave_doc_keep and leave_steps_*.';

-- A new request has no steps yet (leave_steps refers to it): its document
-- is built when its steps are inserted (below); until then it is NULL and
-- a reader builds it (LEAVE_DOC in the service).
CREATE FUNCTION leave_doc_keep() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    NEW.doc := replace(leave_doc(NEW, (SELECT coalesce(json_agg(leave_step_doc(s) ORDER BY s.step),
                                                       '[]'::json)
                                       FROM leave_steps s WHERE s.request_id = NEW.id))::text,
                       '"overdue":true', '"overdue":false');
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION leave_doc_keep() IS 'Rebuilds leave_requests.doc of the row being updated.';

-- An update that sets doc itself (leave_steps_changed below) has built it.
CREATE TRIGGER leave_doc_keep BEFORE UPDATE ON leave_requests
    FOR EACH ROW WHEN (NEW.doc IS NOT DISTINCT FROM OLD.doc) EXECUTE FUNCTION leave_doc_keep();

-- The requests whose steps a statement inserted or changed, rebuilt in one
-- statement (a bulk load of steps is one update, not one per row).
CREATE FUNCTION leave_steps_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE leave_requests l
       SET doc = replace(leave_doc(l, a.approvals)::text, '"overdue":true', '"overdue":false')
      FROM (SELECT s.request_id, json_agg(leave_step_doc(s) ORDER BY s.step) AS approvals
              FROM leave_steps s
             WHERE s.request_id IN (SELECT request_id FROM changed)
             GROUP BY s.request_id) a
     WHERE l.id = a.request_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION leave_steps_changed() IS 'Rebuilds leave_requests.doc of the requests whose steps the statement wrote.';

CREATE TRIGGER leave_steps_inserted AFTER INSERT ON leave_steps
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION leave_steps_changed();
CREATE TRIGGER leave_steps_updated AFTER UPDATE ON leave_steps
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION leave_steps_changed();

UPDATE leave_requests SET doc = doc;
