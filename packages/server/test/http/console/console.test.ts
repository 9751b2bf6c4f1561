// The admin console (docs/console.md): the browser session signs in, only the admin role gets in,
// every change needs a recent sign-in asked for in place, and each action has the effect of the
// admin API's use case it calls (the user's token then fails, the account is disabled, …).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, bearer, createTestApp, me, registerUser, type TestApp } from '../../helpers.js';
import { csrfOf, inputValue, PageBrowser } from '../pages/page-browser.js';
import { codeAt, enrolTotp } from '../routes/mfa/mfa-helpers.js';
import { act, signedIn } from './console-helpers.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });

test('not signed in, every console page redirects to /signin, asking to come back to it', async () => {
  for (const url of ['/admin', '/admin/console/users', '/admin/console/audit', '/admin/console/audit/export', '/admin/console/users?q=ada%40example.com']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 303, url);
    assert.equal(res.headers.location, `/signin?continue=${encodeURIComponent(url)}`);
  }
});

test('after signing in, the browser goes back to the console page it asked for', async () => {
  const user = await registerUser(t.app);
  await t.stores.users.update(user.userId, { role: 'admin' }, new Date(t.clock.now()));
  const browser = new PageBrowser(t.app);
  const asked = await browser.get('/admin/console/audit?type=login_succeeded');
  const signin = await browser.get(String(asked.headers.location));
  assert.equal(signin.statusCode, 200);
  assert.equal(inputValue(signin.body, 'continue'), '/admin/console/audit?type=login_succeeded'.replace(/&/g, '&amp;'));
  const done = await browser.post('/signin', { csrf: csrfOf(signin.body), continue: '/admin/console/audit?type=login_succeeded', login: user.username, password: user.password });
  assert.equal(done.statusCode, 303, done.body);
  assert.equal(done.headers.location, '/admin/console/audit?type=login_succeeded');
  assert.equal((await browser.get('/signin?continue=%2Fadmin%2Fconsole%2Fusers')).headers.location, '/admin/console/users', 'already signed in: straight back');
});

test('the return-to is a console path on this origin only: anything else signs in to /signed-in', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  const signin = await browser.get('/signin');
  for (const next of ['//evil.example/admin', 'https://evil.example/admin', '/\\evil.example', '/admin\\@evil.example', '/admin//evil.example',
    '/admin/../signed-in', '/administrator', '/signin', 'javascript:alert(1)', '/admin\r\nSet-Cookie: x=1', `/admin/${'x'.repeat(600)}`]) {
    const res = await browser.post('/signin', { csrf: csrfOf(signin.body), continue: next, login: user.username, password: user.password });
    assert.equal(res.statusCode, 303, next);
    assert.equal(res.headers.location, '/signed-in', next);
    assert.equal((await browser.get(`/signin?continue=${encodeURIComponent(next)}`)).headers.location, '/signed-in', next);
  }
});

test('a signed-in user without the admin role is refused: 403 insufficient_role on the error page', async () => {
  const { browser } = await signedIn(t, 'user');
  for (const url of ['/admin', '/admin/console/users', '/admin/console/audit']) {
    const res = await browser.get(url);
    assert.equal(res.statusCode, 403, url);
    assert.equal(res.headers['gatehouse-error'], 'insufficient_role');
    assert.match(res.body, /Only administrators can use the admin console/);
  }
  const other = await registerUser(t.app);
  const page = await browser.get('/signed-in');
  const post = await browser.post(`/admin/console/users/${other.userId}/actions/disable`, { csrf: csrfOf(page.body), confirmed: '1' });
  assert.equal(post.statusCode, 403);
  assert.equal((await me(t.app, other.tokens.access_token)).statusCode, 200, 'nothing changed');
});

test('ADMIN_CONSOLE=off serves no console page', async () => {
  const off = await createTestApp({ ADMIN_CONSOLE: 'off' });
  try {
    assert.equal((await off.app.inject({ method: 'GET', url: '/admin' })).statusCode, 404);
    assert.equal((await off.app.inject({ method: 'GET', url: '/admin/console/users' })).statusCode, 404);
  } finally {
    await off.close();
  }
});

test('users are found by the start of their email, a page at a time, and a user page shows their sessions and factors', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app, { username: 'zelda_console', email: 'zelda.console@example.com' });
  const found = await browser.get('/admin/console/users?q=zelda.con');
  assert.equal(found.statusCode, 200);
  assert.match(found.body, /<input id="q" name="q" type="search" value="zelda.con"/);
  assert.match(found.body, new RegExp(`<a href="/admin/console/users/${target.userId}">zelda_console</a>`));
  assert.doesNotMatch(found.body, /Next page/);
  const page = await browser.get(`/admin/console/users/${target.userId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /zelda\.console@example\.com \(not verified\)/);
  assert.match(page.body, /No authenticator app\./);
  assert.match(page.body, /End this session/);
  assert.match(page.body, /name="session" value="[0-9A-Za-z-]+"/);
  const missing = await browser.get('/admin/console/users/00000000-0000-7000-8000-000000000000');
  assert.equal(missing.statusCode, 404);
});

test('the list pages with a keyset cursor', async () => {
  const { browser } = await signedIn(t);
  for (let i = 0; i < 26; i += 1) await registerUser(t.app, { username: `pager${String(i).padStart(2, '0')}` });
  const first = await browser.get('/admin/console/users?q=pager');
  const next = /<a href="([^"]+)">Next page<\/a>/.exec(first.body)?.[1];
  assert.ok(next, 'a next page');
  const second = await browser.get(next.replaceAll('&amp;', '&'));
  assert.equal((second.body.match(/>pager\d\d</g) ?? []).length, 1);
  assert.match(second.body, />pager25</);
});

test('end all sessions: a confirmation page first, then the user\'s access token fails on /users/me', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  const asked = await act(browser, target.userId, 'end-sessions');
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, /End every session of/);
  assert.equal(inputValue(asked.body, 'confirmed'), '1');
  assert.equal((await me(t.app, target.tokens.access_token)).statusCode, 200, 'not yet');
  const done = await act(browser, target.userId, 'end-sessions', { confirmed: '1' });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `/admin/console/users/${target.userId}?done=end-sessions`);
  assertError(await me(t.app, target.tokens.access_token), 401, 'session_revoked');
});

test('end one session: only that one ends', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  const second = (await login(target.username, target.password)).json() as { access_token: string };
  const page = await browser.get(`/admin/console/users/${target.userId}`);
  const sid = JSON.parse(Buffer.from(second.access_token.split('.')[1]!, 'base64url').toString()).sid as string;
  assert.match(page.body, new RegExp(`value="${sid}"`));
  const done = await act(browser, target.userId, 'end-session', { session: sid, confirmed: '1' });
  assert.equal(done.statusCode, 303);
  assertError(await me(t.app, second.access_token), 401, 'session_revoked');
  assert.equal((await me(t.app, target.tokens.access_token)).statusCode, 200);
  const again = await act(browser, target.userId, 'end-session', { session: sid, confirmed: '1' });
  assert.equal(again.statusCode, 404);
  assert.equal(again.headers['gatehouse-error'], 'session_not_found');
});

test('disable and enable: a disabled user cannot log in, an enabled one can', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  assert.equal((await act(browser, target.userId, 'disable', { confirmed: '1' })).statusCode, 303);
  assertError(await me(t.app, target.tokens.access_token), 401, 'session_revoked');
  assertError(await login(target.username, target.password), 403, 'user_disabled');
  assert.match((await browser.get(`/admin/console/users/${target.userId}?done=disable`)).body, /role="status">The account is disabled/);
  const enabled = await act(browser, target.userId, 'enable');
  assert.equal(enabled.statusCode, 303, 'enabling destroys nothing: no confirmation');
  assert.equal((await login(target.username, target.password)).statusCode, 200);
});

test('change the role, verify the address, send mails, reset factors: each through the admin core', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  assert.equal((await act(browser, target.userId, 'role', { role: 'admin', confirmed: '1' })).statusCode, 303);
  assert.equal((await t.stores.users.findById(target.userId))?.role, 'admin');
  const unknown = await act(browser, target.userId, 'role', { role: 'wizard', confirmed: '1' });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.headers['gatehouse-error'], 'unknown_role');
  assert.equal((await act(browser, target.userId, 'verify-email')).statusCode, 303);
  assert.equal((await t.stores.users.findById(target.userId))?.emailVerified, true);
  assert.equal((await act(browser, target.userId, 'send-reset')).statusCode, 303);
  assert.equal((await act(browser, target.userId, 'reset-factors', { confirmed: '1' })).statusCode, 303);
  assertError(await me(t.app, target.tokens.access_token), 401, 'session_revoked');
});

test('delete needs the username typed', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  const wrong = await act(browser, target.userId, 'delete', { confirmed: '1', typed: 'someone else' });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.body, /does not match/);
  assert.ok(await t.stores.users.findById(target.userId));
  const done = await act(browser, target.userId, 'delete', { confirmed: '1', typed: target.username });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, '/admin/console/users?done=delete');
  assert.equal(await t.stores.users.findById(target.userId), null);
});

test('a sign-in older than REAUTH_MAX_AGE is asked for the password in place; the browser session is renewed', async () => {
  const { user, browser } = await signedIn(t);
  const target = await registerUser(t.app);
  t.clock.advance(11 * 60_000);
  const asked = await act(browser, target.userId, 'disable');
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, /<input id="password" name="password" type="password" autocomplete="current-password" required>/);
  const none = await act(browser, target.userId, 'disable', { confirmed: '1' });
  assert.equal(none.statusCode, 403);
  assert.equal(none.headers['gatehouse-error'], 'reauthentication_required');
  const wrong = await act(browser, target.userId, 'disable', { confirmed: '1', password: 'not the password at all' });
  assert.equal(wrong.statusCode, 403);
  assert.equal(wrong.headers['gatehouse-error'], 'invalid_current_password');
  assert.equal((await t.stores.users.findById(target.userId))?.disabled, false);
  const before = browser.cookies.get('gh_session');
  const right = await act(browser, target.userId, 'disable', { confirmed: '1', password: user.password });
  assert.equal(right.statusCode, 303, right.body);
  assert.equal((await t.stores.users.findById(target.userId))?.disabled, true);
  assert.notEqual(browser.cookies.get('gh_session'), before, 'a new session behind the cookie');
  assert.equal((await act(browser, target.userId, 'enable')).statusCode, 303, 'recent now: no question');
  t.clock.advance(-11 * 60_000);
});

test('an admin with an authenticator app is asked for a code, not the password, when the sign-in is old', async () => {
  const admin = await registerUser(t.app);
  await t.stores.users.update(admin.userId, { role: 'admin' }, new Date(t.clock.now()));
  const { secret } = await enrolTotp(t.app, admin.tokens.access_token, t.clock.now());
  t.clock.advance(60_000);
  const browser = new PageBrowser(t.app);
  const first = await browser.post('/signin', { csrf: csrfOf((await browser.get('/signin')).body), login: admin.username, password: admin.password });
  const fields = { csrf: csrfOf(first.body), mfa_token: inputValue(first.body, 'mfa_token')!, factor: 'totp', factors: 'totp recovery_code' };
  assert.equal((await browser.post('/signin/second-step', { ...fields, code: codeAt(secret, t.clock.now()) })).statusCode, 303);
  const target = await registerUser(t.app);
  t.clock.advance(11 * 60_000);
  const asked = await act(browser, target.userId, 'end-sessions');
  assert.match(asked.body, /<input id="code" name="code"/);
  assert.doesNotMatch(asked.body, /name="password"/);
  const password = await act(browser, target.userId, 'end-sessions', { confirmed: '1', password: admin.password });
  assert.equal(password.statusCode, 403, 'a password is not the proof asked for');
  assert.equal((await me(t.app, target.tokens.access_token)).statusCode, 200);
  const code = await act(browser, target.userId, 'end-sessions', { confirmed: '1', code: codeAt(secret, t.clock.now()) });
  assert.equal(code.statusCode, 303, code.body);
  assertError(await me(t.app, target.tokens.access_token), 401, 'session_revoked');
  t.clock.advance(-12 * 60_000);
});

test('a console form without the CSRF token is refused', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  const res = await browser.post(`/admin/console/users/${target.userId}/actions/end-sessions`, { confirmed: '1' });
  assert.equal(res.statusCode, 403);
  assert.equal(res.headers['gatehouse-error'], 'csrf_failed');
  assert.equal((await me(t.app, target.tokens.access_token)).statusCode, 200);
});

test('the audit page filters by user and type, newest first, and exports JSON lines', async () => {
  const { browser } = await signedIn(t);
  const target = await registerUser(t.app);
  await login(target.username, 'not the password at all');
  await act(browser, target.userId, 'end-sessions', { confirmed: '1' });
  await t.auditWriter!.flush();
  const page = await browser.get(`/admin/console/audit?user=${target.userId}`);
  assert.equal(page.statusCode, 200);
  const types = [...page.body.matchAll(/<td><time[^>]*>[^<]*<\/time><\/td><td>([a-z_]+)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(types, ['admin_sessions_revoked', 'login_failed', 'register']);
  const exported = await browser.get(`/admin/console/audit/export?user=${target.userId}&type=login_failed`);
  assert.equal(exported.statusCode, 200);
  assert.match(String(exported.headers['content-type']), /^application\/x-ndjson/);
  const lines = exported.body.trim().split('\n').map((line) => JSON.parse(line) as { type: string; subject_id: string });
  assert.deepEqual(lines.map((l) => [l.type, l.subject_id]), [['login_failed', target.userId]]);
  const bad = await browser.get('/admin/console/audit?ip=not-an-address!');
  assert.equal(bad.statusCode, 400);
});

test('the overview draws the last day\'s sign-ins per hour as SVG and shows the outbox', async () => {
  const { browser } = await signedIn(t, 'admin', { 'accept-language': 'ko' });
  await t.auditWriter!.flush();
  const res = await browser.get('/admin');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<html lang="ko">/);
  assert.equal((res.body.match(/<svg [^>]*role="img"/g) ?? []).length, 4);
  assert.match(res.body, /<svg id="chart-signins"[^>]*><title id="chart-signins-title">로그인: 총 [1-9]\d*건<\/title>/);
  assert.match(res.body, /메일 발신함/);
  const live = await t.stores.sessions.countActive!(new Date(t.clock.now()));
  assert.ok(live > 0);
  assert.match(res.body, new RegExp(`<p>활성 세션 ${live}개</p>`));
  assert.doesNotMatch(res.body, /<script/);
});

test('the admin API ends one session of a user: DELETE /admin/users/:id/sessions/:sid', async () => {
  const admin = await registerUser(t.app);
  await t.stores.users.update(admin.userId, { role: 'admin' }, new Date(t.clock.now()));
  const target = await registerUser(t.app);
  const sid = JSON.parse(Buffer.from(target.tokens.access_token.split('.')[1]!, 'base64url').toString()).sid as string;
  const url = `/admin/users/${target.userId}/sessions/${sid}`;
  assertError(await t.app.inject({ method: 'DELETE', url, headers: bearer(target.tokens.access_token) }), 403, 'insufficient_role');
  assert.equal((await t.app.inject({ method: 'DELETE', url, headers: bearer(admin.tokens.access_token) })).statusCode, 204);
  assertError(await me(t.app, target.tokens.access_token), 401, 'session_revoked');
  assertError(await t.app.inject({ method: 'DELETE', url, headers: bearer(admin.tokens.access_token) }), 404, 'session_not_found');
});
