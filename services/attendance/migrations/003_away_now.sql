-- Published for the other services: who is away right now, through an
-- approved leave or a registered outing that covers the present moment.
-- R-ORG-4 (documents) reads it to let an urgent matter bypass an absent
-- supervising deputy.

CREATE VIEW away_now AS
SELECT l.applicant_id AS user_id, 'leave'::text AS kind, l.id AS source_id, l.ends_at AS until
FROM leave_requests l
WHERE l.state = 'approved' AND l.starts_at <= now() AND l.ends_at > now()
UNION ALL
SELECT o.user_id, 'outing'::text, o.id, o.ends_at
FROM outings o
WHERE o.state = 'out' AND o.starts_at <= now() AND o.ends_at > now();

COMMENT ON VIEW away_now IS 'Who is away now: an approved, unclosed leave or an outing not yet returned whose span covers now() (R-ORG-4). until is when the absence is due to end.';

GRANT SELECT ON away_now TO documents, meetings, printing, seals;
