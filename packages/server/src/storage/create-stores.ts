// The one place that picks storage backends from configuration: users and (by default) sessions
// in the SQL database DATABASE_URL names; sessions and rate-limit counters in Redis or Redis
// Cluster when one is configured.
import { sql, type Kysely } from 'kysely';
import type { Database } from './sql/schema.js';
import type { LimitName, RateLimitRules } from './types/rate-limits.js';
import { connectSql } from './sql/connect.js';
import { migrateToLatest } from './sql/migrations.js';
import { createSqlUserStore } from './sql/user-store.js';
import { createSqlSessionStore } from './sql/session-store.js';
import { createSessionAndUserRead } from './sql/session-and-user.js';
import type { RedisClient } from './redis/client.js';
import type { SessionStore } from './types/stores.js';
import { createMemoryRateLimits, rateLimiterClass, wrapLimiters } from './rate-limits.js';
import type { Stores } from './types/stores.js';

export interface StoreOptions {
  databaseUrl: string;
  /** Apply pending migrations before returning (the server does unless told not to). */
  migrate: boolean;
  redis?: { url?: string; clusterNodes?: string[]; keyPrefix: string };
}

export async function createStores(options: StoreOptions): Promise<Stores> {
  const conn = await connectSql(options.databaseUrl);
  const { db } = conn;
  if (options.migrate) await migrateToLatest(db, conn.dialect === 'postgres' ? await currentSchema(db) : undefined);
  const redisTarget = options.redis && (options.redis.url || options.redis.clusterNodes?.length) ? options.redis : undefined;
  // ioredis is loaded only when Redis is configured (idle memory on the embedded default)
  const redis = redisTarget ? await (await import('./redis/client.js')).connectRedis(redisTarget) : undefined;
  const prefix = redisTarget?.keyPrefix ?? '';
  const redisSessions: SessionStore | undefined = redis
    ? (await import('./redis/session-store.js')).createRedisSessionStore(redis, prefix) : undefined;
  return {
    users: createSqlUserStore(conn),
    sessions: redisSessions ?? createSqlSessionStore(conn),
    sessionAndUser: redisSessions || conn.sqlite ? undefined : createSessionAndUserRead(conn),
    createRateLimits: (rules) => (redis ? createRedisRateLimits(redis, `${prefix}rl:`, rules) : createMemoryRateLimits(rules)),
    ping: async () => {
      await Promise.all([sql`select 1`.execute(db), redis?.ping()]);
    },
    close: async () => {
      await db.destroy();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

/** The schema PostgreSQL creates tables in (the first of search_path that exists). */
async function currentSchema(db: Kysely<Database>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

function createRedisRateLimits(redis: RedisClient, keyPrefix: string, rules: RateLimitRules) {
  const RateLimiterRedis = rateLimiterClass('RateLimiterRedis');
  const limiters = new Map<LimitName, InstanceType<typeof RateLimiterRedis>>();
  for (const [name, rule] of Object.entries(rules) as Array<[LimitName, RateLimitRules[LimitName]]>) {
    limiters.set(name, new RateLimiterRedis({
      storeClient: redis, keyPrefix: `${keyPrefix}${name}`, points: rule.points, duration: rule.windowSeconds, rejectIfRedisNotReady: true,
    }));
  }
  return wrapLimiters(limiters, rules);
}
