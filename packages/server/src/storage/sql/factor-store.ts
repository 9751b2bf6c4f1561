// FactorStore on the SQL query layer: the TOTP row and the recovery codes of each user. Confirming,
// using a step and using a recovery code are each one conditional UPDATE (compare-and-swap).
// No transactions: SQLite's group commit (group-commit.ts) shares its connection with them.
import type { Selectable } from 'kysely';
import type { MfaTotpTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toDate, toNullableDate } from './errors.js';
import type { FactorStore, TotpRecord } from '../types/factors.js';

export function createSqlFactorStore({ db }: SqlConnection): FactorStore {
  async function replaceCodes(userId: string, codeHashes: readonly string[], now: Date): Promise<void> {
    await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    if (codeHashes.length === 0) return;
    await db.insertInto('mfa_recovery_codes')
      .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null, created_at: now.getTime() }))).execute();
  }

  return {
    findTotp: (userId) =>
      guard(async () => {
        const row = await db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
        return row ? toTotp(row) : null;
      }),

    startTotp: (r) =>
      guard(async () => {
        await db.deleteFrom('mfa_totp').where('user_id', '=', r.userId).where('confirmed_at', 'is', null).execute();
        try {
          await db.insertInto('mfa_totp').values({
            user_id: r.userId, secret: r.secret, confirmed_at: r.confirmedAt?.getTime() ?? null,
            last_used_step: r.lastUsedStep, created_at: r.createdAt.getTime(),
          }).execute();
          return true;
        } catch (error) {
          if (isUniqueViolation(error)) return false; // a confirmed factor (or a concurrent start) is there
          throw error;
        }
      }),

    confirmTotp: (userId, secret, step, codeHashes, now) =>
      guard(async () => {
        const result = await db.updateTable('mfa_totp').set({ confirmed_at: now.getTime(), last_used_step: step })
          .where('user_id', '=', userId).where('secret', '=', secret).where('confirmed_at', 'is', null).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await replaceCodes(userId, codeHashes, now);
        return true;
      }),

    useTotpStep: (userId, step) =>
      guard(async () => {
        const result = await db.updateTable('mfa_totp').set({ last_used_step: step })
          .where('user_id', '=', userId).where('confirmed_at', 'is not', null)
          .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    replaceRecoveryCodes: (userId, codeHashes, now) => guard(() => replaceCodes(userId, codeHashes, now)),

    useRecoveryCode: (userId, codeHash, now) =>
      guard(async () => {
        const result = await db.updateTable('mfa_recovery_codes').set({ used_at: now.getTime() })
          .where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    countUnusedRecoveryCodes: (userId) =>
      guard(async () => {
        const row = await db.selectFrom('mfa_recovery_codes').select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
        return Number(row?.n ?? 0);
      }),

    deleteAll: (userId) =>
      guard(async () => {
        await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        const result = await db.deleteFrom('mfa_totp').where('user_id', '=', userId).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      }),
  };
}

function toTotp(row: Selectable<MfaTotpTable>): TotpRecord {
  return {
    userId: row.user_id,
    secret: row.secret,
    confirmedAt: toNullableDate(row.confirmed_at),
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    createdAt: toDate(row.created_at),
  };
}
