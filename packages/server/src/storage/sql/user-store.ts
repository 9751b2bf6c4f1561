// UserStore on the SQL query layer.
import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely.js';
import type { Database, UsersTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { peekMapped, prepareFirst } from './prepared.js';
import { guard, isUniqueViolation, toDate } from './errors.js';
import { inTransaction } from './transaction.js';
import { DuplicateUserError } from '../errors.js';
import type { AccountWrites, NewUser, UserListQuery, UserPatch, UserRecord, UserStore } from '../types/stores.js';

export function createSqlUserStore(conn: SqlConnection): UserStore {
  const { db } = conn;
  // every authenticated request reads its user by id, every login by name or email
  const selectById = prepareFirst<Selectable<UsersTable>>(conn, db.selectFrom('users').selectAll().where('id', '=', '?'), { cacheAs: 'user' });
  const selectByUsernameKey = prepareFirst<Selectable<UsersTable>>(conn, db.selectFrom('users').selectAll().where('username_key', '=', '?'));
  const selectByEmail = prepareFirst<Selectable<UsersTable>>(conn, db.selectFrom('users').selectAll().where('email', '=', '?'));

  return {
    create: (user) => insertUser(db, user),

    findById: (id) =>
      guard(async () => {
        const row = await selectById(id);
        return row ? toUserRecord(row) : null;
      }),

    cachedById: peekMapped(selectById, toUserRecord),

    findByLogin: (key) =>
      guard(async () => {
        const row = await (key.includes('@') ? selectByEmail : selectByUsernameKey)(key);
        return row ? toUserRecord(row) : null;
      }),

    update: (id, patch, now) => updateUser(db, id, patch, now),

    bumpCredentialGeneration: (id, now) =>
      // the read in the same transaction as the write: the row stays locked by it (SQLite: BEGIN
      // IMMEDIATE), so the value read is this bump's, never a concurrent one's
      guard(() => inTransaction(conn, async (trx) => {
        await trx.updateTable('users').set({ credential_generation: sql<number>`credential_generation + 1`, updated_at: now.getTime() })
          .where('id', '=', id).execute();
        const row = await trx.selectFrom('users').select('credential_generation').where('id', '=', id).executeTakeFirst();
        return row ? Number(row.credential_generation) : null;
      })),

    markOwnerProven: (id, at) =>
      guard(async () => {
        // never backwards: two sign-ins finishing out of order keep the later time
        await db.updateTable('users').set({ owner_proven_before: sql`coalesce(owner_proven_at, created_at)`, owner_proven_at: at.getTime() }).where('id', '=', id)
          .where((eb) => eb.or([eb('owner_proven_at', 'is', null), eb('owner_proven_at', '<', at.getTime())])).execute();
      }),

    replacePasswordHash: (id, expected, next, now) =>
      guard(async () => {
        const result = await db.updateTable('users').set({ password_hash: next, updated_at: now.getTime() })
          .where('id', '=', id).where('password_hash', '=', expected).executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    list: (query: UserListQuery) =>
      guard(async () => {
        let select = db.selectFrom('users').selectAll().orderBy('id').limit(query.limit);
        if (query.after) select = select.where('id', '>', query.after);
        if (query.query) {
          const pattern = `${escapeLike(query.query.toLowerCase())}%`;
          // "!" escapes: a backslash means different things in MySQL string literals
          select = select.where(sql<boolean>`(username_key like ${pattern} escape '!' or email like ${pattern} escape '!')`);
        }
        return (await select.execute()).map(toUserRecord);
      }),

    delete: (id) => deleteUser(db, id),

    countActiveByRole: (role) =>
      guard(async () => {
        const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('role', '=', role).where('disabled', '=', 0).executeTakeFirstOrThrow();
        return Number(row.n);
      }),
  };
}

/** The writes a flow's transaction may make to users (AccountWrites.users): plain statements on `db`. */
export function createSqlUserWrites(db: Kysely<Database>, dialect: SqlConnection['dialect']): AccountWrites['users'] {
  return {
    create: (user) => insertUser(db, user),
    findById: (id) => findUserById(db, id),
    update: (id, patch, now) => updateUser(db, id, patch, now),
    delete: (id) => deleteUser(db, id),
    deleteUnlessLastOfRole: (id, role) => guard(async () => {
      // locks the role's active holders in id order, so two such deletions at once wait for each other
      // instead of both counting two (PostgreSQL, MySQL); SQLite's BEGIN IMMEDIATE admits one writer
      let holders = db.selectFrom('users').select('id').where('role', '=', role).where('disabled', '=', 0).orderBy('id');
      if (dialect !== 'sqlite') holders = holders.forUpdate();
      const ids = (await holders.execute()).map((row) => row.id);
      if (ids.includes(id) && ids.length <= 1) return 'last' as const;
      return (await deleteUser(db, id)) ? 'deleted' as const : 'not_found' as const;
    }),
  };
}

async function insertUser(db: Kysely<Database>, user: NewUser): Promise<UserRecord> {
  const createdAt = user.createdAt.getTime();
  try {
    await db.insertInto('users').values({
      id: user.id,
      username: user.username,
      // usernames are ASCII (core/accounts/user-rules.ts), so this is loginKey's lowering
      username_key: user.username.toLowerCase(),
      email: user.email,
      email_verified: user.emailVerified ? 1 : 0,
      password_hash: user.passwordHash,
      full_name: user.fullName,
      role: user.role,
      disabled: user.disabled ? 1 : 0,
      created_at: createdAt,
      updated_at: createdAt,
    }).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) return guard(() => Promise.reject(error));
    throw new DuplicateUserError(duplicateField(error));
  }
  return { ...user, updatedAt: user.createdAt, credentialGeneration: 0, ownerProvenAt: user.createdAt, ownerProvenBefore: user.createdAt };
}

/**
 * Which unique index a clash hit, from the driver's error (no second query: inside a PostgreSQL
 * transaction there is none after an error). The index names hold the column: SQLite
 * "users.username_key", PostgreSQL "users_username_key_key", MySQL "username_key"; else email.
 */
function duplicateField(error: unknown): 'username' | 'email' {
  const { constraint, message } = error as { constraint?: unknown; message?: unknown };
  return `${String(constraint ?? '')} ${String(message ?? '')}`.includes('username') ? 'username' : 'email';
}

function findUserById(db: Kysely<Database>, id: string): Promise<UserRecord | null> {
  return guard(async () => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUserRecord(row) : null;
  });
}

/** Applies a patch; a username or email another user holds throws DuplicateUserError naming it. */
async function updateUser(db: Kysely<Database>, id: string, patch: UserPatch, now: Date): Promise<UserRecord | null> {
  const values: Partial<Omit<UsersTable, 'credential_generation'>> = { updated_at: now.getTime() };
  if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
  if (patch.role !== undefined) values.role = patch.role;
  if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
  if (patch.fullName !== undefined) values.full_name = patch.fullName;
  if (patch.emailVerified !== undefined) values.email_verified = patch.emailVerified ? 1 : 0;
  if (patch.email !== undefined) values.email = patch.email;
  if (patch.username !== undefined) {
    values.username = patch.username;
    values.username_key = patch.username.toLowerCase(); // ASCII, as in create
  }
  // a new password is a new credential: the generation moves in the same write (docs/architecture.md, "Login")
  const bump = patch.passwordHash === undefined ? {} : { credential_generation: sql<number>`credential_generation + 1` };
  try {
    await db.updateTable('users').set({ ...values, ...bump }).where('id', '=', id).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) return guard(() => Promise.reject(error));
    throw new DuplicateUserError(duplicateField(error));
  }
  return findUserById(db, id);
}

function deleteUser(db: Kysely<Database>, id: string): Promise<boolean> {
  return guard(async () => {
    const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  });
}

/** Makes LIKE's wildcards (and the escape character itself) match literally. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

export function toUserRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: Number(row.email_verified) === 1,
    passwordHash: row.password_hash,
    fullName: row.full_name,
    role: row.role,
    disabled: Number(row.disabled) === 1,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    credentialGeneration: Number(row.credential_generation),
    ownerProvenAt: toDate(row.owner_proven_at ?? row.created_at),
    ownerProvenBefore: toDate(row.owner_proven_before ?? row.created_at),
  };
}
