-- Attendance: the working calendar, outings (R-ATT-1), leave (R-ATT-2,
-- R-ATT-4), office activities (R-ATT-5), absenteeism (R-ATT-3) and
-- discipline cases (R-ATT-6).
--
-- Time of day: a working day has two halves, am (00:00-12:00 office time)
-- and pm (12:00-24:00). Durations are counted in working half-days on the
-- calendar below.

CREATE TABLE calendar_years (
    year       integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 2999),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE calendar_years IS 'Years whose calendar an administrator has set; the version guards PUT /calendar/{year}.';

CREATE TABLE calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    CHECK (kind = 'holiday' OR extract(isodow FROM day) >= 6)
);
COMMENT ON TABLE calendar_days IS 'Exceptions to "Monday to Friday are working days": public holidays, and adjusted working days (调休) that fall on a weekend.';

CREATE TABLE outings (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL,
    department_id bigint,
    matter        text NOT NULL CHECK (length(btrim(matter)) > 0),
    destination   text NOT NULL CHECK (length(btrim(destination)) > 0),
    contact       text NOT NULL CHECK (length(btrim(contact)) > 0),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'out' CHECK (state IN ('out', 'returned')),
    returned_at   timestamptz,
    return_comment text,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK ((state = 'returned') = (returned_at IS NOT NULL))
);
COMMENT ON TABLE outings IS 'Temporary outings: matter, destination, time and contact, visible to the section (R-ATT-1).';
CREATE INDEX outings_user ON outings (user_id, id DESC);
CREATE INDEX outings_department ON outings (department_id, id DESC);
CREATE INDEX outings_out ON outings (ends_at) WHERE state = 'out';

CREATE TABLE leave_requests (
    id                  bigserial PRIMARY KEY,
    applicant_id        bigint NOT NULL,
    department_id       bigint,
    kind                text NOT NULL CHECK (kind IN ('public', 'private')),
    reason              text NOT NULL CHECK (length(btrim(reason)) > 0),
    start_date          date NOT NULL,
    start_half          text NOT NULL CHECK (start_half IN ('am', 'pm')),
    end_date            date NOT NULL,
    end_half            text NOT NULL CHECK (end_half IN ('am', 'pm')),
    half_days           integer NOT NULL CHECK (half_days > 0),
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz NOT NULL,
    state               text NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'closed')),
    steps_total         smallint NOT NULL CHECK (steps_total BETWEEN 1 AND 2),
    current_step        smallint,
    current_approver_id bigint,
    final_approver_id   bigint NOT NULL,
    ext_end_date        date,
    ext_end_half        text CHECK (ext_end_half IN ('am', 'pm')),
    ext_reason          text,
    ext_by              bigint,
    ext_at              timestamptz,
    explanation         text,
    explained_at        timestamptz,
    returned_at         timestamptz,
    closed_at           timestamptz,
    explanation_due     timestamptz,
    late_half_days      integer,
    ext_half_days       integer,
    ext_first_date      date,
    ext_outcome         text CHECK (ext_outcome IN ('explained', 'absenteeism')),
    late_absence_id     bigint,
    ext_absence_id      bigint,
    close_reminded_at   timestamptz,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date > start_date OR (end_date = start_date AND (start_half = 'am' OR end_half = 'pm'))),
    CHECK (ends_at > starts_at),
    CHECK ((state = 'pending') = (current_approver_id IS NOT NULL)),
    CHECK ((state = 'pending') = (current_step IS NOT NULL)),
    CHECK ((ext_end_date IS NULL) = (ext_end_half IS NULL)),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
COMMENT ON TABLE leave_requests IS 'Leave (请假): the approval chain by length and position (R-ATT-2), closing (销假), extensions (补假) and the written explanation (R-ATT-4). ends_at follows an extension.';
COMMENT ON COLUMN leave_requests.current_approver_id IS 'Who must act on the pending step; the to-approve list reads it through leave_to_approve.';
COMMENT ON COLUMN leave_requests.ext_half_days IS 'Working half-days after the approved end that the extension covered when the leave was closed; they become absenteeism unless explained by explanation_due (R-ATT-4).';
CREATE INDEX leave_to_approve ON leave_requests (current_approver_id, id DESC) WHERE state = 'pending';
CREATE INDEX leave_applicant ON leave_requests (applicant_id, id DESC);
CREATE INDEX leave_away ON leave_requests (ends_at) WHERE state = 'approved';
CREATE INDEX leave_unexplained ON leave_requests (explanation_due)
    WHERE state = 'closed' AND ext_half_days > 0 AND ext_outcome IS NULL;
CREATE INDEX leave_unclosed ON leave_requests (ends_at)
    WHERE state = 'approved' AND close_reminded_at IS NULL;

CREATE TABLE leave_steps (
    request_id  bigint NOT NULL REFERENCES leave_requests(id),
    step        smallint NOT NULL CHECK (step BETWEEN 1 AND 2),
    approver_id bigint NOT NULL,
    role        text NOT NULL CHECK (role IN ('section_chief', 'supervising_deputy',
                                              'office_director', 'district_mayor')),
    decision    text CHECK (decision IN ('approved', 'rejected')),
    decided_at  timestamptz,
    comment     text,
    PRIMARY KEY (request_id, step),
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
COMMENT ON TABLE leave_steps IS 'The approval chain computed when the leave was requested, one row per step in order (R-ATT-2).';
CREATE INDEX leave_steps_approver ON leave_steps (approver_id, request_id DESC);

CREATE TABLE activities (
    id         bigserial PRIMARY KEY,
    title      text NOT NULL CHECK (length(btrim(title)) > 0),
    kind       text NOT NULL CHECK (kind IN ('labour', 'meeting', 'collective')),
    location   text,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    created_by bigint NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
COMMENT ON TABLE activities IS 'Mandatory office activities: labour, meetings, collective events (R-ATT-5).';

CREATE TABLE activity_participants (
    activity_id bigint NOT NULL REFERENCES activities(id),
    user_id     bigint NOT NULL,
    attendance  text CHECK (attendance IN ('present', 'absent', 'excused')),
    recorded_by bigint,
    recorded_at timestamptz,
    absence_id  bigint,
    PRIMARY KEY (activity_id, user_id)
);
COMMENT ON TABLE activity_participants IS 'Who must take part, and what was recorded: present, excused (absent with the director''s approval) or absent (absenteeism, R-ATT-5).';
CREATE INDEX activity_participants_user ON activity_participants (user_id, activity_id DESC);

CREATE TABLE activity_absence_requests (
    id          bigserial PRIMARY KEY,
    activity_id bigint NOT NULL,
    user_id     bigint NOT NULL,
    reason      text NOT NULL CHECK (length(btrim(reason)) > 0),
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by  bigint,
    decided_at  timestamptz,
    comment     text,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (activity_id, user_id) REFERENCES activity_participants(activity_id, user_id),
    CHECK ((state = 'pending') = (decided_at IS NULL))
);
COMMENT ON TABLE activity_absence_requests IS 'A participant asks the director to be excused from an activity (R-ATT-5).';
CREATE UNIQUE INDEX activity_absence_one_live ON activity_absence_requests (activity_id, user_id)
    WHERE state IN ('pending', 'approved');
CREATE INDEX activity_absence_pending ON activity_absence_requests (id DESC) WHERE state = 'pending';
CREATE INDEX activity_absence_user ON activity_absence_requests (user_id, id DESC);

CREATE TABLE absences (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL,
    department_id bigint,
    date          date NOT NULL,
    half_days     integer NOT NULL CHECK (half_days > 0),
    cause         text NOT NULL CHECK (cause IN ('late_return', 'unexplained_extension',
                                                 'activity_absence', 'unapproved_absence')),
    source_type   text CHECK (source_type IN ('leave_request', 'activity')),
    source_id     bigint,
    note          text,
    recorded_by   bigint,
    state         text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'voided')),
    void_reason   text,
    voided_by     bigint,
    voided_at     timestamptz,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((source_type IS NULL) = (source_id IS NULL)),
    CHECK ((state = 'voided') = (voided_at IS NOT NULL AND void_reason IS NOT NULL))
);
COMMENT ON TABLE absences IS 'Absenteeism (旷工): date, working half-days, cause and source (R-ATT-3); the director may void one with a reason.';
CREATE INDEX absences_user_date ON absences (user_id, date);

CREATE TABLE discipline_cases (
    id                  bigserial PRIMARY KEY,
    user_id             bigint NOT NULL,
    department_id       bigint,
    year                integer NOT NULL,
    level               smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
    state               text NOT NULL DEFAULT 'open'
                        CHECK (state IN ('open', 'decided', 'completed', 'rejected')),
    half_days_at_open   integer NOT NULL,
    talk_by_id          bigint,
    talk_notes          text,
    talked_at           timestamptz,
    meeting_decision_id bigint CHECK (meeting_decision_id > 0),
    decided_by          bigint,
    decided_at          timestamptz,
    leader_id           bigint,
    leader_decision     text CHECK (leader_decision IN ('approved', 'rejected')),
    leader_comment      text,
    leader_decided_at   timestamptz,
    allowance_yuan_per_month integer CHECK (allowance_yuan_per_month >= 0),
    below_threshold     boolean NOT NULL DEFAULT false,
    notes               jsonb NOT NULL DEFAULT '[]',
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, year, level),
    CHECK (level = 1 OR talk_by_id IS NULL),
    CHECK (level = 2 OR allowance_yuan_per_month IS NULL)
);
COMMENT ON TABLE discipline_cases IS 'Discipline for cumulative absenteeism in a calendar year (R-ATT-6): 1 day a talk by the supervising deputy and probation; 2 days suspension with the minimum allowance; 3 days a time-limited transfer; the last two decided at a director''s meeting and approved by the district leader in charge.';
CREATE INDEX discipline_cases_user ON discipline_cases (user_id, id DESC);
