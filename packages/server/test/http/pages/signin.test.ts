// The sign-in pages (docs/architecture.md, "Pages"): HTML under a strict CSP, escaping, the
// language, CSRF refused with a stable code, the same answer for an unknown user and a wrong
// password, the second step, `continue`, prompt=login, and the browser session as an ordinary
// session (listed, ended by a logout).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bearer, createTestApp, registerUser, type TestApp } from '../../helpers.js';
import { codeAt, enrolTotp } from '../routes/mfa/mfa-helpers.js';
import { csrfOf, inputValue, PageBrowser } from './page-browser.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const REQUEST_ID = 'AbCdEfGhIjKlMnOpQrStUvWx';

async function signIn(browser: PageBrowser, login: string, password: string, query = '') {
  const page = await browser.get(`/signin${query}`);
  assert.equal(page.statusCode, 200, page.body);
  const fields: Record<string, string> = { csrf: csrfOf(page.body), login, password };
  const next = inputValue(page.body, 'continue');
  if (next !== undefined) fields.continue = next;
  return browser.post('/signin', fields);
}

test('the sign-in page is HTML under a strict CSP, not cached, with the fields password managers look for', async () => {
  const res = await new PageBrowser(t.app).get('/signin');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.match(res.body, /<html lang="en">/);
  assert.match(res.body, /<input id="login" name="login" autocomplete="username"/);
  assert.match(res.body, /<input id="password" name="password" type="password" autocomplete="current-password"/);
  assert.doesNotMatch(res.body, /<script/, 'password sign-in needs no script');
  assert.match(res.body, /<link rel="stylesheet" href="\/pages\/style.css">/);
});

test('the stylesheet is our own and carries the theme as CSS variables', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/pages/style.css' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/css/);
  assert.match(res.body, /--gh-primary: #1d4ed8;/);
  assert.doesNotMatch(res.body, /https?:\/\//, 'no third-party asset');
});

test('the language is ui_locales first, then Accept-Language, then English', async () => {
  const browser = new PageBrowser(t.app);
  assert.match((await browser.get('/signin', { 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.5' })).body, /<html lang="ko">[\s\S]*로그인/);
  assert.match((await browser.get('/signin?ui_locales=en-US', { 'accept-language': 'ko' })).body, /<html lang="en">/);
  assert.match((await browser.get('/signin?ui_locales=fr%20ko', { 'accept-language': 'en' })).body, /<html lang="ko">/);
  assert.match((await browser.get('/signin', { 'accept-language': 'fr, ko;q=0.1, en;q=0.8' })).body, /<html lang="en">/);
  assert.match((await browser.get('/signin', { 'accept-language': 'de' })).body, /<html lang="en">/);
});

test('login_hint prefills the field, escaped', async () => {
  const res = await new PageBrowser(t.app).get(`/signin?login_hint=${encodeURIComponent('"><script>alert(1)</script>')}`);
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /<script>alert/);
  assert.match(res.body, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
});

test('a posted form without this browser\'s CSRF token is refused with csrf_failed', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  await browser.get('/signin');
  const none = await browser.post('/signin', { login: user.username, password: user.password });
  assert.equal(none.statusCode, 403);
  assert.equal(none.headers['gatehouse-error'], 'csrf_failed');
  assert.match(none.body, /csrf_failed/);
  assert.equal(browser.cookies.has('gh_session'), false, 'no session');

  // a token from another browser does not fit this browser's cookie
  const other = new PageBrowser(t.app);
  const otherToken = csrfOf((await other.get('/signin')).body);
  const foreign = await browser.post('/signin', { csrf: otherToken, login: user.username, password: user.password });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.headers['gatehouse-error'], 'csrf_failed');

  // and a browser without the cookie at all is refused too
  const bare = await t.app.inject({
    method: 'POST', url: '/signin', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ csrf: otherToken, login: user.username, password: user.password }).toString(),
  });
  assert.equal(bare.statusCode, 403);
  assert.equal(bare.headers['gatehouse-error'], 'csrf_failed');
});

test('a sign-in sets an HttpOnly, SameSite=Lax cookie naming a listed session, and lands on /signed-in', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  const res = await signIn(browser, user.email, user.password);
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, '/signed-in');
  const cookie = [res.headers['set-cookie']].flat().find((line) => line?.startsWith('gh_session='));
  assert.ok(cookie);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Lax/);
  assert.match(cookie, /; Path=\//);
  assert.doesNotMatch(cookie, /eyJ/, 'no token in the cookie');
  const signedIn = await browser.get('/signed-in');
  assert.equal(signedIn.statusCode, 200);
  const sessions = await t.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(user.tokens.access_token) });
  assert.equal((sessions.json() as { sessions: unknown[] }).sessions.length, 2, 'the registration\'s session and the browser\'s');
});

test('an unknown user and a wrong password get the same page', async () => {
  const user = await registerUser(t.app);
  const wrong = await signIn(new PageBrowser(t.app), user.username, 'not the password at all');
  const unknown = await signIn(new PageBrowser(t.app), 'nobody-such', 'not the password at all');
  for (const res of [wrong, unknown]) {
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['gatehouse-error'], 'invalid_credentials');
    assert.match(res.body, /role="alert"[^>]*>Wrong username, email or password\./);
    assert.equal(inputValue(res.body, 'password'), undefined, 'the password is not sent back');
  }
  const strip = (body: string) => body.replace(/value="[^"]*"/g, '');
  assert.equal(strip(wrong.body), strip(unknown.body));
});

test('continue is carried through the sign-in, and a malformed one is dropped', async () => {
  const user = await registerUser(t.app);
  const carried = await signIn(new PageBrowser(t.app), user.username, user.password, `?continue=${REQUEST_ID}`);
  assert.equal(carried.statusCode, 303);
  assert.equal(carried.headers.location, `/oauth/authorize/continue?request=${REQUEST_ID}`);

  const browser = new PageBrowser(t.app);
  const page = await browser.get('/signin?continue=https://evil.example/');
  assert.equal(inputValue(page.body, 'continue'), undefined);
  const forged = await browser.post('/signin', { csrf: csrfOf(page.body), login: user.username, password: user.password, continue: '//evil.example' });
  assert.equal(forged.statusCode, 303);
  assert.equal(forged.headers.location, '/signed-in');
});

test('signed in, /signin goes on at once; prompt=login asks again, and the new sign-in replaces the old session', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  await signIn(browser, user.username, user.password);
  const again = await browser.get(`/signin?continue=${REQUEST_ID}`);
  assert.equal(again.statusCode, 303);
  assert.equal(again.headers.location, `/oauth/authorize/continue?request=${REQUEST_ID}`);
  const first = browser.cookies.get('gh_session');

  const res = await signIn(browser, user.username, user.password, `?continue=${REQUEST_ID}&prompt=login`);
  assert.equal(res.statusCode, 303);
  assert.notEqual(browser.cookies.get('gh_session'), first);
  const sessions = await t.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(user.tokens.access_token) });
  assert.equal((sessions.json() as { sessions: unknown[] }).sessions.length, 2, 'the replaced browser session ended');
});

test('a logout everywhere ends the browser session; signing out from the page ends it too', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  await signIn(browser, user.username, user.password);
  assert.equal((await browser.get('/signed-in')).statusCode, 200);
  const logout = await t.app.inject({ method: 'POST', url: '/auth/logout?scope=global', headers: bearer(user.tokens.access_token) });
  assert.equal(logout.statusCode, 204);
  const after = await browser.get('/signed-in');
  assert.equal(after.statusCode, 303);
  assert.equal(after.headers.location, '/signin');

  const other = new PageBrowser(t.app);
  const second = await registerUser(t.app);
  await signIn(other, second.username, second.password);
  const page = await other.get('/signed-in');
  const out = await other.post('/signed-out', { csrf: csrfOf(page.body) });
  assert.equal(out.statusCode, 200);
  assert.equal(other.cookies.has('gh_session'), false);
  const sessions = await t.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(second.tokens.access_token) });
  assert.equal((sessions.json() as { sessions: unknown[] }).sessions.length, 1);
});

test('a forged or altered session cookie signs nobody in', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  await signIn(browser, user.username, user.password);
  const value = browser.cookies.get('gh_session')!;
  const [userId, sessionId] = value.split('.');
  browser.cookies.set('gh_session', `${userId}.${sessionId}.${'A'.repeat(43)}`);
  assert.equal((await browser.get('/signed-in')).statusCode, 303);
});

test('with a second factor, the sign-in shows the second step; a wrong code stays there, the right one signs in', async () => {
  const user = await registerUser(t.app);
  const { secret } = await enrolTotp(t.app, user.tokens.access_token, t.clock.now());
  t.clock.advance(60_000);
  const browser = new PageBrowser(t.app);
  const first = await signIn(browser, user.username, user.password, `?continue=${REQUEST_ID}`);
  assert.equal(first.statusCode, 200);
  assert.match(first.body, /action="\/signin\/second-step"/);
  assert.equal(browser.cookies.has('gh_session'), false, 'no session before the second step');
  const mfaToken = inputValue(first.body, 'mfa_token')!;
  const fields = { csrf: csrfOf(first.body), mfa_token: mfaToken, factor: 'totp', factors: 'totp recovery_code', continue: REQUEST_ID };
  const wrong = await browser.post('/signin/second-step', { ...fields, code: '000000' === codeAt(secret, t.clock.now()) ? '111111' : '000000' });
  assert.equal(wrong.statusCode, 403);
  assert.equal(wrong.headers['gatehouse-error'], 'invalid_mfa_code');
  assert.equal(inputValue(wrong.body, 'mfa_token'), mfaToken);
  const right = await browser.post('/signin/second-step', { ...fields, code: codeAt(secret, t.clock.now()) });
  assert.equal(right.statusCode, 303, right.body);
  assert.equal(right.headers.location, `/oauth/authorize/continue?request=${REQUEST_ID}`);
  assert.equal((await browser.get('/signed-in')).statusCode, 200);
});

test('the sign-in page shares the JSON login\'s per-address limit', async () => {
  const limited = await createTestApp({ RATE_LIMIT_LOGIN_PER_IP: '2/1m' });
  try {
    const browser = new PageBrowser(limited.app);
    await signIn(browser, 'someone', 'wrong password 1');
    await signIn(browser, 'someone', 'wrong password 2');
    const third = await signIn(browser, 'someone', 'wrong password 3');
    assert.equal(third.statusCode, 429);
    assert.equal(third.headers['gatehouse-error'], 'rate_limited');
    assert.ok(Number(third.headers['retry-after']) > 0);
    const api = await limited.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'someone', password: 'x' } });
    assert.equal(api.statusCode, 429, 'one limit for both');
  } finally {
    await limited.close();
  }
});

test('under an https PUBLIC_URL the cookies are Secure and __Host- prefixed', async () => {
  const secure = await createTestApp({ PUBLIC_URL: 'https://auth.example.com' });
  try {
    const user = await registerUser(secure.app);
    const browser = new PageBrowser(secure.app);
    const page = await browser.get('/signin');
    assert.match(String(page.headers['set-cookie']), /^__Host-gh_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure/);
    const res = await browser.post('/signin', { csrf: csrfOf(page.body), login: user.username, password: user.password });
    assert.equal(res.statusCode, 303);
    assert.ok(browser.cookies.has('__Host-gh_session'));
    assert.equal((await browser.get('/signed-in')).statusCode, 200);
  } finally {
    await secure.close();
  }
});

test('the theme: the product name escaped in every page, the logo\'s origin admitted by the CSP and no other', async () => {
  const themed = await createTestApp({ PRODUCT_NAME: 'Acme <Corp>', PAGES_LOGO_URL: 'https://static.acme.example/logo.svg', PAGES_COLOR_PRIMARY: '#0f766e' });
  try {
    const res = await new PageBrowser(themed.app).get('/signin');
    assert.match(res.body, /<span class="product">Acme &lt;Corp&gt;<\/span>/);
    assert.match(res.body, /<img src="https:\/\/static.acme.example\/logo.svg" alt="" class="logo">/);
    assert.match(String(res.headers['content-security-policy']), /img-src 'self' https:\/\/static.acme.example;/);
    const css = await themed.app.inject({ method: 'GET', url: '/pages/style.css' });
    assert.match(css.body, /--gh-primary: #0f766e;/);
  } finally {
    await themed.close();
  }
});
