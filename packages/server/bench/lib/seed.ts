// Fast seeding for the scale bench: the schema from the server's own migrations, then users and
// sessions inserted straight into the tables with better-sqlite3, in batches inside transactions.
// Every seeded user shares one precomputed argon2id hash: hashing a million passwords would take
// hours and measure nothing.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { createPasswordHasher } from '../../src/core/passwords/hasher.js';
import { createStores } from '../../src/storage/create-stores.js';
import { connectSql } from '../../src/storage/sql/connect.js';
import type { SessionRecord } from '../../src/storage/types/stores.js';
import { BENCH_PASSWORD } from './gatehouse.js';

const BATCH = 20_000;
const DAY_MS = 86_400_000;

export interface SeedResult {
  rows: number;
  seconds: number;
  /** SQLite's file; not measured for network stores. */
  databaseMb?: number;
  /** Redis `used_memory` growth per seeded session, when sessions went to Redis. */
  redisBytesPerSession?: number;
}

/** Creates DATA_DIR/gatehouse.db with `rows` users and one live session each. */
export async function seedDatabase(dataDir: string, rows: number): Promise<SeedResult> {
  const path = join(dataDir, 'gatehouse.db');
  const stores = await createStores({ databaseUrl: `sqlite:${path}`, migrate: true });
  await stores.close();
  const passwordHash = await (await createPasswordHasher({ maxConcurrent: 1 })).hash(BENCH_PASSWORD);
  const started = performance.now();
  const db = new SqliteDatabase(path);
  try {
    db.pragma('synchronous = OFF');
    insertRows(db, rows, passwordHash);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
    return { rows, seconds: round1((performance.now() - started) / 1000), databaseMb: round1(pages / 1024 / 1024) };
  } finally {
    db.close();
  }
}

function insertRows(db: SqliteDatabase.Database, rows: number, passwordHash: string): void {
  const insertUser = db.prepare(`INSERT INTO users (id, username, username_key, email, password_hash, full_name, role, disabled,
    created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, 'user', 0, ?, ?)`);
  const insertSession = db.prepare(`INSERT INTO sessions (id, user_id, current_hash, previous_hash, generation, rotated_at,
    created_at, expires_at, last_used_at, revoked_at, ip, user_agent) VALUES (?, ?, ?, NULL, 0, ?, ?, ?, ?, NULL, '127.0.0.1', 'seed')`);
  const now = Date.now();
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const userId = uuidv7();
      const name = `seed${i}`;
      insertUser.run(userId, name, name, `${name}@example.com`, passwordHash, now, now);
      insertSession.run(uuidv7(), userId, randomBytes(32).toString('hex'), now, now, now + 7 * DAY_MS, now);
    }
  });
  for (let from = 0; from < rows; from += BATCH) batch(from, Math.min(rows, from + BATCH));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The same rows in the stores a variant's settings name (users in DATABASE_URL, sessions in
 * Redis when REDIS_URL is set, else beside the users): users in multi-row INSERTs through the
 * query layer, Redis sessions through the session store itself (its Lua script), many in flight.
 * Reports the bytes one session takes in Redis (`used_memory` before and after).
 */
export async function seedStores(env: Record<string, string>, dataDir: string, rows: number): Promise<SeedResult> {
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${join(dataDir, 'gatehouse.db')}`; // the server's default in DATA_DIR
  const redis = env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX ?? 'gh:' } : undefined;
  const stores = await createStores({ databaseUrl, migrate: true, redis });
  const conn = await connectSql(databaseUrl);
  const passwordHash = await (await createPasswordHasher({ maxConcurrent: 1 })).hash(BENCH_PASSWORD);
  const started = performance.now();
  const usedMemory = redis ? await redisUsedMemory(redis.url) : 0;
  try {
    const now = Date.now();
    for (let from = 0; from < rows; from += SQL_BATCH) {
      const users = Array.from({ length: Math.min(SQL_BATCH, rows - from) }, (_, k) => seedUser(from + k, passwordHash, now));
      await conn.db.insertInto('users').values(users).execute();
      const sessions = users.map((u) => seedSession(u.id, now));
      if (redis) {
        for (let i = 0; i < sessions.length; i += REDIS_IN_FLIGHT) {
          await Promise.all(sessions.slice(i, i + REDIS_IN_FLIGHT).map((s) => stores.sessions.create(asRecord(s))));
        }
      } else {
        await conn.db.insertInto('sessions').values(sessions).execute();
      }
    }
    const seconds = round1((performance.now() - started) / 1000);
    const redisBytesPerSession = redis ? Math.round((await redisUsedMemory(redis.url) - usedMemory) / rows) : undefined;
    return { rows, seconds, redisBytesPerSession };
  } finally {
    await conn.db.destroy();
    await stores.close();
  }
}

const SQL_BATCH = 5_000; // 10 columns: 50 000 parameters, under PostgreSQL's 65 535
const REDIS_IN_FLIGHT = 1_000;

function seedUser(i: number, passwordHash: string, now: number) {
  const name = `seed${i}`;
  return {
    id: uuidv7(), username: name, username_key: name, email: `${name}@example.com`, password_hash: passwordHash,
    full_name: null, role: 'user', disabled: 0, email_verified: 0, created_at: now, updated_at: now,
  };
}

function seedSession(userId: string, now: number) {
  return {
    id: uuidv7(), user_id: userId, current_hash: randomBytes(32).toString('hex'), previous_hash: null, generation: 0,
    rotated_at: now, created_at: now, expires_at: now + 7 * DAY_MS, last_used_at: now, revoked_at: null, ip: '127.0.0.1', user_agent: 'seed',
  };
}

function asRecord(s: ReturnType<typeof seedSession>): SessionRecord {
  return {
    id: s.id, userId: s.user_id, currentHash: s.current_hash, previousHash: null, generation: 0, rotatedAt: new Date(s.rotated_at),
    rotationFingerprint: null, createdAt: new Date(s.created_at), expiresAt: new Date(s.expires_at), lastUsedAt: new Date(s.last_used_at), revokedAt: null,
    ip: s.ip, userAgent: s.user_agent, amr: [], authTime: new Date(s.created_at),
  };
}

async function redisUsedMemory(url: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  try {
    return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  } finally {
    client.disconnect();
  }
}
