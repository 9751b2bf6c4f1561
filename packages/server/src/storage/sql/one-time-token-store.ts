// OneTimeTokenStore on the SQL query layer. Works on the database or inside a transaction (the
// flows' AccountWrites): every operation is one or two plain statements. Consuming is one
// conditional UPDATE, so of two racing uses exactly one matches the row.
import type { Kysely, Selectable } from 'kysely';
import type { Database, OneTimeTokensTable } from './schema.js';
import { guard, toDate, toNullableDate } from './errors.js';
import type { OneTimePurpose, OneTimeTokenRecord, OneTimeTokenStore } from '../types/one-time-tokens.js';
import { deleteExpired, findByHash } from './single-use.js';

export function createSqlOneTimeTokenStore(db: Kysely<Database>): OneTimeTokenStore {
  return {
    issue: (token) =>
      guard(async () => {
        await db.deleteFrom('one_time_tokens')
          .where('user_id', '=', token.userId).where('purpose', '=', token.purpose).where('consumed_at', 'is', null).execute();
        await db.insertInto('one_time_tokens').values({
          token_hash: token.tokenHash, purpose: token.purpose, user_id: token.userId, subject: token.subject,
          code_hash: token.codeHash, attempts: token.attempts, created_at: token.createdAt.getTime(),
          expires_at: token.expiresAt.getTime(), consumed_at: token.consumedAt?.getTime() ?? null,
        }).execute();
      }),

    findByHash: (tokenHash) => findByHash(db, 'one_time_tokens', tokenHash, toOneTimeTokenRecord),

    findLatest: (userId, purpose, now) =>
      guard(async () => {
        const row = await db.selectFrom('one_time_tokens').selectAll()
          .where('user_id', '=', userId).where('purpose', '=', purpose)
          .where('consumed_at', 'is', null).where('expires_at', '>', now.getTime())
          .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
        return row ? toOneTimeTokenRecord(row) : null;
      }),

    consume: (tokenHash, purpose, now) =>
      guard(async () => {
        const result = await db.updateTable('one_time_tokens').set({ consumed_at: now.getTime() })
          .where('token_hash', '=', tokenHash).where('purpose', '=', purpose)
          .where('consumed_at', 'is', null).where('expires_at', '>', now.getTime())
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    addAttempt: (tokenHash) =>
      guard(async () => {
        const result = await db.updateTable('one_time_tokens').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('token_hash', '=', tokenHash).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return null;
        const row = await db.selectFrom('one_time_tokens').select('attempts').where('token_hash', '=', tokenHash).executeTakeFirst();
        return row ? Number(row.attempts) : null;
      }),

    deleteForUser: (userId, purpose) =>
      guard(async () => {
        const result = await db.deleteFrom('one_time_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),

    deleteExpired: (before) => deleteExpired(db, 'one_time_tokens', before, 'consumed_at'),
  };
}

function toOneTimeTokenRecord(row: Selectable<OneTimeTokensTable>): OneTimeTokenRecord {
  return {
    tokenHash: row.token_hash,
    purpose: row.purpose as OneTimePurpose,
    userId: row.user_id,
    subject: row.subject,
    codeHash: row.code_hash,
    attempts: Number(row.attempts),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    consumedAt: toNullableDate(row.consumed_at),
  };
}
