-- The signers of a large job (the director or the department's supervising
-- deputy, R-PRN-3) in one scan of identity's users, the two indexes (the
-- position's and the primary key) joined in a bitmap, instead of a union of
-- two scans and its de-duplication: every document of a large job asks
-- for them. The same people, in the same order.

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
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
        FROM identity.org_people u
        WHERE (u.position = 'office_director'
               OR u.id = (SELECT d.supervising_deputy_id FROM identity.org_departments d
                          WHERE d.id = p_department))
          AND u.active AND NOT u.is_secretary;
    ELSE
        ids := '{}';
    END IF;
    RETURN ids;
END $$;
