-- The background sweep settles each due leave in its own transaction. A
-- leave whose settlement fails is tried again after the others, and after
-- three failures it is parked with its error (logged) instead of being
-- tried forever: one bad row no longer stops the sweep.
ALTER TABLE leave_requests
    ADD COLUMN sweep_failures integer NOT NULL DEFAULT 0 CHECK (sweep_failures >= 0),
    ADD COLUMN sweep_error text,
    ADD COLUMN sweep_parked_at timestamptz;
COMMENT ON COLUMN leave_requests.sweep_failures IS 'Failed attempts of the sweep to settle an unexplained extension (R-ATT-4).';
COMMENT ON COLUMN leave_requests.sweep_parked_at IS 'Set after three failures: the sweep no longer tries this leave (see sweep_error).';
