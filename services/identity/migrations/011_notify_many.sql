-- One notification for each person of a list, in one insert. A step that
-- tells a department, the secretariat or a meeting's participants called
-- notify once a person: each call a SECURITY DEFINER function (its
-- search_path set and reset), a PL/pgSQL call and an insert of its own,
-- about ten a document on its way to a number. The list is taken as it
-- is, in its order (the notifications' ids follow it): the caller leaves
-- out whom it does not mean to tell.
CREATE FUNCTION notify_many(p_users bigint[], p_kind text, p_title text, p_body text,
                            p_entity_type text, p_entity_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = identity, pg_temp AS $$
DECLARE
    v_n bigint;
BEGIN
    INSERT INTO identity.notifications(user_id, kind, title, body, entity_type, entity_id)
    SELECT u.id, p_kind, p_title, coalesce(p_body, ''), p_entity_type, p_entity_id
    FROM unnest(p_users) WITH ORDINALITY AS u(id, n)
    ORDER BY u.n;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END
$$;
REVOKE ALL ON FUNCTION notify_many(bigint[], text, text, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notify_many(bigint[], text, text, text, text, bigint)
    TO documents, attendance, printing, seals, meetings;
