-- The district leader in charge (主管) of a department (DESIGN section 4):
-- the deputy mayor in charge of a district bureau signs the district
-- documents it drafts (R-DOC-3); set on the office leadership, the deputy
-- mayor in charge of the government office signs the district documents
-- its sections draft. A bureau is an external unit with a leader in charge.

ALTER TABLE departments ADD COLUMN in_charge_id bigint REFERENCES users(id);
COMMENT ON COLUMN departments.in_charge_id IS 'The deputy mayor in charge of this bureau or of the office (R-DOC-3); NULL when none.';

CREATE OR REPLACE VIEW org_departments AS
SELECT d.id, d.name, d.kind, d.is_secretariat, d.has_printer, d.is_print_center,
       d.supervising_deputy_id,
       (SELECT u.id FROM users u WHERE u.department_id = d.id AND u.position = 'section_chief'
          AND u.active ORDER BY u.id LIMIT 1) AS chief_id,
       d.in_charge_id
FROM departments d;
