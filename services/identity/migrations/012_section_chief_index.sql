-- A department's chief (org_departments.chief_id, and the same look-up in
-- read.sql's documents) is its first active section chief by id. With only
-- the indexes on (department_id, id) and (position, id), that look-up
-- intersected two bitmaps for every person or department read: at the
-- bench's 100 000 people (about 500 a department, 200 section chiefs) one
-- BitmapAnd of 8 index pages, 2.6 % of PostgreSQL's CPU in the leave flow,
-- whose every request reads its applicant's or approver's chain. This
-- index answers it from its first entry (2 pages).
CREATE INDEX IF NOT EXISTS users_section_chief ON users (department_id, id)
    WHERE position = 'section_chief' AND active;
