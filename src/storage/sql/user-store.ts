// UserStore on the SQL query layer.
import type { Selectable } from 'kysely';
import type { UsersTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { prepareFirst } from './prepared.js';
import { guard, isUniqueViolation, toDate } from './errors.js';
import { DuplicateUserError, type NewUser, type UserPatch, type UserRecord, type UserStore } from '../types.js';

export function createSqlUserStore(conn: SqlConnection): UserStore {
  const { db } = conn;
  // every authenticated request reads its user by id: the one hot query here
  const selectById = prepareFirst<Selectable<UsersTable>>(conn, db.selectFrom('users').selectAll().where('id', '=', '?'));
  const findBy = (column: 'id' | 'username_key' | 'email', value: string) =>
    guard(async () => {
      const row = await db.selectFrom('users').selectAll().where(column, '=', value).executeTakeFirst();
      return row ? toUserRecord(row) : null;
    });

  return {
    async create(user: NewUser) {
      const createdAt = user.createdAt.getTime();
      try {
        await db.insertInto('users').values({
          id: user.id,
          username: user.username,
          username_key: user.username.toLowerCase(),
          email: user.email,
          password_hash: user.passwordHash,
          full_name: user.fullName,
          role: user.role,
          disabled: user.disabled ? 1 : 0,
          created_at: createdAt,
          updated_at: createdAt,
        }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) return guard(() => Promise.reject(error));
        const taken = await findBy('username_key', user.username.toLowerCase());
        throw new DuplicateUserError(taken ? 'username' : 'email');
      }
      return { ...user, updatedAt: user.createdAt };
    },

    findById: (id) =>
      guard(async () => {
        const row = await selectById(id);
        return row ? toUserRecord(row) : null;
      }),

    findByLogin: (login) => (login.includes('@') ? findBy('email', login.toLowerCase()) : findBy('username_key', login.toLowerCase())),

    update: (id, patch: UserPatch, now) =>
      guard(async () => {
        const values: Partial<UsersTable> = { updated_at: now.getTime() };
        if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
        if (patch.role !== undefined) values.role = patch.role;
        if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
        if (patch.fullName !== undefined) values.full_name = patch.fullName;
        await db.updateTable('users').set(values).where('id', '=', id).execute();
        return findBy('id', id);
      }),
  };
}

function toUserRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    fullName: row.full_name,
    role: row.role,
    disabled: Number(row.disabled) === 1,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
