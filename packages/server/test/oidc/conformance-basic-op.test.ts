// The OpenID Foundation's Basic OP certification plan (oidcc-basic-certification-test-plan) for a
// static client, one test per module that applies, named after it, over app.inject with the pages'
// cookie jar (docs/oidc.md, "Conformance"). Modules left out, and why, are listed there.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createTestApp, registerUser, bearer, type TestApp } from '../helpers.js';
import { PageBrowser, csrfOf, inputValue } from '../http/pages/page-browser.js';

const ISSUER = 'https://op.example.com';
const SECRET = 'c'.repeat(40);
const CB = 'https://rp.example.com/cb';
const CLIENTS = JSON.stringify([
  { client_id: 'rp', client_secret: SECRET, redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' },
  { client_id: 'rp-post', client_secret: SECRET, redirect_uris: [CB], token_endpoint_auth_method: 'client_secret_post', scope: 'openid profile email' },
]);
type User = { userId: string; username: string; password: string };

async function setup(t: TestContext): Promise<TestApp> {
  const ctx = await createTestApp({ PUBLIC_URL: ISSUER, OIDC_CLIENTS: CLIENTS });
  t.after(() => ctx.close());
  return ctx;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
const basic = (id: string) => `Basic ${Buffer.from(`${id}:${SECRET}`).toString('base64')}`;
const authorizeUrl = (params: Record<string, string>) =>
  `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'rp', redirect_uri: CB, scope: 'openid', state: 'st', nonce: 'n', ...params })}`;
const locationOf = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
  assert.equal(res.statusCode, 303, `expected a redirect, got ${res.statusCode}: ${res.body.slice(0, 1000)}`);
  return String(res.headers.location);
};
const relative = (location: string) => (location.startsWith(ISSUER) ? location.slice(ISSUER.length) : location);

/** Follows a location through sign-in and consent until the client's redirect URI; counts the sign-ins. */
async function follow(browser: PageBrowser, location: string, user: User, seen = { signIns: 0 }): Promise<URL> {
  for (let steps = 0; steps < 8 && !location.startsWith(CB); steps += 1) {
    if (location.startsWith('/signin')) {
      seen.signIns += 1;
      const page = await browser.get(location);
      assert.equal(page.statusCode, 200, page.body);
      location = locationOf(await browser.post('/signin', { csrf: csrfOf(page.body), login: user.username, password: user.password, continue: inputValue(page.body, 'continue') ?? '' }));
    } else if (location.startsWith('/oauth/authorize/consent')) {
      const page = await browser.get(location);
      assert.equal(page.statusCode, 200, page.body);
      location = locationOf(await browser.post('/oauth/authorize/consent', { csrf: csrfOf(page.body), request: inputValue(page.body, 'request')!, decision: 'allow' }));
    } else location = locationOf(await browser.get(relative(location)));
  }
  assert.ok(location.startsWith(CB), `the flow did not come back to the client: ${location}`);
  return new URL(location);
}

const authorize = async (browser: PageBrowser, user: User, params: Record<string, string>, seen?: { signIns: number }) =>
  follow(browser, locationOf(await browser.get(authorizeUrl(params))), user, seen);

function redeem(ctx: TestApp, code: string, client = 'rp') {
  const fields: Record<string, string> = { grant_type: 'authorization_code', redirect_uri: CB, code };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client === 'rp-post') Object.assign(fields, { client_id: client, client_secret: SECRET });
  else headers.authorization = basic(client);
  return ctx.app.inject({ method: 'POST', url: '/token', headers, payload: new URLSearchParams(fields).toString() });
}

/** The whole flow for a new user: the token answer, checked as oidcc-server checks it. */
async function codeFlow(ctx: TestApp, params: Record<string, string> = {}, client = 'rp') {
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const back = await authorize(browser, user, { client_id: client, ...params });
  assert.equal(back.searchParams.get('state'), params.state ?? 'st');
  assert.equal(back.searchParams.get('iss'), ISSUER);
  const res = await redeem(ctx, back.searchParams.get('code')!, client);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.token_type.toLowerCase(), 'bearer');
  const id = claimsOf(body.id_token);
  assert.equal(id.iss, ISSUER);
  assert.equal(id.sub, user.userId);
  assert.equal(id.aud, client);
  assert.ok(typeof id.iat === 'number' && typeof id.exp === 'number' && id.exp > id.iat);
  return { user, browser, body, id };
}

const userinfo = (ctx: TestApp, how: 'get' | 'post-header' | 'post-body', token: string) =>
  how === 'get' ? ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(token) })
    : how === 'post-header' ? ctx.app.inject({ method: 'POST', url: '/oauth/userinfo', headers: bearer(token) })
      : ctx.app.inject({ method: 'POST', url: '/oauth/userinfo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `access_token=${token}` });

test('oidcc-server', async (t) => {
  const { id } = await codeFlow(await setup(t));
  assert.equal(id.nonce, 'n');
});

test('oidcc-server-client-secret-post', async (t) => {
  await codeFlow(await setup(t), {}, 'rp-post');
});

test('oidcc-response-type-missing', async (t) => {
  const ctx = await setup(t);
  const url = `/oauth/authorize?${new URLSearchParams({ client_id: 'rp', redirect_uri: CB, scope: 'openid', state: 'st' })}`;
  const back = new URL(locationOf(await new PageBrowser(ctx.app).get(url)));
  assert.equal(back.origin + back.pathname, CB);
  assert.equal(back.searchParams.get('error'), 'invalid_request');
  assert.equal(back.searchParams.get('state'), 'st');
  assert.equal(back.searchParams.get('code'), null);
});

test('oidcc-idtoken-signature', async (t) => {
  const ctx = await setup(t);
  const { body } = await codeFlow(ctx);
  const header = headerOf(body.id_token);
  assert.equal(header.alg, 'RS256');
  const jwks = (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  const key = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
  assert.ok(key, 'the kid is published');
  const { createPublicKey, createVerify } = await import('node:crypto');
  const [h, p, s] = body.id_token.split('.');
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(createPublicKey({ key, format: 'jwk' }), Buffer.from(s, 'base64url'));
  assert.equal(ok, true);
});

for (const how of ['get', 'post-header', 'post-body'] as const) {
  test(`oidcc-userinfo-${how}`, async (t) => {
    const ctx = await setup(t);
    const { body, user } = await codeFlow(ctx);
    const res = await userinfo(ctx, how, body.access_token);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().sub, user.userId);
  });
}

test('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const url = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'rp', redirect_uri: CB, scope: 'openid', state: 'st' })}`;
  const browser = new PageBrowser(ctx.app);
  const back = await follow(browser, locationOf(await browser.get(url)), user);
  const res = await redeem(ctx, back.searchParams.get('code')!);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(claimsOf(res.json().id_token).nonce, undefined);
});

for (const [module, scope, claims] of [
  ['oidcc-scope-profile', 'openid profile', ['name', 'preferred_username']],
  ['oidcc-scope-email', 'openid email', ['email', 'email_verified']],
  ['oidcc-scope-all', 'openid profile email address phone', ['name', 'preferred_username', 'email', 'email_verified']],
  ['oidcc-ensure-other-scope-order-succeeds', 'email openid', ['email', 'email_verified']],
] as const) {
  test(module, async (t) => {
    const ctx = await setup(t);
    const { body } = await codeFlow(ctx, { scope });
    const info = (await userinfo(ctx, 'get', body.access_token)).json();
    for (const claim of claims) assert.ok(claim in info, `${claim} in ${JSON.stringify(info)}`);
  });
}

for (const display of ['page', 'popup']) {
  test(`oidcc-display-${display}`, async (t) => {
    await codeFlow(await setup(t), { display });
  });
}

test('oidcc-prompt-login', async (t) => {
  const ctx = await setup(t);
  const { user, browser, id } = await codeFlow(ctx);
  ctx.clock.advance(2_000);
  const seen = { signIns: 0 };
  const back = await authorize(browser, user, { prompt: 'login' }, seen);
  assert.equal(seen.signIns, 1, 'prompt=login asks to sign in again');
  const second = claimsOf((await redeem(ctx, back.searchParams.get('code')!)).json().id_token);
  assert.ok((second.auth_time as number) > (id.auth_time as number), 'a new auth_time');
});

test('oidcc-prompt-none-not-logged-in', async (t) => {
  const ctx = await setup(t);
  const back = new URL(locationOf(await new PageBrowser(ctx.app).get(authorizeUrl({ prompt: 'none' }))));
  assert.equal(back.origin + back.pathname, CB);
  assert.ok(['login_required', 'interaction_required', 'account_selection_required', 'consent_required'].includes(back.searchParams.get('error')!));
  assert.equal(back.searchParams.get('state'), 'st');
});

test('oidcc-prompt-none-logged-in', async (t) => {
  const ctx = await setup(t);
  const { browser, user } = await codeFlow(ctx);
  const back = new URL(locationOf(await browser.get(authorizeUrl({ prompt: 'none' }))));
  const res = await redeem(ctx, back.searchParams.get('code')!);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(claimsOf(res.json().id_token).sub, user.userId);
});

test('oidcc-max-age-1', async (t) => {
  const ctx = await setup(t);
  const { user, browser, id } = await codeFlow(ctx);
  ctx.clock.advance(2_000);
  const seen = { signIns: 0 };
  const back = await authorize(browser, user, { max_age: '1' }, seen);
  assert.equal(seen.signIns, 1, 'an authentication older than max_age asks to sign in again');
  const second = claimsOf((await redeem(ctx, back.searchParams.get('code')!)).json().id_token);
  assert.ok(typeof second.auth_time === 'number' && second.auth_time > (id.auth_time as number));
});

test('oidcc-max-age-10000', async (t) => {
  const ctx = await setup(t);
  const { user, browser, id } = await codeFlow(ctx);
  ctx.clock.advance(2_000);
  const seen = { signIns: 0 };
  const back = await authorize(browser, user, { max_age: '10000' }, seen);
  assert.equal(seen.signIns, 0);
  const second = claimsOf((await redeem(ctx, back.searchParams.get('code')!)).json().id_token);
  assert.equal(second.auth_time, id.auth_time);
});

test('oidcc-ensure-request-with-unknown-parameter-succeeds', async (t) => {
  await codeFlow(await setup(t), { extra: 'foobar' });
});

test('oidcc-id-token-hint', async (t) => {
  const ctx = await setup(t);
  const { browser, body, user } = await codeFlow(ctx);
  const back = new URL(locationOf(await browser.get(authorizeUrl({ prompt: 'none', id_token_hint: body.id_token }))));
  const res = await redeem(ctx, back.searchParams.get('code')!);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(claimsOf(res.json().id_token).sub, user.userId);
});

for (const [module, params] of [
  ['oidcc-login-hint', { login_hint: 'someone@example.com' }],
  ['oidcc-ui-locales', { ui_locales: 'se' }],
  ['oidcc-claims-locales', { claims_locales: 'se' }],
  ['oidcc-ensure-request-with-acr-values-succeeds', { acr_values: '1 2' }],
  ['oidcc-claims-essential', { claims: JSON.stringify({ userinfo: { name: { essential: true } } }) }],
  ['oidcc-ensure-request-with-valid-pkce-succeeds', {}],
] as const) {
  test(module, async (t) => {
    const ctx = await setup(t);
    const extra: Record<string, string> = { ...params };
    if (module === 'oidcc-ensure-request-with-valid-pkce-succeeds') {
      const v = randomBytes(32).toString('base64url');
      extra.code_challenge = createHash('sha256').update(v).digest('base64url');
      extra.code_challenge_method = 'S256';
      const user = await registerUser(ctx.app);
      const back = await authorize(new PageBrowser(ctx.app), user, extra);
      const res = await ctx.app.inject({
        method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('rp') },
        payload: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: CB, code: back.searchParams.get('code')!, code_verifier: v }).toString(),
      });
      assert.equal(res.statusCode, 200, res.body);
      return;
    }
    const { body } = await codeFlow(ctx, extra);
    assert.equal((await userinfo(ctx, 'get', body.access_token)).statusCode, 200);
  });
}

test('oidcc-codereuse', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const code = (await authorize(new PageBrowser(ctx.app), user, {})).searchParams.get('code')!;
  assert.equal((await redeem(ctx, code)).statusCode, 200);
  const again = await redeem(ctx, code);
  assert.equal(again.statusCode, 400);
  assert.equal(again.json().error, 'invalid_grant');
});

test('oidcc-codereuse-30seconds', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const code = (await authorize(new PageBrowser(ctx.app), user, {})).searchParams.get('code')!;
  const first = (await redeem(ctx, code)).json();
  ctx.clock.advance(30_000);
  assert.equal((await redeem(ctx, code)).json().error, 'invalid_grant');
  // the access token the code issued is revoked (OP-OAuth-2nd-Revokes)
  assert.equal((await userinfo(ctx, 'get', first.access_token)).statusCode, 401);
});

test('oidcc-ensure-registered-redirect-uri', async (t) => {
  const ctx = await setup(t);
  const res = await new PageBrowser(ctx.app).get(authorizeUrl({ redirect_uri: 'https://rp.example.com/cb/other' }));
  assert.equal(res.statusCode, 400);
  assert.equal(res.headers.location, undefined, 'no redirect to an unregistered URI');
});

test('oidcc-ensure-post-request-succeeds', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const res = await browser.post('/oauth/authorize', { response_type: 'code', client_id: 'rp', redirect_uri: CB, scope: 'openid', state: 'st', nonce: 'n' });
  const back = await follow(browser, locationOf(res), user);
  assert.equal((await redeem(ctx, back.searchParams.get('code')!)).statusCode, 200);
});

test('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported', async (t) => {
  const ctx = await setup(t);
  const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ client_id: 'rp', response_type: 'code', redirect_uri: CB, scope: 'openid', state: 'st' })).toString('base64url');
  const back = new URL(locationOf(await new PageBrowser(ctx.app).get(authorizeUrl({ request: `${header}.${payload}.` }))));
  assert.equal(back.searchParams.get('error'), 'request_not_supported');
  assert.equal(back.searchParams.get('state'), 'st');
});

test('oidcc-refresh-token', async (t) => {
  const ctx = await setup(t);
  const { body, id } = await codeFlow(ctx, { scope: 'openid offline_access', prompt: 'consent' });
  assert.ok(body.refresh_token, 'offline_access gives a refresh token');
  const res = await ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('rp') },
    payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: body.refresh_token }).toString(),
  });
  assert.equal(res.statusCode, 200, res.body);
  const next = res.json();
  assert.ok(next.access_token);
  if (next.id_token) {
    const again = claimsOf(next.id_token);
    assert.deepEqual([again.iss, again.sub, again.aud], [id.iss, id.sub, id.aud]);
  }
  // a refresh token of another client is refused
  const other = await ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: next.refresh_token ?? body.refresh_token, client_id: 'rp-post', client_secret: SECRET }).toString(),
  });
  assert.equal(other.statusCode >= 400 && other.statusCode < 500, true, other.body);
});

test('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported', async (t) => {
  const ctx = await setup(t);
  const back = new URL(locationOf(await new PageBrowser(ctx.app).get(authorizeUrl({ request_uri: 'https://rp.example.com/request.jwt' }))));
  assert.equal(back.searchParams.get('error'), 'request_uri_not_supported');
  assert.equal(back.searchParams.get('state'), 'st');
});
