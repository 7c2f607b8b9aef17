-- customerauth SQLite schema, version 2: attempt counters for the Limiter.
--
-- One row per key (such as "login:account:<email>"): the start of the
-- current fixed window and the attempts in it and in the previous one, from
-- which customerauth.CountAttempt estimates the sliding window. idle_at is
-- when the row stops counting anything (two windows after window_start),
-- so DeleteExpired finds such rows by index.
CREATE TABLE customerauth_limits (
    key          TEXT    NOT NULL PRIMARY KEY,
    window_start INTEGER NOT NULL,
    idle_at      INTEGER NOT NULL,
    prev         INTEGER NOT NULL,
    cur          INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX customerauth_limits_idle_at ON customerauth_limits (idle_at);
