-- Staff phone numbers are for the office and the district leadership, not
-- for the users of external units (townships, bureaus), who read the
-- directory to address requests and copy jobs: for them the document shows
-- phone as null, except on their own record. Whether the reader belongs to
-- an external unit is a claim of their access token ("external"), passed by
-- the calling statement (PHONE_SHOWN in users.c); this stays a single
-- expression that the planner inlines (see 004).
CREATE FUNCTION user_doc(u users, show_phone boolean) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.username, u.display_name, u.position, u.department_id,
                           u.is_secretary, u.serves_leader_id, u.is_admin, u.gov_affairs,
                           CASE WHEN show_phone THEN u.phone END, u.active, u.version,
                           u.created_at, u.updated_at)::user_json)
$$;
COMMENT ON FUNCTION user_doc(users, boolean) IS 'The user document as a reader sees it: phone only when show_phone.';
