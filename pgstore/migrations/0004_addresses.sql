-- customerauth PostgreSQL schema, version 4: addresses get a table of their
-- own.
--
-- Until version 3 a customer's addresses were a jsonb array in
-- customerauth_customers.addresses, read and written whole. The AddressBook
-- calls change one address at a time, each in one transaction that first
-- locks the customer row; with a row per address they write only that row.
--
-- position is the address's place in the customer's list: an added address
-- gets one more than the customer's greatest, under the customer's row
-- lock, so ordering by it is the order of insertion; a deletion leaves a
-- gap, which orders the same. The primary key (customer_id, position)
-- finds a customer's addresses in order and serves the foreign key. Address
-- ids are unique among all customers, since the GraphQL id is made from the
-- id alone; the unique constraint on id also finds the address an update
-- or a deletion names. latitude and longitude are NULL when unknown. The
-- text columns hold '' for an empty field, as the JSON left the key out.
--
-- default_address_id stays on customerauth_customers.
CREATE TABLE customerauth_addresses (
    customer_id   uuid             NOT NULL REFERENCES customerauth_customers (id) ON DELETE CASCADE,
    position      integer          NOT NULL CHECK (position > 0),
    id            text             NOT NULL,
    first_name    text             NOT NULL DEFAULT '',
    last_name     text             NOT NULL DEFAULT '',
    company       text             NOT NULL DEFAULT '',
    address1      text             NOT NULL DEFAULT '',
    address2      text             NOT NULL DEFAULT '',
    city          text             NOT NULL DEFAULT '',
    province      text             NOT NULL DEFAULT '',
    province_code text             NOT NULL DEFAULT '',
    country       text             NOT NULL DEFAULT '',
    country_code  text             NOT NULL DEFAULT '',
    zip           text             NOT NULL DEFAULT '',
    phone         text             NOT NULL DEFAULT '',
    latitude      double precision NULL,
    longitude     double precision NULL,
    CONSTRAINT customerauth_addresses_pkey PRIMARY KEY (customer_id, position),
    CONSTRAINT customerauth_addresses_id_key UNIQUE (id)
);

-- The existing addresses, in the order of each customer's array (WITH
-- ORDINALITY numbers the elements from 1). A key encoding/json left out (an
-- empty field, omitempty) becomes ''; a missing coordinate NULL. ->> gives a
-- coordinate as the digits encoding/json wrote (jsonb keeps them as
-- numeric), and float8 reads them back as the same double. Two addresses
-- with one id, which the Service never made, would fail the unique
-- constraint and with it the whole migration, leaving version 3 intact.
INSERT INTO customerauth_addresses (customer_id, position, id, first_name, last_name, company, address1,
    address2, city, province, province_code, country, country_code, zip, phone, latitude, longitude)
SELECT c.id, a.ord::integer,
    a.elem->>'id',
    COALESCE(a.elem->>'first_name', ''),
    COALESCE(a.elem->>'last_name', ''),
    COALESCE(a.elem->>'company', ''),
    COALESCE(a.elem->>'address1', ''),
    COALESCE(a.elem->>'address2', ''),
    COALESCE(a.elem->>'city', ''),
    COALESCE(a.elem->>'province', ''),
    COALESCE(a.elem->>'province_code', ''),
    COALESCE(a.elem->>'country', ''),
    COALESCE(a.elem->>'country_code', ''),
    COALESCE(a.elem->>'zip', ''),
    COALESCE(a.elem->>'phone', ''),
    (a.elem->>'latitude')::double precision,
    (a.elem->>'longitude')::double precision
FROM customerauth_customers AS c
CROSS JOIN LATERAL jsonb_array_elements(c.addresses) WITH ORDINALITY AS a(elem, ord);

-- The jsonb column is no longer read or written. Dropping it (with its
-- CHECK) changes only the catalog; the space is reclaimed as rows are
-- rewritten. A process of an earlier release, which reads and writes that
-- column, fails on this schema instead of writing addresses that no one
-- would read: stop those processes before migrating.
ALTER TABLE customerauth_customers DROP COLUMN addresses;
