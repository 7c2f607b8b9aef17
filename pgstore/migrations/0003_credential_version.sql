-- customerauth PostgreSQL schema, version 3: tokens bound to credentials.
--
-- customerauth_customers.credential_version counts the times the
-- customer's credentials were replaced (customerauth.Customer.
-- CredentialVersion); a change that revokes the customer's tokens
-- increments it in the same transaction. customerauth_tokens.
-- credential_version is the customer's version the token was minted under
-- (customerauth.Token.CredentialVersion); a token is usable only while the
-- two are equal, so a token issued by a login that raced a password change
-- is dead even if the revocation could not see it.
--
-- Both default to 0, so the rows of a database migrated from version 2 stay
-- as they were: every existing customer is at version 0 and every existing
-- token, bound to 0, keeps working. A constant default makes ADD COLUMN a
-- change of the catalog only (PostgreSQL 11 and later): no table rewrite,
-- however many rows.
--
-- The Go type is uint64; bigint is signed, so the store keeps versions 0 to
-- 2^63-1. Versions only ever grow by one per password change, so the bound
-- is never reached; the store refuses a larger value rather than wrap it.
-- The CHECK constraints keep out negative values, which would read back as
-- huge ones. They are added NOT VALID: every existing row holds the default
-- 0, and skipping the check of existing rows spares a scan of both tables
-- under the ACCESS EXCLUSIVE lock of ALTER TABLE. New and updated rows are
-- checked all the same.
ALTER TABLE customerauth_customers
    ADD COLUMN credential_version bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT customerauth_customers_credential_version_check CHECK (credential_version >= 0) NOT VALID;

ALTER TABLE customerauth_tokens
    ADD COLUMN credential_version bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT customerauth_tokens_credential_version_check CHECK (credential_version >= 0) NOT VALID;
