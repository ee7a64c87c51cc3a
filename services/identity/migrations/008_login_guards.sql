-- Login lock-out and delays, counted per username and client address
-- rather than per account, so that whoever knows a username (they are
-- public) cannot lock its owner out from another address, and an unknown
-- username is counted exactly like a real one (the answers cannot tell them
-- apart).
--
-- Two rows per username: one per client address (the hard lock-out after
-- LOGIN_MAX_FAILURES failures from that address) and one with addr '*' (all
-- addresses together: after LOGIN_DELAY_AFTER_FAILURES failures each
-- attempt from an address the user has not logged in from waits 1 s, 2 s,
-- 4 s ... up to the lock-out length). An attempt is counted before its
-- password is checked, under the row lock, so parallel guesses cannot
-- outrun the count.
CREATE TABLE login_guards (
    username     text NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
    addr         text NOT NULL CHECK (length(addr) BETWEEN 1 AND 64),
    failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until timestamptz,
    succeeded_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, addr)
);
COMMENT ON TABLE login_guards IS 'Failed-login counters per username and client address (addr ''*'': every address); lock-outs and delays of POST /auth/login.';
COMMENT ON COLUMN login_guards.succeeded_at IS 'Last successful login from this address: a known address is not slowed down by failures from elsewhere.';

-- The sweep removes the rows of addresses that neither failed nor
-- succeeded lately.
CREATE INDEX login_guards_updated ON login_guards (updated_at);

-- The per-account columns are no longer read or written.
COMMENT ON COLUMN users.failed_logins IS 'Unused since login_guards (migration 008).';
COMMENT ON COLUMN users.locked_until IS 'Unused since login_guards (migration 008).';
