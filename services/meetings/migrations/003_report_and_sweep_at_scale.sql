-- The supervision report's pages by light (R-MTG-9, report.c): the
-- completed decisions newest first (done), the open ones newest first (red,
-- yellow and green).
CREATE INDEX decisions_done ON decisions (id) WHERE state = 'completed';
CREATE INDEX decisions_open ON decisions (id) WHERE state IN ('published', 'in_progress');

-- The background job (sweep.c) claims only what is still to do: a decision
-- not yet flagged overdue, not yet reminded, not yet proposed as a topic,
-- instead of reading every open decision past its deadline on every sweep.
CREATE INDEX decisions_to_flag ON decisions (deadline, id)
    WHERE state IN ('published', 'in_progress') AND overdue_at IS NULL;
CREATE INDEX decisions_to_remind ON decisions (deadline, id)
    WHERE state IN ('published', 'in_progress') AND due_reminded_at IS NULL;
CREATE INDEX decisions_to_propose ON decisions (deadline, id)
    WHERE state IN ('published', 'in_progress') AND proposed_topic_id IS NULL;

-- The supervision report's totals (R-MTG-9, report.c): the non-confidential
-- decisions counted by department, category and light (decision_light) at
-- most once every max_age across every copy of the service, since a count
-- is a pass over every decision. The copy that finds the counts older takes
-- the lock and counts again; a copy that finds the lock taken reads the
-- counts as they are. Each copy keeps what it read for max_age.
CREATE TABLE report_counts (
    department_id bigint NOT NULL,
    category      text NOT NULL,
    light         text NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (department_id, category, light)
);
CREATE TABLE report_counted (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    counted_at timestamptz NOT NULL
);
COMMENT ON TABLE report_counts IS 'The supervision report''s totals of non-confidential decisions by department, category and light, as counted at report_counted.counted_at (R-MTG-9).';

-- One row per counted group, and one with n NULL when nothing is counted;
-- none before the first count (while another copy makes it).
CREATE FUNCTION report_counts(max_age interval)
RETURNS TABLE (department_id bigint, category text, light text, n bigint, generated_at text,
               age_ms bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    -- decision_light's day and fortnight, read once instead of for each row
    today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
    stale timestamptz := now() - interval '14 days';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM report_counted k WHERE k.counted_at > now() - max_age)
       AND pg_try_advisory_xact_lock(hashtext('meetings.report_counts'))
       -- again under the lock: another copy may have just counted
       AND NOT EXISTS (SELECT 1 FROM report_counted k WHERE k.counted_at > now() - max_age) THEN
        DELETE FROM report_counts;
        INSERT INTO report_counts (department_id, category, light, n)
        SELECT coalesce(d.department_id, 0), d.category,
               CASE WHEN d.state = 'completed' THEN 'done' WHEN d.deadline < today THEN 'red'
                    WHEN d.deadline <= today + 3
                      OR coalesce(d.last_progress_at, d.published_at) < stale THEN 'yellow'
                    ELSE 'green' END,
               count(*)
        FROM decisions d
        WHERE d.state IN ('published', 'in_progress', 'completed') AND NOT d.confidential
        GROUP BY 1, 2, 3;
        INSERT INTO report_counted (one, counted_at) VALUES (true, now())
        ON CONFLICT (one) DO UPDATE SET counted_at = excluded.counted_at;
    END IF;
    RETURN QUERY
    SELECT c.department_id, c.category, c.light, c.n, to_json(k.counted_at)::text,
           (extract(epoch FROM clock_timestamp() - k.counted_at) * 1000)::bigint
    FROM report_counted k LEFT JOIN report_counts c ON true;
END $$;
