// Drives the example server with Shopify's own Storefront API client,
// @shopify/storefront-api-client, exactly as a headless storefront would.
// storefront_client_test.go runs it against an in-process server:
//
//	node run.mjs <server URL> <storefront access token>
//
// (or CUSTOMERAUTH_URL and CUSTOMERAUTH_TOKEN in the environment). It exits
// non-zero, printing the failed assertion, when any step goes wrong.
//
// The client always talks https to the origin of storeDomain; the only
// change made to its requests is in customFetchApi, which points the URL at
// the plain-http test server and hands method, headers and body to fetch
// untouched.

import assert from 'node:assert/strict';
import { createStorefrontApiClient } from '@shopify/storefront-api-client';

const API_VERSION = '2026-04';
const serverURL = new URL(process.argv[2] ?? process.env.CUSTOMERAUTH_URL ?? '');
const token = process.argv[3] ?? process.env.CUSTOMERAUTH_TOKEN ?? '';
assert.match(token, /^[0-9a-f]{32}$/, 'storefront access token: want 32 lowercase hex');

// The host the client is told about: the test server's, which the client
// turns into an https origin.
const storeDomain = serverURL.host;
const expectedURL = `https://${storeDomain}/api/${API_VERSION}/graphql.json`;

const sent = []; // every request as the client built it
const clientLog = []; // what the client reported through its logger

function customFetchApi(url, init) {
  const u = new URL(url);
  assert.equal(u.href, expectedURL, 'the client builds https://<storeDomain>/api/<version>/graphql.json');
  sent.push({ url: u.href, init });
  u.protocol = serverURL.protocol;
  u.host = serverURL.host;
  return fetch(u, init);
}

function newClient(publicAccessToken) {
  return createStorefrontApiClient({
    storeDomain,
    apiVersion: API_VERSION,
    publicAccessToken,
    customFetchApi,
    logger: (entry) => clientLog.push(entry),
  });
}

const client = newClient(token);

// Shopify-style documents, as a storefront would keep them.
const CUSTOMER_CREATE = `#graphql
  mutation customerCreate($input: CustomerCreateInput!) {
    customerCreate(input: $input) {
      customer {
        id
        email
        firstName
        lastName
      }
      customerUserErrors {
        code
        field
        message
      }
    }
  }
`;

const CUSTOMER_ACCESS_TOKEN_CREATE = `#graphql
  mutation customerAccessTokenCreate($input: CustomerAccessTokenCreateInput!) {
    customerAccessTokenCreate(input: $input) {
      customerAccessToken {
        accessToken
        expiresAt
      }
      customerUserErrors {
        code
        field
        message
      }
    }
  }
`;

const CUSTOMER_QUERY = `#graphql
  query CustomerDetails($customerAccessToken: String!, $country: CountryCode)
  @inContext(country: $country) {
    customer(customerAccessToken: $customerAccessToken) {
      id
      email
      firstName
      displayName
      addresses(first: 5) {
        nodes {
          id
        }
      }
    }
  }
`;

const CUSTOMER_UPDATE = `#graphql
  mutation customerUpdate($customerAccessToken: String!, $customer: CustomerUpdateInput!) {
    customerUpdate(customerAccessToken: $customerAccessToken, customer: $customer) {
      customer {
        id
        firstName
        lastName
      }
      customerAccessToken {
        accessToken
        expiresAt
      }
      customerUserErrors {
        code
        field
        message
      }
    }
  }
`;

const CUSTOMER_ACCESS_TOKEN_RENEW = `#graphql
  mutation customerAccessTokenRenew($customerAccessToken: String!) {
    customerAccessTokenRenew(customerAccessToken: $customerAccessToken) {
      customerAccessToken {
        accessToken
        expiresAt
      }
      userErrors {
        field
        message
      }
    }
  }
`;

const CUSTOMER_ACCESS_TOKEN_DELETE = `#graphql
  mutation customerAccessTokenDelete($customerAccessToken: String!) {
    customerAccessTokenDelete(customerAccessToken: $customerAccessToken) {
      deletedAccessToken
      deletedCustomerAccessTokenId
      userErrors {
        field
        message
      }
    }
  }
`;

// The address mutations as Hydrogen's account routes send them (the same
// documents as internal/storefrontdocs), with @inContext and only the id
// read back.
const CUSTOMER_ADDRESS_CREATE = `#graphql
  mutation customerAddressCreate(
    $address: MailingAddressInput!
    $customerAccessToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAddressCreate(
      address: $address
      customerAccessToken: $customerAccessToken
    ) {
      customerAddress {
        id
      }
      customerUserErrors {
        code
        field
        message
      }
    }
  }
`;

const CUSTOMER_DEFAULT_ADDRESS_UPDATE = `#graphql
  mutation customerDefaultAddressUpdate(
    $addressId: ID!
    $customerAccessToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerDefaultAddressUpdate(
      addressId: $addressId
      customerAccessToken: $customerAccessToken
    ) {
      customer {
        defaultAddress {
          id
        }
      }
      customerUserErrors {
        code
        field
        message
      }
    }
  }
`;

const CUSTOMER_ADDRESS_DELETE = `#graphql
  mutation customerAddressDelete(
    $customerAccessToken: String!,
    $id: ID!,
    $country: CountryCode,
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAddressDelete(customerAccessToken: $customerAccessToken, id: $id) {
      customerUserErrors {
        code
        field
        message
      }
      deletedCustomerAddressId
    }
  }
`;

// The update as a headless client's address form sends it: the whole
// address read back through a fragment, and the deprecated userErrors
// beside customerUserErrors.
const CUSTOMER_ADDRESS_UPDATE = `#graphql
  mutation customerAddressUpdate($customerAccessToken: String!, $id: ID!, $address: MailingAddressInput!) {
    customerAddressUpdate(customerAccessToken: $customerAccessToken, id: $id, address: $address) {
      customerAddress {
        ...MailingAddressFields
      }
      customerUserErrors { code field message }
      userErrors { field message }
    }
  }

  fragment MailingAddressFields on MailingAddress {
    id
    firstName
    lastName
    name
    company
    address1
    address2
    city
    province
    provinceCode
    zip
    country
    countryCodeV2
    phone
    formatted(withName: true)
    formattedArea
  }
`;

// The address book as the account page reads it after each change.
const CUSTOMER_ADDRESSES = `#graphql
  query CustomerAddresses($customerAccessToken: String!) {
    customer(customerAccessToken: $customerAccessToken) {
      defaultAddress {
        id
      }
      addresses(first: 10) {
        nodes {
          id
          formattedArea
        }
      }
    }
  }
`;

let step = 'start';

// request sends one operation and insists on a clean GraphQL answer.
async function request(name, document, variables, c = client) {
  step = name;
  const res = await c.request(document, { variables });
  assert.equal(res.errors, undefined, `${name}: unexpected errors ${JSON.stringify(res.errors, errorReplacer)}`);
  assert.ok(res.data, `${name}: no data`);
  return res.data;
}

// errorReplacer keeps the Response object out of printed errors.
function errorReplacer(key, value) {
  return key === 'response' ? `[Response ${value?.status}]` : value;
}

const email = `storefront-client-${Date.now()}@example.com`;
const password = 'Tundra-Walrus-Quartz-71';

async function main() {
  const started = Date.now();

  // customerCreate
  let data = await request('customerCreate', CUSTOMER_CREATE, {
    input: { email, password, firstName: 'Ada', lastName: 'Lovelace', acceptsMarketing: false },
  });
  const created = data.customerCreate;
  assert.deepEqual(created.customerUserErrors, [], 'customerCreate: customerUserErrors');
  // This library's customer ids are gid://shopify/Customer/<UUID> (Shopify's
  // own are integers; clients treat the part after the prefix as opaque).
  assert.match(created.customer.id, /^gid:\/\/shopify\/Customer\/[0-9a-f-]{36}$/, 'customerCreate: customer.id');
  assert.equal(created.customer.email, email);
  assert.equal(created.customer.firstName, 'Ada');
  assert.equal(created.customer.lastName, 'Lovelace');
  const customerID = created.customer.id;

  // The client's request, as it reached the wire.
  const first = sent[0];
  assert.equal(first.init.method, 'POST');
  assert.equal(first.init.headers['X-Shopify-Storefront-Access-Token'], token);
  assert.equal(first.init.headers['Content-Type'], 'application/json');
  assert.equal(first.init.headers['X-SDK-Variant'], 'storefront-api-client');
  assert.equal(first.init.headers['X-SDK-Version'], '2.0.0');
  const body = JSON.parse(first.init.body);
  assert.deepEqual(Object.keys(body).sort(), ['query', 'variables'], 'body carries query and variables, no operationName');
  assert.equal(body.query, CUSTOMER_CREATE, 'the document is sent unmodified');

  // customerAccessTokenCreate
  data = await request('customerAccessTokenCreate', CUSTOMER_ACCESS_TOKEN_CREATE, { input: { email, password } });
  const login = data.customerAccessTokenCreate;
  assert.deepEqual(login.customerUserErrors, [], 'customerAccessTokenCreate: customerUserErrors');
  const accessToken = login.customerAccessToken.accessToken;
  assert.match(accessToken, /^[0-9a-f]{32}$/, 'customerAccessTokenCreate: accessToken is 32 hex');
  const expiresAt = Date.parse(login.customerAccessToken.expiresAt);
  assert.ok(Number.isFinite(expiresAt), `expiresAt parses: ${login.customerAccessToken.expiresAt}`);
  assert.ok(expiresAt > Date.now() + 41 * 24 * 3600e3, `expiresAt about six weeks out: ${login.customerAccessToken.expiresAt}`);

  // customer, with @inContext
  data = await request('CustomerDetails', CUSTOMER_QUERY, { customerAccessToken: accessToken, country: 'CA' });
  assert.deepEqual(data.customer, {
    id: customerID,
    email,
    firstName: 'Ada',
    displayName: 'Ada Lovelace',
    addresses: { nodes: [] },
  });

  // customerUpdate: firstName, then read back
  data = await request('customerUpdate', CUSTOMER_UPDATE, {
    customerAccessToken: accessToken,
    customer: { firstName: 'Augusta' },
  });
  const updated = data.customerUpdate;
  assert.deepEqual(updated.customerUserErrors, [], 'customerUpdate: customerUserErrors');
  assert.equal(updated.customer.id, customerID);
  assert.equal(updated.customer.firstName, 'Augusta');
  assert.equal(updated.customer.lastName, 'Lovelace');
  data = await request('CustomerDetails', CUSTOMER_QUERY, { customerAccessToken: accessToken, country: 'CA' });
  assert.equal(data.customer.firstName, 'Augusta', 'customer: firstName read back after customerUpdate');
  assert.equal(data.customer.displayName, 'Augusta Lovelace');

  await addressBook(accessToken);

  // customerAccessTokenRenew. expiresAt has whole seconds: wait for the
  // next second so that the renewal visibly moves it.
  await new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
  data = await request('customerAccessTokenRenew', CUSTOMER_ACCESS_TOKEN_RENEW, { customerAccessToken: accessToken });
  const renewed = data.customerAccessTokenRenew;
  assert.deepEqual(renewed.userErrors, [], 'customerAccessTokenRenew: userErrors');
  assert.equal(renewed.customerAccessToken.accessToken, accessToken, 'renewal keeps the token string');
  const renewedAt = Date.parse(renewed.customerAccessToken.expiresAt);
  assert.ok(renewedAt > expiresAt, `expiresAt moved: ${login.customerAccessToken.expiresAt} -> ${renewed.customerAccessToken.expiresAt}`);

  // Wrong password
  data = await request('customerAccessTokenCreate (wrong password)', CUSTOMER_ACCESS_TOKEN_CREATE, {
    input: { email, password: `${password}-wrong` },
  });
  const refused = data.customerAccessTokenCreate;
  assert.equal(refused.customerAccessToken, null, 'wrong password: no token');
  assert.equal(refused.customerUserErrors.length, 1, `wrong password: one error ${JSON.stringify(refused.customerUserErrors)}`);
  assert.equal(refused.customerUserErrors[0].code, 'UNIDENTIFIED_CUSTOMER');
  assert.equal(refused.customerUserErrors[0].message, 'Unidentified customer');

  // customerAccessTokenDelete, then the token no longer finds the customer
  data = await request('customerAccessTokenDelete', CUSTOMER_ACCESS_TOKEN_DELETE, { customerAccessToken: accessToken });
  const deleted = data.customerAccessTokenDelete;
  assert.deepEqual(deleted.userErrors, [], 'customerAccessTokenDelete: userErrors');
  assert.equal(deleted.deletedAccessToken, accessToken, 'deletedAccessToken echoes the token');
  assert.equal(typeof deleted.deletedCustomerAccessTokenId, 'string');
  assert.ok(deleted.deletedCustomerAccessTokenId.length > 0, 'deletedCustomerAccessTokenId is set');
  data = await request('CustomerDetails (deleted token)', CUSTOMER_QUERY, { customerAccessToken: accessToken, country: 'CA' });
  assert.equal(data.customer, null, 'customer: null after customerAccessTokenDelete');

  // An address mutation with the deleted token: refused as a whole, with
  // ACCESS_DENIED, which the client reports beside the null field.
  step = 'customerAddressCreate (deleted token)';
  const denied = await client.request(CUSTOMER_ADDRESS_CREATE, {
    variables: { customerAccessToken: accessToken, address: { address1: '1 Nowhere Road', country: 'CA' } },
  });
  assert.deepEqual(denied.data, { customerAddressCreate: null }, 'deleted token: customerAddressCreate is null');
  assert.equal(denied.errors?.networkStatusCode, 200, `deleted token: ${JSON.stringify(denied.errors, errorReplacer)}`);
  assert.equal(denied.errors.graphQLErrors?.length, 1, 'deleted token: one GraphQL error');
  assert.equal(denied.errors.graphQLErrors[0].message, 'CustomerAddressCreate access denied');
  assert.equal(denied.errors.graphQLErrors[0].extensions?.code, 'ACCESS_DENIED');

  // A wrong storefront access token: HTTP 401 through the client.
  step = 'wrong storefront token';
  const badToken = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  assert.notEqual(badToken, token);
  const res = await newClient(badToken).request(CUSTOMER_QUERY, {
    variables: { customerAccessToken: accessToken, country: 'CA' },
  });
  assert.equal(res.data, undefined, 'wrong storefront token: no data');
  assert.ok(res.errors, 'wrong storefront token: errors');
  assert.equal(res.errors.networkStatusCode, 401, `wrong storefront token: ${JSON.stringify(res.errors, errorReplacer)}`);
  assert.equal(sent.at(-1).init.headers['X-Shopify-Storefront-Access-Token'], badToken);

  for (const entry of clientLog) {
    if (entry.type === 'Unsupported_Api_Version') {
      console.log(`note: the client calls apiVersion ${API_VERSION} unsupported today (supports ${entry.content.supportedApiVersions.join(', ')})`);
    }
  }
  console.log(`ok: @shopify/storefront-api-client 2.0.0 made ${sent.length} requests to ${serverURL.origin} in ${Date.now() - started} ms`);
}

// addressBook runs the four address mutations with a live token: two
// creates (the first becomes the default), one refused, an update with
// Shopify's "?model_name=…" id, a new default, and deleting the default
// (the other becomes it), then a delete of the deleted address.
async function addressBook(accessToken) {
  const ID = /^gid:\/\/shopify\/MailingAddress\/[^?]+$/;
  const book = async (name) => (await request(name, CUSTOMER_ADDRESSES, { customerAccessToken: accessToken })).customer;

  // customerAddressCreate, by codes; with @inContext, as Hydrogen sends it
  let data = await request('customerAddressCreate (first)', CUSTOMER_ADDRESS_CREATE, {
    customerAccessToken: accessToken,
    country: 'CA',
    language: 'EN',
    address: {
      firstName: 'Ada', lastName: 'Lovelace', address1: '24 Sussex Drive', city: 'Ottawa',
      province: 'ON', country: 'CA', zip: 'K1M 1M4', phone: '+1 613 555 0123',
    },
  });
  assert.deepEqual(data.customerAddressCreate.customerUserErrors, [], 'customerAddressCreate: customerUserErrors');
  const first = data.customerAddressCreate.customerAddress.id;
  assert.match(first, ID, 'customerAddressCreate: customerAddress.id');
  assert.deepEqual(await book('CustomerAddresses (one)'), {
    defaultAddress: { id: first },
    addresses: { nodes: [{ id: first, formattedArea: 'Ottawa, ON, Canada' }] },
  }, 'the first address is the default');

  // customerAddressCreate, by names
  data = await request('customerAddressCreate (second)', CUSTOMER_ADDRESS_CREATE, {
    customerAccessToken: accessToken,
    address: { firstName: 'Ada', lastName: 'Lovelace', address1: '350 Fifth Avenue', city: 'New York', province: 'New York', country: 'United States', zip: '10118' },
  });
  assert.deepEqual(data.customerAddressCreate.customerUserErrors, [], 'customerAddressCreate (second): customerUserErrors');
  const second = data.customerAddressCreate.customerAddress.id;
  assert.match(second, ID);
  assert.notEqual(second, first);

  // A user error: the province is not one of the country's.
  data = await request('customerAddressCreate (province not in country)', CUSTOMER_ADDRESS_CREATE, {
    customerAccessToken: accessToken,
    address: { address1: '845 Sherbrooke Street West', city: 'Montréal', province: 'Texas', country: 'Canada' },
  });
  assert.equal(data.customerAddressCreate.customerAddress, null, 'refused address: no customerAddress');
  assert.deepEqual(data.customerAddressCreate.customerUserErrors, [
    { code: 'INVALID', field: ['address', 'province'], message: 'Province is not a state or province of Canada' },
  ], 'refused address: customerUserErrors');

  // customerAddressUpdate, with the query part Shopify appends to ids;
  // absent fields are kept, an empty one is cleared.
  data = await request('customerAddressUpdate', CUSTOMER_ADDRESS_UPDATE, {
    customerAccessToken: accessToken,
    id: `${second}?model_name=CustomerAddress`,
    address: { company: 'Analytical Engines', address2: 'Floor 86', zip: '' },
  });
  const edited = data.customerAddressUpdate;
  assert.deepEqual(edited.customerUserErrors, [], 'customerAddressUpdate: customerUserErrors');
  assert.deepEqual(edited.userErrors, [], 'customerAddressUpdate: userErrors');
  assert.deepEqual(edited.customerAddress, {
    id: second,
    firstName: 'Ada',
    lastName: 'Lovelace',
    name: 'Ada Lovelace',
    company: 'Analytical Engines',
    address1: '350 Fifth Avenue',
    address2: 'Floor 86',
    city: 'New York',
    province: 'New York',
    provinceCode: 'NY',
    zip: null,
    country: 'United States',
    countryCodeV2: 'US',
    phone: null,
    formatted: ['Ada Lovelace', 'Analytical Engines', '350 Fifth Avenue', 'Floor 86', 'New York NY', 'United States'],
    formattedArea: 'New York, NY, United States',
  }, 'customerAddressUpdate: the address as stored');

  // customerDefaultAddressUpdate
  data = await request('customerDefaultAddressUpdate', CUSTOMER_DEFAULT_ADDRESS_UPDATE, {
    customerAccessToken: accessToken,
    addressId: second,
  });
  assert.deepEqual(data.customerDefaultAddressUpdate, {
    customer: { defaultAddress: { id: second } },
    customerUserErrors: [],
  }, 'customerDefaultAddressUpdate');

  // customerAddressDelete of the default: the other address becomes it.
  data = await request('customerAddressDelete', CUSTOMER_ADDRESS_DELETE, { customerAccessToken: accessToken, id: second });
  assert.deepEqual(data.customerAddressDelete, { customerUserErrors: [], deletedCustomerAddressId: second }, 'customerAddressDelete');
  assert.deepEqual(await book('CustomerAddresses (after delete)'), {
    defaultAddress: { id: first },
    addresses: { nodes: [{ id: first, formattedArea: 'Ottawa, ON, Canada' }] },
  }, 'after deleting the default, the remaining address is the default');

  // Deleting it again: NOT_FOUND on the id.
  data = await request('customerAddressDelete (again)', CUSTOMER_ADDRESS_DELETE, { customerAccessToken: accessToken, id: second });
  assert.deepEqual(data.customerAddressDelete, {
    customerUserErrors: [{ code: 'NOT_FOUND', field: ['id'], message: 'Address does not exist' }],
    deletedCustomerAddressId: null,
  }, 'customerAddressDelete of a deleted address');
}

main().catch((err) => {
  console.error(`FAIL at step "${step}":`);
  console.error(err);
  process.exit(1);
});
