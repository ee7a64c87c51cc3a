-- eligible_approvers without a scan of every person. The CASE on the role
-- hid each branch's condition from the planner (the SQL body is planned
-- with the role unknown), so every call read all of identity.users; it
-- runs in every seal request document (seal_request_doc) and so on every
-- request, approval and stamp. Each role now has its own statement, which
-- reads only the people of its positions (users_position) or the seal's
-- configured approvers (users_pkey); PL/pgSQL keeps those plans for the
-- session, where a nested SQL function was planned again on every call.
-- The same people in the same order as before.

SET LOCAL check_function_bodies = off;

CREATE OR REPLACE FUNCTION eligible_approvers(p_role text, s seals) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    CASE p_role
    WHEN 'district_mayor' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.position = 'district_mayor'
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    WHEN 'district_leader' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.position IN ('district_mayor', 'deputy_mayor')
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    WHEN 'office_director' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.position = 'office_director'
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    WHEN 'configured' THEN
        RETURN (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}')
                FROM identity.org_people p
                WHERE p.id = ANY (s.approver_ids)
                  AND p.active AND NOT p.is_secretary AND p.id <> s.custodian_id);
    ELSE
        RETURN '{}'::bigint[];
    END CASE;
END $$;
