// The shared layer of the single-use secret tables (login challenges, one-time mail tokens, WebAuthn
// challenges, federation tickets): each row is named by the SHA-256 of a random value handed out
// once (core/tokens/secret-hash.ts), lives until expires_at, and is taken once by compare-and-swap.
// Each store keeps its own columns; finding a row by its hash and deleting what expired are here,
// once, over the existing tables (no data migration: docs/architecture.md, "Stores").
import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely.js';
import type { Database } from './schema.js';
import { guard } from './errors.js';

export type SingleUseTable = 'login_challenges' | 'one_time_tokens' | 'webauthn_challenges' | 'federation_tickets';

/** The column holding each table's hash. */
const HASH_COLUMN: Readonly<Record<SingleUseTable, string>> = {
  login_challenges: 'token_hash', one_time_tokens: 'token_hash', webauthn_challenges: 'challenge_hash', federation_tickets: 'hash',
};

/** The record of the row a hash names (`toRecord` maps its columns), or null. */
export function findByHash<T extends SingleUseTable, R>(
  db: Kysely<Database>, table: T, hash: string, toRecord: (row: Selectable<Database[T]>) => R,
): Promise<R | null> {
  return guard(async () => {
    const { rows } = await sql<Selectable<Database[T]>>`select * from ${sql.table(table)} where ${sql.ref(HASH_COLUMN[table])} = ${hash}`.execute(db);
    return rows[0] ? toRecord(rows[0]) : null;
  });
}

/**
 * Deletes the rows expired at `now` (a row is live while expires_at > now, as every take checks),
 * and those spent before it where the table records a spending time (`spentColumn`). Answers how many.
 */
export function deleteExpired(db: Kysely<Database>, table: SingleUseTable, now: Date, spentColumn?: 'consumed_at'): Promise<number> {
  return guard(async () => {
    const spent = spentColumn ? sql` or ${sql.ref(spentColumn)} < ${now.getTime()}` : sql``;
    const result = await sql`delete from ${sql.table(table)} where ${sql.ref('expires_at')} <= ${now.getTime()}${spent}`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  });
}
