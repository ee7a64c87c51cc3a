-- R-MTG-8, R-ATT-6: attendance's view of the published decisions loses the
-- columns its discipline cases never read, the decision's text above all,
-- which carried confidential decisions to a role that answers people who
-- did not take part in the meeting. A view's columns cannot be removed by
-- CREATE OR REPLACE: it is dropped here and sql/read.sql makes it again
-- with what attendance reads (and the grant).
DROP VIEW IF EXISTS published_decisions;
