// The session backends an HTTP test runs on: SQLite always; PostgreSQL, MySQL, Redis and Redis Cluster
// when their variable is set (storage/backends.ts, unavailable). Each opens a test app on a fresh schema
// or key prefix, its clock at the start of the current hour (Redis expires keys by its own clock).
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { createTestApp, type TestApp } from '../helpers.js';
import { deleteRedisKeys, mysql, postgres, unavailable, type SqlBackend } from '../storage/backends.js';
import type { Stores } from '../../src/storage/types/stores.js';

const HOUR_MS = 3_600_000;

export interface SessionBackend {
  name: string;
  /** node:test's `skip`: false to run, or why not. */
  skip: string | false;
  /** A test app on this backend; closing it removes what it made. */
  open(options?: { stores?: (stores: Stores) => Stores }): Promise<TestApp>;
}

function sqlBackend(name: string, backend: SqlBackend, variable: string): SessionBackend {
  return {
    name,
    skip: unavailable(variable),
    async open(options = {}) {
      const { url, drop } = await backend.create();
      return withClose(await createTestApp({ DATABASE_URL: url }, options), drop);
    },
  };
}

function redisBackend(name: string, variable: 'REDIS_URL' | 'REDIS_CLUSTER_NODES'): SessionBackend {
  return {
    name,
    skip: unavailable(variable),
    async open(options = {}) {
      const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
      const ctx = await createTestApp({ [variable]: process.env[variable]!, REDIS_KEY_PREFIX: prefix }, options);
      return withClose(ctx, async () => {
        const client = variable === 'REDIS_URL' ? new Redis(process.env.REDIS_URL!)
          : new Cluster(process.env.REDIS_CLUSTER_NODES!.split(',').map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) })));
        await deleteRedisKeys(client, prefix);
        await client.quit();
      });
    },
  };
}

/** The app's clock at the start of the current hour; `close` also runs `drop`. */
function withClose(ctx: TestApp, drop: () => Promise<void>): TestApp {
  ctx.clock.set(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  return {
    ...ctx,
    async close() {
      try {
        await ctx.close();
      } finally {
        await drop();
      }
    },
  };
}

export const sessionBackends: SessionBackend[] = [
  { name: 'SQLite', skip: false, open: async (options = {}) => withClose(await createTestApp({}, options), async () => undefined) },
  sqlBackend('PostgreSQL', postgres, 'POSTGRES_URL'),
  sqlBackend('MySQL', mysql, 'MYSQL_URL'),
  redisBackend('Redis', 'REDIS_URL'),
  redisBackend('Redis Cluster', 'REDIS_CLUSTER_NODES'),
];
