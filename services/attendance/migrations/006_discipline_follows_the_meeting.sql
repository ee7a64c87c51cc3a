-- 请假制度 五 read to the letter (R-ATT-6):
--  - the talk: the supervising deputy 视其态度 decides whether to keep the
--    person on the job under watch (留岗查看); it is recorded with the
--    person's attitude, no longer implied by the talk itself;
--  - suspension: 待岗时间视其情节和态度而定, so the meeting's decision carries
--    its length;
--  - transfer: 限期调离, so the decision carries the deadline.
-- The year of 累计 is the service's configured period (DISCIPLINE_YEAR_START);
-- `year` is the year in which the case's period began.

ALTER TABLE discipline_cases ADD COLUMN talk_attitude text
    CHECK (talk_attitude IS NULL OR length(btrim(talk_attitude)) > 0);
ALTER TABLE discipline_cases ADD COLUMN under_watch boolean;
ALTER TABLE discipline_cases ADD COLUMN suspension_months integer
    CHECK (suspension_months BETWEEN 1 AND 36);
ALTER TABLE discipline_cases ADD COLUMN transfer_by date;
ALTER TABLE discipline_cases ADD COLUMN period_start date;
ALTER TABLE discipline_cases ADD CONSTRAINT discipline_cases_talk_only_level_1
    CHECK (level = 1 OR (talk_attitude IS NULL AND under_watch IS NULL));
ALTER TABLE discipline_cases ADD CONSTRAINT discipline_cases_suspension_length
    CHECK (level = 2 OR suspension_months IS NULL);
ALTER TABLE discipline_cases ADD CONSTRAINT discipline_cases_transfer_deadline
    CHECK (level = 3 OR transfer_by IS NULL);
COMMENT ON COLUMN discipline_cases.talk_attitude IS 'Level 1: the person''s attitude in the talk, as the supervising deputy recorded it (R-ATT-6, 视其态度).';
COMMENT ON COLUMN discipline_cases.under_watch IS 'Level 1: whether the supervising deputy keeps the person on the job under watch (留岗查看), the deputy''s decision at the talk (R-ATT-6).';
COMMENT ON COLUMN discipline_cases.suspension_months IS 'Level 2: the length of the suspension (待岗) in months, part of the director''s meeting decision (R-ATT-6).';
COMMENT ON COLUMN discipline_cases.transfer_by IS 'Level 3: the deadline of the transfer (限期调离), part of the director''s meeting decision (R-ATT-6).';
COMMENT ON COLUMN discipline_cases.period_start IS 'The first day of the period over which absenteeism accumulated (a year from DISCIPLINE_YEAR_START); NULL on cases opened before it was recorded, whose period is the calendar year.';

ALTER TYPE case_json ADD ATTRIBUTE talk_attitude text;
ALTER TYPE case_json ADD ATTRIBUTE under_watch boolean;
ALTER TYPE case_json ADD ATTRIBUTE suspension_months integer;
ALTER TYPE case_json ADD ATTRIBUTE transfer_by date;
ALTER TYPE case_json ADD ATTRIBUTE period_start date;

-- probation (留岗查看) is the deputy's recorded decision, not the talk's
-- completion.
CREATE OR REPLACE FUNCTION case_doc(c discipline_cases) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT row_to_json(ROW(
        c.id, c.user_id, c.department_id, c.year, c.level,
        CASE c.level WHEN 1 THEN 'talk' WHEN 2 THEN 'suspension' ELSE 'transfer' END,
        c.state, c.half_days_at_open * 0.5, c.talk_by_id, c.talk_notes, c.talked_at,
        coalesce(c.under_watch, false), c.decider_role,
        c.meeting_decision_id, c.decided_by, c.decided_at, c.leader_id,
        c.leader_decision, c.leader_comment, c.leader_decided_at,
        c.allowance_yuan_per_month, c.below_threshold, c.notes,
        c.version, c.created_at, c.updated_at,
        c.talk_attitude, c.under_watch, c.suspension_months, c.transfer_by,
        coalesce(c.period_start, make_date(c.year, 1, 1)))::case_json)
$$;
