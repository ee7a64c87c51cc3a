-- Identity: departments, users, tokens, notifications (R-ORG-1, R-ORG-6).

CREATE TABLE departments (
    id                    bigserial PRIMARY KEY,
    name                  text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind                  text NOT NULL CHECK (kind IN ('section', 'office_leadership',
                                                        'district_leadership', 'external')),
    is_secretariat        boolean NOT NULL DEFAULT false,
    has_printer           boolean NOT NULL DEFAULT false,
    is_print_center       boolean NOT NULL DEFAULT false,
    supervising_deputy_id bigint,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT is_secretariat OR kind = 'section')
);
COMMENT ON TABLE departments IS 'Sections of the office, the office and district leadership, external units (R-ORG-1).';
CREATE UNIQUE INDEX departments_one_secretariat ON departments (is_secretariat) WHERE is_secretariat;

CREATE TABLE users (
    id               bigserial PRIMARY KEY,
    username         text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9_.-]{1,63}$'),
    display_name     text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    position         text NOT NULL CHECK (position IN ('district_mayor', 'deputy_mayor',
                         'office_director', 'deputy_director', 'section_chief', 'staff', 'none')),
    department_id    bigint REFERENCES departments(id),
    is_secretary     boolean NOT NULL DEFAULT false,
    serves_leader_id bigint REFERENCES users(id),
    is_admin         boolean NOT NULL DEFAULT false,
    gov_affairs      boolean NOT NULL DEFAULT false,
    phone            text CHECK (phone IS NULL OR phone ~ '^[0-9+() -]{3,32}$'),
    active           boolean NOT NULL DEFAULT true,
    password_hash    text NOT NULL,
    failed_logins    integer NOT NULL DEFAULT 0,
    locked_until     timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT is_secretary OR position = 'staff'),
    CHECK (serves_leader_id IS NULL OR is_secretary),
    CHECK (NOT gov_affairs OR position = 'deputy_director')
);
COMMENT ON TABLE users IS 'People of the office and external units; positions per R-ORG-1. Passwords are argon2id hashes.';
CREATE INDEX users_department ON users (department_id, id);
CREATE INDEX users_position ON users (position, id);
CREATE UNIQUE INDEX users_one_gov_affairs ON users (gov_affairs) WHERE gov_affairs AND active;

ALTER TABLE departments ADD CONSTRAINT departments_deputy_fk
    FOREIGN KEY (supervising_deputy_id) REFERENCES users(id);

CREATE TABLE refresh_tokens (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    family_id   bigint NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE refresh_tokens IS 'Opaque refresh tokens, stored hashed, rotated on use; reuse of a used one revokes the family.';
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE SEQUENCE refresh_families;

CREATE TABLE notifications (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    kind        text NOT NULL,
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    entity_type text,
    entity_id   bigint,
    read_at     timestamptz,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE notifications IS 'The office to-do list: every step that waits for someone notifies them.';
CREATE INDEX notifications_inbox ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, id DESC) WHERE read_at IS NULL;

-- The notification write every service makes inside its own transaction.
CREATE FUNCTION notify(p_user bigint, p_kind text, p_title text, p_body text,
                       p_entity_type text, p_entity_id bigint) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = identity AS $$
    INSERT INTO notifications(user_id, kind, title, body, entity_type, entity_id)
    VALUES (p_user, p_kind, p_title, coalesce(p_body, ''), p_entity_type, p_entity_id)
    RETURNING id
$$;
REVOKE ALL ON FUNCTION notify(bigint, text, text, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notify(bigint, text, text, text, text, bigint)
    TO documents, attendance, printing, seals, meetings;

-- Published views: who is who, for every service (R-ORG-1).
CREATE VIEW org_departments AS
SELECT d.id, d.name, d.kind, d.is_secretariat, d.has_printer, d.is_print_center,
       d.supervising_deputy_id,
       (SELECT u.id FROM users u WHERE u.department_id = d.id AND u.position = 'section_chief'
          AND u.active ORDER BY u.id LIMIT 1) AS chief_id
FROM departments d;

CREATE VIEW org_people AS
SELECT u.id, u.username, u.display_name, u.position, u.department_id, d.kind AS department_kind,
       u.is_secretary, u.serves_leader_id, u.is_admin, u.gov_affairs, u.active, u.phone
FROM users u LEFT JOIN departments d ON d.id = u.department_id;

CREATE VIEW inactive_users AS SELECT id FROM users WHERE NOT active;

GRANT SELECT ON org_departments, org_people, inactive_users
    TO documents, attendance, printing, seals, meetings;
