-- The supervision report (R-MTG-9) at scale: a department's decisions
-- newest first (the report filtered by department read the whole table
-- backwards until a page matched), and the confidential decisions, whose
-- share of the totals is counted for each viewer (report.c keeps the
-- others' counts for a few seconds).
CREATE INDEX decisions_department ON decisions (department_id, id);
CREATE INDEX decisions_confidential ON decisions (meeting_id, id) WHERE confidential;
