-- customerauth PostgreSQL store, version 1: customers, their tokens and the
-- replay cache. Every name carries the customerauth_ prefix so the tables can
-- live in a schema shared with the host's own. Objects are created in the
-- first schema of search_path.

CREATE TABLE customerauth_customers (
    id                   uuid        PRIMARY KEY,
    email                text        NOT NULL,
    -- The lowercased email; the unique index is what keeps two accounts
    -- from sharing an address, even when they register at the same instant.
    email_key            text        NOT NULL,
    -- NULL, never '', when the customer has no phone or Multipass
    -- identifier: NULLs do not collide in a unique index.
    phone                text        NULL CHECK (phone <> ''),
    multipass_identifier text        NULL CHECK (multipass_identifier <> ''),
    first_name           text        NOT NULL DEFAULT '',
    last_name            text        NOT NULL DEFAULT '',
    accepts_marketing    boolean     NOT NULL DEFAULT false,
    state                smallint    NOT NULL,
    -- A PHC argon2id or bcrypt hash, '' when no password was ever set.
    password_hash        text        NOT NULL DEFAULT '',
    tags                 text[]      NOT NULL DEFAULT '{}',
    -- A JSON array of address objects in the customer's order.
    addresses            jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(addresses) = 'array'),
    default_address_id   text        NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT customerauth_customers_email_key_key UNIQUE (email_key),
    CONSTRAINT customerauth_customers_phone_key UNIQUE (phone),
    CONSTRAINT customerauth_customers_multipass_identifier_key UNIQUE (multipass_identifier)
);

-- Only the SHA-256 digest of a token is stored; the secret never reaches
-- the database.
CREATE TABLE customerauth_tokens (
    hash        bytea       PRIMARY KEY CHECK (octet_length(hash) = 32),
    kind        smallint    NOT NULL,
    customer_id uuid        NOT NULL REFERENCES customerauth_customers (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- Revocation and the replacement of emailed links find a customer's tokens
-- by this index; the expiry sweep uses the other.
CREATE INDEX customerauth_tokens_customer_id_kind_idx ON customerauth_tokens (customer_id, kind);
CREATE INDEX customerauth_tokens_expires_at_idx ON customerauth_tokens (expires_at);

-- Single-use values (MACs of redeemed Multipass tokens) shared by every
-- process on the database.
CREATE TABLE customerauth_replay (
    key        bytea       PRIMARY KEY CHECK (octet_length(key) = 32),
    expires_at timestamptz NOT NULL
);

CREATE INDEX customerauth_replay_expires_at_idx ON customerauth_replay (expires_at);
