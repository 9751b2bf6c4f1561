// The failed-login throttle (ASVS 2.2.1) on every RateLimits backend: in memory always, and in
// Redis / Redis Cluster when REDIS_URL / REDIS_CLUSTER_NODES is set, so instances share it.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis, Cluster } from 'ioredis';
import { authErrorOf } from '../../../src/core/errors.js';
import { createLoginThrottle, loginDelaySeconds, type LoginDelaySettings } from '../../../src/core/login/throttle.js';
import type { RateLimits } from '../../../src/storage/types/rate-limits.js';
import { loadConfig } from '../../../src/config/config.js';
import { createStores } from '../../../src/storage/create-stores.js';
import { createMemoryRateLimits } from '../../../src/storage/rate-limits.js';
import type { Stores } from '../../../src/storage/types/stores.js';
import { deleteRedisKeys, redisTarget, sqlite, unavailable } from '../../storage/backends.js';

const SETTINGS: LoginDelaySettings = { afterFailures: 2, maxSeconds: 8 };
const NO_DELAY: LoginDelaySettings = { afterFailures: 2, maxSeconds: 0 };

test('the delay is zero up to afterFailures, then doubles from 1 s and stops at maxSeconds', () => {
  const delays = Array.from({ length: 10 }, (_, i) => loginDelaySeconds(i + 1, SETTINGS));
  assert.deepEqual(delays, [0, 0, 1, 2, 4, 8, 8, 8, 8, 8]);
  assert.equal(loginDelaySeconds(10_000, { afterFailures: 0, maxSeconds: 3600 }), 3600);
  assert.equal(loginDelaySeconds(50, { afterFailures: 0, maxSeconds: 0 }), 0);
});

function rules(env: Record<string, string> = {}) {
  return loadConfig({ LOGIN_DELAY_AFTER_FAILURES: '2', LOGIN_DELAY_MAX: '8s', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '1000/1h', ...env }).rateLimits;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; retryAfterSeconds?: number }> {
  try {
    await promise;
  } catch (error) {
    const known = authErrorOf(error);
    assert.ok(known, String(error));
    return { code: known.code, retryAfterSeconds: known.retryAfterSeconds };
  }
  return { code: 'none' };
}

type Make = (env?: Record<string, string>) => Promise<RateLimits>;

function suite(make: Make) {
  test('a limit that is off counts nothing and refuses nothing', async () => {
    const limits = await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: 'off' });
    const key = `acct-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 3; i++) assert.equal(await limits.record('failedLoginsPerAccount', key), 0);
    await limits.block('failedLoginsPerAccount', key, 60);
    await limits.check('failedLoginsPerAccount', key);
    await limits.consume('failedLoginsPerAccount', key);
    assert.equal(await (await make()).record('failedLoginsPerAccount', key), 1, 'the same calls count when the limit is on');
  });

  test('a failure past afterFailures blocks the account for the computed delay', async () => {
    const throttle = createLoginThrottle(await make(), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 2; i++) await throttle.failed(await throttle.begin(key));
    await throttle.failed(await throttle.begin(key)); // the third in a row: 1 s
    const first = await refusal(throttle.begin(key));
    assert.equal(first.code, 'rate_limited');
    assert.ok(first.retryAfterSeconds! >= 1 && first.retryAfterSeconds! <= 1, String(first.retryAfterSeconds));
    await throttle.failed({ accountKey: key, streak: 4, holdsTurn: false }); // a fourth in a row: 2 s
    const second = await refusal(throttle.begin(key));
    assert.ok(second.retryAfterSeconds! > first.retryAfterSeconds!, `${second.retryAfterSeconds} after ${first.retryAfterSeconds}`);
  });

  test('a success resets the streak but not the hourly count', async () => {
    const throttle = createLoginThrottle(await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '3/1h' }), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    for (let round = 0; round < 3; round++) await throttle.succeeded(await throttle.begin(key)); // hourly point given back
    for (let i = 0; i < 2; i++) await throttle.failed(await throttle.begin(key));
    await throttle.succeeded(await throttle.begin(key));
    await throttle.failed(await throttle.begin(key)); // third failure of the hour
    assert.equal((await refusal(throttle.begin(key))).code, 'rate_limited');
  });

  test('check settles by its result: failures count, a pass gives the hourly point back, a throw gives every point back', async () => {
    const throttle = createLoginThrottle(await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '3/1h' }), NO_DELAY);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    const shed = new Error('shed before the check');
    for (let i = 0; i < 5; i++) await assert.rejects(throttle.check(key, () => Promise.reject(shed), () => false), shed);
    for (let i = 0; i < 5; i++) assert.equal(await throttle.check(key, async () => 'right', (result) => result === 'right'), 'right');
    for (let i = 0; i < 3; i++) assert.equal(await throttle.check(key, async () => false, (ok) => ok), false);
    assert.equal((await refusal(throttle.check(key, async () => true, (ok) => ok))).code, 'rate_limited', 'the hour\'s three failures are spent');
  });

  test('an attempt refused by the delay does not count against the hourly cap', async () => {
    const limits = await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '2/1h' });
    const throttle = createLoginThrottle(limits, SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    await limits.block('failedLoginDelay', key, 60);
    for (let i = 0; i < 5; i++) assert.equal((await refusal(throttle.begin(key))).code, 'rate_limited');
    await limits.reset('failedLoginDelay', key);
    await throttle.begin(key);
    await throttle.begin(key);
    assert.equal((await refusal(throttle.begin(key))).code, 'rate_limited');
  });

  test('the hourly cap holds for concurrent attempts: begin refuses once the cap is reserved', async () => {
    const throttle = createLoginThrottle(await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '5/1h' }), NO_DELAY);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => refusal(throttle.begin(key))));
    assert.equal(outcomes.filter((o) => o.code === 'none').length, 5);
    assert.equal(outcomes.filter((o) => o.code === 'rate_limited').length, 15);
  });

  test('the lock holds for concurrent attempts: of 30 at once, only the lock\'s 10 are let through to a password check', async () => {
    const throttle = createLoginThrottle(await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '10/15m' }), NO_DELAY);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    const attempts = await Promise.allSettled(Array.from({ length: 30 }, () => throttle.begin(key)));
    const admitted = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    assert.equal(admitted.length, 10);
    assert.ok(attempts.every((a) => a.status === 'fulfilled' || authErrorOf(a.reason)?.code === 'rate_limited'));
    await Promise.all(admitted.map((attempt) => throttle.failed(attempt)));
    assert.equal((await refusal(throttle.begin(key))).code, 'rate_limited', 'locked: even the right password is not checked');
  });

  test('the delay holds for concurrent attempts: afterFailures + 1 are let through, the one whose failure starts the delay runs alone', async () => {
    const throttle = createLoginThrottle(await make(), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => throttle.begin(key)));
    const admitted = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    assert.equal(admitted.length, 3);
    assert.deepEqual(admitted.filter((a) => !a.holdsTurn).map((a) => a.streak).sort(), [1, 2]);
    // The one that holds the turn is third in the streak, or later where the counters are on
    // several Redis Cluster nodes and the turn goes to whichever asks first: a longer delay, never a shorter one.
    const [holder] = admitted.filter((a) => a.holdsTurn);
    assert.ok(holder!.streak >= 3, String(holder!.streak));
    assert.equal((await refusal(throttle.begin(key))).code, 'rate_limited', 'the turn is taken while its hash runs');
    await Promise.all(admitted.map((attempt) => throttle.failed(attempt)));
    const refused = await refusal(throttle.begin(key));
    assert.deepEqual(refused, { code: 'rate_limited', retryAfterSeconds: loginDelaySeconds(holder!.streak, SETTINGS) });
  });

  test('a success of the attempt that holds the turn frees it and ends the streak', async () => {
    const throttle = createLoginThrottle(await make(), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 2; i++) await throttle.failed(await throttle.begin(key));
    const third = await throttle.begin(key);
    assert.equal(third.holdsTurn, true);
    await throttle.succeeded(third);
    const next = await throttle.begin(key);
    assert.deepEqual([next.streak, next.holdsTurn], [1, false]);
  });

  test('a released attempt counts against nothing: not the lock, the hourly cap, the streak or the turn', async () => {
    const throttle = createLoginThrottle(await make({
      RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3/15m', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '3/1h',
    }), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 10; i++) await throttle.release(await throttle.begin(key));
    for (let i = 0; i < 2; i++) await throttle.failed(await throttle.begin(key));
    const third = await throttle.begin(key);
    assert.deepEqual([third.streak, third.holdsTurn], [3, true]);
    await throttle.release(third);
    assert.deepEqual((await throttle.begin(key)).streak, 3);
  });
}

describe('login throttle in memory', () => {
  suite(async (env) => createMemoryRateLimits(rules(env)));
});

for (const [name, variable, kind] of [['Redis', 'REDIS_URL', 'redis'], ['Redis Cluster', 'REDIS_CLUSTER_NODES', 'cluster']] as const) {
  describe(`login throttle in ${name}`, { skip: unavailable(variable) }, () => {
    const opened: Array<{ stores: Stores; drop: () => Promise<void> }> = [];
    const target = process.env[variable] ? redisTarget(kind) : undefined;
    const connect = () => (kind === 'redis' ? new Redis(process.env.REDIS_URL!)
      : new Cluster(process.env.REDIS_CLUSTER_NODES!.split(',').map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) }))));
    after(async () => {
      for (const { stores, drop } of opened) {
        await stores.close();
        await drop();
      }
      const client = connect();
      await deleteRedisKeys(client, target!.keyPrefix);
      await client.quit();
    });
    const make: Make = async (env) => {
      const db = await sqlite.create();
      const stores = await createStores({ databaseUrl: db.url, migrate: true, redis: target });
      opened.push({ stores, drop: db.drop });
      return stores.createRateLimits(rules(env));
    };
    suite(make);

    test('a limit that is off makes no Redis call: no key is written for it', async () => {
      const client = connect();
      try {
        const keyOf = (account: string) => `${target!.keyPrefix}rl:failedLoginsPerAccount:${account}`;
        const [on, off] = [`on-${randomBytes(4).toString('hex')}`, `off-${randomBytes(4).toString('hex')}`];
        await (await make()).record('failedLoginsPerAccount', on);
        await (await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: 'off' })).record('failedLoginsPerAccount', off);
        assert.deepEqual([await client.exists(keyOf(on)), await client.exists(keyOf(off))], [1, 0]);
      } finally {
        await client.quit();
      }
    });
  });
}
