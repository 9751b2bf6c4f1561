// Which storage backends the suites run on. SQLite always; PostgreSQL, MySQL and Redis when their
// URL is set (POSTGRES_URL, MYSQL_URL, REDIS_URL). Unset ones are skipped with the reason printed;
// under CI=true an unset or unreachable backend fails the run instead.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createConnection } from 'mysql2/promise';

export interface SqlBackend {
  name: string;
  /** A database URL of a fresh, empty schema, and how to drop it. */
  create(): Promise<{ url: string; drop(): Promise<void> }>;
}

const inCi = process.env.CI === 'true';

/** `skip` for node:test: false to run, or the reason to skip. Throws under CI=true. */
export function unavailable(variable: string): string | false {
  if (process.env[variable]) return false;
  const reason = `${variable} is not set`;
  if (inCi) throw new Error(`${reason}: CI=true requires every backend`);
  console.log(`# skipping: ${reason}`);
  return reason;
}

const uniqueName = () => `gh_test_${randomBytes(5).toString('hex')}`;

export const sqlite: SqlBackend = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

export const postgres: SqlBackend = {
  name: 'postgres',
  async create() {
    const base = process.env.POSTGRES_URL!;
    const schema = uniqueName();
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: base });
        await client.connect();
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
      },
    };
  },
};

export const mysql: SqlBackend = {
  name: 'mysql',
  async create() {
    const base = process.env.MYSQL_URL!;
    const database = uniqueName();
    const admin = await createConnection(base);
    await admin.query(`create database ${database}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${database}`;
    return {
      url: url.toString(),
      async drop() {
        const conn = await createConnection(base);
        await conn.query(`drop database ${database}`);
        await conn.end();
      },
    };
  },
};

/** The SQL backends with the variable that enables each (sqlite needs none). */
export const sqlBackends: Array<{ backend: SqlBackend; variable?: string }> = [
  { backend: sqlite },
  { backend: postgres, variable: 'POSTGRES_URL' },
  { backend: mysql, variable: 'MYSQL_URL' },
];

/** A Redis target for the Redis suites: REDIS_URL or REDIS_CLUSTER_NODES, with a fresh key prefix. */
export function redisTarget(kind: 'redis' | 'cluster') {
  const keyPrefix = `gh_test_${randomBytes(5).toString('hex')}:`;
  return kind === 'cluster'
    ? { clusterNodes: process.env.REDIS_CLUSTER_NODES!.split(','), keyPrefix }
    : { url: process.env.REDIS_URL!, keyPrefix };
}

/** Deletes every key under a prefix, on every master of a cluster. */
export async function deleteRedisKeys(client: import('ioredis').Redis | import('ioredis').Cluster, prefix: string): Promise<void> {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client as import('ioredis').Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await node.del(key);
    } while (cursor !== '0');
  }
}
