// LoginMethodStore on SQL: one transaction locks the user's row (FOR UPDATE on PostgreSQL and MySQL;
// SQLite's BEGIN IMMEDIATE already admits one writer), counts the passkeys and identities, asks the
// core whether what remains is a way in, and only then deletes. Every removal of one user's methods
// takes the same lock first, so concurrent removals are judged one after the other.
import { guard } from './errors.js';
import { inTransaction, type TransactionConnection } from './transaction.js';
import type { LoginMethodStore } from '../types/login-methods.js';

const TABLES = { passkey: 'passkeys', identity: 'federated_identities' } as const;

export function createSqlLoginMethodStore(conn: TransactionConnection): LoginMethodStore {
  return {
    remove: (userId, kind, id, keepsWayIn) => guard(() => inTransaction(conn, async (trx) => {
      let owner = trx.selectFrom('users').select('password_hash').where('id', '=', userId);
      if (conn.dialect !== 'sqlite') owner = owner.forUpdate();
      const user = await owner.executeTakeFirst();
      if (!user) return 'not_found' as const;
      const count = async (table: 'passkeys' | 'federated_identities') => (await trx.selectFrom(table).select('id').where('user_id', '=', userId).execute()).map((row) => row.id);
      const [passkeys, identities] = [await count('passkeys'), await count('federated_identities')];
      if (!(kind === 'passkey' ? passkeys : identities).includes(id)) return 'not_found' as const;
      const left = {
        passwordHash: user.password_hash,
        passkeys: passkeys.length - (kind === 'passkey' ? 1 : 0),
        identities: identities.length - (kind === 'identity' ? 1 : 0),
      };
      if (!keepsWayIn(left)) return 'last' as const;
      await trx.deleteFrom(TABLES[kind]).where('id', '=', id).where('user_id', '=', userId).execute();
      return 'deleted' as const;
    })),
  };
}
