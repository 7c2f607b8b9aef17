-- customerauth PostgreSQL schema, version 2: attempt counters for the
-- Limiter.
--
-- One row per key (such as 'login:account:<email>'): the start of the
-- current fixed window (NULL for a key with no attempts yet) and the
-- attempts in it and in the previous one, from which
-- customerauth.CountAttempt estimates the sliding window. idle_at is when
-- the row stops counting anything (two windows after window_start), so
-- DeleteExpired finds such rows by index.
CREATE TABLE customerauth_limits (
    key          text        PRIMARY KEY,
    window_start timestamptz,
    idle_at      timestamptz NOT NULL,
    prev         integer     NOT NULL,
    cur          integer     NOT NULL
);

CREATE INDEX customerauth_limits_idle_at ON customerauth_limits (idle_at);
