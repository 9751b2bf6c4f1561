// POST /auth/login (docs/api.md; docs/architecture.md, "Users and passwords"): by username or
// email, no user enumeration, disabled users, legacy bcrypt hashes upgraded to argon2id, per-IP and
// per-account brute-force limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bcrypt from 'bcrypt';
import type { FastifyInstance } from 'fastify';
import { createTestApp, failure, registerUser, type TestApp } from '../../helpers.js';

const PAIR_KEYS = ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type'];

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

function login(app: FastifyInstance, payload: Record<string, unknown>, remoteAddress?: string) {
  return app.inject({ method: 'POST', url: '/auth/login', payload, ...(remoteAddress ? { remoteAddress } : {}) });
}

function assertTokenPair(body: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(body).sort(), PAIR_KEYS);
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 15 * 60);
  assert.equal(body.refresh_expires_in, 7 * 24 * 3600);
  assert.equal(typeof body.access_token, 'string');
  assert.equal(typeof body.refresh_token, 'string');
}

async function me(app: FastifyInstance, accessToken: string) {
  return app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${accessToken}` } });
}

test('logs in by username and answers exactly a token pair, no-store', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await login(ctx.app, { username: user.username, password: user.password });
  assert.equal(res.statusCode, 200);
  assertTokenPair(res.json());
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['pragma'], 'no-cache');
  const who = await me(ctx.app, res.json().access_token);
  assert.equal(who.statusCode, 200);
  assert.equal(who.json().id, user.userId);
});

test('logs in by username in another case', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app, { username: 'CaseyJones' });
  const res = await login(ctx.app, { username: 'caseyjones', password: user.password });
  assert.equal(res.statusCode, 200);
  assertTokenPair(res.json());
});

test('logs in by email in any case, through the email field or the username field', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app, { username: 'dana', email: 'dana@example.com' });
  for (const payload of [
    { email: 'dana@example.com', password: user.password },
    { email: 'DANA@Example.COM', password: user.password },
    { username: 'Dana@EXAMPLE.com', password: user.password },
  ]) {
    const res = await login(ctx.app, payload);
    assert.equal(res.statusCode, 200, JSON.stringify(payload));
    assertTokenPair(res.json());
    assert.equal((await me(ctx.app, res.json().access_token)).json().id, user.userId);
  }
});

test('answers a wrong password and an unknown user identically: 401 invalid_credentials (no enumeration)', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const wrong = await login(ctx.app, { username: user.username, password: 'not the right password' });
  const unknown = await login(ctx.app, { username: 'nobody_here', password: 'not the right password' });
  const unknownEmail = await login(ctx.app, { email: 'nobody@example.com', password: 'not the right password' });
  for (const res of [wrong, unknown, unknownEmail]) {
    assert.deepEqual(failure(res), { status: 401, code: 'invalid_credentials' });
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"');
    assert.ok(!String(res.headers['www-authenticate']).includes('error='));
  }
  assert.equal(unknown.body, wrong.body);
  assert.equal(unknownEmail.body, wrong.body);
  assert.deepEqual(Object.keys(wrong.json()).sort(), ['code', 'error', 'message', 'statusCode']);
  assert.equal(wrong.json().statusCode, 401);
  assert.equal(wrong.json().error, 'Unauthorized');
});

test('rejects a body with neither username nor email with 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const res = await login(ctx.app, { password: 'whatever123' });
  assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' });
});

test('rejects a body without a password with 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await login(ctx.app, { username: user.username });
  assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' });
});

test('rejects an unknown extra field with 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const res = await login(ctx.app, { username: user.username, password: user.password, remember: true });
  assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' });
});

test('refuses a disabled user with the right password with 403 user_disabled', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
  const res = await login(ctx.app, { username: user.username, password: user.password });
  assert.deepEqual(failure(res), { status: 403, code: 'user_disabled' });
});

test('does not reveal that a user is disabled to a caller with a wrong password', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
  const res = await login(ctx.app, { username: user.username, password: 'not the right password' });
  assert.deepEqual(failure(res), { status: 401, code: 'invalid_credentials' });
});

test('accepts a legacy bcrypt hash and rehashes it to argon2id on the next successful login', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const legacy = bcrypt.hashSync(user.password, 4);
  assert.match(legacy, /^\$2b\$/);
  await ctx.stores.users.update(user.userId, { passwordHash: legacy }, new Date(ctx.clock.now()));

  const wrong = await login(ctx.app, { username: user.username, password: 'not the right password' });
  assert.deepEqual(failure(wrong), { status: 401, code: 'invalid_credentials' });
  assert.equal((await ctx.stores.users.findById(user.userId))?.passwordHash, legacy);

  const res = await login(ctx.app, { username: user.username, password: user.password });
  assert.equal(res.statusCode, 200);
  assertTokenPair(res.json());
  const stored = await ctx.stores.users.findById(user.userId);
  assert.ok(stored);
  assert.match(stored.passwordHash, /^\$argon2id\$/);

  const again = await login(ctx.app, { username: user.username, password: user.password });
  assert.equal(again.statusCode, 200);
});

test('after N failed logins for one account even the right password gets 429 rate_limited with Retry-After', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3/15m' });
  const user = await registerUser(ctx.app);
  for (let i = 0; i < 3; i++) {
    const res = await login(ctx.app, { username: user.username, password: `wrong password ${i}` });
    assert.deepEqual(failure(res), { status: 401, code: 'invalid_credentials' }, `attempt ${i + 1}`);
  }
  const res = await login(ctx.app, { username: user.username, password: user.password });
  assert.deepEqual(failure(res), { status: 429, code: 'rate_limited' });
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, String(res.headers['retry-after']));
});

test('counts failed logins per login name in any case, the same for known and unknown accounts (no enumeration)', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3/15m' });
  const user = await registerUser(ctx.app);
  const outcomes = async (name: { username: string } | { email: string }, otherName: { username: string } | { email: string }) => {
    await login(ctx.app, { ...name, password: 'wrong password 1' });
    await login(ctx.app, { ...name, password: 'wrong password 2' });
    await login(ctx.app, { ...name, password: 'wrong password 3' });
    return [failure(await login(ctx.app, { ...name, password: 'wrong password 4' })),
      failure(await login(ctx.app, { ...otherName, password: 'wrong password 5' }))];
  };
  // a key per account id would lock the email out after failures on the username, and tell
  // an attacker that the two belong together; an unknown pair shows exactly the same answers
  const known = await outcomes({ username: user.username.toUpperCase() }, { email: user.email });
  const unknown = await outcomes({ username: 'NoSuchUser' }, { email: 'nosuchuser@example.com' });
  assert.deepEqual(known, [{ status: 429, code: 'rate_limited' }, { status: 401, code: 'invalid_credentials' }]);
  assert.deepEqual(unknown, known);
});

test('a successful login clears the failed-login count of the account', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3/15m' });
  const user = await registerUser(ctx.app);
  for (let i = 0; i < 2; i++) await login(ctx.app, { username: user.username, password: 'wrong password' });
  assert.equal((await login(ctx.app, { username: user.username, password: user.password })).statusCode, 200);
  for (let i = 0; i < 2; i++) await login(ctx.app, { username: user.username, password: 'wrong password' });
  assert.equal((await login(ctx.app, { username: user.username, password: user.password })).statusCode, 200);
});

test('limits login attempts per IP: the request past the limit gets 429 rate_limited with Retry-After', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_LOGIN_PER_IP: '2/1m' });
  const user = await registerUser(ctx.app); // from the default inject address
  const ip = '203.0.113.7';
  for (let i = 0; i < 2; i++) {
    const res = await login(ctx.app, { username: user.username, password: user.password }, ip);
    assert.equal(res.statusCode, 200, `attempt ${i + 1}`);
  }
  const res = await login(ctx.app, { username: user.username, password: user.password }, ip);
  assert.deepEqual(failure(res), { status: 429, code: 'rate_limited' });
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, String(res.headers['retry-after']));

  const elsewhere = await login(ctx.app, { username: user.username, password: user.password }, '203.0.113.8');
  assert.equal(elsewhere.statusCode, 200);
});

test('limits login attempts per IPv6 /64, not per address: 40 addresses of one /64 share one bucket (security finding 6)', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_LOGIN_PER_IP: '5/1m', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '1000/1m' });
  const user = await registerUser(ctx.app);
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const res = await login(ctx.app, { username: user.username, password: 'wrong password' }, `2001:db8:7:1:${((i * 7919) % 0xffff).toString(16)}::${i + 1}`);
    statuses.push(res.statusCode);
  }
  assert.deepEqual(statuses, [...Array<number>(5).fill(401), ...Array<number>(35).fill(429)]);
  const otherNet = await login(ctx.app, { username: user.username, password: user.password }, '2001:db8:7:2::1');
  assert.equal(otherNet.statusCode, 200, 'the next /64 has a bucket of its own');
});

test('an IPv4-mapped IPv6 address shares the bucket of its IPv4 address', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_LOGIN_PER_IP: '2/1m' });
  const user = await registerUser(ctx.app);
  const first = await login(ctx.app, { username: user.username, password: user.password }, '198.51.100.4');
  const second = await login(ctx.app, { username: user.username, password: user.password }, '::ffff:198.51.100.4');
  assert.deepEqual([first.statusCode, second.statusCode], [200, 200]);
  const third = await login(ctx.app, { username: user.username, password: user.password }, '198.51.100.4');
  assert.deepEqual(failure(third), { status: 429, code: 'rate_limited' });
});
