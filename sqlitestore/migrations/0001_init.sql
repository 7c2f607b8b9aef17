-- customerauth SQLite schema, version 1.
--
-- Every name starts with customerauth_ so the tables can live in a database
-- that also holds the host's own tables. Times are INTEGER Unix nanoseconds
-- (UTC), so they round-trip exactly and compare as plain integers. Tables are
-- STRICT, so a value of the wrong type is refused instead of being coerced.

CREATE TABLE customerauth_customers (
    id                   TEXT    NOT NULL PRIMARY KEY,
    email                TEXT    NOT NULL,
    -- email_key is the lowercased email; it is what must be unique.
    email_key            TEXT    NOT NULL,
    -- phone and multipass_identifier are NULL when empty: many customers
    -- have none, and NULLs never collide in a UNIQUE index.
    phone                TEXT    CHECK (phone <> ''),
    multipass_identifier TEXT    CHECK (multipass_identifier <> ''),
    first_name           TEXT    NOT NULL DEFAULT '',
    last_name            TEXT    NOT NULL DEFAULT '',
    accepts_marketing    INTEGER NOT NULL DEFAULT 0 CHECK (accepts_marketing IN (0, 1)),
    state                INTEGER NOT NULL,
    password_hash        TEXT    NOT NULL DEFAULT '',
    -- tags and addresses are JSON arrays; they are always read and written
    -- whole, together with the rest of the customer.
    tags                 TEXT    NOT NULL DEFAULT '[]',
    addresses            TEXT    NOT NULL DEFAULT '[]',
    default_address_id   TEXT    NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX customerauth_customers_email_key ON customerauth_customers (email_key);
CREATE UNIQUE INDEX customerauth_customers_phone ON customerauth_customers (phone);
CREATE UNIQUE INDEX customerauth_customers_multipass_identifier ON customerauth_customers (multipass_identifier);

-- Tokens are stored only as the SHA-256 digest of their secret. The table is
-- WITHOUT ROWID: the 32-byte hash is the clustered key, so a lookup by hash
-- is one B-tree search.
CREATE TABLE customerauth_tokens (
    hash        BLOB    NOT NULL PRIMARY KEY CHECK (length(hash) = 32),
    kind        INTEGER NOT NULL,
    customer_id TEXT    NOT NULL REFERENCES customerauth_customers (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Revocation, replacement of older links and the foreign key use the first;
-- the cleanup of expired tokens uses the second.
CREATE INDEX customerauth_tokens_customer ON customerauth_tokens (customer_id, kind);
CREATE INDEX customerauth_tokens_expires_at ON customerauth_tokens (expires_at);

-- Single-use values (Multipass MACs) remembered until they expire.
CREATE TABLE customerauth_replay (
    key        BLOB    NOT NULL PRIMARY KEY CHECK (length(key) = 32),
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX customerauth_replay_expires_at ON customerauth_replay (expires_at);
