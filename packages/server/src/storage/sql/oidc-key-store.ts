// OidcKeyStore on the SQL query layer (migration 0017): one row a key, its private key sealed.
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toMs } from './errors.js';
import type { OidcKeyStore } from '../types/oidc-keys.js';

export function createSqlOidcKeyStore({ db }: SqlConnection): OidcKeyStore {
  return {
    list: () => guard(async () => {
      const rows = await db.selectFrom('oidc_signing_keys').selectAll().orderBy('activates_at').orderBy('kid').execute();
      return rows.map((row) => ({
        kid: row.kid, alg: row.alg, sealedPrivateKey: row.private_key, createdAt: toMs(row.created_at),
        activatesAt: toMs(row.activates_at), retiredAt: row.retired_at === null ? null : toMs(row.retired_at),
      }));
    }),

    add: (key) => guard(async () => {
      try {
        await db.insertInto('oidc_signing_keys').values({
          kid: key.kid, alg: key.alg, private_key: key.sealedPrivateKey, created_at: key.createdAt,
          activates_at: key.activatesAt, retired_at: key.retiredAt,
        }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }),

    retire: (kid, retiredAt) => guard(async () => {
      await db.updateTable('oidc_signing_keys').set({ retired_at: retiredAt }).where('kid', '=', kid).execute();
    }),

    delete: (kid) => guard(async () => {
      await db.deleteFrom('oidc_signing_keys').where('kid', '=', kid).execute();
    }),
  };
}
