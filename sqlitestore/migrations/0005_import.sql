-- customerauth SQLite schema, version 5: what an import from another
-- platform brings besides the storefront fields.
--
-- A customer exported from Shopify carries a consent to marketing text
-- messages, a tax exemption and a free-text note written by the shop's
-- staff (customerauth.Customer.AcceptsSMSMarketing, TaxExempt and Note).
-- The Storefront API shows none of them, but an import that dropped them
-- would lose the shop's records, and an export could not give them back, so
-- each gets a column of its own on customerauth_customers, read and written
-- with the rest of the customer.
--
-- Booleans are 0 or 1, as accepts_marketing is; the CHECKs keep any other
-- integer out, which would otherwise read back as true. Every column has a
-- default, so the rows of a database at version 4 gain the values of a
-- customer who never said yes to text messages, is not tax exempt and has
-- no note: what those customers had, as the store did not keep them. No
-- row is rewritten: SQLite adds a column with a constant default by
-- changing the schema, and only reads the rows to check the new CHECK, so
-- the migration is quick even on a large table.
--
-- Customer ids need no change: id has been TEXT since version 1, and holds
-- the opaque ids of imported customers (Shopify's numbers, say) as well as
-- the UUIDs of those created here.
ALTER TABLE customerauth_customers
    ADD COLUMN note TEXT NOT NULL DEFAULT '';

ALTER TABLE customerauth_customers
    ADD COLUMN accepts_sms_marketing INTEGER NOT NULL DEFAULT 0 CHECK (accepts_sms_marketing IN (0, 1));

ALTER TABLE customerauth_customers
    ADD COLUMN tax_exempt INTEGER NOT NULL DEFAULT 0 CHECK (tax_exempt IN (0, 1));
