// UserImportStore on the SQL query layer: bulk reads in chunks of IN lists, and each batch of an
// import as multi-row INSERTs in one transaction (on SQLite through the gate: transaction.ts), so
// 100 k users take seconds, not the minutes of one statement per row (docs/migrating.md, "Speed").
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation } from './errors.js';
import { DuplicateUserError } from '../errors.js';
import { inTransaction } from './transaction.js';
import type { ExistingUser, ImportBatch, UserImportStore } from '../types/user-import.js';
import type { NewUser, UserPatch } from '../types/stores.js';

/** core/admin/admin.ts ADMIN_ROLE: storage sits below the core and never imports it. */
const ADMIN_ROLE = 'admin';

/** Keys per IN list, and rows per INSERT: 11 columns × 500 stays under every backend's parameter limit. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function createSqlUserImportStore(conn: SqlConnection): UserImportStore {
  const { db } = conn;
  return {
    findUsers: ({ ids, emails, usernameKeys }) => guard(async () => {
      const found = new Map<string, ExistingUser>();
      const lookups = [['id', ids], ['email', emails], ['username_key', usernameKeys]] as const;
      for (const [column, keys] of lookups) {
        for (const chunk of chunks([...new Set(keys)])) {
          const rows = await db.selectFrom('users').select(['id', 'email', 'username_key', 'role', 'disabled']).where(column, 'in', chunk).execute();
          for (const row of rows) {
            const activeAdmin = row.role === ADMIN_ROLE && Number(row.disabled) === 0;
            found.set(row.id, { id: row.id, email: row.email, usernameKey: row.username_key, activeAdmin });
          }
        }
      }
      return [...found.values()];
    }),

    findIdentities: (pairs) => guard(async () => {
      const byProvider = new Map<string, string[]>();
      for (const { provider, subject } of pairs) byProvider.set(provider, [...(byProvider.get(provider) ?? []), subject]);
      const found = [];
      for (const [provider, subjects] of byProvider) {
        for (const chunk of chunks(subjects)) {
          const rows = await db.selectFrom('federated_identities').select(['provider', 'subject', 'user_id'])
            .where('provider', '=', provider).where('subject', 'in', chunk).execute();
          found.push(...rows.map((row) => ({ provider: row.provider, subject: row.subject, userId: row.user_id })));
        }
      }
      return found;
    }),

    async writeBatch(batch, now) {
      try {
        await inTransaction(conn, (trx) => writeRows(trx, batch, now));
      } catch (error) {
        // a row that appeared after the checks (a registration meanwhile): the batch rolled back
        if (isUniqueViolation(error)) throw new DuplicateUserError('email');
        return guard(() => Promise.reject(error));
      }
    },
  };
}

async function writeRows(trx: Kysely<Database>, batch: ImportBatch, now: Date): Promise<void> {
  for (const chunk of chunks(batch.create)) await trx.insertInto('users').values(chunk.map(toRow)).execute();
  for (const { id, patch } of batch.update) await updateProfile(trx, id, patch, now);
  for (const chunk of chunks(batch.identities)) {
    await trx.insertInto('federated_identities').values(chunk.map((identity) => ({
      id: identity.id, user_id: identity.userId, provider: identity.provider, subject: identity.subject,
      email: identity.email, email_verified: identity.emailVerified ? 1 : 0,
      created_at: identity.createdAt.getTime(), last_used_at: identity.lastUsedAt.getTime(),
    }))).execute();
  }
}

function toRow(user: NewUser) {
  const createdAt = user.createdAt.getTime();
  return {
    id: user.id, username: user.username, username_key: user.username.toLowerCase(), email: user.email,
    email_verified: user.emailVerified ? 1 : 0, password_hash: user.passwordHash, full_name: user.fullName,
    role: user.role, disabled: user.disabled ? 1 : 0, created_at: createdAt, updated_at: createdAt,
  };
}

/** The profile fields an import may overwrite (--update): never the password hash, nor the email it matched by. */
async function updateProfile(trx: Kysely<Database>, id: string, patch: UserPatch, now: Date): Promise<void> {
  await trx.updateTable('users').set({
    updated_at: now.getTime(),
    ...(patch.username !== undefined && { username: patch.username, username_key: patch.username.toLowerCase() }),
    ...(patch.fullName !== undefined && { full_name: patch.fullName }),
    ...(patch.emailVerified !== undefined && { email_verified: patch.emailVerified ? 1 : 0 }),
    ...(patch.role !== undefined && { role: patch.role }),
    ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
  }).where('id', '=', id).execute();
}
