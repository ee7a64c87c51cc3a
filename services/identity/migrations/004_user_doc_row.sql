-- The user document built with row_to_json over a named row type instead of
-- json_build_object: the same keys, values and order (without the blanks
-- json_build_object puts around ':' and ','), for about two thirds of the
-- database time. A directory page builds 21 of them; GET /users/{id} one.
-- A column added to the document is added to user_json as well.

CREATE TYPE user_json AS (
    id               bigint,
    username         text,
    display_name     text,
    position         text,
    department_id    bigint,
    is_secretary     boolean,
    serves_leader_id bigint,
    is_admin         boolean,
    gov_affairs      boolean,
    phone            text,
    active           boolean,
    version          integer,
    created_at       timestamptz,
    updated_at       timestamptz
);
COMMENT ON TYPE user_json IS 'The fields of the user document (user_doc), in order.';

CREATE OR REPLACE FUNCTION user_doc(u users) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.username, u.display_name, u.position, u.department_id,
                           u.is_secretary, u.serves_leader_id, u.is_admin, u.gov_affairs,
                           u.phone, u.active, u.version, u.created_at, u.updated_at)::user_json)
$$;
