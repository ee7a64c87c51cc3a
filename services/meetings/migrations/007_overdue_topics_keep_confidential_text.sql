-- R-MTG-8, R-MTG-9: an overdue confidential decision proposed as a topic of
-- the next regular meeting no longer copies its text and requirements into
-- the topic and the approver's notification. The next meeting's
-- participants are not the decision's (the section chiefs concerned
-- differ), and a notification's read is not audited; the topic names the
-- decision, which its own participants read where the read is audited.
-- Otherwise as in 001: the function writes, so it stays in the migrations.
CREATE OR REPLACE FUNCTION propose_overdue_topics() RETURNS integer LANGUAGE plpgsql AS $$
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
                CASE WHEN d.confidential THEN '督办: confidential decision ' || d.id
                     ELSE left('督办: ' || d.text, 200) END,
                d.category, coalesce(dept, 0), d.responsible_id,
                'Decision ' || d.id || ' is past its deadline ' || d.deadline,
                'Overdue decision of meeting ' || d.meeting_id || ': '
                    || CASE WHEN d.confidential
                            THEN 'confidential; its participants read its requirements in the decision'
                            ELSE d.requirements END,
                'Review the decision''s implementation and set a new course',
                d.confidential, approver, d.id)
        RETURNING id INTO new_topic;
        UPDATE decisions SET proposed_topic_id = new_topic, updated_at = now() WHERE id = d.id;
        PERFORM identity.notify(approver, 'topic_to_approve',
                                'Approve an overdue decision as a topic',
                                CASE WHEN d.confidential THEN 'Confidential decision ' || d.id
                                     ELSE d.text END,
                                'topic', new_topic);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
