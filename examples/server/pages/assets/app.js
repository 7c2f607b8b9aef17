// Account pages of the customerauth example.
//
// The pages talk to the GraphQL endpoint exactly as a Shopify storefront
// does: POST to /api/{version}/graphql.json, a JSON body of {query,
// variables}, the X-Shopify-Storefront-Access-Token header when the shop
// has a storefront token, and the documents of Shopify's own templates.
//
// The customer access token lives in the customer_access_token cookie
// (Path=/, SameSite=Lax, Secure on https) so that the server sees it too.
// The server renders /account with the token in data-customer-token, which
// also covers the HttpOnly cookie of the Multipass route that this script
// cannot read; POST /account/logout expires the cookie, HttpOnly or not.
(function () {
  'use strict';

  const COOKIE = 'customer_access_token';
  const body = document.body;
  const cfg = {
    page: body.dataset.page || '',
    endpoint: body.dataset.endpoint || '/api/2026-04/graphql.json',
    storefrontToken: body.dataset.storefrontToken || '',
    customerToken: body.dataset.customerToken || '',
    hasCookie: body.dataset.hasCookie === 'true',
    // The shopper's language (a Shopify LanguageCode), sent in @inContext:
    // the API then words its messages in it.
    language: body.dataset.language || '',
  };

  // The documents Shopify's storefront templates send.
  const DOCS = {
    create: `mutation customerCreate(
  $input: CustomerCreateInput!
  $country: CountryCode
  $language: LanguageCode
) @inContext(country: $country, language: $language) {
  customerCreate(input: $input) {
    customer { id email firstName lastName phone acceptsMarketing }
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`,
    login: `mutation customerAccessTokenCreate($input: CustomerAccessTokenCreateInput!) {
  customerAccessTokenCreate(input: $input) {
    customerUserErrors { code field message }
    customerAccessToken { accessToken expiresAt }
  }
}`,
    customer: `query CustomerDetails(
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
}`,
    update: `mutation customerUpdate($customerAccessToken: String!, $customer: CustomerUpdateInput!) {
  customerUpdate(customerAccessToken: $customerAccessToken, customer: $customer) {
    customer { id firstName lastName email phone acceptsMarketing }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`,
    deleteToken: `mutation customerAccessTokenDelete($customerAccessToken: String!) {
  customerAccessTokenDelete(customerAccessToken: $customerAccessToken) {
    deletedAccessToken
    deletedCustomerAccessTokenId
    userErrors { field message }
  }
}`,
    recover: `mutation customerRecover($email: String!) {
  customerRecover(email: $email) {
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`,
    resetByUrl: `mutation customerResetByUrl($resetUrl: URL!, $password: String!) {
  customerResetByUrl(resetUrl: $resetUrl, password: $password) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`,
    activateByUrl: `mutation customerActivateByUrl($activationUrl: URL!, $password: String!) {
  customerActivateByUrl(activationUrl: $activationUrl, password: $password) {
    customer { id email firstName }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`,
    // The address mutations of Hydrogen's account routes; they read back
    // only ids, and the page reads the list again after each.
    addressCreate: `mutation customerAddressCreate(
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
}`,
    addressUpdate: `mutation customerAddressUpdate(
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
}`,
    addressDelete: `mutation customerAddressDelete(
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
}`,
    defaultAddress: `mutation customerDefaultAddressUpdate(
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
}`,
    // Ours, not a template's: CustomerDetails reads only the first six
    // addresses, and a customer may keep many more, each of which the
    // address book must show to be edited or deleted. The same fragment,
    // page by page.
    addresses: `query CustomerAddresses($customerAccessToken: String!, $first: Int!, $after: String) {
  customer(customerAccessToken: $customerAccessToken) {
    defaultAddress {
      id
    }
    addresses(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...AddressPartial
        }
      }
    }
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
}`,
  };

  // ---- Talking to the API ------------------------------------------------

  // ApiError is a request that failed as a whole: top-level GraphQL errors
  // (THROTTLED, ACCESS_DENIED, ...), an HTTP failure or no network.
  class ApiError extends Error {
    constructor(errors, status) {
      super(errors.map((e) => e.message).join('; '));
      this.errors = errors;
      this.status = status;
      const ext = errors[0] && errors[0].extensions;
      this.code = (ext && ext.code) || '';
      this.requestId = (ext && ext.requestId) || '';
    }
  }

  // UserErrors are the customerUserErrors of a payload, or problems this
  // script finds before asking.
  class UserErrors extends Error {
    constructor(errors) {
      super(errors.map((e) => e.message || e.code).join('; '));
      this.errors = errors;
    }
  }

  async function graphql(query, variables) {
    if (cfg.language && query.includes('$language') && (!variables || variables.language === undefined)) {
      variables = Object.assign({}, variables, { language: cfg.language });
    }
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (cfg.storefrontToken) headers['X-Shopify-Storefront-Access-Token'] = cfg.storefrontToken;
    let res;
    try {
      res = await fetch(cfg.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new ApiError([{ message: String(e), extensions: { code: 'NETWORK' } }], 0);
    }
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    if (!json) {
      const code = res.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'HTTP_' + res.status;
      throw new ApiError([{ message: 'HTTP ' + res.status, extensions: { code } }], res.status);
    }
    if (json.errors && json.errors.length) throw new ApiError(json.errors, res.status);
    return json.data || {};
  }

  // check throws the user errors of a mutation payload, if it has any.
  function check(payload) {
    if (!payload) throw new ApiError([{ message: 'empty payload', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], 200);
    const errs = (payload.customerUserErrors && payload.customerUserErrors.length)
      ? payload.customerUserErrors
      : (payload.userErrors || []);
    if (errs.length) throw new UserErrors(errs);
    return payload;
  }

  // ---- The token cookie ----------------------------------------------------

  function readCookie() {
    for (const part of document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
    }
    return '';
  }

  function writeCookie(value, expires) {
    let c = COOKIE + '=' + encodeURIComponent(value) + '; Path=/; SameSite=Lax';
    if (expires) c += '; Expires=' + expires.toUTCString();
    if (location.protocol === 'https:') c += '; Secure';
    document.cookie = c;
  }

  // serverClear has the server expire the cookie: the only way to remove
  // the HttpOnly one of a Multipass login.
  async function serverClear() {
    try {
      await fetch('/account/logout', { method: 'POST', credentials: 'same-origin' });
    } catch (e) {
      // Offline: the cookie stays until it expires or the next logout.
    }
  }

  async function storeToken(token) {
    // A cookie the server saw but this script cannot read is HttpOnly; a
    // script cannot replace it, so the server expires it first.
    if (cfg.hasCookie && readCookie() === '') await serverClear();
    writeCookie(token.accessToken, token.expiresAt ? new Date(token.expiresAt) : null);
    cfg.customerToken = token.accessToken;
    cfg.hasCookie = true;
  }

  async function endSession() {
    writeCookie('', new Date(0));
    await serverClear();
    cfg.customerToken = '';
    cfg.hasCookie = false;
  }

  // ---- Messages ------------------------------------------------------------

  const FIELD_LABELS = {
    email: 'Email',
    password: 'Password',
    passwordConfirm: 'Password confirmation',
    currentPassword: 'Current password',
    firstName: 'First name',
    lastName: 'Last name',
    phone: 'Phone number',
    resetUrl: 'Reset link',
    resetToken: 'Reset link',
    activationUrl: 'Activation link',
    activationToken: 'Activation link',
    // MailingAddressInput, as the address form labels them.
    company: 'Company',
    address1: 'Address',
    address2: 'Apartment, suite, etc.',
    city: 'City',
    country: 'Country',
    province: 'State or province',
    zip: 'Postal code',
  };

  function fieldName(e) {
    const f = e.field || [];
    return f.length ? f[f.length - 1] : '';
  }

  function label(e, ctx) {
    const name = fieldName(e);
    if (name === 'password' && (ctx === 'password' || ctx === 'reset')) return 'New password';
    return FIELD_LABELS[name] || 'This field';
  }

  function firstNumber(s) {
    const m = /\d+/.exec(s || '');
    return m ? m[0] : '';
  }

  // A message for every CustomerErrorCode, worded for the form at hand
  // (ctx: login, register, recover, reset, activate, profile, password,
  // address).
  const CODE_MESSAGES = {
    ALREADY_ENABLED: () => 'This account is already active. Log in with your password, or reset it if you forgot it.',
    BAD_DOMAIN: () => "The part of your email after the @ doesn't look right. Check it for typos.",
    // An address is blank only as a whole: the server names address1,
    // but any one of the place fields would do.
    BLANK: (e, ctx) => ctx === 'address' && fieldName(e) === 'address1'
      ? 'Enter where the address is: at least a street, city, postal code, state or country.'
      : label(e, ctx) + ' is required.',
    CONTAINS_HTML_TAGS: (e) => label(e) + " can't contain HTML tags.",
    CONTAINS_URL: (e) => label(e) + " can't contain a web address.",
    CUSTOMER_DISABLED: (e, ctx) => ctx === 'register'
      ? "An account with this email exists but isn't active yet. We've emailed you a link to activate it."
      : "This account isn't active. Check your email for the link to activate it.",
    INVALID: (e) => {
      switch (fieldName(e)) {
        case 'email':
          return 'Enter a valid email address, like name@example.com.';
        case 'phone':
          return 'Enter the phone number with its country code, like +16135550123.';
        case 'password':
          return /common/i.test(e.message || '')
            ? 'This password is too common and easy to guess. Choose a different one.'
            : "This password can't be used. Choose a different one.";
        case 'resetUrl':
        case 'resetToken':
          return 'This reset link is incomplete. Open the whole link from the email, or ask for a new one.';
        case 'activationUrl':
        case 'activationToken':
          return 'This activation link is incomplete. Open the whole link from the email.';
        case 'country':
          return "We don't know this country. Enter its name or two-letter code, like Canada or CA.";
        case 'province': {
          // The server names the country it judged by ("… of Canada"),
          // which may differ from what was typed ("CA").
          const m = /\bof (.+?)\.?$/.exec(e.message || '');
          return "This isn't a state or province of " + (m ? m[1] : 'the country above') +
            '. Check the spelling, or enter its code (like ON for Ontario).';
        }
        case 'address': {
          // On the whole address: the customer has as many as the shop keeps.
          const n = firstNumber(e.message);
          return "You've saved as many addresses as an account can keep" + (n ? ' (' + n + ')' : '') +
            '. Delete one before adding another.';
        }
      }
      // Names and address lines refuse what would break an envelope's line
      // or turn its text around.
      if (/control characters|UTF-8/i.test(e.message || '')) {
        return label(e) + " can't contain line breaks, tabs or invisible formatting characters.";
      }
      return label(e) + " isn't valid.";
    },
    INVALID_MULTIPASS_REQUEST: () => "We couldn't sign you in from the other site. Please try again from there.",
    NOT_FOUND: (e, ctx) => ctx === 'address'
      ? 'This address no longer exists: it may have been deleted in another window. The list below shows your addresses as they are now.'
      : "We couldn't find that account.",
    PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE: () => "Your password can't start or end with a space.",
    TAKEN: (e) => {
      switch (fieldName(e)) {
        case 'email':
          return 'An account with this email already exists. Log in, or reset your password if you forgot it.';
        case 'phone':
          return 'This phone number is already used by another account.';
      }
      return label(e) + ' is already taken.';
    },
    TOKEN_INVALID: (e, ctx) => ctx === 'activate'
      ? 'This activation link has expired or was already used. Ask the shop to send you a new invitation.'
      : 'This reset link has expired or was already used. Ask for a new one.',
    TOO_LONG: (e, ctx) => {
      const n = firstNumber(e.message);
      return label(e, ctx) + (n ? ' is too long: use at most ' + n + ' characters.' : ' is too long.');
    },
    TOO_SHORT: (e, ctx) => {
      const n = firstNumber(e.message);
      return label(e, ctx) + (n ? ' is too short: use at least ' + n + ' characters.' : ' is too short.');
    },
    UNIDENTIFIED_CUSTOMER: (e, ctx) => {
      switch (ctx) {
        case 'recover':
          return "We couldn't find an account with that email. Check it, or create an account.";
        case 'password':
          return 'Your current password is incorrect.';
        case 'register':
          return "Your account was created, but we couldn't log you in. Try logging in.";
      }
      return 'Incorrect email or password.';
    },
    // Found by this script, not the server.
    PASSWORD_MISMATCH: () => "The passwords don't match. Type the same password twice.",
  };

  function describeUserError(e, ctx) {
    // In another language than English, the API's own message is in the
    // shopper's language and the wording below is not.
    if (cfg.language && cfg.language !== 'EN' && e.message) return e.message;
    const f = CODE_MESSAGES[e.code];
    return f ? f(e, ctx) : (e.message || 'Please check this form.');
  }

  function describeApiError(err, ctx) {
    switch (err.code) {
      case 'THROTTLED':
        return ctx === 'login'
          ? 'Too many login attempts. Please wait a few minutes, then try again.'
          : 'Too many attempts. Please wait a few minutes, then try again.';
      case 'ACCESS_DENIED':
        return ctx === 'profile' || ctx === 'password' || ctx === 'address' || ctx === 'account'
          ? 'Your session has expired. Please log in again.'
          : "The shop doesn't allow this right now (access denied).";
      case 'UNAUTHORIZED':
        return "The shop refused the request: its storefront access token is missing or wrong.";
      case 'NETWORK':
        return "We couldn't reach the shop. Check your connection and try again.";
      case 'INTERNAL_SERVER_ERROR':
        return 'Something went wrong on our side. Please try again.' + (err.requestId ? ' (Request ID: ' + err.requestId + ')' : '');
    }
    return err.message || 'Something went wrong. Please try again.';
  }

  function showMessage(box, kind, lines) {
    box.textContent = '';
    box.className = 'message ' + kind;
    if (lines.length === 1) {
      box.textContent = lines[0];
      return;
    }
    const ul = document.createElement('ul');
    for (const line of lines) {
      const li = document.createElement('li');
      li.textContent = line;
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }

  // describedBy adds id to, or removes it from, the element's
  // aria-describedby, keeping the hint that may be there already.
  function describedBy(el, id, on) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
    if (on) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  function clearMessages(form, box) {
    box.textContent = '';
    box.className = 'message';
    for (const el of form.querySelectorAll('[aria-invalid]')) {
      const own = el.getAttribute('aria-errormessage');
      if (own && own !== box.id) describedBy(el, own, false);
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-errormessage');
    }
    for (const el of form.querySelectorAll('.field-error')) {
      el.textContent = '';
      el.hidden = true;
    }
  }

  // showUserErrors marks the fields the errors name. A field with an error
  // line of its own (the element with the input's id and "-error") gets its
  // message there, next to it, and box says how many fields to fix; the
  // other messages go into box.
  function showUserErrors(form, box, errors, ctx) {
    const general = [];
    const beside = new Set();
    let first = null;
    for (const e of errors) {
      const text = describeUserError(e, ctx);
      const name = fieldName(e);
      const input = name && form.elements.namedItem(name);
      if (!input || !input.setAttribute) {
        general.push(text);
        continue;
      }
      const own = input.id ? document.getElementById(input.id + '-error') : null;
      input.setAttribute('aria-invalid', 'true');
      if (own) {
        if (!own.textContent.includes(text)) own.textContent = own.textContent ? own.textContent + ' ' + text : text;
        own.hidden = false;
        input.setAttribute('aria-errormessage', own.id);
        // Read with the field, where aria-errormessage is not supported.
        describedBy(input, own.id, true);
        beside.add(name);
      } else {
        general.push(text);
        input.setAttribute('aria-errormessage', box.id);
      }
      first = first || input;
    }
    const lines = [...new Set(general)];
    if (beside.size) {
      lines.unshift(beside.size === 1
        ? 'Please correct the field marked below.'
        : 'Please correct the ' + beside.size + ' fields marked below.');
    }
    showMessage(box, 'error', lines);
    if (first) first.focus();
  }

  // ---- Forms ---------------------------------------------------------------

  function $(sel) {
    return document.querySelector(sel);
  }

  function values(form) {
    const v = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      v[el.name] = el.type === 'checkbox' ? el.checked : el.value;
    }
    if (typeof v.email === 'string') v.email = v.email.trim();
    return v;
  }

  // bindForm runs handler on submit with the form's values, and shows what
  // goes wrong in box. ctx names the action for the messages.
  function bindForm(form, box, ctx, handler) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (form.getAttribute('aria-busy') === 'true') return;
      clearMessages(form, box);
      const button = form.querySelector('button[type=submit]');
      form.setAttribute('aria-busy', 'true');
      if (button) button.disabled = true;
      try {
        await handler(values(form));
      } catch (err) {
        await showFailure(form, box, ctx, err);
      } finally {
        form.removeAttribute('aria-busy');
        if (button) button.disabled = false;
      }
    });
  }

  async function showFailure(form, box, ctx, err) {
    if (err instanceof UserErrors) {
      showUserErrors(form, box, err.errors, ctx);
      return;
    }
    if (err instanceof ApiError) {
      if ((ctx === 'profile' || ctx === 'password' || ctx === 'address') && await leaveIfLoggedOut(err)) return;
      if (err.code === 'INTERNAL_SERVER_ERROR' || err.code === 'NETWORK') console.warn('customerauth:', err.message);
      showMessage(box, 'error', [describeApiError(err, ctx)]);
      return;
    }
    console.error(err);
    showMessage(box, 'error', ['Something went wrong. Please try again.']);
  }

  // leaveIfLoggedOut starts over at the login page when err is ACCESS_DENIED
  // because the customer's token no longer works: it expired, or a logout
  // or password change elsewhere revoked it. The token is checked first,
  // since a storefront token without the customer scopes is ACCESS_DENIED
  // too, and logging in again would not help with that. When the check
  // itself fails (offline), the token may still be good: stay.
  async function leaveIfLoggedOut(err) {
    if (!(err instanceof ApiError) || err.code !== 'ACCESS_DENIED') return false;
    const still = await currentCustomer().catch(() => undefined);
    if (still !== null) return false;
    await endSession();
    location.replace('/account/login?expired=1');
    return true;
  }

  function mismatch(field) {
    return new UserErrors([{ code: 'PASSWORD_MISMATCH', field: [field], message: '' }]);
  }

  async function login(email, password) {
    const data = await graphql(DOCS.login, { input: { email, password } });
    const p = check(data.customerAccessTokenCreate);
    if (!p.customerAccessToken) {
      throw new UserErrors([{ code: 'UNIDENTIFIED_CUSTOMER', field: null, message: 'Unidentified customer' }]);
    }
    await storeToken(p.customerAccessToken);
  }

  async function currentCustomer() {
    if (!cfg.customerToken) return null;
    const data = await graphql(DOCS.customer, { customerAccessToken: cfg.customerToken });
    return data.customer || null;
  }

  function ready() {
    body.dataset.ready = 'true';
  }

  // ---- The address book ------------------------------------------------------

  // ADDRESS_FIELDS are the MailingAddressInput fields of the address form,
  // each an input of that name.
  const ADDRESS_FIELDS = ['firstName', 'lastName', 'company', 'address1', 'address2', 'city', 'country', 'province', 'zip', 'phone'];
  // CustomerDetails reads this many addresses: a customer with as many may
  // have more.
  const DETAILS_ADDRESSES = 6;
  // Addresses per CustomerAddresses request; the server allows up to 250
  // and keeps 100 a customer by default.
  const ADDRESS_PAGE = 50;

  // addressBook runs the Addresses card of the account page: the list, with
  // the default first and marked, and one form to add or edit an address.
  // Every change is one of the storefront's mutations, after which the list
  // is read again from the server, which decides what the default is (the
  // first address, or the oldest remaining after the default is deleted).
  function addressBook() {
    const listBox = $('#addresses-message');
    const list = $('#address-list');
    const empty = $('#addresses-empty');
    const addButton = $('#address-add');
    const form = $('#address-form');
    const formBox = $('#address-message');
    const defaultField = $('#address-default-field');
    let addresses = [];
    let defaultId = '';
    let editing = null; // the address in the form, null when adding
    let busy = false;

    function lines(a) {
      const name = [a.firstName, a.lastName].filter(Boolean).join(' ');
      return [name, ...(a.formatted || []), a.phone].filter(Boolean);
    }

    function button(action, text, describes) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'secondary';
      b.dataset.action = action;
      b.textContent = text;
      // "Edit" alone does not say which address to a screen reader.
      b.setAttribute('aria-describedby', describes);
      return b;
    }

    function render(def, all) {
      defaultId = def;
      const rest = all.filter((a) => a.id !== def);
      const first = all.filter((a) => a.id === def);
      addresses = first.concat(rest);
      list.textContent = '';
      addresses.forEach((a, i) => {
        const isDefault = a.id === def;
        const li = document.createElement('li');
        li.dataset.addressId = a.id;
        const linesId = 'address-lines-' + i;
        if (isDefault) {
          li.className = 'is-default';
          li.dataset.default = 'true';
          const badge = document.createElement('span');
          badge.className = 'badge';
          badge.textContent = 'Default address';
          li.appendChild(badge);
        }
        const addr = document.createElement('address');
        addr.id = linesId;
        for (const line of lines(a)) {
          const div = document.createElement('div');
          div.textContent = line;
          addr.appendChild(div);
        }
        li.appendChild(addr);
        const actions = document.createElement('div');
        actions.className = 'actions';
        actions.appendChild(button('edit', 'Edit', linesId));
        if (!isDefault) actions.appendChild(button('default', 'Make default', linesId));
        actions.appendChild(button('delete', 'Delete', linesId));
        li.appendChild(actions);
        // Deleting is for good: ask on the page, where a test and a screen
        // reader see the question, rather than in a confirm() dialog.
        const confirm = document.createElement('div');
        confirm.className = 'confirm';
        confirm.hidden = true;
        const q = document.createElement('p');
        q.textContent = 'Delete this address?';
        confirm.appendChild(q);
        const yesNo = document.createElement('div');
        yesNo.className = 'actions';
        yesNo.appendChild(button('confirm-delete', 'Yes, delete it', linesId));
        yesNo.appendChild(button('cancel-delete', 'Keep it', linesId));
        confirm.appendChild(yesNo);
        li.appendChild(confirm);
        list.appendChild(li);
      });
      list.hidden = addresses.length === 0;
      empty.hidden = addresses.length > 0;
      // The address being edited is gone: deleted here or elsewhere.
      if (editing && !addresses.some((a) => a.id === editing.id)) closeForm();
    }

    function fromCustomer(c) {
      render(c.defaultAddress ? c.defaultAddress.id : '', c.addresses.edges.map((e) => e.node));
    }

    // refresh reads every address, page by page.
    async function refresh() {
      const all = [];
      let after = null;
      let def = '';
      for (;;) {
        const data = await graphql(DOCS.addresses, { customerAccessToken: cfg.customerToken, first: ADDRESS_PAGE, after });
        const c = data.customer;
        // A token that finds no customer is as good as refused.
        if (!c) throw new ApiError([{ message: 'customer access denied', extensions: { code: 'ACCESS_DENIED' } }], 200);
        def = c.defaultAddress ? c.defaultAddress.id : '';
        const page = c.addresses;
        for (const e of page.edges) all.push(e.node);
        if (!page.pageInfo.hasNextPage || !page.edges.length || !page.pageInfo.endCursor) break;
        after = page.pageInfo.endCursor;
      }
      render(def, all);
    }

    // failed shows what went wrong with a list action, or with the form
    // once the form is closed.
    async function failed(err, prefix) {
      const say = (lines) => showMessage(listBox, 'error', prefix ? [prefix, ...lines] : lines);
      if (err instanceof UserErrors) {
        say([...new Set(err.errors.map((e) => describeUserError(e, 'address')))]);
        // Gone elsewhere: show the list as it is now.
        if (err.errors.some((e) => e.code === 'NOT_FOUND')) await refresh().catch(() => {});
        return;
      }
      if (await leaveIfLoggedOut(err)) return;
      if (!(err instanceof ApiError)) console.error(err);
      else if (err.code === 'INTERNAL_SERVER_ERROR' || err.code === 'NETWORK') console.warn('customerauth:', err.message);
      say([err instanceof ApiError ? describeApiError(err, 'address') : 'Something went wrong. Please try again.']);
    }

    function setBusy(on) {
      busy = on;
      if (on) list.setAttribute('aria-busy', 'true');
      else list.removeAttribute('aria-busy');
      for (const b of list.querySelectorAll('button')) b.disabled = on;
      addButton.disabled = on;
    }

    async function makeDefault(id) {
      const data = await graphql(DOCS.defaultAddress, { customerAccessToken: cfg.customerToken, addressId: id });
      check(data.customerDefaultAddressUpdate);
    }

    function summary(id) {
      const a = addresses.find((x) => x.id === id);
      return a ? (a.address1 || lines(a)[0] || '') : '';
    }

    // ---- The form ----

    function openForm(a) {
      editing = a;
      clearMessages(form, formBox);
      $('#address-form-heading').textContent = a ? 'Edit address' : 'Add a new address';
      $('#address-submit').textContent = a ? 'Save address' : 'Add address';
      for (const f of ADDRESS_FIELDS) form.elements.namedItem(f).value = a ? (a[f] || '') : '';
      const box = $('#address-default');
      box.checked = false;
      // The first address is the default anyway, and the default cannot
      // be un-made, only replaced by another.
      defaultField.hidden = a ? a.id === defaultId : addresses.length === 0;
      form.hidden = false;
      addButton.hidden = true;
      addButton.setAttribute('aria-expanded', 'true');
      $('#address-first-name').focus();
    }

    function closeForm() {
      editing = null;
      form.hidden = true;
      clearMessages(form, formBox);
      addButton.hidden = false;
      addButton.setAttribute('aria-expanded', 'false');
    }

    addButton.addEventListener('click', () => {
      listBox.textContent = '';
      listBox.className = 'message';
      openForm(null);
    });
    $('#address-cancel').addEventListener('click', () => {
      closeForm();
      addButton.focus();
    });
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && form.getAttribute('aria-busy') !== 'true') {
        closeForm();
        addButton.focus();
      }
    });

    bindForm(form, formBox, 'address', async (v) => {
      listBox.textContent = '';
      listBox.className = 'message';
      // Every field is sent: on an update an empty one clears what was
      // stored, which is what emptying a field in the form means.
      const address = {};
      for (const f of ADDRESS_FIELDS) address[f] = String(v[f] || '').trim();
      const was = editing;
      let id;
      setBusy(true);
      try {
        try {
          if (was) {
            const data = await graphql(DOCS.addressUpdate, { customerAccessToken: cfg.customerToken, id: was.id, address });
            id = check(data.customerAddressUpdate).customerAddress.id;
          } else {
            const data = await graphql(DOCS.addressCreate, { customerAccessToken: cfg.customerToken, address });
            id = check(data.customerAddressCreate).customerAddress.id;
          }
        } catch (err) {
          if (was && err instanceof UserErrors && err.errors.some((e) => e.code === 'NOT_FOUND' && fieldName(e) === 'id')) {
            // Deleted meanwhile: nothing left to edit.
            closeForm();
            await failed(err);
            $('#addresses-heading').focus();
            return;
          }
          throw err;
        }
        // Saved. From here on the form is done with, whatever else fails.
        closeForm();
        let note = was ? 'Address saved.' : 'Address added.';
        if (v.makeDefault && id !== defaultId) {
          try {
            await makeDefault(id);
            note = was ? 'Address saved. It is now your default address.' : 'Address added as your default address.';
          } catch (err) {
            await refresh().catch(() => {});
            await failed(err, (was ? 'Address saved' : 'Address added') + ", but we couldn't make it your default:");
            return;
          }
        }
        try {
          await refresh();
        } catch (err) {
          await failed(err, note);
          return;
        }
        showMessage(listBox, 'success', [note]);
        $('#addresses-heading').focus();
      } finally {
        setBusy(false);
      }
    });

    // ---- The list ----

    list.addEventListener('click', async (ev) => {
      const b = ev.target.closest('button[data-action]');
      if (!b || busy) return;
      const li = b.closest('li');
      const a = addresses.find((x) => x.id === li.dataset.addressId);
      if (!a) return;
      const confirm = li.querySelector('.confirm');
      switch (b.dataset.action) {
        case 'edit':
          listBox.textContent = '';
          listBox.className = 'message';
          openForm(a);
          return;
        case 'delete':
          confirm.hidden = false;
          confirm.querySelector('[data-action=confirm-delete]').focus();
          return;
        case 'cancel-delete':
          confirm.hidden = true;
          li.querySelector('[data-action=delete]').focus();
          return;
      }
      listBox.textContent = '';
      listBox.className = 'message';
      setBusy(true);
      try {
        let note;
        if (b.dataset.action === 'default') {
          await makeDefault(a.id);
          note = 'Your default address is now ' + summary(a.id) + '.';
          await refresh();
        } else if (b.dataset.action === 'confirm-delete') {
          const wasDefault = a.id === defaultId;
          const data = await graphql(DOCS.addressDelete, { customerAccessToken: cfg.customerToken, id: a.id });
          check(data.customerAddressDelete);
          await refresh();
          note = 'Address deleted.';
          if (wasDefault && defaultId) note += ' Your default address is now ' + summary(defaultId) + '.';
        } else {
          return;
        }
        showMessage(listBox, 'success', [note]);
        $('#addresses-heading').focus();
      } catch (err) {
        await failed(err);
      } finally {
        setBusy(false);
      }
    });

    return {
      // start shows the addresses CustomerDetails read, reading them all
      // when it may not have.
      async start(customer) {
        fromCustomer(customer);
        if (customer.addresses.edges.length >= DETAILS_ADDRESSES) await refresh().catch(failed);
      },
    };
  }

  // ---- Pages ---------------------------------------------------------------

  const pages = {};

  pages.login = function () {
    const form = $('#login-form');
    const box = $('#message');
    if (new URLSearchParams(location.search).has('expired')) {
      showMessage(box, 'error', ['Your session has expired. Please log in again.']);
    }
    bindForm(form, box, 'login', async (v) => {
      await login(v.email, v.password);
      location.assign('/account');
    });
  };

  pages.register = function () {
    const form = $('#register-form');
    const box = $('#message');
    bindForm(form, box, 'register', async (v) => {
      const input = {
        email: v.email,
        password: v.password,
        firstName: v.firstName,
        lastName: v.lastName,
        acceptsMarketing: !!v.acceptsMarketing,
      };
      const data = await graphql(DOCS.create, { input });
      check(data.customerCreate);
      try {
        await login(v.email, v.password);
      } catch (err) {
        if (!(err instanceof UserErrors)) throw err;
        // The shop wants the email confirmed first (or does not say whether
        // the account is new): the customer continues from the email.
        form.reset();
        showMessage(box, 'success', ['Thanks! Check your email for a link to activate your account, then log in.']);
        return;
      }
      location.assign('/account');
    });
  };

  pages.recover = function () {
    const form = $('#recover-form');
    const box = $('#message');
    bindForm(form, box, 'recover', async (v) => {
      if (!v.email) throw new UserErrors([{ code: 'BLANK', field: ['email'], message: '' }]);
      const data = await graphql(DOCS.recover, { email: v.email });
      check(data.customerRecover);
      showMessage(box, 'success', ["We've sent you an email with a link to update your password."]);
    });
  };

  // The reset and activation pages send their own URL, the emailed link,
  // as Shopify's templates do.
  function passwordLinkPage(formSel, ctx, doc, urlVar, mutation) {
    const form = $(formSel);
    const box = $('#message');
    bindForm(form, box, ctx, async (v) => {
      if (v.password && v.password !== v.passwordConfirm) throw mismatch('passwordConfirm');
      const data = await graphql(doc, { [urlVar]: window.location.href, password: v.password });
      const p = check(data[mutation]);
      if (p.customerAccessToken) {
        await storeToken(p.customerAccessToken);
        location.replace('/account');
      } else {
        location.replace('/account/login');
      }
    });
  }

  pages.reset = function () {
    passwordLinkPage('#reset-form', 'reset', DOCS.resetByUrl, 'resetUrl', 'customerResetByUrl');
  };

  pages.activate = function () {
    passwordLinkPage('#activate-form', 'activate', DOCS.activateByUrl, 'activationUrl', 'customerActivateByUrl');
  };

  pages.account = async function () {
    const box = $('#account-message');
    let customer;
    try {
      customer = await currentCustomer();
    } catch (err) {
      $('#loading').hidden = true;
      showMessage(box, 'error', [describeApiError(err, 'account')]);
      return;
    }
    if (!customer) {
      await endSession();
      location.replace('/account/login?expired=1');
      return;
    }

    const show = (c) => {
      const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
      $('#customer-name').textContent = name || c.displayName || c.email;
      $('#customer-email').textContent = c.email;
      $('#first-name').value = c.firstName || '';
      $('#last-name').value = c.lastName || '';
      $('#password-username').value = c.email;
    };
    show(customer);
    await addressBook().start(customer);
    $('#loading').hidden = true;
    $('#account').hidden = false;

    const profileBox = $('#message');
    bindForm($('#profile-form'), profileBox, 'profile', async (v) => {
      const data = await graphql(DOCS.update, {
        customerAccessToken: cfg.customerToken,
        customer: { firstName: v.firstName, lastName: v.lastName },
      });
      const p = check(data.customerUpdate);
      if (p.customerAccessToken) await storeToken(p.customerAccessToken);
      customer = Object.assign({}, customer, p.customer);
      show(customer);
      showMessage(profileBox, 'success', ['Your name was saved.']);
    });

    const pwForm = $('#password-form');
    const pwBox = $('#password-message');
    bindForm(pwForm, pwBox, 'password', async (v) => {
      if (!v.currentPassword) throw new UserErrors([{ code: 'BLANK', field: ['currentPassword'], message: '' }]);
      if (v.password && v.password !== v.passwordConfirm) throw mismatch('passwordConfirm');
      // Confirm the current password the way Hydrogen does: by logging in
      // with it. The extra token dies with the change (every token of the
      // customer is revoked), or is deleted when the change fails.
      const probe = await graphql(DOCS.login, { input: { email: customer.email, password: v.currentPassword } });
      const pp = probe.customerAccessTokenCreate || {};
      if (!pp.customerAccessToken) {
        throw new UserErrors([{ code: 'UNIDENTIFIED_CUSTOMER', field: ['currentPassword'], message: '' }]);
      }
      let changed = false;
      try {
        const data = await graphql(DOCS.update, {
          customerAccessToken: cfg.customerToken,
          customer: { password: v.password },
        });
        const p = check(data.customerUpdate);
        // A new password revokes every token and comes with a new one.
        if (p.customerAccessToken) await storeToken(p.customerAccessToken);
        changed = true;
      } finally {
        if (!changed) {
          graphql(DOCS.deleteToken, { customerAccessToken: pp.customerAccessToken.accessToken }).catch(() => {});
        }
      }
      pwForm.reset();
      $('#password-username').value = customer.email;
      showMessage(pwBox, 'success', ['Your password was changed.']);
    });

    const logoutForm = $('#logout-form');
    logoutForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      $('#logout').disabled = true;
      try {
        await graphql(DOCS.deleteToken, { customerAccessToken: cfg.customerToken });
      } catch (e) {
        // Already invalid: log out all the same.
      }
      writeCookie('', new Date(0));
      // The server expires the cookie (an HttpOnly one too) and sends the
      // browser to the login page.
      logoutForm.submit();
    });
  };

  Promise.resolve((pages[cfg.page] || function () {})())
    .catch((err) => console.error(err))
    .finally(ready);
})();
