// The store-bound cases (/users/me and refresh) again on the production stores when their URLs
// are set: users and sessions in PostgreSQL (POSTGRES_URL), then sessions in Redis (REDIS_URL)
// with users in PostgreSQL when it is set, else in SQLite. Each variant gets a fresh PostgreSQL
// schema or Redis key prefix, dropped when the run ends.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface StoreVariant {
  id: string;
  label: string;
  /** Settings for the Gatehouse server of this variant (on top of the bench's own). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

const unique = () => `gh_bench_${randomBytes(5).toString('hex')}`;

export async function storeVariants(): Promise<StoreVariant[]> {
  const variants: StoreVariant[] = [];
  if (process.env.POSTGRES_URL) variants.push(await freshVariant('postgres'));
  if (process.env.REDIS_URL) variants.push(await freshVariant('redis'));
  return variants;
}

/** The production layout the URLs allow: PostgreSQL + Redis sessions, or either alone; none when neither is set. */
export async function productionVariant(): Promise<StoreVariant | undefined> {
  if (process.env.REDIS_URL) return freshVariant('redis');
  return process.env.POSTGRES_URL ? freshVariant('postgres') : undefined;
}

async function freshVariant(kind: 'postgres' | 'redis'): Promise<StoreVariant> {
  const { POSTGRES_URL: postgresUrl, REDIS_URL: redisUrl } = process.env;
  if (kind === 'postgres') return { id: 'postgres', label: 'PostgreSQL', ...await freshPostgresSchema(postgresUrl!) };
  const users = postgresUrl ? await freshPostgresSchema(postgresUrl) : undefined;
  const keyPrefix = `${unique()}:`;
  return {
    id: 'redis',
    label: users ? 'PostgreSQL + Redis sessions' : 'SQLite + Redis sessions',
    env: { ...users?.env, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: keyPrefix },
    drop: async () => {
      await users?.drop();
      await deleteRedisKeys(redisUrl!, keyPrefix);
    },
  };
}

async function freshPostgresSchema(base: string): Promise<Pick<StoreVariant, 'env' | 'drop'>> {
  const schema = unique();
  await onPostgres(base, `create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { env: { DATABASE_URL: url.toString() }, drop: () => onPostgres(base, `drop schema ${schema} cascade`) };
}

async function onPostgres(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
