-- Who may sign a step, looked up through the indexes of identity's users
-- (the gov_affairs partial index, (position, id) and the primary key)
-- instead of a scan of every person: the CASE over the role in 001 hid the
-- predicates from the planner, so each call read all users (100 000 in the
-- benchmark) and a job's create, approve and every document paid for it.
-- PL/pgSQL, so each branch's statement keeps its plan for the session.

CREATE OR REPLACE FUNCTION eligible_approvers(p_role text, p_department bigint) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ids bigint[];
BEGIN
    IF p_role = 'gov_affairs_deputy' THEN
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
        FROM identity.org_people u
        WHERE u.gov_affairs AND u.active AND NOT u.is_secretary;
    ELSIF p_role = 'director' THEN
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
        FROM identity.org_people u
        WHERE u.position = 'office_director' AND u.active AND NOT u.is_secretary;
    ELSIF p_role = 'director_or_supervising_deputy' THEN
        SELECT coalesce(array_agg(x.id ORDER BY x.id), '{}') INTO ids
        FROM (SELECT u.id FROM identity.org_people u
              WHERE u.position = 'office_director' AND u.active AND NOT u.is_secretary
              UNION
              SELECT u.id FROM identity.org_people u
              WHERE u.id = (SELECT d.supervising_deputy_id FROM identity.org_departments d
                            WHERE d.id = p_department)
                AND u.active AND NOT u.is_secretary) x;
    ELSE
        ids := '{}';
    END IF;
    RETURN ids;
END $$;
