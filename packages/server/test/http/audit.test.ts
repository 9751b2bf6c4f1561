// Audit events: one pino line per security event under the `audit` key, naming user, session, IP
// and user agent, with the outcome; and never a password, token or hash anywhere in the log.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser, bearer, PASSWORD, type Pair, type TestApp } from '../helpers.js';
import { codeAt } from './routes/mfa/mfa-helpers.js';

const UA = 'audit-test/1.0';

interface LogLine {
  level: number;
  msg: string;
  audit?: Record<string, unknown>;
}

async function setup(t: TestContext, env: Record<string, string> = {}) {
  const raw: string[] = [];
  const ctx = await createTestApp({ LOG_LEVEL: 'info', ...env }, { logStream: { write: (line: string) => { raw.push(line); } } });
  t.after(() => ctx.close());
  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
  /** The audit events logged since the last call. */
  let seen = 0;
  const events = () => {
    const all = lines().filter((line) => line.audit);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  return { ctx, raw, events };
}

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sid;

const post = (ctx: TestApp, url: string, payload: object, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url, payload, headers: { 'user-agent': UA, ...headers } });

const origin = { ip: '127.0.0.1', userAgent: UA };

test('register and a successful login each log one info line with user id, session id, IP and user agent', async (t) => {
  const { ctx, events } = await setup(t);
  const reg = await post(ctx, '/auth/register', { username: 'alice', email: 'alice@example.com', password: PASSWORD });
  const userId = reg.json().user.id as string;
  const login = await post(ctx, '/auth/login', { username: 'alice', password: PASSWORD });
  const [registered, loggedIn, ...rest] = events();
  assert.deepEqual(rest, []);
  assert.deepEqual(registered, { ...registered, level: 30, msg: 'register' });
  assert.deepEqual(registered!.audit, { type: 'register', userId, sessionId: sidOf(reg.json().access_token), amr: ['pwd'], ...origin });
  assert.deepEqual(loggedIn!.audit, { type: 'login_succeeded', userId, sessionId: sidOf(login.json().access_token), amr: ['pwd'], ...origin });
});

test('a failed login logs login_failed with its reason, and the user id only when the account exists', async (t) => {
  const { ctx, events } = await setup(t);
  const user = await registerUser(ctx.app);
  events();
  await post(ctx, '/auth/login', { username: user.username, password: 'not the password at all' });
  await post(ctx, '/auth/login', { username: 'nobody-here', password: 'not the password at all' });
  assert.deepEqual(events().map((e) => e.audit), [
    { type: 'login_failed', reason: 'invalid_credentials', userId: user.userId, ...origin },
    { type: 'login_failed', reason: 'invalid_credentials', ...origin },
  ]);
});

test('each refresh logs its outcome: rotated, grace_replay, reused_revoked (at warn), mismatch, expired', async (t) => {
  const { ctx, events } = await setup(t);
  const user = await registerUser(ctx.app);
  const p0 = user.tokens;
  const sessionId = sidOf(p0.access_token);
  const refresh = (pair: Pair) => post(ctx, '/auth/refresh', { access_token: pair.access_token, refresh_token: pair.refresh_token });
  events();
  const p1 = (await refresh(p0)).json() as Pair;
  await refresh(p0); // inside the grace window
  ctx.clock.advance(60_000);
  await refresh(p0); // after it: reuse
  const base = { type: 'refresh', userId: user.userId, sessionId, ...origin };
  const logged = events();
  assert.deepEqual(logged.map((e) => e.audit), [
    { ...base, outcome: 'rotated' }, { ...base, outcome: 'grace_replay' }, { ...base, outcome: 'reused_revoked' },
  ]);
  assert.deepEqual(logged.map((e) => e.level), [30, 30, 40]);
  assert.equal(p1.refresh_token === p0.refresh_token, false);

  const other = (await post(ctx, '/auth/login', { username: user.username, password: PASSWORD })).json() as Pair;
  const again = (await post(ctx, '/auth/login', { username: user.username, password: PASSWORD })).json() as Pair;
  events();
  await refresh({ ...other, refresh_token: again.refresh_token });
  ctx.clock.advance(8 * 86_400_000);
  await refresh(other);
  assert.deepEqual(events().map((e) => e.audit), [
    { type: 'refresh', outcome: 'mismatch', ...origin },
    { type: 'refresh', outcome: 'expired', ...origin },
  ]);
});

test('logout logs its scope and how many sessions it ended; a password change logs the sessions it ended and the caller\'s new one', async (t) => {
  const { ctx, events } = await setup(t);
  const user = await registerUser(ctx.app);
  const second = (await post(ctx, '/auth/login', { username: user.username, password: PASSWORD })).json() as Pair;
  events();
  await post(ctx, '/auth/logout?scope=others', {}, bearer(second.access_token));
  const changed = await post(ctx, '/users/me/password', { current_password: PASSWORD, new_password: 'another long passphrase' },
    bearer(second.access_token));
  const renewed = changed.json() as Pair;
  await post(ctx, '/auth/logout', {}, bearer(renewed.access_token));
  const sessionId = sidOf(second.access_token);
  const newSessionId = sidOf(renewed.access_token);
  assert.deepEqual(events().map((e) => e.audit), [
    { type: 'logout', scope: 'others', revokedSessions: 1, userId: user.userId, sessionId, ...origin },
    { type: 'session_renewed', userId: user.userId, sessionId: newSessionId, amr: ['pwd'], ...origin },
    { type: 'password_changed', revokedSessions: 1, userId: user.userId, sessionId, ...origin },
    { type: 'logout', scope: 'local', userId: user.userId, sessionId: newSessionId, ...origin },
  ]);
});

test('admin actions log the acting admin, the target user and the change', async (t) => {
  const { ctx, events } = await setup(t);
  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const user = await registerUser(ctx.app);
  const headers = { ...bearer(admin.tokens.access_token), 'user-agent': UA };
  events();
  await ctx.app.inject({ method: 'PATCH', url: `/admin/users/${user.userId}`, headers, payload: { disabled: true } });
  await ctx.app.inject({ method: 'DELETE', url: `/admin/users/${user.userId}/sessions`, headers });
  await ctx.app.inject({ method: 'DELETE', url: `/admin/users/${user.userId}`, headers });
  const actor = { userId: admin.userId, sessionId: sidOf(admin.tokens.access_token), ...origin, targetUserId: user.userId };
  assert.deepEqual(events().map((e) => e.audit), [
    { type: 'admin_user_updated', changes: { disabled: true }, revokedSessions: 1, ...actor },
    { type: 'admin_sessions_revoked', revokedSessions: 0, ...actor },
    { type: 'admin_user_deleted', revokedSessions: 0, ...actor },
  ]);
});

test('a request refused by a rate limit logs rate_limited with its route and Retry-After', async (t) => {
  const { ctx, events } = await setup(t, { RATE_LIMIT_LOGIN_PER_IP: '1/1m' });
  await post(ctx, '/auth/login', { username: 'someone', password: 'whatever it is' });
  events();
  const res = await post(ctx, '/auth/login', { username: 'someone', password: 'whatever it is' });
  assert.equal(res.statusCode, 429);
  assert.deepEqual(events().map((e) => e.audit), [
    { type: 'login_failed', reason: 'rate_limited', ...origin },
    { type: 'rate_limited', method: 'POST', route: '/auth/login', retryAfterSeconds: Number(res.headers['retry-after']), ...origin },
  ]);
});

test('no log line ever holds a password, an access or refresh token, or a password hash', async (t) => {
  const { ctx, raw } = await setup(t);
  const password = 'a very secret passphrase 42';
  const reg = await post(ctx, '/auth/register', { username: 'bob', email: 'bob@example.com', password });
  const pair = reg.json() as Pair;
  await post(ctx, '/auth/login', { username: 'bob', password: 'wrong passphrase 1234' });
  const rotated = (await post(ctx, '/auth/refresh', { access_token: pair.access_token, refresh_token: pair.refresh_token })).json() as Pair;
  ctx.clock.advance(60_000);
  await post(ctx, '/auth/refresh', { access_token: pair.access_token, refresh_token: pair.refresh_token });
  await ctx.app.inject({ method: 'POST', url: '/token', payload: `grant_type=password&username=bob&password=${encodeURIComponent(password)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const hash = (await ctx.stores.users.findByLogin('bob'))!.passwordHash;
  const text = raw.join('');
  assert.ok(raw.length >= 5, 'the flow was logged');
  for (const secret of [password, 'wrong passphrase 1234', pair.access_token, pair.refresh_token, rotated.access_token, rotated.refresh_token, hash]) {
    assert.equal(text.includes(secret), false, `the log holds ${secret.slice(0, 12)}…`);
  }
  assert.equal(/\$argon2|eyJ/.test(text), false);
});

test('second factors leave one audit event per enrolment, challenge, use, failure and admin reset, never a secret or code', async (t) => {
  const { ctx, raw, events } = await setup(t);
  const user = await registerUser(ctx.app, { username: 'zed' });
  const auth = { ...bearer(user.tokens.access_token), 'user-agent': UA };
  const sid = sidOf(user.tokens.access_token);
  events();
  const { secret } = (await ctx.app.inject({ method: 'POST', url: '/users/me/mfa/totp', headers: auth })).json();
  await ctx.app.inject({ method: 'POST', url: '/users/me/mfa/totp/confirm', headers: auth, payload: { code: codeAt(secret, ctx.clock.now()) } });
  ctx.clock.advance(30_000);
  const token = (await post(ctx, '/auth/login', { username: 'zed', password: PASSWORD })).json().mfa_token;
  const right = codeAt(secret, ctx.clock.now());
  await post(ctx, '/auth/mfa/verify', { mfa_token: token, factor: 'totp', code: right === '000000' ? '111111' : '000000' });
  const done = await post(ctx, '/auth/mfa/verify', { mfa_token: token, factor: 'totp', code: right });
  const by = { userId: user.userId, ...origin };
  assert.deepEqual(events().map((line) => line.audit), [
    { type: 'mfa_totp_enrolment_started', sessionId: sid, ...by },
    { type: 'mfa_enrolled', factor: 'totp', sessionId: sid, ...by },
    { type: 'mfa_challenge_issued', firstFactor: 'pwd', factors: ['totp', 'recovery_code'], ...by },
    { type: 'mfa_failed', factor: 'totp', reason: 'invalid_mfa_code', ...by },
    { type: 'mfa_verified', factor: 'totp', ...by },
    { type: 'login_succeeded', sessionId: sidOf(done.json().access_token), amr: ['pwd', 'otp', 'mfa'], ...by },
  ]);
  const admin = await registerUser(ctx.app, { username: 'root' });
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  events();
  await ctx.app.inject({ method: 'DELETE', url: `/admin/users/${user.userId}/mfa`, headers: { ...bearer(admin.tokens.access_token), 'user-agent': UA } });
  assert.deepEqual(events().map((line) => line.audit), [
    { type: 'admin_mfa_reset', targetUserId: user.userId, revokedSessions: 2, userId: admin.userId, sessionId: sidOf(admin.tokens.access_token), ...origin },
  ]);
  const log = raw.join('\n');
  for (const text of [secret, right, token]) assert.ok(!log.includes(text), 'no secret, code or mfa_token in the log');
});

test('account_deleted keeps the user id alone: no address, no user agent of the person who left', async (t) => {
  const { ctx, events } = await setup(t);
  const user = await registerUser(ctx.app);
  events();
  const res = await ctx.app.inject({
    method: 'DELETE', url: '/users/me', payload: { current_password: user.password }, headers: { ...bearer(user.tokens.access_token), 'user-agent': UA },
  });
  assert.equal(res.statusCode, 204, res.body);
  assert.deepEqual(events().map((e) => e.audit), [{ type: 'account_deleted', revokedSessions: 1, userId: user.userId }]);
});
