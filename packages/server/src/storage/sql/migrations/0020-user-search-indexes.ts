// Migration 0020 (docs/console.md, "Users"): a search by the start of a username or email reads
// two index ranges in bytewise order (storage/sql/user-store.ts, searchByPrefix). SQLite (BINARY)
// and MySQL (binary collations since 0003) already index both columns in that order through their
// unique keys; PostgreSQL's unique indexes follow the database's collation, so it gets "C" ones.
import type { Kysely, Migration } from 'kysely';
import { PostgresAdapter, sql } from '../kysely.js';

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export const userSearchIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    await sql`create index users_username_key_c on users (username_key collate "C")`.execute(db);
    await sql`create index users_email_c on users (email collate "C")`.execute(db);
  },
  async down(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    await sql`drop index users_email_c`.execute(db);
    await sql`drop index users_username_key_c`.execute(db);
  },
};
