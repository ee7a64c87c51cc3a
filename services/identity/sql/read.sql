-- The identity service's read definitions: the documents of a user, a
-- department and a notification, and the directory views it publishes to
-- every service (org_departments, org_people, inactive_users). Applied whole,
-- in one transaction, after the migrations at every start that finds it or
-- its definitions changed, or applies a migration (common/migrate.c), so each
-- is CREATE OR REPLACE; a change of a result type or of a view's columns
-- needs a migration that drops the old one first (a view may only gain
-- columns at its end).
--
-- The user document is stored with its row (users.doc and doc_no_phone,
-- kept by the trigger users_zz_store_docs, migration 010): a change of
-- user_doc here must come with a migration that runs UPDATE users SET doc =
-- NULL, or every stored document keeps the old shape.
--
-- Left in the migrations: notify (the write every service makes), the
-- trigger functions, and the user_json type the user document is built on.
-- A function used in an index expression would stay there too (none is
-- today): replacing it here would leave the index built with the old one.

-- ---------------------------------------------------------------- documents

-- JSON shapes of identity resources, built in the database so that a read
-- is one round trip and one encode. The user document is built with
-- row_to_json over the named row type user_json (migration 004): the same
-- keys, values and order as json_build_object, for about two thirds of the
-- database time. A column added to the document is added to user_json as
-- well.
CREATE OR REPLACE FUNCTION user_doc(u users) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.username, u.display_name, u.position, u.department_id,
                           u.is_secretary, u.serves_leader_id, u.is_admin, u.gov_affairs,
                           u.phone, u.active, u.version, u.created_at, u.updated_at)::user_json)
$$;

-- Staff phone numbers are for the office and the district leadership, not
-- for the users of external units (townships, bureaus), who read the
-- directory to address requests and copy jobs: for them the document shows
-- phone as null, except on their own record (migration 007). This stays a
-- single expression that the planner inlines.
CREATE OR REPLACE FUNCTION user_doc(u users, show_phone boolean) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(u.id, u.username, u.display_name, u.position, u.department_id,
                           u.is_secretary, u.serves_leader_id, u.is_admin, u.gov_affairs,
                           CASE WHEN show_phone THEN u.phone END, u.active, u.version,
                           u.created_at, u.updated_at)::user_json)
$$;
COMMENT ON FUNCTION user_doc(users, boolean) IS 'The user document as a reader sees it: phone only when show_phone.';

CREATE OR REPLACE FUNCTION department_doc(d departments) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'name', d.name, 'kind', d.kind, 'is_secretariat', d.is_secretariat,
        'has_printer', d.has_printer, 'is_print_center', d.is_print_center,
        'supervising_deputy_id', d.supervising_deputy_id,
        'chief_id', (SELECT u.id FROM users u WHERE u.department_id = d.id
                       AND u.position = 'section_chief' AND u.active ORDER BY u.id LIMIT 1),
        'version', d.version, 'created_at', d.created_at, 'updated_at', d.updated_at)
$$;

CREATE OR REPLACE FUNCTION notification_doc(n notifications) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', n.id, 'user_id', n.user_id, 'kind', n.kind, 'title', n.title, 'body', n.body,
        'entity_type', n.entity_type, 'entity_id', n.entity_id,
        'read', n.read_at IS NOT NULL, 'read_at', n.read_at, 'version', n.version,
        'created_at', n.created_at, 'updated_at', n.updated_at)
$$;

-- ---------------------------------------------------------------- published

-- Who is who, for every service (R-ORG-1); org_departments names the
-- district leader in charge of a department (migration 008).
CREATE OR REPLACE VIEW org_departments AS
SELECT d.id, d.name, d.kind, d.is_secretariat, d.has_printer, d.is_print_center,
       d.supervising_deputy_id,
       (SELECT u.id FROM users u WHERE u.department_id = d.id AND u.position = 'section_chief'
          AND u.active ORDER BY u.id LIMIT 1) AS chief_id,
       d.in_charge_id
FROM departments d;

CREATE OR REPLACE VIEW org_people AS
SELECT u.id, u.username, u.display_name, u.position, u.department_id, d.kind AS department_kind,
       u.is_secretary, u.serves_leader_id, u.is_admin, u.gov_affairs, u.active, u.phone
FROM users u LEFT JOIN departments d ON d.id = u.department_id;

CREATE OR REPLACE VIEW inactive_users AS SELECT id FROM users WHERE NOT active;

GRANT SELECT ON org_departments, org_people, inactive_users
    TO documents, attendance, printing, seals, meetings;
