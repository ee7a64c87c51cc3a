-- Nobody decides their own case. The office director decides absences
-- from office activities (R-ATT-5) and records the director's meeting
-- decision on a discipline case at 2 or 3 days (R-ATT-6); on his own
-- request or case that goes one level up, to the district mayor, as his
-- leave does (R-ATT-2). The role that must decide is fixed when the
-- request or case is made, so that the to-approve lists, the visibility
-- and the notifications all read the same column.

ALTER TABLE activity_absence_requests
    ADD COLUMN decider_role text NOT NULL DEFAULT 'office_director'
        CHECK (decider_role IN ('office_director', 'district_mayor'));
ALTER TABLE activity_absence_requests ALTER COLUMN decider_role DROP DEFAULT;
COMMENT ON COLUMN activity_absence_requests.decider_role IS 'The position that decides the request: the office director, or for the office director''s own request the district mayor (R-ATT-5). Set at creation.';

ALTER TABLE discipline_cases
    ADD COLUMN decider_role text CHECK (decider_role IN ('office_director', 'district_mayor'));
UPDATE discipline_cases SET decider_role = 'office_director' WHERE level > 1;
ALTER TABLE discipline_cases
    ADD CONSTRAINT discipline_cases_decider CHECK ((level = 1) = (decider_role IS NULL));
COMMENT ON COLUMN discipline_cases.decider_role IS 'Levels 2 and 3: the position that records the director''s meeting decision: the office director, or for the office director''s own case the district mayor (R-ATT-6). Set when the case opens.';

-- A request or case of the office director still waiting for a decision
-- goes to the district mayor now. Decided ones keep the role they were
-- decided under. On a new database identity may not have migrated yet;
-- then there is nothing to move either.
DO $$
BEGIN
    IF to_regclass('identity.org_people') IS NOT NULL THEN
        UPDATE activity_absence_requests q
        SET decider_role = 'district_mayor', version = q.version + 1, updated_at = now()
        FROM identity.org_people p
        WHERE p.id = q.user_id AND p.position = 'office_director' AND q.state = 'pending';
        UPDATE discipline_cases c
        SET decider_role = 'district_mayor', version = c.version + 1, updated_at = now()
        FROM identity.org_people p
        WHERE p.id = c.user_id AND p.position = 'office_director' AND c.state = 'open'
          AND c.level > 1;
    END IF;
END
$$;

-- The two documents show the role, built as single expressions over named
-- row types (see migration 004 and identity's user_json): the same keys in
-- the same order as before, with decider_role added.

CREATE TYPE activity_absence_json AS (
    id           bigint,
    activity_id  bigint,
    user_id      bigint,
    reason       text,
    state        text,
    decider_role text,
    decided_by   bigint,
    decided_at   timestamptz,
    comment      text,
    version      integer,
    created_at   timestamptz,
    updated_at   timestamptz
);
COMMENT ON TYPE activity_absence_json IS 'The fields of the activity absence request document (activity_absence_doc), in order.';

CREATE OR REPLACE FUNCTION activity_absence_doc(q activity_absence_requests) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(q.id, q.activity_id, q.user_id, q.reason, q.state, q.decider_role,
                           q.decided_by, q.decided_at, q.comment, q.version, q.created_at,
                           q.updated_at)::activity_absence_json)
$$;

CREATE TYPE case_json AS (
    id                       bigint,
    user_id                  bigint,
    department_id            bigint,
    year                     integer,
    level                    smallint,
    measure                  text,
    state                    text,
    days_at_open             numeric,
    talk_by_id               bigint,
    talk_notes               text,
    talked_at                timestamptz,
    probation                boolean,
    decider_role             text,
    meeting_decision_id      bigint,
    decided_by               bigint,
    decided_at               timestamptz,
    leader_id                bigint,
    leader_decision          text,
    leader_comment           text,
    leader_decided_at        timestamptz,
    allowance_yuan_per_month integer,
    below_threshold          boolean,
    notes                    jsonb,
    version                  integer,
    created_at               timestamptz,
    updated_at               timestamptz
);
COMMENT ON TYPE case_json IS 'The fields of the discipline case document (case_doc), in order.';

CREATE OR REPLACE FUNCTION case_doc(c discipline_cases) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        c.id, c.user_id, c.department_id, c.year, c.level,
        CASE c.level WHEN 1 THEN 'talk' WHEN 2 THEN 'suspension' ELSE 'transfer' END,
        c.state, c.half_days_at_open * 0.5, c.talk_by_id, c.talk_notes, c.talked_at,
        c.level = 1 AND c.state = 'completed', c.decider_role,
        c.meeting_decision_id, c.decided_by, c.decided_at, c.leader_id,
        c.leader_decision, c.leader_comment, c.leader_decided_at,
        c.allowance_yuan_per_month, c.below_threshold, c.notes,
        c.version, c.created_at, c.updated_at)::case_json)
$$;
