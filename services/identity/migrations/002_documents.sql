-- JSON shapes of identity resources, built in the database so that a read
-- is one round trip and one encode.

CREATE FUNCTION user_doc(u users) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', u.id, 'username', u.username, 'display_name', u.display_name,
        'position', u.position, 'department_id', u.department_id,
        'is_secretary', u.is_secretary, 'serves_leader_id', u.serves_leader_id,
        'is_admin', u.is_admin, 'gov_affairs', u.gov_affairs, 'phone', u.phone,
        'active', u.active, 'version', u.version,
        'created_at', u.created_at, 'updated_at', u.updated_at)
$$;

CREATE FUNCTION department_doc(d departments) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'name', d.name, 'kind', d.kind, 'is_secretariat', d.is_secretariat,
        'has_printer', d.has_printer, 'is_print_center', d.is_print_center,
        'supervising_deputy_id', d.supervising_deputy_id,
        'chief_id', (SELECT u.id FROM users u WHERE u.department_id = d.id
                       AND u.position = 'section_chief' AND u.active ORDER BY u.id LIMIT 1),
        'version', d.version, 'created_at', d.created_at, 'updated_at', d.updated_at)
$$;

CREATE FUNCTION notification_doc(n notifications) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', n.id, 'user_id', n.user_id, 'kind', n.kind, 'title', n.title, 'body', n.body,
        'entity_type', n.entity_type, 'entity_id', n.entity_id,
        'read', n.read_at IS NOT NULL, 'read_at', n.read_at, 'version', n.version,
        'created_at', n.created_at, 'updated_at', n.updated_at)
$$;
