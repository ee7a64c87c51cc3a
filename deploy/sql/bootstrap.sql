-- Run once per database by a superuser (the local runner and the container
-- init script do it). Creates one login role and one schema per service,
-- each role owning only its own schema, and the insert-only audit schema.
-- psql variable: role_password.
\set ON_ERROR_STOP 1

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', r, :'role_password')
FROM unnest(ARRAY['identity','documents','attendance','printing','seals','meetings']) AS r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
\gexec

SELECT format('ALTER ROLE %I PASSWORD %L', r, :'role_password')
FROM unnest(ARRAY['identity','documents','attendance','printing','seals','meetings']) AS r
\gexec

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', r, r)
FROM unnest(ARRAY['identity','documents','attendance','printing','seals','meetings']) AS r
\gexec

-- Every service may read the schemas' published views; the owner grants
-- SELECT on each view it publishes. USAGE alone exposes nothing.
SELECT format('GRANT USAGE ON SCHEMA %I TO %s', s,
              'identity, documents, attendance, printing, seals, meetings')
FROM unnest(ARRAY['identity','documents','attendance','printing','seals','meetings']) AS s
\gexec

-- Trigram indexes (the documents service's search by any substring of a
-- title or number, Chinese included); creating an extension needs a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

CREATE SCHEMA IF NOT EXISTS audit;
COMMENT ON SCHEMA audit IS 'Audit trail of every state change; insert-only for every service role.';

CREATE TABLE IF NOT EXISTS audit.events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    service     text NOT NULL,
    actor_id    bigint,
    entity_type text NOT NULL,
    entity_id   bigint NOT NULL,
    action      text NOT NULL,
    before      jsonb,
    after       jsonb,
    request_id  text
);
-- request_id is the gateway's own id of the request (never a client's);
-- the id a client sent is kept beside it.
ALTER TABLE audit.events ADD COLUMN IF NOT EXISTS client_request_id text
    CHECK (length(client_request_id) BETWEEN 1 AND 64);
COMMENT ON COLUMN audit.events.request_id IS 'The gateway''s id of the request (X-Request-Id), as in the logs.';
COMMENT ON COLUMN audit.events.client_request_id IS 'The X-Request-Id the client sent, if any (1-64 of [A-Za-z0-9._:-]); not trusted.';
COMMENT ON TABLE audit.events IS 'One row per state change (who, when, what, before, after). Rows are never updated or deleted.';
CREATE INDEX IF NOT EXISTS events_entity ON audit.events (entity_type, entity_id, id);

CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted' USING ERRCODE = '42501';
END $$;

DROP TRIGGER IF EXISTS events_immutable ON audit.events;
CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON audit.events
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
DROP TRIGGER IF EXISTS events_no_truncate ON audit.events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

GRANT USAGE ON SCHEMA audit TO identity, documents, attendance, printing, seals, meetings;
REVOKE ALL ON audit.events FROM PUBLIC;
GRANT INSERT ON audit.events TO identity, documents, attendance, printing, seals, meetings;
GRANT USAGE ON SEQUENCE audit.events_id_seq TO identity, documents, attendance, printing, seals, meetings;
GRANT SELECT ON audit.events TO identity;
