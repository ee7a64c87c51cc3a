-- notify runs with the identity role's rights (SECURITY DEFINER) for every
-- service: its search_path ends with pg_temp, so that no caller's temporary
-- object can be found before identity's own, and the table it writes is
-- named with its schema.
CREATE OR REPLACE FUNCTION notify(p_user bigint, p_kind text, p_title text, p_body text,
                                  p_entity_type text, p_entity_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = identity, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO identity.notifications(user_id, kind, title, body, entity_type, entity_id)
    VALUES (p_user, p_kind, p_title, coalesce(p_body, ''), p_entity_type, p_entity_id)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
