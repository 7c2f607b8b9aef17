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
  // (ctx: login, register, recover, reset, activate, profile, password).
  const CODE_MESSAGES = {
    ALREADY_ENABLED: () => 'This account is already active. Log in with your password, or reset it if you forgot it.',
    BAD_DOMAIN: () => "The part of your email after the @ doesn't look right. Check it for typos.",
    BLANK: (e, ctx) => label(e, ctx) + ' is required.',
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
      }
      return label(e) + " isn't valid.";
    },
    INVALID_MULTIPASS_REQUEST: () => "We couldn't sign you in from the other site. Please try again from there.",
    NOT_FOUND: () => "We couldn't find that account.",
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
        return ctx === 'profile' || ctx === 'password' || ctx === 'account'
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

  function clearMessages(form, box) {
    box.textContent = '';
    box.className = 'message';
    for (const el of form.querySelectorAll('[aria-invalid]')) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-errormessage');
    }
  }

  function showUserErrors(form, box, errors, ctx) {
    showMessage(box, 'error', [...new Set(errors.map((e) => describeUserError(e, ctx)))]);
    let first = null;
    for (const e of errors) {
      const name = fieldName(e);
      const input = name && form.elements.namedItem(name);
      if (!input || !input.setAttribute) continue;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', box.id);
      first = first || input;
    }
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
      if (err.code === 'ACCESS_DENIED' && (ctx === 'profile' || ctx === 'password')) {
        // Most likely the token was revoked or expired: check, and if so
        // start over at the login page.
        const still = await currentCustomer().catch(() => null);
        if (!still) {
          await endSession();
          location.replace('/account/login?expired=1');
          return;
        }
      }
      if (err.code === 'INTERNAL_SERVER_ERROR' || err.code === 'NETWORK') console.warn('customerauth:', err.message);
      showMessage(box, 'error', [describeApiError(err, ctx)]);
      return;
    }
    console.error(err);
    showMessage(box, 'error', ['Something went wrong. Please try again.']);
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
