-- Internal reports and requests (请示报告, 工作规程; R-ORG-2 .. R-ORG-5).

CREATE TABLE reports (
    id                    bigserial PRIMARY KEY,
    sender_id             bigint NOT NULL,
    to_user_id            bigint NOT NULL,
    subject               text NOT NULL CHECK (length(btrim(subject)) BETWEEN 1 AND 200),
    body                  text NOT NULL CHECK (length(body) <= 20000),
    urgent                boolean NOT NULL DEFAULT false,
    urgent_reason         text CHECK (length(urgent_reason) <= 2000),
    authorized_by         bigint,
    deputy_opinion        text CHECK (length(deputy_opinion) <= 4000),
    deputy_id             bigint,
    assigned_by_leader_id bigint,
    route                 text NOT NULL CHECK (route IN ('direct', 'authorized', 'urgent',
                              'deputy_opinion', 'deputy_away', 'leader_assigned')),
    bypassed_ids          bigint[] NOT NULL DEFAULT '{}',
    feedback_owed         boolean NOT NULL DEFAULT false,
    state                 text NOT NULL CHECK (state IN ('open', 'answered', 'awaiting_outcome', 'closed')),
    decision              text,
    responded_at          timestamptz,
    feedback              text,
    feedback_at           timestamptz,
    outcome               text,
    outcome_at            timestamptz,
    path_ids              bigint[] NOT NULL DEFAULT '{}',
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT urgent OR length(btrim(coalesce(urgent_reason, ''))) > 0),
    CHECK (route <> 'deputy_opinion' OR deputy_opinion IS NOT NULL),
    CHECK ((route = 'leader_assigned') = (assigned_by_leader_id IS NOT NULL))
);
COMMENT ON TABLE reports IS 'Internal reports and requests to a superior (R-ORG-2): skip-level only authorised or urgent, the bypassed superiors notified and owed feedback; a chief to the director with the deputy''s opinion (R-ORG-3) or, the deputy away, urgent (R-ORG-4); work a district leader assigned directly, reported and its outcome reported after (R-ORG-5). path_ids: who reads it.';
CREATE INDEX reports_sender ON reports (sender_id, id);
CREATE INDEX reports_to ON reports (to_user_id, id);
CREATE INDEX reports_path ON reports USING gin (path_ids);

CREATE FUNCTION report_doc(r reports) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'sender_id', r.sender_id, 'to_user_id', r.to_user_id, 'subject', r.subject,
        'body', r.body, 'urgent', r.urgent, 'urgent_reason', r.urgent_reason,
        'authorized_by', r.authorized_by, 'deputy_opinion', r.deputy_opinion,
        'deputy_id', r.deputy_id, 'assigned_by_leader_id', r.assigned_by_leader_id,
        'route', r.route, 'bypassed_ids', r.bypassed_ids, 'feedback_owed', r.feedback_owed,
        'state', r.state, 'decision', r.decision, 'responded_at', r.responded_at,
        'feedback', r.feedback, 'feedback_at', r.feedback_at, 'outcome', r.outcome,
        'outcome_at', r.outcome_at, 'version', r.version, 'created_at', r.created_at,
        'updated_at', r.updated_at)
$$;
