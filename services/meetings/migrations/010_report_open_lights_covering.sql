-- The supervision report's pages of an open light (red, yellow, green;
-- R-MTG-9, report.c): the open decisions newest first, whole or by
-- department, now with every column a light and the reader's right to see
-- (R-MTG-8) are read from, so that a page finds its decisions' ids in the
-- index alone (an index-only scan) and reads only the rows it shows. A
-- light few decisions have (green) was found row by row in the table: at
-- 10^5 decisions a page read about 2 000 rows back, and a department's page
-- all of the department's open decisions. Same names, same keys, same rows.
DROP INDEX decisions_open;
CREATE INDEX decisions_open ON decisions (id)
    INCLUDE (deadline, last_progress_at, published_at, confidential, meeting_id, category)
    WHERE state IN ('published', 'in_progress');
DROP INDEX decisions_department_open;
CREATE INDEX decisions_department_open ON decisions (department_id, id)
    INCLUDE (deadline, last_progress_at, published_at, confidential, meeting_id, category)
    WHERE state IN ('published', 'in_progress');
