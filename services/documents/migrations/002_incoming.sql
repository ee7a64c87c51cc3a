-- Incoming documents (收文, 公文处理制度 二; R-DOC-7 .. R-DOC-9).

SET LOCAL check_function_bodies = off;

CREATE TABLE incoming (
    id                bigserial PRIMARY KEY,
    source_kind       text NOT NULL CHECK (source_kind IN ('superior', 'peer', 'subordinate')),
    source_org        text NOT NULL CHECK (length(btrim(source_org)) BETWEEN 1 AND 200),
    original_number   text NOT NULL DEFAULT '' CHECK (length(original_number) <= 100),
    kind              text NOT NULL CHECK (kind IN ('document', 'request', 'report')),
    title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    received_at       timestamptz NOT NULL,
    urgency           text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent', 'extra_urgent')),
    secrecy           text NOT NULL DEFAULT 'none' CHECK (secrecy IN ('none', 'secret', 'confidential')),
    deadline          date,
    summary           text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    registry_year     integer NOT NULL,
    registry_seq      bigint NOT NULL,
    registry_number   text NOT NULL UNIQUE,
    state             text NOT NULL DEFAULT 'registered' CHECK (state IN ('registered', 'proposed',
                          'assigned', 'instructed', 'forwarded', 'completed', 'replied', 'archived')),
    creator_id        bigint NOT NULL,
    leader_ids        bigint[] NOT NULL DEFAULT '{}',
    instructed_ids    bigint[] NOT NULL DEFAULT '{}',
    department_ids    bigint[] NOT NULL DEFAULT '{}',
    completed_ids     bigint[] NOT NULL DEFAULT '{}',
    path_ids          bigint[] NOT NULL DEFAULT '{}',
    reply_document_id bigint REFERENCES documents(id),
    reminded_at       timestamptz,
    overdue           boolean NOT NULL DEFAULT false,
    overdue_at        timestamptz,
    archived_at       timestamptz,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (registry_year, registry_seq)
);
COMMENT ON TABLE incoming IS 'Incoming documents, requests and reports registered by the secretariat with a yearly registry number (R-DOC-7, R-DOC-8), their deadline, reminders (催办) and overdue flag (R-DOC-9). path_ids: everyone assigned or forwarded it, who may read it.';
CREATE INDEX incoming_state ON incoming (state, id);
CREATE INDEX incoming_path ON incoming USING gin (path_ids);
-- The background job's and the overdue list's look-ups: open items by deadline.
CREATE INDEX incoming_open_deadline ON incoming (deadline)
    WHERE deadline IS NOT NULL AND state NOT IN ('completed', 'replied', 'archived');
CREATE INDEX incoming_overdue ON incoming (id) WHERE overdue;

CREATE TABLE incoming_entries (
    incoming_id bigint NOT NULL REFERENCES incoming(id),
    no          integer NOT NULL,
    step        text NOT NULL CHECK (step IN ('register', 'propose', 'assign', 'instruct', 'forward',
                    'complete', 'reply', 'archive', 'remind', 'overdue')),
    actor_id    bigint,
    text        text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (incoming_id, no)
);
COMMENT ON TABLE incoming_entries IS 'The processing card (办文单) of an incoming item: every opinion, instruction and step in order. Never changed.';

CREATE FUNCTION incoming_add_entry(p_id bigint, p_step text, p_actor bigint, p_text text)
RETURNS integer LANGUAGE sql AS $$
    INSERT INTO incoming_entries(incoming_id, no, step, actor_id, text)
    SELECT p_id, coalesce(max(no), 0) + 1, p_step, p_actor, coalesce(p_text, '')
    FROM incoming_entries WHERE incoming_id = p_id
    RETURNING no
$$;

-- Who reads an incoming item: the secretariat, the office director, and
-- everyone it was assigned or forwarded to (and the members of the
-- departments it was forwarded to, unless it is secret).
CREATE FUNCTION incoming_visible(i incoming, p_user bigint, p_dept bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_user = ANY (i.path_ids)
        OR (i.secrecy = 'none' AND p_dept = ANY (i.department_ids))
        OR EXISTS (SELECT 1 FROM identity.org_people pp
                   LEFT JOIN identity.org_departments od ON od.id = pp.department_id
                   WHERE pp.id = p_user AND pp.active
                     AND (od.is_secretariat OR pp.position = 'office_director'))
$$;

CREATE FUNCTION incoming_doc(i incoming) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id, 'registry_number', i.registry_number, 'source_kind', i.source_kind,
        'source_org', i.source_org, 'original_number', i.original_number, 'kind', i.kind,
        'title', i.title, 'received_at', i.received_at, 'urgency', i.urgency,
        'secrecy', i.secrecy, 'deadline', i.deadline, 'summary', i.summary, 'state', i.state,
        'creator_id', i.creator_id, 'leader_ids', i.leader_ids,
        'instructed_leader_ids', i.instructed_ids, 'department_ids', i.department_ids,
        'completed_department_ids', i.completed_ids, 'reply_document_id', i.reply_document_id,
        'reminded_at', i.reminded_at, 'overdue', i.overdue, 'overdue_at', i.overdue_at,
        'archived_at', i.archived_at,
        'entries', (SELECT coalesce(json_agg(json_build_object('no', e.no, 'step', e.step,
                        'actor_id', e.actor_id, 'text', e.text, 'at', e.at) ORDER BY e.no), '[]')
                    FROM incoming_entries e WHERE e.incoming_id = i.id),
        'version', i.version, 'created_at', i.created_at, 'updated_at', i.updated_at)
$$;
