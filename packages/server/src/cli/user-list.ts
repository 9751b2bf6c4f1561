// `gatehouse user list`: every user, oldest first, as an aligned table or (--json) the admin API's
// user objects. Never a password hash: both views are built from the public fields only.
import { toPublicUser, type PublicUser } from '../core/accounts/user-rules.js';
import type { UserRecord, UserStore } from '../storage/types/stores.js';

/** Rows per store read: the whole list is printed, a page at a time from the store. */
const PAGE_SIZE = 500;

const COLUMNS = ['ID', 'USERNAME', 'EMAIL', 'ROLE', 'DISABLED', 'CREATED'] as const;

/** Every user in id order (UUIDv7, so creation order). */
async function* allUsers(users: UserStore): AsyncGenerator<UserRecord> {
  let after: string | undefined;
  for (;;) {
    const page = await users.list({ limit: PAGE_SIZE, after });
    yield* page;
    if (page.length < PAGE_SIZE) return;
    after = page[page.length - 1]!.id;
  }
}

export async function listUsers(users: UserStore, json: boolean): Promise<string> {
  const found: PublicUser[] = [];
  for await (const user of allUsers(users)) found.push(toPublicUser(user));
  if (json) return JSON.stringify(found, null, 2);
  if (found.length === 0) return 'No users yet; add one with gatehouse user create.';
  return formatTable(found);
}

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(users: readonly PublicUser[]): string {
  const rows = [
    [...COLUMNS],
    ...users.map((u) => [u.id, u.username, u.email, u.role, u.disabled ? 'yes' : 'no', u.created_at.replace(/\.\d{3}Z$/, 'Z')]),
  ];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}
