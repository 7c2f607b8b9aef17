-- customerauth PostgreSQL schema, version 5: opaque customer ids, and the
-- fields an import from another platform brings along.
--
-- Until version 4 a customer id was always a UUID this package generated,
-- so the columns were uuid. An imported customer keeps the id it had on the
-- platform it comes from (Shopify's customer number, say), so that the
-- GraphQL ids the shop's other systems hold stay valid; such an id is no
-- UUID. From now on ids are text: 1 to 64 bytes of ASCII letters, digits,
-- '-' and '_' (customerauth.ValidCustomerID, which the store checks before
-- any id reaches a statement). The CHECK below keeps the length bound in the
-- database too; it is added in the same ALTER TABLE as the type change, so
-- PostgreSQL checks it while rewriting the rows, not in a scan of its own.
--
-- A uuid cast to text is its canonical form: 36 characters, lowercase hex
-- and hyphens, which is exactly the string the Service generated and handed
-- out. So every existing customer keeps its id, and every GraphQL id and
-- token issued before the upgrade still names it.
--
-- The id columns are COLLATE "C": ids have no language, and listing
-- customers a page at a time orders them by their bytes, whatever the
-- database's default collation is. With the column in that collation the
-- primary key index yields that order, and "id > the last id of the page"
-- is a range scan of it, instead of a sort of every customer per page. The
-- columns that refer to a customer id get the same collation, so joins
-- and the foreign keys compare like with like. Equality is the same in
-- every deterministic collation, so no lookup changes.
--
-- A foreign key needs both of its columns to have comparable types, and
-- ALTER COLUMN ... TYPE alters one table at a time, so the two foreign keys
-- on the customer id are dropped, the three columns converted, and the keys
-- added again as they were (ON DELETE CASCADE), under the same names. The
-- type changes rewrite the three tables and rebuild their indexes (the
-- primary keys and customerauth_tokens_customer_id_kind_idx keep their
-- names and definitions); everything holds ACCESS EXCLUSIVE locks until
-- the migration commits, so on a large database run it at a quiet time.
--
-- Processes of the release before this one can run on the new schema
-- while they are replaced: their ::uuid parameters are assigned to the
-- text columns as canonical text, and their statements leave the new
-- columns alone. Each statement a connection of theirs had prepared fails
-- once after the type change (its result type changed; pgx prepares it
-- again on the next call), and they take a customer whose id is no UUID
-- for an unknown one.
ALTER TABLE customerauth_tokens DROP CONSTRAINT customerauth_tokens_customer_id_fkey;
ALTER TABLE customerauth_addresses DROP CONSTRAINT customerauth_addresses_customer_id_fkey;

-- note, accepts_sms_marketing and tax_exempt are the shop's own records of
-- the customer that a Shopify export carries (customerauth.Customer's
-- Note, AcceptsSMSMarketing and TaxExempt). They are kept so that an
-- import loses nothing and an export gives them back. Constant defaults
-- describe every customer stored so far: no note, no consent to text
-- messages, not tax exempt.
ALTER TABLE customerauth_customers
    ALTER COLUMN id TYPE text COLLATE "C" USING id::text,
    ADD CONSTRAINT customerauth_customers_id_check CHECK (octet_length(id) BETWEEN 1 AND 64),
    ADD COLUMN note text NOT NULL DEFAULT '',
    ADD COLUMN accepts_sms_marketing boolean NOT NULL DEFAULT false,
    ADD COLUMN tax_exempt boolean NOT NULL DEFAULT false;

ALTER TABLE customerauth_tokens
    ALTER COLUMN customer_id TYPE text COLLATE "C" USING customer_id::text;

ALTER TABLE customerauth_addresses
    ALTER COLUMN customer_id TYPE text COLLATE "C" USING customer_id::text;

ALTER TABLE customerauth_tokens
    ADD CONSTRAINT customerauth_tokens_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customerauth_customers (id) ON DELETE CASCADE;

ALTER TABLE customerauth_addresses
    ADD CONSTRAINT customerauth_addresses_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customerauth_customers (id) ON DELETE CASCADE;
