// Load shedding at the hash queue over HTTP (security finding 6): with a small bound, a flood of
// logins from one address is answered 503 overloaded with Retry-After (temporarily_unavailable on
// /token), while a login from another address still gets in; a shed attempt counts against nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers.js';
import { assertError, createTestApp, failure, registerUser } from '../helpers.js';

const SMALL_QUEUE = { HASH_CONCURRENCY: '1', HASH_QUEUE_MAX: '4', HASH_QUEUE_PER_ADDRESS: '2' };

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp({ ...SMALL_QUEUE, ...env });
  t.after(() => ctx.close());
  return ctx;
}

function login(ctx: TestApp, username: string, password: string, remoteAddress: string) {
  return ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress });
}

test('a flood of logins from one address gets 503 overloaded with Retry-After; a login from another address still succeeds', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const flood = Array.from({ length: 20 }, (_, i) => login(ctx, `nobody${i}`, 'wrong password', '203.0.113.5'));
  const legit = login(ctx, user.username, user.password, '198.51.100.7');
  const answers = await Promise.all(flood);
  assert.equal((await legit).statusCode, 200);
  const shed = answers.filter((res) => res.statusCode === 503);
  assert.deepEqual(answers.filter((res) => res.statusCode !== 503).map(failure), Array(2).fill({ status: 401, code: 'invalid_credentials' }));
  assert.equal(shed.length, 18);
  for (const res of shed) {
    assertError(res, 503, 'overloaded');
    assert.equal(res.headers['retry-after'], '1');
  }
});

test('the password grant of /token answers a shed login 503 temporarily_unavailable with Retry-After', async (t) => {
  const ctx = await appFor(t);
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => ctx.app.inject({
    method: 'POST', url: '/token', remoteAddress: '203.0.113.5',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'password', username: `nobody${i}`, password: 'wrong password' }).toString(),
  })));
  const shed = answers.filter((res) => res.statusCode === 503);
  assert.equal(shed.length, 4);
  for (const res of shed) {
    assert.deepEqual(res.json(), { error: 'temporarily_unavailable', error_description: 'The server is busy; try again shortly.' });
    assert.equal(res.headers['retry-after'], '1');
  }
});

test('a shed login counts against nothing: the account\'s lock still lets the owner in', async (t) => {
  const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3/15m', LOGIN_DELAY_MAX: 'off' });
  const user = await registerUser(ctx.app);
  const answers = await Promise.all(Array.from({ length: 10 }, () => login(ctx, user.username, 'wrong password', '203.0.113.5')));
  const statuses = answers.map((res) => res.statusCode);
  // Two are checked (the address's share); the others are shed or, while reservations are held, locked out.
  assert.equal(statuses.filter((status) => status === 401).length, 2, String(statuses));
  assert.ok(statuses.every((status) => [401, 429, 503].includes(status)), String(statuses));
  assert.equal((await login(ctx, user.username, user.password, '198.51.100.7')).statusCode, 200, 'two failures of a lock of 3');
});

test('a registration flood from one address is shed the same way', async (t) => {
  const ctx = await appFor(t);
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => ctx.app.inject({
    method: 'POST', url: '/auth/register', remoteAddress: '2001:db8:5:5::1',
    payload: { username: `flood_${i}`, email: `flood_${i}@example.com`, password: 'correct horse battery staple' },
  })));
  assert.deepEqual(answers.map((res) => res.statusCode).sort(), [201, 201, 503, 503, 503, 503, 503, 503]);
});
