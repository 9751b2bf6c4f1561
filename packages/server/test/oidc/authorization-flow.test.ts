// The authorization code flow end to end over app.inject, with the pages' cookie jar (docs/oidc.md,
// "The flow"): authorize → sign-in page → continue → consent → code → POST /token (PKCE S256, an
// ID token with the nonce); codes are single use and a reused one revokes what it issued; prompt=none
// answers login_required / consent_required; deny answers access_denied; an unregistered redirect_uri
// gets the error page; end-session ends the browser session and goes back with state; and a code made
// on one instance is redeemed on another (PostgreSQL + Redis).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTestApp, registerUser, bearer, type TestApp } from '../helpers.js';
import { PageBrowser, csrfOf, inputValue } from '../http/pages/page-browser.js';
import { deleteRedisKeys, postgres, unavailable } from '../storage/backends.js';

const ISSUER = 'https://id.example.com';
const SECRET = 's'.repeat(40);
const CB = 'https://app.example.com/cb';
const CLIENTS = JSON.stringify([
  { client_id: 'app', client_secret: SECRET, client_name: 'The App', redirect_uris: [CB], post_logout_redirect_uris: ['https://app.example.com/bye'],
    grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' },
  { client_id: 'first', client_secret: SECRET, redirect_uris: [CB], skip_consent: true },
]);
const ENV = { PUBLIC_URL: ISSUER, OIDC_CLIENTS: CLIENTS };

async function setup(t: TestContext, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp({ ...ENV, ...env });
  t.after(() => ctx.close());
  return ctx;
}

const verifier = () => randomBytes(32).toString('base64url');
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
const basic = (id: string) => `Basic ${Buffer.from(`${id}:${SECRET}`).toString('base64')}`;

function authorizeUrl(params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: CB, scope: 'openid email', state: 'st', ...params })}`;
}

const locationOf = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
  assert.equal(res.statusCode, 303, `expected a redirect, got ${res.statusCode}: ${res.body.slice(0, 2000)}`);
  return String(res.headers.location);
};
const relative = (location: string) => (location.startsWith(ISSUER) ? location.slice(ISSUER.length) : location);

/** Signs in through the pages from a /signin?continue=… location; answers the location after the sign-in. */
async function signIn(browser: PageBrowser, signinLocation: string, user: { username: string; password: string }): Promise<string> {
  const page = await browser.get(signinLocation);
  assert.equal(page.statusCode, 200, page.body);
  const res = await browser.post('/signin', {
    csrf: csrfOf(page.body), login: user.username, password: user.password, continue: inputValue(page.body, 'continue') ?? '',
  });
  return locationOf(res);
}

/** From /oauth/authorize to the client's redirect URI, signing in and allowing as asked; answers that URI. */
async function authorize(browser: PageBrowser, user: { username: string; password: string }, params: Record<string, string>): Promise<URL> {
  let location = locationOf(await browser.get(authorizeUrl(params)));
  for (let steps = 0; steps < 6 && !location.startsWith(CB); steps += 1) {
    if (location.startsWith('/signin')) location = await signIn(browser, location, user);
    else if (location.startsWith('/oauth/authorize/consent')) {
      const page = await browser.get(location);
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /The App/);
      location = locationOf(await browser.post('/oauth/authorize/consent', { csrf: csrfOf(page.body), request: inputValue(page.body, 'request')!, decision: 'allow' }));
    } else location = locationOf(await browser.get(relative(location)));
  }
  assert.ok(location.startsWith(CB), `the flow did not come back to the client: ${location}`);
  return new URL(location);
}

function userinfo(ctx: TestApp, accessToken: string) {
  return ctx.app.inject({ method: 'GET', url: '/oauth/userinfo', headers: bearer(accessToken) });
}

function redeem(ctx: TestApp, fields: Record<string, string>, client = 'app') {
  return ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    payload: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: CB, ...fields }).toString(),
  });
}

test('code + PKCE: sign in, consent, code with state and iss; the token answer has an ID token with the nonce and no refresh token without offline_access', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const v = verifier();
  const back = await authorize(browser, user, { nonce: 'n-1', code_challenge: challengeOf(v), code_challenge_method: 'S256' });
  assert.equal(back.searchParams.get('state'), 'st');
  assert.equal(back.searchParams.get('iss'), ISSUER);
  const code = back.searchParams.get('code')!;
  const res = await redeem(ctx, { code, code_verifier: v });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
  assert.equal(body.scope, 'openid email');
  const id = claimsOf(body.id_token);
  assert.deepEqual([id.iss, id.sub, id.aud, id.nonce], [ISSUER, user.userId, 'app', 'n-1']);
  assert.ok(id.sid && id.auth_time);
  assert.equal(claimsOf(body.access_token).client_id, 'app');
  const info = await userinfo(ctx, body.access_token);
  assert.equal(info.statusCode, 200, info.body);
  assert.equal(info.json().sub, user.userId);

  // consent is remembered: the next authorization goes straight back with a code
  const again = locationOf(await browser.get(authorizeUrl({ prompt: 'none' })));
  assert.ok(new URL(again).searchParams.get('code'), again);
});

test('a code is single use: presenting it again fails and revokes the session its first use opened', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const code = (await authorize(new PageBrowser(ctx.app), user, {})).searchParams.get('code')!;
  const first = await redeem(ctx, { code });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal((await userinfo(ctx, first.json().access_token)).statusCode, 200, 'the session is live before the reuse');
  const second = await redeem(ctx, { code });
  assert.equal(second.statusCode, 400);
  assert.equal(second.json().error, 'invalid_grant');
  assert.equal((await userinfo(ctx, first.json().access_token)).statusCode, 401, 'the reuse revoked the session of the first use');
  const third = await redeem(ctx, { code });
  assert.equal(third.statusCode, 400, 'the code is refused every time it comes back, not only the second');
  assert.equal(third.json().error, 'invalid_grant');
});

test('a code spelled another way (base64url bits that decode to the same bytes) is refused, not a fresh code', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const code = (await authorize(new PageBrowser(ctx.app), user, {})).searchParams.get('code')!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // a lone trailing character, or the unused low bit of the last one: the same bytes once decoded
  const variant = code.length % 4 === 0
    ? `${code}A`
    : `${code.slice(0, -1)}${alphabet[alphabet.indexOf(code.at(-1)!) ^ 1]}`;
  assert.deepEqual(Buffer.from(variant, 'base64url'), Buffer.from(code, 'base64url'), 'the variant names the same bytes');
  const first = await redeem(ctx, { code });
  assert.equal(first.statusCode, 200, first.body);
  const again = await redeem(ctx, { code: variant });
  assert.equal(again.statusCode, 400, again.body);
  assert.equal(again.json().error, 'invalid_grant');
});

test('a code redeemed twice at once gives one answer; an altered code is refused', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const code = (await authorize(new PageBrowser(ctx.app), user, {})).searchParams.get('code')!;
  const flipped = `${code.slice(0, 20)}${code[20] === 'A' ? 'B' : 'A'}${code.slice(21)}`;
  const altered = await redeem(ctx, { code: flipped });
  assert.equal(altered.statusCode, 400, altered.body);
  assert.equal(altered.json().error, 'invalid_grant');
  const answers = await Promise.all([redeem(ctx, { code }), redeem(ctx, { code })]);
  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 400], answers.map((a) => a.body).join('\n'));
});

test('the code is bound to its client, redirect_uri and PKCE verifier; it expires after 60 s', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const v = verifier();
  const get = async () => (await authorize(browser, user, { code_challenge: challengeOf(v), code_challenge_method: 'S256' })).searchParams.get('code')!;
  const cases: Array<[Record<string, string>, string?]> = [
    [{ code_verifier: verifier() }], [{}], [{ code_verifier: v, redirect_uri: `${CB}/other` }], [{ code_verifier: v }, 'first'],
  ];
  for (const [fields, client] of cases) {
    const res = await redeem(ctx, { code: await get(), ...fields }, client);
    assert.equal(res.statusCode, 400, JSON.stringify(fields));
    assert.equal(res.json().error, 'invalid_grant', JSON.stringify(fields));
  }
  const late = await get();
  ctx.clock.advance(61_000);
  assert.equal((await redeem(ctx, { code: late, code_verifier: v })).json().error, 'invalid_grant');
});

test('prompt=none: login_required without a session, consent_required without consent; deny answers access_denied', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const none = new URL(locationOf(await browser.get(authorizeUrl({ prompt: 'none' }))));
  assert.deepEqual([none.origin + none.pathname, none.searchParams.get('error'), none.searchParams.get('state'), none.searchParams.get('iss')],
    [CB, 'login_required', 'st', ISSUER]);
  const signin = locationOf(await browser.get(authorizeUrl({ login_hint: user.username, ui_locales: 'ko' })));
  assert.match(signin, new RegExp(`^/signin\\?continue=[A-Za-z0-9_-]{43}&login_hint=${user.username}&ui_locales=ko$`));
  assert.match((await browser.get(signin)).body, /<html lang="ko">/, 'the sign-in page speaks the language the client asked for');
  const consent = await signIn(browser, signin, user);
  assert.match(consent, /^\/oauth\/authorize\/continue\?request=/);
  const consentPage = locationOf(await browser.get(consent));
  assert.match(consentPage, /^\/oauth\/authorize\/consent\?request=/);
  const noConsent = new URL(locationOf(await browser.get(authorizeUrl({ prompt: 'none' }))));
  assert.equal(noConsent.searchParams.get('error'), 'consent_required');
  const page = await browser.get(consentPage);
  const denied = new URL(locationOf(await browser.post('/oauth/authorize/consent', { csrf: csrfOf(page.body), request: inputValue(page.body, 'request')!, decision: 'deny' })));
  assert.deepEqual([denied.searchParams.get('error'), denied.searchParams.get('state')], ['access_denied', 'st']);
});

test('the consent page opened again after it was answered, or its form sent twice, says so (en, ko) with a way back to the app and to the account', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const consentPage = locationOf(await browser.get(await signIn(browser, locationOf(await browser.get(authorizeUrl({}))), user)));
  const page = await browser.get(consentPage);
  const form = { csrf: csrfOf(page.body), request: inputValue(page.body, 'request')!, decision: 'allow' };
  for (const key of ['client_id', 'ui_locales'] as const) { const v = inputValue(page.body, key); if (v !== undefined) Object.assign(form, { [key]: v }); }
  assert.ok(new URL(locationOf(await browser.post('/oauth/authorize/consent', form)), CB).searchParams.get('code'));
  const answered = [
    ['opened again', await browser.get(consentPage)],
    ['sent twice', await browser.post('/oauth/authorize/consent', form)],
  ] as const;
  for (const [how, res] of answered) {
    assert.equal(res.statusCode, 410, `${how}: ${res.body.slice(0, 500)}`);
    assert.match(res.body, /already answered, or it has expired/, how);
    assert.match(res.body, /<a href="https:\/\/app\.example\.com\/">Back to The App<\/a>/, how);
    assert.match(res.body, /<a href="\/signed-in">/, how);
    assert.doesNotMatch(res.body, /This did not work/, `${how}: not the generic error`);
  }
  const ko = await browser.get(consentPage, { 'accept-language': 'ko' });
  assert.equal(ko.statusCode, 410);
  assert.match(ko.body, /<html lang="ko">/);
  assert.match(ko.body, /이미 응답되었거나 만료되었습니다/);
  const unknown = await browser.get('/oauth/authorize/consent?request=' + 'x'.repeat(43) + '&client_id=nobody');
  assert.equal(unknown.statusCode, 410);
  assert.doesNotMatch(unknown.body, /Back to/, 'no app link for a client that is not registered');
  assert.match(unknown.body, /<a href="\/signed-in">/);
});

test('an unregistered redirect_uri or an unknown client gets the error page, not a redirect; a bad request to a good URI goes back', async (t) => {
  const ctx = await setup(t);
  const browser = new PageBrowser(ctx.app);
  for (const params of [{ redirect_uri: 'https://evil.example/cb' }, { client_id: 'nobody' }] as Array<Record<string, string>>) {
    const res = await browser.get(authorizeUrl(params));
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers.location, undefined);
    assert.match(String(res.headers['content-type']), /text\/html/);
  }
  const back = new URL(locationOf(await browser.get(authorizeUrl({ code_challenge: challengeOf(verifier()), code_challenge_method: 'plain' }))));
  assert.equal(back.searchParams.get('error'), 'invalid_request');
});

test('end-session with an id_token_hint ends the browser session and goes back to the registered URI with state', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  const code = (await authorize(browser, user, {})).searchParams.get('code')!;
  const idToken = (await redeem(ctx, { code })).json().id_token;
  const bad = await browser.get(`/oauth/end-session?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' })}`);
  assert.equal(bad.statusCode, 400);
  const res = await browser.get(`/oauth/end-session?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'https://app.example.com/bye', state: 'x' })}`);
  assert.equal(locationOf(res), 'https://app.example.com/bye?state=x');
  const after = new URL(locationOf(await browser.get(authorizeUrl({ prompt: 'none' }))));
  assert.equal(after.searchParams.get('error'), 'login_required');
});

test('end-session without a hint asks first (a CSRF-checked form), then signs out', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  await authorize(browser, user, {});
  const page = await browser.get('/oauth/end-session');
  assert.equal(page.statusCode, 200);
  assert.equal(locationOf(await browser.get(authorizeUrl({ prompt: 'none' }))).includes('code='), true, 'not signed out by a GET alone');
  const forged = await browser.post('/oauth/end-session', { csrf: 'x', confirm: 'yes' });
  assert.equal(forged.statusCode, 200, 'a wrong CSRF token asks again');
  assert.equal(locationOf(await browser.post('/oauth/end-session', { csrf: csrfOf(page.body), confirm: 'yes' })), '/signed-out');
  assert.equal(new URL(locationOf(await browser.get(authorizeUrl({ prompt: 'none' })))).searchParams.get('error'), 'login_required');
});

test('a code made on one instance is redeemed on another (PostgreSQL + Redis)', { skip: unavailable('POSTGRES_URL') || unavailable('REDIS_URL') }, async (t) => {
  const schema = await postgres.create();
  t.after(() => schema.drop());
  const env = { DATABASE_URL: schema.url, REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: `gh_test_${randomBytes(5).toString('hex')}:` };
  t.after(async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    await deleteRedisKeys(redis, env.REDIS_KEY_PREFIX);
    await redis.quit();
  });
  const one = await setup(t, env);
  const two = await setup(t, env);
  // Redis expires sessions by its own clock: both instances' clocks at now
  for (const ctx of [one, two]) ctx.clock.set(Date.now());
  const user = await registerUser(one.app);
  const v = verifier();
  const code = (await authorize(new PageBrowser(one.app), user, { code_challenge: challengeOf(v), code_challenge_method: 'S256' })).searchParams.get('code')!;
  const res = await redeem(two, { code, code_verifier: v });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(claimsOf(res.json().id_token).sub, user.userId);
  assert.equal((await redeem(one, { code, code_verifier: v })).json().error, 'invalid_grant');
});

test('pending requests expire and the sweeper deletes them; a code is sealed, never stored', async (t) => {
  const ctx = await setup(t);
  const user = await registerUser(ctx.app);
  const browser = new PageBrowser(ctx.app);
  await authorize(browser, user, {}); // one pending request taken, one consent request taken, one code left unredeemed
  locationOf(await browser.get(authorizeUrl({ prompt: 'login' }))); // one pending request left behind
  assert.equal((await ctx.sweeper.sweepOnce()).federationTickets, 0, 'nothing expired yet');
  ctx.clock.advance(31 * 60 * 1000);
  assert.equal((await ctx.sweeper.sweepOnce()).federationTickets, 1, 'the pending request (30 min); the unredeemed code left no row');
});
