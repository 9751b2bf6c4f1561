// LoginChallengeStore on the SQL query layer: every change is one conditional UPDATE, which each
// engine applies atomically, as a session rotation is (session-store.ts). Not a hot path: plain
// query-builder statements, no row cache.
import type { Selectable } from 'kysely';
import type { LoginChallengesTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, toDate, toNullableDate } from './errors.js';
import type { LoginChallengeRecord, LoginChallengeState, LoginChallengeStore } from '../types/factors.js';
import { deleteExpired, findByHash } from './single-use.js';

export function createSqlLoginChallengeStore({ db }: SqlConnection): LoginChallengeStore {
  return {
    create: (c) =>
      guard(async () => {
        await db.insertInto('login_challenges').values({
          token_hash: c.tokenHash, user_id: c.userId, state: c.state, amr: c.amr.join(' '), attempts: c.attempts,
          created_at: c.createdAt.getTime(), expires_at: c.expiresAt.getTime(), finished_at: c.finishedAt?.getTime() ?? null,
          credential_generation: c.credentialGeneration,
        }).execute();
      }),

    findByHash: (tokenHash) => findByHash(db, 'login_challenges', tokenHash, toChallenge),

    addAttempt: (tokenHash, now, maxAttempts) =>
      guard(async () => {
        const result = await db.updateTable('login_challenges').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('token_hash', '=', tokenHash).where('state', '=', 'second_factor')
          .where('expires_at', '>', now.getTime()).where('attempts', '<', maxAttempts)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    finish: (tokenHash, state, now) =>
      guard(async () => {
        const result = await db.updateTable('login_challenges').set({ state, finished_at: now.getTime() })
          .where('token_hash', '=', tokenHash).where('state', '=', 'second_factor').executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    abandonForUser: (userId, now) =>
      guard(async () => {
        const result = await db.updateTable('login_challenges').set({ state: 'abandoned', finished_at: now.getTime() })
          .where('user_id', '=', userId).where('state', '=', 'second_factor').executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),

    deleteExpired: (before) => deleteExpired(db, 'login_challenges', before),
  };
}

function toChallenge(row: Selectable<LoginChallengesTable>): LoginChallengeRecord {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    state: row.state as LoginChallengeState,
    amr: row.amr ? row.amr.split(' ') : [],
    attempts: Number(row.attempts),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    finishedAt: toNullableDate(row.finished_at),
    credentialGeneration: row.credential_generation === null ? null : Number(row.credential_generation),
  };
}
