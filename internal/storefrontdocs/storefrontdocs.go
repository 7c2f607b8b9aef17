// Package storefrontdocs holds the GraphQL documents Shopify's storefront
// templates send for customer accounts, exactly as they send them
// (operation names, fragments, variables, @inContext). The tests and the
// benchmarks drive customerauth with these, so that what is tested and
// measured is what real clients do.
package storefrontdocs

// The documents, one per operation.
const (
	// CustomerCreate registers a customer; Hydrogen sends @inContext on it.
	CustomerCreate = `mutation customerCreate(
  $input: CustomerCreateInput!
  $country: CountryCode
  $language: LanguageCode
) @inContext(country: $country, language: $language) {
  customerCreate(input: $input) {
    customer { id email firstName lastName phone acceptsMarketing }
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`
	// CustomerAccessTokenCreate logs in.
	CustomerAccessTokenCreate = `mutation customerAccessTokenCreate($input: CustomerAccessTokenCreateInput!) {
  customerAccessTokenCreate(input: $input) {
    customerUserErrors { code field message }
    customerAccessToken { accessToken expiresAt }
  }
}`
	// CustomerDetails reads the customer with its addresses, through fragments.
	CustomerDetails = `query CustomerDetails(
  $customerAccessToken: String!
  $country: CountryCode
  $language: LanguageCode
) @inContext(country: $country, language: $language) {
  customer(customerAccessToken: $customerAccessToken) {
    ...CustomerDetails
  }
}

fragment AddressPartial on MailingAddress {
  id
  formatted
  firstName
  lastName
  company
  address1
  address2
  country
  province
  city
  zip
  phone
}

fragment CustomerDetails on Customer {
  id
  firstName
  lastName
  phone
  email
  displayName
  acceptsMarketing
  numberOfOrders
  tags
  createdAt
  updatedAt
  defaultAddress {
    ...AddressPartial
  }
  addresses(first: 6) {
    edges {
      node {
        ...AddressPartial
      }
    }
  }
}`
	// CustomerUpdate changes the profile or the password.
	CustomerUpdate = `mutation customerUpdate($customerAccessToken: String!, $customer: CustomerUpdateInput!) {
  customerUpdate(customerAccessToken: $customerAccessToken, customer: $customer) {
    customer { id firstName lastName email phone acceptsMarketing }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`
	// CustomerAccessTokenRenew extends a token.
	CustomerAccessTokenRenew = `mutation customerAccessTokenRenew($customerAccessToken: String!) {
  customerAccessTokenRenew(customerAccessToken: $customerAccessToken) {
    customerAccessToken { accessToken expiresAt }
    userErrors { field message }
  }
}`
	// CustomerAccessTokenDelete logs out.
	CustomerAccessTokenDelete = `mutation customerAccessTokenDelete($customerAccessToken: String!) {
  customerAccessTokenDelete(customerAccessToken: $customerAccessToken) {
    deletedAccessToken
    deletedCustomerAccessTokenId
    userErrors { field message }
  }
}`
	// CustomerRecover asks for a reset email.
	CustomerRecover = `mutation customerRecover($email: String!) {
  customerRecover(email: $email) {
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`
	// CustomerResetByURL sets a password from a reset link.
	CustomerResetByURL = `mutation customerResetByUrl($resetUrl: URL!, $password: String!) {
  customerResetByUrl(resetUrl: $resetUrl, password: $password) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`
	// CustomerReset sets a password from a customer id and reset token.
	CustomerReset = `mutation customerReset($id: ID!, $input: CustomerResetInput!) {
  customerReset(id: $id, input: $input) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`
	// CustomerActivateByURL activates from an activation link.
	CustomerActivateByURL = `mutation customerActivateByUrl($activationUrl: URL!, $password: String!) {
  customerActivateByUrl(activationUrl: $activationUrl, password: $password) {
    customer { id email firstName }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`
	// CustomerActivate activates from a customer id and activation token.
	CustomerActivate = `mutation customerActivate($id: ID!, $input: CustomerActivateInput!) {
  customerActivate(id: $id, input: $input) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`
	// CustomerAccessTokenCreateWithMultipass logs in with a Multipass token.
	CustomerAccessTokenCreateWithMultipass = `mutation customerAccessTokenCreateWithMultipass($multipassToken: String!) {
  customerAccessTokenCreateWithMultipass(multipassToken: $multipassToken) {
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`

	// CustomerAddressCreate adds an address; Hydrogen's account routes send
	// @inContext on the address mutations too, and read back only the id.
	CustomerAddressCreate = `mutation customerAddressCreate(
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
}`
	// CustomerAddressUpdate changes an address; the id is the one the
	// customer query gave, with its query part decoded or stripped.
	CustomerAddressUpdate = `mutation customerAddressUpdate(
  $address: MailingAddressInput!
  $customerAccessToken: String!
  $id: ID!
  $country: CountryCode
  $language: LanguageCode
) @inContext(country: $country, language: $language) {
  customerAddressUpdate(
    address: $address
    customerAccessToken: $customerAccessToken
    id: $id
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
}`
	// CustomerAddressDelete deletes an address.
	CustomerAddressDelete = `mutation customerAddressDelete(
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
}`
	// CustomerDefaultAddressUpdate picks the default address.
	CustomerDefaultAddressUpdate = `mutation customerDefaultAddressUpdate(
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
}`
	// CustomerAddressEdit is the address form's round trip in a mobile or
	// headless client: the mutation reads the whole address back through a
	// fragment, with the deprecated error list beside the new one.
	CustomerAddressEdit = `mutation customerAddressUpdate($customerAccessToken: String!, $id: ID!, $address: MailingAddressInput!) {
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
}`
)
