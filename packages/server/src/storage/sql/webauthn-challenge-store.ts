// WebAuthnChallengeStore on the SQL query layer. Consuming is a read, then a DELETE that only one
// caller can win (MySQL has no DELETE … RETURNING): the row answered is the one this call removed.
import type { Selectable } from 'kysely';
import type { WebAuthnChallengesTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, toDate } from './errors.js';
import type { WebAuthnCeremony, WebAuthnChallengeRecord, WebAuthnChallengeStore } from '../types/passkeys.js';
import { deleteExpired } from './single-use.js';

export function createSqlWebAuthnChallengeStore({ db }: SqlConnection): WebAuthnChallengeStore {
  return {
    create: (challenge) =>
      guard(async () => {
        await db.insertInto('webauthn_challenges').values({
          challenge_hash: challenge.challengeHash,
          ceremony: challenge.ceremony,
          user_id: challenge.userId,
          created_at: challenge.createdAt.getTime(),
          expires_at: challenge.expiresAt.getTime(),
        }).execute();
      }),

    consume: (challengeHash, ceremony, now) =>
      guard(async () => {
        const row = await db.selectFrom('webauthn_challenges').selectAll().where('challenge_hash', '=', challengeHash).executeTakeFirst();
        if (!row) return null;
        const result = await db.deleteFrom('webauthn_challenges').where('challenge_hash', '=', challengeHash).executeTakeFirst();
        if (Number(result.numDeletedRows) !== 1) return null; // another caller took it first
        const record = toChallengeRecord(row);
        return record.ceremony === ceremony && record.expiresAt.getTime() > now.getTime() ? record : null;
      }),

    deleteExpired: (before) => deleteExpired(db, 'webauthn_challenges', before),
  };
}

function toChallengeRecord(row: Selectable<WebAuthnChallengesTable>): WebAuthnChallengeRecord {
  return {
    challengeHash: row.challenge_hash,
    ceremony: row.ceremony as WebAuthnCeremony,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
  };
}
