// Driver errors, read once here: a unique-key clash is the caller's business; anything else from
// the database means the store cannot serve, which answers 503 and never shows the driver's text.
import { SessionUserGoneError, StoreUnavailableError } from '../errors.js';

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505' || code === 'ER_DUP_ENTRY';
}

/** A row naming a parent row that is not there (a session of a deleted user). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503' || code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_NO_REFERENCED_ROW';
}

/** Runs a store operation; a driver failure becomes a StoreUnavailableError carrying it as cause. */
export async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StoreUnavailableError || error instanceof SessionUserGoneError) throw error;
    throw new StoreUnavailableError(error);
  }
}

export const toMs = (value: number | string): number => Number(value);
export const toDate = (value: number | string): Date => new Date(Number(value));
export const toNullableDate = (value: number | string | null): Date | null => (value === null ? null : toDate(value));
