// SessionStore on the SQL query layer. Rotation is one conditional UPDATE (compare-and-swap on
// the current hash), which every SQL engine applies atomically: of two racing rotations one
// matches a row and the other matches none (docs/architecture.md, "Refresh").
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, SessionsTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { peekMapped, prepareFirst, prepareWrite, type PreparedRead } from './prepared.js';
import { guard, isForeignKeyViolation, toDate, toNullableDate } from './errors.js';
import { SessionUserGoneError } from '../errors.js';
import type { SessionRecord, SessionRotation, SessionStore } from '../types/stores.js';

/** What a rotation sets, in the order of its first parameters (the rotate call below passes them so). */
const ROTATED = ['current_hash', 'previous_hash', 'generation', 'rotated_at', 'rotation_fingerprint', 'expires_at', 'last_used_at'] as const;

/** A new session's columns, in the order of the INSERT's parameters. */
const INSERTED = ['id', 'user_id', 'current_hash', 'previous_hash', 'generation', 'rotated_at', 'rotation_fingerprint', 'created_at',
  'expires_at', 'last_used_at', 'revoked_at', 'ip', 'user_agent', 'amr', 'auth_time', 'client_id', 'scope'] as const satisfies readonly (keyof SessionsTable)[];

/** The hot queries: every authenticated request reads its session, every refresh rotates, every login inserts one. */
function prepareHotQueries(conn: SqlConnection, db: Kysely<Database>) {
  const selectById = prepareFirst<Selectable<SessionsTable>>(conn,
    db.selectFrom('sessions').selectAll().where('id', '=', '?').where('user_id', '=', '?'), { cacheAs: 'session' });
  // placeholders in parameter order: the ROTATED values, then id, user_id, current_hash
  const placeholders = Object.fromEntries(ROTATED.map((column) => [column, 0])) as Updateable<SessionsTable>;
  const compareAndSwap = prepareWrite(conn, db.updateTable('sessions').set(placeholders)
    .where('id', '=', '?').where('user_id', '=', '?').where('current_hash', '=', '?').where('revoked_at', 'is', null),
    {
      grouped: true,
      changesOnly: { // the one session row, read by (id, user_id); a rotation's next read is served from memory
        name: 'session', keyParams: [ROTATED.length, ROTATED.length + 1],
        apply: (row: Selectable<SessionsTable>, params) => ({ ...row, ...Object.fromEntries(ROTATED.map((column, i) => [column, params[i]])) }),
      },
    });
  const insert = prepareWrite(conn,
    db.insertInto('sessions').values(Object.fromEntries(INSERTED.map((column) => [column, 0])) as Insertable<SessionsTable>),
    // a new row changes no cached one, except a cached "no such session" under its key
    { changesOnly: { name: 'session', keyParams: [INSERTED.indexOf('id'), INSERTED.indexOf('user_id')] } });
  return { selectById, compareAndSwap, insert };
}

export function createSqlSessionStore(conn: SqlConnection): SessionStore {
  const { db } = conn;
  const hot = prepareHotQueries(conn, db);
  return {
    create: (s) =>
      guard(async () => {
        const row: Insertable<SessionsTable> = {
          id: s.id,
          user_id: s.userId,
          current_hash: s.currentHash,
          previous_hash: s.previousHash,
          generation: s.generation,
          rotated_at: s.rotatedAt.getTime(),
          rotation_fingerprint: s.rotationFingerprint,
          created_at: s.createdAt.getTime(),
          expires_at: s.expiresAt.getTime(),
          last_used_at: s.lastUsedAt.getTime(),
          revoked_at: s.revokedAt?.getTime() ?? null,
          ip: s.ip,
          user_agent: s.userAgent,
          amr: s.amr.join(' '),
          auth_time: s.authTime.getTime(),
          client_id: s.client?.clientId ?? null,
          scope: s.client ? s.client.scopes.join(' ') : null,
        };
        await hot.insert(...INSERTED.map((column) => row[column])).catch((error: unknown) => {
          throw isForeignKeyViolation(error) ? new SessionUserGoneError() : error;
        });
      }),

    findById: (userId, id) =>
      guard(async () => {
        const row = await hot.selectById(id, userId);
        return row ? toSessionRecord(row) : null;
      }),

    cachedById: cachedSession(hot.selectById),

    rotate: (userId, id, expectedHash, next: SessionRotation) =>
      guard(async () => {
        const changed = await hot.compareAndSwap(next.currentHash, next.previousHash, next.generation, next.rotatedAt.getTime(),
          next.rotationFingerprint, next.expiresAt.getTime(), next.lastUsedAt.getTime(), id, userId, expectedHash);
        return changed === 1;
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

    countActive: (now) =>
      guard(async () => {
        const row = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('revoked_at', 'is', null).where('expires_at', '>', now.getTime()).executeTakeFirstOrThrow();
        return Number(row.n);
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

    revokeAllForClient: (clientId, now) =>
      guard(async () => {
        const result = await db.updateTable('sessions').set({ revoked_at: now.getTime() })
          .where('client_id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),

    deleteAllForUser: (userId) =>
      guard(async () => {
        // the count is for the audit event only: a login racing the deletion may go uncounted
        const { live } = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number | string>().as('live'))
          .where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
        await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
        return Number(live);
      }),

    deleteExpired: (now) =>
      guard(async () => {
        const result = await db.deleteFrom('sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

/** cachedById from the cached read: the store's parameters are (userId, id), the query's (id, user_id). */
function cachedSession(selectById: PreparedRead<Selectable<SessionsTable>>): SessionStore['cachedById'] {
  const peek = peekMapped(selectById, toSessionRecord);
  return peek && ((userId, id) => peek(id, userId));
}

export function toSessionRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    currentHash: row.current_hash,
    previousHash: row.previous_hash,
    generation: Number(row.generation),
    rotatedAt: toDate(row.rotated_at),
    rotationFingerprint: row.rotation_fingerprint ?? null,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    lastUsedAt: toDate(row.last_used_at),
    revokedAt: toNullableDate(row.revoked_at),
    ip: row.ip,
    userAgent: row.user_agent,
    amr: row.amr ? row.amr.split(' ') : [],
    authTime: toDate(row.auth_time ?? row.created_at),
    client: row.client_id ? { clientId: row.client_id, scopes: row.scope ? row.scope.split(' ') : [] } : null,
  };
}
