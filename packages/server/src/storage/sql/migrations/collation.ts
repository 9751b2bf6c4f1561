// The collation MySQL compares exact keys with (usernames since 0003, provider subjects in 0006).
import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * A binary collation without PAD SPACE where the server has one (MySQL 8: utf8mb4_0900_bin;
 * MariaDB 10.2+: utf8mb4_nopad_bin), so "alice " is not "alice" either; utf8mb4_bin otherwise.
 */
export async function binaryCollation(db: Kysely<any>): Promise<string> {
  const preferred = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'];
  const { rows } = await sql<{ name: string }>`select collation_name as name from information_schema.collations
    where collation_name in (${sql.join(preferred)})`.execute(db);
  return preferred.find((name) => rows.some((row) => row.name === name)) ?? 'utf8mb4_bin';
}
