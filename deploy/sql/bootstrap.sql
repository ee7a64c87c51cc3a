-- Run once per database by a superuser (the local runner and the container
-- init script do it). Creates one login role and one schema per service,
-- each role owning only its own schema, and the insert-only audit schema.
-- psql variables: pw_<service> for every service of deploy/services.conf
-- (pw_identity, pw_documents, ...: each role's password).
\set ON_ERROR_STOP 1

-- The services (deploy/services.conf): an array for the statements below
-- and a list of role names for GRANT.
-- BEGIN services: roles (deploy/services.py)
\set services '{identity,documents,attendance,printing,seals,meetings}'
\set service_roles 'identity, documents, attendance, printing, seals, meetings'
-- END services: roles

-- One password per role (psql variables pw_identity, pw_documents, ...):
-- a service that leaks its password exposes only its own schema.
SELECT format('CREATE ROLE %I LOGIN', r)
FROM unnest(:'services'::text[]) AS r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
\gexec

-- BEGIN services: passwords (deploy/services.py)
SELECT format('ALTER ROLE %I PASSWORD %L', r, pw)
FROM (VALUES ('identity', :'pw_identity'),
             ('documents', :'pw_documents'),
             ('attendance', :'pw_attendance'),
             ('printing', :'pw_printing'),
             ('seals', :'pw_seals'),
             ('meetings', :'pw_meetings')) AS v(r, pw)
\gexec
-- END services: passwords

-- No role makes temporary objects: a temporary function or table could
-- shadow a name another role's function looks up (search_path).
SELECT format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database())
\gexec

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', r, r)
FROM unnest(:'services'::text[]) AS r
\gexec

-- Every service may read the schemas' published views; the owner grants
-- SELECT on each view it publishes. USAGE alone exposes nothing.
SELECT format('GRANT USAGE ON SCHEMA %I TO %s', s, :'service_roles')
FROM unnest(:'services'::text[]) AS s
\gexec

-- Trigram indexes (the documents service's search by any substring of a
-- title or number, Chinese included); creating an extension needs a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- The seals service's planner costs: its data is read from memory (a few
-- hundred seals, their requests and the use log), where the default
-- random_page_cost (4, for spinning disks) made a primary-key look-up of a
-- small table dearer than reading all of it: every request's statement
-- read all the seals (and identity's departments) into a hash to join one
-- row. 1.1 is the usual value for data in memory or on SSD.
ALTER ROLE seals SET random_page_cost = 1.1;

-- Values over about 2 kB (a leave request's or a document's JSON kept with
-- its row, an audit event's before and after) are compressed with LZ4
-- instead of pglz: every write of such a row compresses them again, and an
-- audit event with two such documents took about a fifth less of the
-- database's CPU to insert with LZ4 (42 against 52 us); LZ4 also reads
-- back faster. Values stored before stay as they are; both are read alike.
SELECT format('ALTER DATABASE %I SET default_toast_compression = lz4', current_database())
\gexec

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

GRANT USAGE ON SCHEMA audit TO :service_roles;
REVOKE ALL ON audit.events FROM PUBLIC;
GRANT INSERT ON audit.events TO :service_roles;
GRANT USAGE ON SEQUENCE audit.events_id_seq TO :service_roles;
GRANT SELECT ON audit.events TO identity;

-- The chain that makes the trail tamper-evident: a superuser can rewrite
-- rows the services cannot. Every event gets a link in the chain of its
-- service, office day (Asia/Shanghai) and lane: content_hash is SHA-256 of
-- the event's canonical text (audit.event_content), hash is SHA-256 of the
-- previous link's hash followed by content_hash (32 zero bytes before the
-- first link of a lane's day). The link is made by a deferred trigger, so
-- it is part of the writer's own transaction but taken at its commit, and a
-- rolled-back event leaves no link. The head row of a chain stays locked
-- until the commit has reached the disk, so one chain takes one commit at a
-- time: with one chain per service, every write of a service waited for
-- the previous one's WAL flush (a third of the write flows' throughput in
-- the benchmarks). The lane is the writing backend (its process id), which
-- runs one transaction at a time, so a lane's links never wait for another
-- backend; a service's pool makes a handful of lanes a day. The verifier
-- (GET /audit-events/verify, `identity verify-audit`) recomputes every hash
-- itself, chain by chain, and names the first event that does not match.
CREATE OR REPLACE FUNCTION audit.event_content(e audit.events) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_array(e.id, (extract(epoch FROM e.at) * 1000000)::bigint, e.service,
                             e.actor_id, e.entity_type, e.entity_id, e.action, e.before,
                             e.after, e.request_id, e.client_request_id)::text
$$;

CREATE TABLE IF NOT EXISTS audit.chain_heads (
    service   text NOT NULL,
    day       date NOT NULL,
    lane      integer NOT NULL DEFAULT 0,
    seq       bigint NOT NULL,
    prev_hash bytea NOT NULL,
    hash      bytea NOT NULL,
    PRIMARY KEY (service, day, lane)
);
COMMENT ON TABLE audit.chain_heads IS 'The last link of each chain of audit events (service, office day, lane).';

CREATE TABLE IF NOT EXISTS audit.chain (
    event_id     bigint PRIMARY KEY,
    service      text NOT NULL,
    day          date NOT NULL,
    lane         integer NOT NULL DEFAULT 0,
    seq          bigint NOT NULL,
    content_hash bytea NOT NULL,
    prev_hash    bytea NOT NULL,
    hash         bytea NOT NULL,
    UNIQUE (service, day, lane, seq)
);
COMMENT ON TABLE audit.chain IS 'One link per audit event: SHA-256 of its content and of the previous link (per service, office day and lane).';

-- A chain made before lanes: one lane (0) per service and day.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'audit' AND table_name = 'chain_heads'
                     AND column_name = 'lane') THEN
        ALTER TABLE audit.chain_heads ADD COLUMN lane integer NOT NULL DEFAULT 0;
        ALTER TABLE audit.chain_heads DROP CONSTRAINT chain_heads_pkey;
        ALTER TABLE audit.chain_heads ADD PRIMARY KEY (service, day, lane);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'audit' AND table_name = 'chain'
                     AND column_name = 'lane') THEN
        ALTER TABLE audit.chain ADD COLUMN lane integer NOT NULL DEFAULT 0;
        ALTER TABLE audit.chain DROP CONSTRAINT chain_service_day_seq_key;
        ALTER TABLE audit.chain ADD CONSTRAINT chain_service_day_lane_seq_key
            UNIQUE (service, day, lane, seq);
    END IF;
END $$;
COMMENT ON COLUMN audit.chain.lane IS 'The writing backend''s process id: one chain per backend and day, so that commits do not queue on one head.';

-- The content is audit.event_content's text, spelled out here: a SQL
-- function called from PL/pgSQL with the row is not inlined, and was
-- planned again for every event (about half of the link's time). The
-- head's update and the link's insert are one statement.
CREATE OR REPLACE FUNCTION audit.chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
    d date := (NEW.at AT TIME ZONE 'Asia/Shanghai')::date;
    c bytea := sha256(convert_to(jsonb_build_array(
                   NEW.id, (extract(epoch FROM NEW.at) * 1000000)::bigint, NEW.service,
                   NEW.actor_id, NEW.entity_type, NEW.entity_id, NEW.action, NEW.before,
                   NEW.after, NEW.request_id, NEW.client_request_id)::text, 'UTF8'));
BEGIN
    WITH hd AS (
        INSERT INTO audit.chain_heads AS hd (service, day, lane, seq, prev_hash, hash)
        VALUES (NEW.service, d, pg_backend_pid(), 1,
                '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
                sha256('\x0000000000000000000000000000000000000000000000000000000000000000'::bytea || c))
        ON CONFLICT (service, day, lane) DO UPDATE
            SET seq = hd.seq + 1, prev_hash = hd.hash, hash = sha256(hd.hash || c)
        RETURNING hd.lane, hd.seq, hd.prev_hash, hd.hash)
    INSERT INTO audit.chain (event_id, service, day, lane, seq, content_hash, prev_hash, hash)
    SELECT NEW.id, NEW.service, d, hd.lane, hd.seq, c, hd.prev_hash, hd.hash FROM hd;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS events_chain ON audit.events;
CREATE CONSTRAINT TRIGGER events_chain AFTER INSERT ON audit.events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit.chain_link();

DROP TRIGGER IF EXISTS chain_immutable ON audit.chain;
CREATE TRIGGER chain_immutable BEFORE UPDATE OR DELETE ON audit.chain
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
DROP TRIGGER IF EXISTS chain_no_truncate ON audit.chain;
CREATE TRIGGER chain_no_truncate BEFORE TRUNCATE ON audit.chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

REVOKE ALL ON audit.chain, audit.chain_heads FROM PUBLIC;
GRANT SELECT ON audit.chain, audit.chain_heads TO identity;
