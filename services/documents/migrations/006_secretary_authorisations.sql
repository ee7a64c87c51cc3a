-- 政务秘书工作规范 二.3 "经政府领导授权,负责审核、修改...以区政府或政府办名义下发的
-- 文件": a secretary reviews and edits the drafts headed for their leader
-- only on that leader's authorisation (R-SEC-3, R-DOC-3), which is recorded:
-- granted by the leader, revocable by the leader, kept with who and when.
-- A secretary never signs whatever the authorisation says (协办而不代办).

CREATE TABLE secretary_authorisations (
    id            bigserial PRIMARY KEY,
    leader_id     bigint NOT NULL,
    secretary_id  bigint NOT NULL CHECK (secretary_id <> leader_id),
    scope         text NOT NULL DEFAULT 'draft_review' CHECK (scope IN ('draft_review')),
    note          text CHECK (length(note) <= 1000),
    state         text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
    granted_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    revoke_reason text CHECK (length(revoke_reason) <= 1000),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);
COMMENT ON TABLE secretary_authorisations IS 'A district leader''s authorisation of their secretary to review and edit the drafts headed for them (政务秘书工作规范 二.3; R-SEC-3, R-DOC-3). One active per leader and secretary.';
CREATE UNIQUE INDEX secretary_authorisations_active
    ON secretary_authorisations (leader_id, secretary_id) WHERE state = 'active';
CREATE INDEX secretary_authorisations_secretary ON secretary_authorisations (secretary_id, id DESC);
CREATE INDEX secretary_authorisations_leader ON secretary_authorisations (leader_id, id DESC);

CREATE FUNCTION secretary_authorisation_doc(a secretary_authorisations) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', a.id, 'leader_id', a.leader_id,
        'secretary_id', a.secretary_id, 'scope', a.scope, 'note', a.note, 'state', a.state,
        'granted_at', a.granted_at, 'revoked_at', a.revoked_at,
        'revoke_reason', a.revoke_reason, 'version', a.version,
        'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

-- Whether secretary p_sec may review drafts for leader p_leader now.
CREATE FUNCTION secretary_authorised(p_leader bigint, p_sec bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM secretary_authorisations a
                   WHERE a.leader_id = p_leader AND a.secretary_id = p_sec
                     AND a.state = 'active')
$$;
