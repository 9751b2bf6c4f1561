// Fast seeding for the scale bench: the schema from the server's own migrations, then users and
// sessions inserted straight into the tables with better-sqlite3, in batches inside transactions.
// Every seeded user shares one precomputed argon2id hash: hashing a million passwords would take
// hours and measure nothing.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { createStores } from '../../src/storage/create-stores.js';
import { BENCH_PASSWORD } from './gatehouse.js';

const BATCH = 20_000;
const DAY_MS = 86_400_000;

export interface SeedResult {
  rows: number;
  seconds: number;
  databaseMb: number;
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
