-- The supervision report read by department and light (R-MTG-9, report.c):
-- a department's open decisions (red, yellow, green) and its completed ones
-- (done) newest first, instead of all of its decisions read until a page of
-- that light is found (a department whose decisions are mostly of other
-- lights was read whole).
CREATE INDEX decisions_department_open ON decisions (department_id, id)
    WHERE state IN ('published', 'in_progress');
CREATE INDEX decisions_department_done ON decisions (department_id, id)
    WHERE state = 'completed';
