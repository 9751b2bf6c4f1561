// PasskeyStore on the SQL query layer. The credential id is found by its SHA-256 (the unique key:
// ids may be longer than MySQL indexes), and every change names the owner, so an id of another
// user's passkey changes nothing.
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { PasskeysTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toDate, toNullableDate } from './errors.js';
import { DuplicatePasskeyError } from '../errors.js';
import type { CredentialDeviceType, PasskeyRecord, PasskeyStore } from '../types/passkeys.js';

const credentialHash = (credentialId: string) => createHash('sha256').update(credentialId).digest('hex');

export function createSqlPasskeyStore({ db }: SqlConnection): PasskeyStore {
  const findOwned = async (userId: string, id: string) => {
    const row = await db.selectFrom('passkeys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return row ? toPasskeyRecord(row) : null;
  };
  return {
    async create(passkey) {
      try {
        await db.insertInto('passkeys').values({
          id: passkey.id,
          user_id: passkey.userId,
          credential_hash: credentialHash(passkey.credentialId),
          credential_id: passkey.credentialId,
          public_key: passkey.publicKey,
          counter: passkey.counter,
          transports: passkey.transports.join(','),
          device_type: passkey.deviceType,
          backed_up: passkey.backedUp ? 1 : 0,
          name: passkey.name,
          created_at: passkey.createdAt.getTime(),
          last_used_at: passkey.lastUsedAt?.getTime() ?? null,
        }).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicatePasskeyError();
        return guard(() => Promise.reject(error));
      }
    },

    findByCredentialId: (credentialId) =>
      guard(async () => {
        const row = await db.selectFrom('passkeys').selectAll().where('credential_hash', '=', credentialHash(credentialId)).executeTakeFirst();
        return row && row.credential_id === credentialId ? toPasskeyRecord(row) : null;
      }),

    listForUser: (userId) =>
      guard(async () => {
        const rows = await db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
        return rows.map(toPasskeyRecord);
      }),

    rename: (userId, id, name) =>
      guard(async () => {
        await db.updateTable('passkeys').set({ name }).where('id', '=', id).where('user_id', '=', userId).execute();
        return findOwned(userId, id);
      }),

    recordUse: (id, counter, usedAt) =>
      guard(async () => {
        // a counter of 0 is an authenticator that keeps none (WebAuthn §6.1.1): it stays 0
        const result = await db.updateTable('passkeys').set({ counter, last_used_at: usedAt.getTime() })
          .where('id', '=', id).where('counter', counter === 0 ? '=' : '<', counter).executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    delete: (userId, id) =>
      guard(async () => {
        const result = await db.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),
  };
}

function toPasskeyRecord(row: Selectable<PasskeysTable>): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: row.transports ? row.transports.split(',') : [],
    deviceType: row.device_type as CredentialDeviceType,
    backedUp: Number(row.backed_up) === 1,
    name: row.name,
    createdAt: toDate(row.created_at),
    lastUsedAt: toNullableDate(row.last_used_at),
  };
}
