-- Meetings: the director's office meetings (主任会议制度; R-MTG-1 .. R-MTG-9),
-- the district leaders' thematic meetings (R-MTG-10) and the tasks leaders
-- give their secretaries and office staff (政务秘书工作规范; R-SEC-1 .. R-SEC-3,
-- R-ORG-5). People are identity users, read through identity.org_people;
-- their ids are not foreign keys because the identity schema is not ours.

SET LOCAL check_function_bodies = off;

CREATE TABLE meetings (
    id                bigserial PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('regular', 'urgent', 'thematic')),
    title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    scheduled_at      timestamptz NOT NULL,
    location          text NOT NULL CHECK (length(btrim(location)) BETWEEN 1 AND 200),
    state             text NOT NULL DEFAULT 'planned'
                      CHECK (state IN ('planned', 'agenda_published', 'in_progress', 'closed', 'cancelled')),
    chair_id          bigint NOT NULL,
    recorder_id       bigint NOT NULL,
    created_by        bigint NOT NULL,
    reschedule_needed boolean NOT NULL DEFAULT false,
    agenda_published_at timestamptz,
    started_at        timestamptz,
    minutes           text,
    minutes_approved_by bigint,
    minutes_approved_at timestamptz,
    closed_at         timestamptz,
    cancelled_at      timestamptz,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'closed' OR (closed_at IS NOT NULL AND length(btrim(minutes)) > 0)),
    CHECK (kind <> 'thematic' OR state <> 'closed' OR minutes_approved_at IS NOT NULL)
);
COMMENT ON TABLE meetings IS 'Director''s office meetings, chaired by the director with the secretariat chief recording (R-MTG-1, R-MTG-2), and district leaders'' thematic meetings prepared by their secretary (R-MTG-10).';
CREATE INDEX meetings_kind_time ON meetings (kind, scheduled_at);
CREATE INDEX meetings_open ON meetings (scheduled_at) WHERE state IN ('planned', 'agenda_published');

CREATE TABLE meeting_participants (
    meeting_id bigint NOT NULL REFERENCES meetings(id),
    user_id    bigint NOT NULL,
    role       text NOT NULL CHECK (role IN ('chair', 'member', 'recorder', 'attendee')),
    present    boolean,
    marked_at  timestamptz,
    PRIMARY KEY (meeting_id, user_id)
);
COMMENT ON TABLE meeting_participants IS 'Who takes part: the chair, members and the recorder must attend (应到会人员); attendees (列席) have voice but do not count for the quorum (R-MTG-1, R-MTG-4).';
CREATE INDEX meeting_participants_user ON meeting_participants (user_id, meeting_id);

CREATE TABLE meeting_absence_requests (
    id          bigserial PRIMARY KEY,
    meeting_id  bigint NOT NULL REFERENCES meetings(id),
    user_id     bigint NOT NULL,
    reason      text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
    state       text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'approved', 'rejected', 'lapsed')),
    decided_by  bigint,
    decided_at  timestamptz,
    comment     text,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (state IN ('pending', 'lapsed') OR decided_by IS NOT NULL)
);
COMMENT ON TABLE meeting_absence_requests IS 'Leave from a meeting asked of the director before it starts (R-MTG-6); an approved deputy''s absence makes the meeting be rescheduled (R-MTG-4); a reschedule lapses the requests.';
CREATE UNIQUE INDEX meeting_absence_one_open ON meeting_absence_requests (meeting_id, user_id)
    WHERE state IN ('pending', 'approved');
CREATE INDEX meeting_absence_user ON meeting_absence_requests (user_id, id);

CREATE TABLE topics (
    id             bigserial PRIMARY KEY,
    meeting_id     bigint NOT NULL REFERENCES meetings(id),
    title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    category       text NOT NULL CHECK (category IN ('general', 'personnel', 'finance', 'other')),
    department_id  bigint NOT NULL,
    presenter_id   bigint NOT NULL,
    summary        text NOT NULL,
    explanation    text NOT NULL CHECK (length(btrim(explanation)) > 0),
    recommendation text NOT NULL CHECK (length(btrim(recommendation)) > 0),
    materials      text NOT NULL DEFAULT '',
    confidential   boolean NOT NULL DEFAULT false,
    state          text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'approved', 'rejected')),
    submitted_by   bigint,
    approver_id    bigint NOT NULL,
    decided_by     bigint,
    decided_at     timestamptz,
    comment        text,
    source_decision_id bigint,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE topics IS 'Topics gathered by the secretariat, each with its presenter''s explanation and recommendation, on the agenda once the section''s supervising deputy approves (R-MTG-3); source_decision_id marks an overdue decision proposed again (R-MTG-9).';
CREATE INDEX topics_meeting ON topics (meeting_id, id);
CREATE INDEX topics_approver ON topics (approver_id, id) WHERE state = 'proposed';

CREATE TABLE decisions (
    id               bigserial PRIMARY KEY,
    meeting_id       bigint NOT NULL REFERENCES meetings(id),
    topic_id         bigint NOT NULL REFERENCES topics(id),
    category         text NOT NULL,
    confidential     boolean NOT NULL,
    text             text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 5000),
    responsible_id   bigint NOT NULL,
    department_id    bigint,
    deadline         date NOT NULL,
    requirements     text NOT NULL CHECK (length(btrim(requirements)) BETWEEN 1 AND 5000),
    supersedes_id    bigint REFERENCES decisions(id),
    subject_id       bigint,
    personnel_action text CHECK (personnel_action IN ('transfer', 'adjustment', 'reward', 'appointment', 'suspension', 'other')),
    period_until     date,
    state            text NOT NULL DEFAULT 'draft'
                     CHECK (state IN ('draft', 'published', 'in_progress', 'completed', 'superseded')),
    published_at     timestamptz,
    progress_count   integer NOT NULL DEFAULT 0,
    last_progress_at timestamptz,
    last_progress_note text,
    completed_at     timestamptz,
    outcome          text,
    overdue_at       timestamptz,
    due_reminded_at  timestamptz,
    proposed_topic_id bigint,
    version          integer NOT NULL DEFAULT 1,
    created_by       bigint NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (category <> 'personnel' OR (subject_id IS NOT NULL AND personnel_action IS NOT NULL)),
    CHECK ((state = 'draft') = (published_at IS NULL))
);
COMMENT ON TABLE decisions IS 'Meeting decisions with a responsible person, deadline and requirements (R-MTG-9); personnel matters are decided only here (R-MTG-5); immutable once published, changed by a new decision that supersedes (R-MTG-7).';
CREATE INDEX decisions_meeting ON decisions (meeting_id, id);
CREATE INDEX decisions_responsible ON decisions (responsible_id, id);
CREATE INDEX decisions_open_deadline ON decisions (deadline, id) WHERE state IN ('published', 'in_progress');
CREATE INDEX decisions_supersedes ON decisions (supersedes_id) WHERE supersedes_id IS NOT NULL;

-- R-MTG-7: what a published decision says never changes; only its
-- follow-up (progress, completion, overdue flags, supersession) moves.
CREATE FUNCTION refuse_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND (NEW.text, NEW.responsible_id, NEW.deadline, NEW.requirements,
        NEW.topic_id, NEW.meeting_id, NEW.category, NEW.subject_id, NEW.personnel_action,
        NEW.period_until, NEW.supersedes_id, NEW.published_at)
        IS DISTINCT FROM (OLD.text, OLD.responsible_id, OLD.deadline, OLD.requirements,
        OLD.topic_id, OLD.meeting_id, OLD.category, OLD.subject_id, OLD.personnel_action,
        OLD.period_until, OLD.supersedes_id, OLD.published_at) THEN
        RAISE EXCEPTION 'a published decision is immutable (R-MTG-7)' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER decisions_immutable BEFORE UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_decision_change();
CREATE FUNCTION refuse_decision_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' THEN
        RAISE EXCEPTION 'a published decision is immutable (R-MTG-7)' USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_decision_delete();

CREATE TABLE decision_progress (
    id          bigserial PRIMARY KEY,
    decision_id bigint NOT NULL REFERENCES decisions(id),
    author_id   bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('progress', 'completion')),
    note        text NOT NULL CHECK (length(btrim(note)) BETWEEN 1 AND 2000),
    at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE decision_progress IS 'Progress the responsible person reports to the meeting''s convener (R-MTG-9).';
CREATE INDEX decision_progress_decision ON decision_progress (decision_id, id);

CREATE TABLE regular_meeting_reminders (
    month       text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    reminded_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE regular_meeting_reminders IS 'The months whose 20th day passed without a regular meeting and the secretariat was reminded (R-MTG-1); the key makes it once however many copies run.';

CREATE TABLE tasks (
    id               bigserial PRIMARY KEY,
    assigner_id      bigint NOT NULL,
    assignee_id      bigint NOT NULL,
    title            text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    details          text NOT NULL,
    deadline         date NOT NULL,
    routine          boolean NOT NULL,
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'conflict', 'completed')),
    reported_to_id   bigint,
    escalated_to_id  bigint,
    progress         jsonb NOT NULL DEFAULT '[]',
    outcome          text,
    completed_at     timestamptz,
    conflict_with_id bigint REFERENCES tasks(id),
    conflict_note    text,
    consult_ids      bigint[] NOT NULL DEFAULT '{}',
    agreed_ids       bigint[] NOT NULL DEFAULT '{}',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'completed') = (completed_at IS NOT NULL)),
    CHECK (state <> 'conflict' OR conflict_with_id IS NOT NULL)
);
COMMENT ON TABLE tasks IS 'Work a leader assigns directly: reported to the assignee''s superior, or for a secretary''s routine task to the deputy in charge of government affairs (R-ORG-5, R-SEC-1); deadline conflicts flagged, the leaders consulted, then rescheduled or reassigned (R-SEC-2).';
CREATE INDEX tasks_assignee ON tasks (assignee_id, id);
CREATE INDEX tasks_assigner ON tasks (assigner_id, id);

-- ---------------------------------------------------------------- shapes

CREATE FUNCTION person_name(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT p.display_name FROM identity.org_people p WHERE p.id = p_id
$$;

CREATE FUNCTION is_participant(p_meeting bigint, p_user bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM meeting_participants x
                   WHERE x.meeting_id = p_meeting AND x.user_id = p_user)
$$;

CREATE FUNCTION meeting_doc(m meetings, viewer bigint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id, 'kind', m.kind, 'title', m.title, 'scheduled_at', m.scheduled_at,
        'location', m.location, 'state', m.state,
        'chair_id', m.chair_id, 'chair_name', person_name(m.chair_id),
        'recorder_id', m.recorder_id, 'recorder_name', person_name(m.recorder_id),
        'created_by', m.created_by, 'reschedule_needed', m.reschedule_needed,
        'participants', (SELECT coalesce(json_agg(json_build_object(
                'user_id', x.user_id, 'name', person_name(x.user_id), 'role', x.role,
                'present', x.present,
                'absence', (SELECT a.state FROM meeting_absence_requests a
                            WHERE a.meeting_id = m.id AND a.user_id = x.user_id
                              AND a.state IN ('pending', 'approved')))
                ORDER BY x.role, x.user_id), '[]') FROM meeting_participants x WHERE x.meeting_id = m.id),
        'agenda_published_at', m.agenda_published_at, 'started_at', m.started_at,
        'minutes', CASE WHEN is_participant(m.id, viewer) THEN m.minutes END,
        'minutes_approved_by', m.minutes_approved_by, 'minutes_approved_at', m.minutes_approved_at,
        'closed_at', m.closed_at, 'cancelled_at', m.cancelled_at,
        'version', m.version, 'created_at', m.created_at, 'updated_at', m.updated_at)
$$;

-- Who sees a meeting: its participants, whoever created it, and the
-- privileged (office leaders, the secretariat, administrators).
CREATE FUNCTION meeting_visible(m meetings, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged OR viewer = m.created_by OR is_participant(m.id, viewer)
$$;

CREATE FUNCTION topic_doc(t topics) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'meeting_id', t.meeting_id, 'title', t.title, 'category', t.category,
        'department_id', t.department_id, 'presenter_id', t.presenter_id,
        'presenter_name', person_name(t.presenter_id),
        'summary', t.summary, 'explanation', t.explanation, 'recommendation', t.recommendation,
        'materials', t.materials, 'confidential', t.confidential, 'state', t.state,
        'submitted_by', t.submitted_by, 'approver_id', t.approver_id,
        'decided_by', t.decided_by, 'decided_at', t.decided_at, 'comment', t.comment,
        'source_decision_id', t.source_decision_id,
        'version', t.version, 'created_at', t.created_at, 'updated_at', t.updated_at)
$$;

-- R-MTG-3, R-MTG-8: the submitter and the approving deputy see a topic; the
-- privileged (office leaders, the secretariat, administrators) see the ones
-- that are not confidential; the participants see
-- the approved ones once the agenda is published (the chair and recorder
-- at once). A confidential topic is seen by nobody else.
CREATE FUNCTION topic_visible(t topics, m meetings, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT viewer IS NOT DISTINCT FROM t.submitted_by OR viewer = t.approver_id
        OR (NOT t.confidential AND privileged)
        OR viewer = m.chair_id OR viewer = m.recorder_id
        OR (t.state = 'approved' AND m.state <> 'planned' AND is_participant(m.id, viewer))
$$;

CREATE FUNCTION decision_doc(d decisions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'meeting_id', d.meeting_id, 'topic_id', d.topic_id,
        'category', d.category, 'confidential', d.confidential, 'text', d.text,
        'responsible_id', d.responsible_id, 'responsible_name', person_name(d.responsible_id),
        'department_id', d.department_id,
        'deadline', d.deadline, 'requirements', d.requirements, 'supersedes_id', d.supersedes_id,
        'superseded_by', (SELECT n.id FROM decisions n WHERE n.supersedes_id = d.id
                          AND n.state <> 'draft' ORDER BY n.id LIMIT 1),
        'subject_id', d.subject_id, 'personnel_action', d.personnel_action,
        'period_until', d.period_until, 'state', d.state, 'published_at', d.published_at,
        'overdue', d.state IN ('published', 'in_progress')
                   AND d.deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date,
        'overdue_at', d.overdue_at,
        'progress_count', d.progress_count, 'last_progress_at', d.last_progress_at,
        'last_progress_note', d.last_progress_note,
        'completed_at', d.completed_at, 'outcome', d.outcome,
        'proposed_topic_id', d.proposed_topic_id,
        'version', d.version, 'created_at', d.created_at, 'updated_at', d.updated_at)
$$;

-- R-MTG-8: a confidential decision, and any draft, is seen only by the
-- meeting's participants; a published ordinary one also by its responsible
-- person and the privileged.
CREATE FUNCTION decision_visible(d decisions, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT is_participant(d.meeting_id, viewer)
        OR (d.state <> 'draft' AND NOT d.confidential
            AND (privileged OR viewer = d.responsible_id))
$$;

-- R-MTG-9: the supervision light of a decision. Red: past its deadline and
-- not completed; yellow: due within three days or no progress reported in
-- the last fourteen; green: on track; done: completed.
CREATE FUNCTION decision_light(d decisions) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN d.state = 'completed' THEN 'done'
        WHEN d.deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'red'
        WHEN d.deadline <= (now() AT TIME ZONE 'Asia/Shanghai')::date + 3
          OR coalesce(d.last_progress_at, d.published_at) < now() - interval '14 days' THEN 'yellow'
        ELSE 'green' END
$$;

CREATE FUNCTION absence_doc(a meeting_absence_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'meeting_id', a.meeting_id, 'user_id', a.user_id,
        'user_name', person_name(a.user_id), 'reason', a.reason, 'state', a.state,
        'decided_by', a.decided_by, 'decided_at', a.decided_at, 'comment', a.comment,
        'version', a.version, 'created_at', a.created_at, 'updated_at', a.updated_at)
$$;

CREATE FUNCTION task_doc(t tasks) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'assigner_id', t.assigner_id, 'assigner_name', person_name(t.assigner_id),
        'assignee_id', t.assignee_id, 'assignee_name', person_name(t.assignee_id),
        'title', t.title, 'details', t.details, 'deadline', t.deadline, 'routine', t.routine,
        'state', t.state, 'reported_to_id', t.reported_to_id,
        'escalated_to_id', t.escalated_to_id, 'progress', t.progress, 'outcome', t.outcome,
        'completed_at', t.completed_at, 'conflict_with_id', t.conflict_with_id,
        'conflict_note', t.conflict_note, 'consult_ids', t.consult_ids,
        'agreed_ids', t.agreed_ids,
        'version', t.version, 'created_at', t.created_at, 'updated_at', t.updated_at)
$$;

CREATE FUNCTION task_visible(t tasks, viewer bigint, privileged boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT privileged OR viewer IN (t.assigner_id, t.assignee_id)
        OR viewer IS NOT DISTINCT FROM t.reported_to_id
        OR viewer IS NOT DISTINCT FROM t.escalated_to_id
        OR viewer = ANY (t.consult_ids)
$$;

-- R-MTG-9: overdue decisions are proposed as topics of the next regular
-- meeting still being prepared. Each is claimed with SKIP LOCKED, so copies
-- running together propose it once. Returns how many were proposed.
CREATE FUNCTION propose_overdue_topics() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    next_meeting meetings;
    d decisions;
    dept bigint;
    approver bigint;
    new_topic bigint;
    n integer := 0;
BEGIN
    SELECT * INTO next_meeting FROM meetings
    WHERE kind = 'regular' AND state = 'planned' AND scheduled_at > now()
    ORDER BY scheduled_at, id LIMIT 1;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    FOR d IN SELECT * FROM decisions
             WHERE state IN ('published', 'in_progress') AND proposed_topic_id IS NULL
               AND deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date
               AND meeting_id IN (SELECT id FROM meetings WHERE kind <> 'thematic')
             ORDER BY deadline, id LIMIT 50 FOR UPDATE SKIP LOCKED LOOP
        SELECT p.department_id INTO dept FROM identity.org_people p WHERE p.id = d.responsible_id;
        SELECT coalesce(
            (SELECT od.supervising_deputy_id FROM identity.org_departments od WHERE od.id = dept),
            next_meeting.chair_id) INTO approver;
        INSERT INTO topics(meeting_id, title, category, department_id, presenter_id, summary,
                           explanation, recommendation, confidential, approver_id,
                           source_decision_id)
        VALUES (next_meeting.id,
                left('督办: ' || d.text, 200), d.category, coalesce(dept, 0), d.responsible_id,
                'Decision ' || d.id || ' is past its deadline ' || d.deadline,
                'Overdue decision of meeting ' || d.meeting_id || ': ' || d.requirements,
                'Review the decision''s implementation and set a new course',
                d.confidential, approver, d.id)
        RETURNING id INTO new_topic;
        UPDATE decisions SET proposed_topic_id = new_topic, updated_at = now() WHERE id = d.id;
        PERFORM identity.notify(approver, 'topic_to_approve',
                                'Approve an overdue decision as a topic', d.text, 'topic', new_topic);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- ---------------------------------------------------------------- views for attendance

-- R-MTG-9, R-ATT-6: the published decisions of director's meetings that a
-- discipline case may cite (personnel ones carry the subject, the action
-- and the period: a suspension's end or a transfer's deadline).
CREATE VIEW published_decisions AS
SELECT d.id, d.meeting_id, m.kind AS meeting_kind, d.category, d.subject_id,
       d.personnel_action, d.period_until, d.deadline, d.state, d.published_at,
       d.supersedes_id, d.text
FROM decisions d JOIN meetings m ON m.id = d.meeting_id
WHERE d.state <> 'draft' AND m.kind IN ('regular', 'urgent');
COMMENT ON VIEW published_decisions IS 'Published decisions of director''s meetings, for attendance''s discipline cases (R-ATT-6).';
GRANT SELECT ON published_decisions TO attendance;

-- R-MTG-6, R-ATT-5: who had to attend each closed meeting and whether they
-- came or had the director's leave.
CREATE VIEW meeting_attendance AS
SELECT m.id AS meeting_id, m.kind AS meeting_kind, m.title,
       (m.scheduled_at AT TIME ZONE 'Asia/Shanghai')::date AS meeting_date,
       m.scheduled_at, m.closed_at, x.user_id, x.role, coalesce(x.present, false) AS present,
       EXISTS (SELECT 1 FROM meeting_absence_requests a WHERE a.meeting_id = m.id
               AND a.user_id = x.user_id AND a.state = 'approved') AS absence_approved,
       (x.role <> 'attendee' AND NOT coalesce(x.present, false)
        AND NOT EXISTS (SELECT 1 FROM meeting_absence_requests a WHERE a.meeting_id = m.id
                        AND a.user_id = x.user_id AND a.state = 'approved')) AS absent_without_leave
FROM meetings m JOIN meeting_participants x ON x.meeting_id = m.id
WHERE m.state = 'closed';
COMMENT ON VIEW meeting_attendance IS 'Attendance of closed meetings, for attendance''s absenteeism (R-ATT-5): a member absent without approved leave.';
GRANT SELECT ON meeting_attendance TO attendance;
