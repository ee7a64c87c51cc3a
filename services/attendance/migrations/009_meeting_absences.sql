-- R-ATT-5, R-MTG-6: a member absent from a director's meeting without the
-- director's leave is absent without leave (旷工). The meetings service
-- publishes who had to attend each closed meeting and whether they came
-- (meetings.meeting_attendance); the sweep turns each such absence into one
-- record, and the unique index keeps it one however many copies run.
ALTER TABLE absences DROP CONSTRAINT absences_cause_check;
ALTER TABLE absences ADD CONSTRAINT absences_cause_check
    CHECK (cause IN ('late_return', 'unexplained_extension', 'activity_absence',
                     'unapproved_absence', 'meeting_absence'));
ALTER TABLE absences DROP CONSTRAINT absences_source_type_check;
ALTER TABLE absences ADD CONSTRAINT absences_source_type_check
    CHECK (source_type IN ('leave_request', 'activity', 'meeting'));
CREATE UNIQUE INDEX absences_one_per_meeting ON absences (source_id, user_id)
    WHERE source_type = 'meeting';
COMMENT ON INDEX absences_one_per_meeting IS 'One absenteeism record per person and director''s meeting missed without leave (R-ATT-5).';
