// docs/architecture.md, "Scale", end to end: three server processes sharing one PostgreSQL schema and one Redis key
// prefix behave as one server. Nothing one process keeps in memory may be needed by another, so
// a session, its rotation, its revocation and the brute-force counters must all be visible from
// every instance. Runs when POSTGRES_URL and REDIS_URL are set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { deleteRedisKeys, postgres, unavailable } from '../storage/backends.js';
import { call, failure, randomSecret, start, type ServerProcess } from './spawn-server.js';

const PASSWORD = 'correct horse battery staple';
const skip = unavailable('POSTGRES_URL') || unavailable('REDIS_URL');

describe('three instances sharing PostgreSQL and Redis', { skip }, () => {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  const keyPrefix = `gh_test_${randomBytes(5).toString('hex')}:`;
  let schema: { url: string; drop(): Promise<void> } | undefined;
  let urls: string[] = [];

  before(async () => {
    schema = await postgres.create();
    const secret = randomSecret(); // one secret for all: a token minted by one instance verifies on the others
    const env = (dataDir: string): Record<string, string> => ({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DOCS: 'false',
      DATA_DIR: dataDir,
      DATABASE_URL: schema!.url,
      REDIS_URL: process.env.REDIS_URL!,
      REDIS_KEY_PREFIX: keyPrefix,
      GATEHOUSE_SECRET: secret,
      REFRESH_GRACE: '1s',
      RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '5/15m',
      RATE_LIMIT_LOGIN_PER_IP: '1000/1m',
      RATE_LIMIT_REFRESH_PER_IP: '1000/1m',
      RATE_LIMIT_REFRESH_PER_ACCOUNT: '1000/1m',
    });
    const launch = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-multi-'));
      dirs.push(dir);
      const server = await start(env(dir));
      servers.push(server);
      return server;
    };
    // The first instance applies the migrations to the empty schema; the other two then start together.
    await launch();
    await Promise.all([launch(), launch()]);
    urls = servers.map((s) => s.url);
    assert.equal(new Set(urls).size, 3);
  });

  after(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await schema?.drop().catch((error: unknown) => console.error('# could not drop the test schema:', error));
    const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
    try {
      await redis.connect();
      await deleteRedisKeys(redis, keyPrefix);
    } finally {
      redis.disconnect();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  let counter = 0;
  async function register(url: string) {
    counter += 1;
    const username = `multi${counter}_${randomBytes(3).toString('hex')}`;
    const res = await call(url, 'POST', '/auth/register', { body: { username, email: `${username}@example.com`, password: PASSWORD } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return username;
  }
  async function login(url: string, username: string) {
    const res = await call(url, 'POST', '/auth/login', { body: { username, password: PASSWORD } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { access_token: string; refresh_token: string };
  }
  const refresh = (url: string, pair: { access_token: string; refresh_token: string }) =>
    call(url, 'POST', '/auth/refresh', { body: { access_token: pair.access_token, refresh_token: pair.refresh_token } });

  test('a session started on one instance rotates on another, and reuse seen on a third revokes it on all', async () => {
    const [one, two, three] = urls as [string, string, string];
    const username = await register(one);
    const first = await login(one, username);

    const rotated = await refresh(two, first);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.notEqual(rotated.body.refresh_token, first.refresh_token);
    const me = await call(three, 'GET', '/users/me', { token: rotated.body.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, username);

    // A real clock cannot be moved from outside the process: the servers run with REFRESH_GRACE=1s
    // and this is the one place a short real wait is acceptable, to get past that window.
    await sleep(1200);

    assert.deepEqual(failure(await refresh(three, first)), { status: 401, code: 'refresh_token_reused' });
    for (const url of urls) {
      assert.deepEqual(failure(await call(url, 'GET', '/users/me', { token: rotated.body.access_token })),
        { status: 401, code: 'session_revoked' }, `GET /users/me on ${url}`);
    }
    assert.deepEqual(failure(await refresh(one, rotated.body)), { status: 401, code: 'session_revoked' });
  });

  test('a logout on one instance makes its access token fail on the others', async () => {
    const [one, two, three] = urls as [string, string, string];
    const pair = await login(one, await register(two));
    for (const url of [two, three]) {
      assert.equal((await call(url, 'GET', '/users/me', { token: pair.access_token })).status, 200);
    }

    const logout = await call(one, 'POST', '/auth/logout', { token: pair.access_token });
    assert.equal(logout.status, 204);

    for (const url of [two, three]) {
      assert.deepEqual(failure(await call(url, 'GET', '/users/me', { token: pair.access_token })),
        { status: 401, code: 'session_revoked' }, `GET /users/me on ${url}`);
    }
  });

  test('failed logins spread over the instances count against one per-account limit', async () => {
    const username = await register(urls[0]!);
    const wrong = { username, password: 'not the right password' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const url = urls[attempt % 3]!;
      assert.deepEqual(failure(await call(url, 'POST', '/auth/login', { body: wrong })),
        { status: 401, code: 'invalid_credentials' }, `failure ${attempt + 1} on ${url}`);
    }

    for (const url of urls) {
      const sixth = await call(url, 'POST', '/auth/login', { body: wrong });
      assert.deepEqual(failure(sixth), { status: 429, code: 'rate_limited' }, `sixth attempt on ${url}`);
      assert.match(sixth.headers.get('retry-after') ?? '', /^\d+$/);
    }
    // The account is locked for the window, whichever instance is asked and whatever the password.
    const right = await call(urls[2]!, 'POST', '/auth/login', { body: { username, password: PASSWORD } });
    assert.deepEqual(failure(right), { status: 429, code: 'rate_limited' });
  });
});
