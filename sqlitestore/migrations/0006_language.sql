-- customerauth SQLite schema, version 6: the customer's language.
--
-- The messages a customer receives (activation, password reset, ...) are
-- written in the language the customer uses with the shop, and most of
-- them are sent long after the request that set it: a reset link asked
-- for months after the registration, an invitation to an imported
-- customer. So the language is kept with the customer
-- (customerauth.Customer.Language), as the Shopify LanguageCode the
-- request or the import gave it: "EN", "FR", "PT_BR". It is not an enum
-- here: Shopify adds languages, and a code this release does not know
-- must still be kept for the release that does.
--
-- The empty string means "unknown": the customer is written to in the
-- shop's default language, which is what every customer stored so far
-- was written to in. So the constant default describes the rows of a
-- database at version 5 exactly, and, as in version 5, SQLite adds the
-- column by changing the schema alone, without rewriting a row.
ALTER TABLE customerauth_customers
    ADD COLUMN language TEXT NOT NULL DEFAULT '';
