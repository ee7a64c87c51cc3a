-- The supervision report's kept totals (report_counts() of migration 003,
-- R-MTG-9): every column the count reads of a non-confidential decision,
-- so that the pass over every decision, made every few seconds, reads this
-- index alone (an index-only scan) instead of every page of the table with
-- its texts. At 10^5 decisions the pass took 130 ms reading the table and
-- 55 ms reading the index, on a busy machine.
CREATE INDEX decisions_report_counts
    ON decisions (department_id, category, state, deadline, last_progress_at, published_at)
    WHERE NOT confidential AND state IN ('published', 'in_progress', 'completed');
