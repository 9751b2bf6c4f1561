// The one place that picks storage backends from configuration.
import { sql } from 'kysely';
import { connectSql } from './sql/connect.js';
import { migrateToLatest } from './sql/migrations.js';
import { createSqlUserStore } from './sql/user-store.js';
import { createSqlSessionStore } from './sql/session-store.js';
import type { Stores } from './types.js';

export interface StoreOptions {
  databaseUrl: string;
  /** Apply pending migrations before returning (the server does unless told not to). */
  migrate: boolean;
}

export async function createStores(options: StoreOptions): Promise<Stores> {
  const { db } = connectSql(options.databaseUrl);
  if (options.migrate) await migrateToLatest(db);
  return {
    users: createSqlUserStore(db),
    sessions: createSqlSessionStore(db),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
