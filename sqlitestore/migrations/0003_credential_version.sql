-- customerauth SQLite schema, version 3: tokens bound to credentials.
--
-- customers.credential_version counts the times the customer's credentials
-- were replaced (customerauth.Customer.CredentialVersion); a change that
-- revokes the customer's tokens increments it in the same transaction.
-- tokens.credential_version is the customer's version the token was minted
-- under (customerauth.Token.CredentialVersion); a token is usable only
-- while the two are equal, so a token issued by a login that raced a
-- password change is dead even if the revocation could not see it.
--
-- Both default to 0, so the rows of a database migrated from version 2 stay
-- as they were: every existing customer is at version 0 and every existing
-- token, bound to 0, keeps working.
--
-- The Go type is uint64; SQLite's INTEGER is a signed 64-bit integer, so the
-- store keeps versions 0 to 2^63-1 (the CHECK keeps out negative values,
-- which would read back as huge ones). Versions only ever grow by one per
-- password change, so the bound is never reached; the store refuses a
-- larger value rather than wrap it.
ALTER TABLE customerauth_customers
    ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0 CHECK (credential_version >= 0);

ALTER TABLE customerauth_tokens
    ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0 CHECK (credential_version >= 0);
