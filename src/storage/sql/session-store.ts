// SessionStore on the SQL query layer. Rotation is one conditional UPDATE (compare-and-swap on
// the current hash), which every SQL engine applies atomically: of two racing rotations one
// matches a row and the other matches none (design §5).
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from './schema.js';
import { guard, toDate, toNullableDate } from './errors.js';
import type { SessionRecord, SessionRotation, SessionStore } from '../types.js';

export function createSqlSessionStore(db: Kysely<Database>): SessionStore {
  return {
    create: (s) =>
      guard(async () => {
        await db.insertInto('sessions').values({
          id: s.id,
          user_id: s.userId,
          current_hash: s.currentHash,
          previous_hash: s.previousHash,
          generation: s.generation,
          rotated_at: s.rotatedAt.getTime(),
          created_at: s.createdAt.getTime(),
          expires_at: s.expiresAt.getTime(),
          last_used_at: s.lastUsedAt.getTime(),
          revoked_at: s.revokedAt?.getTime() ?? null,
          ip: s.ip,
          user_agent: s.userAgent,
        }).execute();
      }),

    findById: (userId, id) =>
      guard(async () => {
        const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
        return row ? toSessionRecord(row) : null;
      }),

    rotate: (userId, id, expectedHash, next: SessionRotation) =>
      guard(async () => {
        const result = await db.updateTable('sessions')
          .set({
            current_hash: next.currentHash,
            previous_hash: next.previousHash,
            generation: next.generation,
            rotated_at: next.rotatedAt.getTime(),
            expires_at: next.expiresAt.getTime(),
            last_used_at: next.lastUsedAt.getTime(),
          })
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .where('current_hash', '=', expectedHash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    listActiveForUser: (userId, now) =>
      guard(async () => {
        const rows = await db.selectFrom('sessions').selectAll()
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now.getTime())
          .orderBy('created_at', 'desc')
          .execute();
        return rows.map(toSessionRecord);
      }),

    revoke: (userId, id, now) =>
      guard(async () => {
        await db.updateTable('sessions').set({ revoked_at: now.getTime() })
          .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      }),

    revokeAllForUser: (userId, now, exceptId) =>
      guard(async () => {
        let query = db.updateTable('sessions').set({ revoked_at: now.getTime() })
          .where('user_id', '=', userId).where('revoked_at', 'is', null);
        if (exceptId) query = query.where('id', '!=', exceptId);
        const result = await query.executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),

    deleteExpired: (now) =>
      guard(async () => {
        const result = await db.deleteFrom('sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

function toSessionRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    currentHash: row.current_hash,
    previousHash: row.previous_hash,
    generation: Number(row.generation),
    rotatedAt: toDate(row.rotated_at),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    lastUsedAt: toDate(row.last_used_at),
    revokedAt: toNullableDate(row.revoked_at),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}
