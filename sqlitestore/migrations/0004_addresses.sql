-- customerauth SQLite schema, version 4: addresses get a table of their own.
--
-- Until version 3 a customer's addresses were a JSON array in
-- customerauth_customers.addresses, read and written whole. The AddressBook
-- calls change one address at a time, each in one transaction; with a row
-- per address they write only that row, under the write lock that checks
-- the customer, its token and the limit.
--
-- position is the address's place in the customer's list: an added address
-- gets one more than the customer's greatest, so ordering by it is the
-- order of insertion; a deletion leaves a gap, which orders the same. The
-- primary key (customer_id, position) keeps a customer's addresses
-- together, in order, in the table's B-tree (WITHOUT ROWID): reading them is
-- one range search, and it also serves the foreign key. Address ids are
-- unique among all customers, since the GraphQL id is made from the id
-- alone; the unique index on id also finds the address an update or a
-- deletion names. latitude and longitude are NULL when unknown. The text
-- columns hold '' for an empty field, as the JSON left the key out.
--
-- default_address_id stays on customerauth_customers.
CREATE TABLE customerauth_addresses (
    customer_id   TEXT    NOT NULL REFERENCES customerauth_customers (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL CHECK (position > 0),
    id            TEXT    NOT NULL,
    first_name    TEXT    NOT NULL DEFAULT '',
    last_name     TEXT    NOT NULL DEFAULT '',
    company       TEXT    NOT NULL DEFAULT '',
    address1      TEXT    NOT NULL DEFAULT '',
    address2      TEXT    NOT NULL DEFAULT '',
    city          TEXT    NOT NULL DEFAULT '',
    province      TEXT    NOT NULL DEFAULT '',
    province_code TEXT    NOT NULL DEFAULT '',
    country       TEXT    NOT NULL DEFAULT '',
    country_code  TEXT    NOT NULL DEFAULT '',
    zip           TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '',
    latitude      REAL,
    longitude     REAL,
    PRIMARY KEY (customer_id, position)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX customerauth_addresses_id ON customerauth_addresses (id);

-- The existing addresses, in the order of each customer's array (json_each
-- numbers the elements from 0). A key encoding/json left out (an empty
-- field, omitempty) becomes ''; a missing coordinate NULL. json_extract
-- reads the numbers encoding/json wrote back as the same doubles. Two
-- addresses with one id, which the Service never made, would fail the
-- unique index and with it the whole migration, leaving version 3 intact.
INSERT INTO customerauth_addresses (customer_id, position, id, first_name, last_name, company, address1,
    address2, city, province, province_code, country, country_code, zip, phone, latitude, longitude)
SELECT c.id, a.key + 1,
    json_extract(a.value, '$.id'),
    COALESCE(json_extract(a.value, '$.first_name'), ''),
    COALESCE(json_extract(a.value, '$.last_name'), ''),
    COALESCE(json_extract(a.value, '$.company'), ''),
    COALESCE(json_extract(a.value, '$.address1'), ''),
    COALESCE(json_extract(a.value, '$.address2'), ''),
    COALESCE(json_extract(a.value, '$.city'), ''),
    COALESCE(json_extract(a.value, '$.province'), ''),
    COALESCE(json_extract(a.value, '$.province_code'), ''),
    COALESCE(json_extract(a.value, '$.country'), ''),
    COALESCE(json_extract(a.value, '$.country_code'), ''),
    COALESCE(json_extract(a.value, '$.zip'), ''),
    COALESCE(json_extract(a.value, '$.phone'), ''),
    json_extract(a.value, '$.latitude'),
    json_extract(a.value, '$.longitude')
FROM customerauth_customers AS c, json_each(c.addresses) AS a;

-- The JSON column is no longer read or written. It has no constraint or
-- index, so SQLite (3.35 and later) can drop it. A process of an earlier
-- release, which reads and writes that column, fails on this schema
-- instead of writing addresses that no one would read: stop those
-- processes before migrating.
ALTER TABLE customerauth_customers DROP COLUMN addresses;
