// POST /auth/register (docs/api.md; docs/architecture.md, "Users and passwords"): a token pair and
// the public user, the password policy of OWASP ASVS V2, case-insensitive uniqueness of username
// and email, no-store answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, failure, PASSWORD, type TestApp } from '../../helpers.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PAIR_KEYS = ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type'];

async function appFor(t: { after(fn: () => Promise<void>): void }): Promise<TestApp> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  return ctx;
}

function register(app: FastifyInstance, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/auth/register', payload });
}

test('answers 201 with a token pair and exactly the public user', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'Alice_1', email: 'Alice@Example.COM', password: PASSWORD, full_name: 'Alice A.' });
  assert.equal(res.statusCode, 201);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), [...PAIR_KEYS, 'user'].sort());
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 15 * 60);
  assert.equal(body.refresh_expires_in, 7 * 24 * 3600);
  assert.equal(typeof body.access_token, 'string');
  assert.equal(typeof body.refresh_token, 'string');
  assert.notEqual(body.access_token, body.refresh_token);
  assert.match(body.user.id, UUID_V7);
  assert.deepEqual(body.user, {
    id: body.user.id,
    username: 'Alice_1',
    email: 'alice@example.com',
    email_verified: false,
    full_name: 'Alice A.',
    role: 'user',
    disabled: false,
    created_at: new Date(ctx.clock.now()).toISOString(),
  });
});

test('answers full_name null when none is given', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'bob', email: 'bob@example.com', password: PASSWORD });
  assert.equal(res.statusCode, 201);
  assert.equal(res.json().user.full_name, null);
});

test('the access token of the answer reads the same user on /users/me', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'carol', email: 'carol@example.com', password: PASSWORD });
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${res.json().access_token}` } });
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json(), res.json().user);
});

test('marks the token answer Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1)', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'dave', email: 'dave@example.com', password: PASSWORD });
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['pragma'], 'no-cache');
});

test('stores the password as an argon2id hash, never in clear', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'erin', email: 'erin@example.com', password: PASSWORD });
  const stored = await ctx.stores.users.findById(res.json().user.id);
  assert.ok(stored);
  assert.match(stored.passwordHash, /^\$argon2id\$/);
  assert.ok(!res.body.includes(stored.passwordHash));
});

test('rejects an invalid email with 400 invalid_email', async (t) => {
  const ctx = await appFor(t);
  for (const email of ['not-an-email', 'a@b', '@example.com', 'a b@example.com', 'alice@', '']) {
    const res = await register(ctx.app, { username: 'alice', email, password: PASSWORD });
    assert.deepEqual(failure(res), { status: 400, code: 'invalid_email' }, email);
  }
});

test('rejects a username shorter than 3 or longer than 32 characters with 400 invalid_username', async (t) => {
  const ctx = await appFor(t);
  for (const username of ['ab', 'a'.repeat(33)]) {
    const res = await register(ctx.app, { username, email: 'ab@example.com', password: PASSWORD });
    assert.deepEqual(failure(res), { status: 400, code: 'invalid_username' }, username);
  }
});

test('rejects a username with characters outside letters, digits, "_", "." and "-" with 400 invalid_username', async (t) => {
  const ctx = await appFor(t);
  for (const username of ['bad name', 'bad/name', 'bad@name', 'émile', 'a<b>c']) {
    const res = await register(ctx.app, { username, email: 'x1@example.com', password: PASSWORD });
    assert.deepEqual(failure(res), { status: 400, code: 'invalid_username' }, username);
  }
});

test('rejects a password shorter than 8 characters with 400 password_too_short', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'frank', email: 'frank@example.com', password: 'x7#kQ2p' });
  assert.deepEqual(failure(res), { status: 400, code: 'password_too_short' });
});

test('accepts a password of exactly 8 and of exactly 128 characters', async (t) => {
  const ctx = await appFor(t);
  const short = await register(ctx.app, { username: 'gina', email: 'gina@example.com', password: 'x7#kQ2pZ' });
  assert.equal(short.statusCode, 201, short.body);
  const long = await register(ctx.app, { username: 'hank', email: 'hank@example.com', password: 'q9!'.repeat(42) + 'ab' });
  assert.equal(long.statusCode, 201, long.body);
});

test('rejects a password longer than 128 characters with 400 password_too_long', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'ivan', email: 'ivan@example.com', password: 'q9!'.repeat(43) });
  assert.deepEqual(failure(res), { status: 400, code: 'password_too_long' });
});

test('rejects a common password from the shipped list with 400 password_too_common', async (t) => {
  const ctx = await appFor(t);
  for (const password of ['password123', 'Password123', 'qwertyuiop']) {
    const res = await register(ctx.app, { username: 'judy', email: 'judy@example.com', password });
    assert.deepEqual(failure(res), { status: 400, code: 'password_too_common' }, password);
  }
});

test('rejects a password equal to the username, in any case, with 400 password_contains_identity', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'kathleen_77', email: 'kath@example.com', password: 'KATHLEEN_77' });
  assert.deepEqual(failure(res), { status: 400, code: 'password_contains_identity' });
});

test('rejects a password equal to the email with 400 password_contains_identity', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'leo', email: 'leo.z@example.com', password: 'Leo.Z@example.com' });
  assert.deepEqual(failure(res), { status: 400, code: 'password_contains_identity' });
});

test('rejects a username taken in another case with 409 username_taken', async (t) => {
  const ctx = await appFor(t);
  const first = await register(ctx.app, { username: 'Alice', email: 'alice@example.com', password: PASSWORD });
  assert.equal(first.statusCode, 201);
  const res = await register(ctx.app, { username: 'alice', email: 'other@example.com', password: PASSWORD });
  assert.deepEqual(failure(res), { status: 409, code: 'username_taken' });
});

test('rejects an email taken in another case with 409 email_taken', async (t) => {
  const ctx = await appFor(t);
  const first = await register(ctx.app, { username: 'mallory', email: 'mallory@example.com', password: PASSWORD });
  assert.equal(first.statusCode, 201);
  const res = await register(ctx.app, { username: 'mallory2', email: 'MALLORY@Example.com', password: PASSWORD });
  assert.deepEqual(failure(res), { status: 409, code: 'email_taken' });
});

test('rejects an unknown extra field with 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'nina', email: 'nina@example.com', password: PASSWORD, role: 'admin' });
  assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' });
  assert.equal(await ctx.stores.users.findByLogin('nina'), null);
});

test('rejects a body missing a required field with 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'oscar', password: PASSWORD });
  assert.deepEqual(failure(res), { status: 400, code: 'validation_failed' });
});

test('never echoes the password in an error answer', async (t) => {
  const ctx = await appFor(t);
  const res = await register(ctx.app, { username: 'peggy', email: 'peggy@example.com', password: 'peggy@example.com' });
  assert.deepEqual(failure(res), { status: 400, code: 'password_contains_identity' });
  assert.ok(!res.json().message.includes('peggy@example.com'));
  const res2 = await register(ctx.app, { username: 'peggy', email: 'peggy@example.com', password: 'password123' });
  assert.ok(!res2.body.includes('password123'));
});

test('limits registrations per IPv6 /64, not per address: the third from one /64 gets 429 rate_limited', async (t) => {
  const ctx = await createTestApp({ RATE_LIMIT_LOGIN_PER_IP: '2/1m' });
  t.after(() => ctx.close());
  const attempt = (i: number, remoteAddress: string) => ctx.app.inject({
    method: 'POST', url: '/auth/register', remoteAddress, payload: { username: `six_${i}`, email: `six_${i}@example.com`, password: PASSWORD },
  });
  assert.equal((await attempt(1, '2001:db8:6:1::1')).statusCode, 201);
  assert.equal((await attempt(2, '2001:db8:6:1:8000::2')).statusCode, 201);
  assert.deepEqual(failure(await attempt(3, '2001:db8:6:1:ffff::3')), { status: 429, code: 'rate_limited' });
  assert.equal((await attempt(4, '2001:db8:6:2::1')).statusCode, 201);
});
