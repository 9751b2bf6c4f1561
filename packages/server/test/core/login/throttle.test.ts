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
    for (let i = 0; i < 2; i++) {
      await throttle.begin(key);
      await throttle.failed(key);
    }
    await throttle.begin(key);
    await throttle.failed(key); // the third in a row: 1 s
    const first = await refusal(throttle.begin(key));
    assert.equal(first.code, 'rate_limited');
    assert.ok(first.retryAfterSeconds! >= 1 && first.retryAfterSeconds! <= 1, String(first.retryAfterSeconds));
    await throttle.failed(key); // a fourth (e.g. a request that raced past the check): 2 s
    const second = await refusal(throttle.begin(key));
    assert.ok(second.retryAfterSeconds! > first.retryAfterSeconds!, `${second.retryAfterSeconds} after ${first.retryAfterSeconds}`);
  });

  test('a success resets the streak but not the hourly count', async () => {
    const throttle = createLoginThrottle(await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '3/1h' }), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    for (let round = 0; round < 3; round++) {
      await throttle.begin(key);
      await throttle.succeeded(key); // reserved hourly point given back
    }
    for (let i = 0; i < 2; i++) {
      await throttle.begin(key);
      await throttle.failed(key);
    }
    await throttle.begin(key);
    await throttle.succeeded(key);
    await throttle.begin(key);
    await throttle.failed(key); // third failure of the hour
    assert.equal((await refusal(throttle.begin(key))).code, 'rate_limited');
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
    const throttle = createLoginThrottle(await make({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '5/1h' }), SETTINGS);
    const key = `acct-${randomBytes(4).toString('hex')}`;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => refusal(throttle.begin(key))));
    assert.equal(outcomes.filter((o) => o.code === 'none').length, 5);
    assert.equal(outcomes.filter((o) => o.code === 'rate_limited').length, 15);
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
