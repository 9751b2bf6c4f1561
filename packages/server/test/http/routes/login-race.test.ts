// Concurrent wrong passwords for one account meet the per-account lock and the progressive delay
// as sequential ones do (security finding 3): their points are reserved before the hash, so a
// burst cannot read the counters before any failure is recorded. In memory, and in Redis when
// REDIS_URL is set.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTestApp, failure, registerUser, type TestApp } from '../../helpers.js';
import { deleteRedisKeys, unavailable } from '../../storage/backends.js';

type Counters = () => Record<string, string>;

function login(ctx: TestApp, username: string, password: string) {
  return ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
}

/** `count` wrong passwords for one account at once: how many were checked (401) and refused (429). */
async function burst(ctx: TestApp, username: string, count: number): Promise<{ checked: number; refused: number }> {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => login(ctx, username, `wrong password ${i}`)));
  const outcomes = answers.map((res) => failure(res));
  assert.ok(outcomes.every((o) => (o.status === 401 && o.code === 'invalid_credentials') || (o.status === 429 && o.code === 'rate_limited')));
  return { checked: outcomes.filter((o) => o.status === 401).length, refused: outcomes.filter((o) => o.status === 429).length };
}

function suite(counters: Counters) {
  const appFor = async (t: { after(fn: () => Promise<void>): void }, env: Record<string, string>) => {
    // Every injected request comes from one address: its share of the hash queue must not be what refuses them.
    const ctx = await createTestApp({ HASH_QUEUE_PER_ADDRESS: '1000', ...counters(), ...env });
    t.after(() => ctx.close());
    return ctx;
  };

  test('of 30 concurrent wrong passwords with a lock of 10, 10 are checked and 20 refused; then the right password is refused too', async (t) => {
    const ctx = await appFor(t, { RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '10/15m', LOGIN_DELAY_MAX: 'off' });
    const user = await registerUser(ctx.app);
    assert.deepEqual(await burst(ctx, user.username, 30), { checked: 10, refused: 20 });
    const res = await login(ctx, user.username, user.password);
    assert.deepEqual(failure(res), { status: 429, code: 'rate_limited' });
    assert.ok(Number(res.headers['retry-after']) > 0, String(res.headers['retry-after']));
  });

  test('of 20 concurrent wrong passwords, LOGIN_DELAY_AFTER_FAILURES + 1 are checked; then the right password waits out the delay', async (t) => {
    const ctx = await appFor(t, { LOGIN_DELAY_AFTER_FAILURES: '2', LOGIN_DELAY_MAX: '1m' });
    const user = await registerUser(ctx.app);
    assert.deepEqual(await burst(ctx, user.username, 20), { checked: 3, refused: 17 });
    const res = await login(ctx, user.username, user.password);
    assert.deepEqual(failure(res), { status: 429, code: 'rate_limited' });
    assert.equal(res.headers['retry-after'], '1', 'the third failure in a row: 1 s');
  });
}

describe('concurrent logins, counters in memory', () => {
  suite(() => ({}));
});

describe('concurrent logins, counters in Redis', { skip: unavailable('REDIS_URL') }, () => {
  const keyPrefix = `gh_test_${randomBytes(5).toString('hex')}:`;
  after(async () => {
    const client = new Redis(process.env.REDIS_URL!);
    await deleteRedisKeys(client, keyPrefix);
    await client.quit();
  });
  suite(() => ({ REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: keyPrefix }));
});
