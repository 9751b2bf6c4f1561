// The one place that picks storage backends from configuration: users, one-time tokens, the mail
// outbox and (by default) sessions in the SQL database DATABASE_URL names; sessions and rate-limit counters in Redis or Redis
// Cluster when one is configured.
import type { Kysely } from 'kysely';
import { sql } from './sql/kysely.js';
import type { Database } from './sql/schema.js';
import type { LimitName, RateLimitRules } from './types/rate-limits.js';
import { connectSql, type SqlConnection } from './sql/connect.js';
import { StoreConnectError, describeStoreUrl } from './errors.js';
import { migrateToLatest } from './sql/migrations.js';
import { createSqlUserStore } from './sql/user-store.js';
import { createSqlSessionStore } from './sql/session-store.js';
import { createSqlFederationStore } from './sql/federation-store.js';
import { createSessionAndUserRead } from './sql/session-and-user.js';
import { createSqlOneTimeTokenStore } from './sql/one-time-token-store.js';
import { createSqlOutboxStore } from './sql/outbox-store.js';
import { createSqlAuditStore } from './sql/audit-store.js';
import { createSqlWebhookStore } from './sql/webhook-store.js';
import { createSqlTransaction } from './sql/account-writes.js';
import { createSqlLoginMethodStore } from './sql/login-method-store.js';
import { createSqlPasskeyStore } from './sql/passkey-store.js';
import { createSqlWebAuthnChallengeStore } from './sql/webauthn-challenge-store.js';
import { createSqlFactorStore } from './sql/factor-store.js';
import { createSqlLoginChallengeStore } from './sql/login-challenge-store.js';
import { createSqlUserImportStore } from './sql/user-import-store.js';
import { createSqlOAuthClientStore } from './sql/oauth-client-store.js';
import { createSqlConsentGrantStore } from './sql/consent-grant-store.js';
import { createSqlOidcKeyStore } from './sql/oidc-key-store.js';
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
  const conn = await openSql(options);
  const { db } = conn;
  const redis = await openRedis(options.redis).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  const prefix = redis ? options.redis!.keyPrefix : '';
  const redisSessions: SessionStore | undefined = redis
    ? (await import('./redis/session-store.js')).createRedisSessionStore(redis, prefix) : undefined;
  return {
    users: createSqlUserStore(conn),
    sessions: redisSessions ?? createSqlSessionStore(conn),
    federation: createSqlFederationStore(conn),
    sessionAndUser: redisSessions || conn.sqlite ? undefined : createSessionAndUserRead(conn),
    oneTimeTokens: createSqlOneTimeTokenStore(db),
    outbox: createSqlOutboxStore(conn),
    audit: createSqlAuditStore(db),
    webhooks: createSqlWebhookStore(conn),
    transaction: createSqlTransaction(conn),
    passkeys: createSqlPasskeyStore(conn),
    loginMethods: createSqlLoginMethodStore(conn),
    webauthnChallenges: createSqlWebAuthnChallengeStore(conn),
    factors: createSqlFactorStore(conn),
    loginChallenges: createSqlLoginChallengeStore(conn),
    userImport: createSqlUserImportStore(conn),
    oauthClients: createSqlOAuthClientStore(conn),
    consentGrants: createSqlConsentGrantStore(conn),
    oidcKeys: createSqlOidcKeyStore(conn),
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

/** The SQL database, reached once (and migrated) before anything is served: a wrong URL fails the start. */
async function openSql(options: StoreOptions) {
  let conn: SqlConnection | undefined;
  try {
    conn = await connectSql(options.databaseUrl);
    if (options.migrate) await migrateToLatest(conn.db, conn.dialect === 'postgres' ? await currentSchema(conn.db) : undefined);
    else await sql`select 1`.execute(conn.db);
    return conn;
  } catch (error) {
    await conn?.db.destroy().catch(() => undefined);
    if (error instanceof TypeError) throw error; // an unsupported scheme: its message says so
    throw new StoreConnectError('DATABASE_URL', describeStoreUrl(options.databaseUrl), error);
  }
}

/** Redis or Redis Cluster when configured; ioredis is loaded only then (idle memory on the embedded default). */
async function openRedis(target: StoreOptions['redis']): Promise<RedisClient | undefined> {
  if (!target || !(target.url || target.clusterNodes?.length)) return undefined;
  try {
    return await (await import('./redis/client.js')).connectRedis(target);
  } catch (error) {
    if (target.clusterNodes?.length) throw new StoreConnectError('REDIS_CLUSTER_NODES', `the Redis Cluster at ${target.clusterNodes.join(',')}`, error);
    throw new StoreConnectError('REDIS_URL', describeStoreUrl(target.url!), error);
  }
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
