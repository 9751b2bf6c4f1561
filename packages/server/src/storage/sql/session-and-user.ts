// A session and its user in one statement, for PostgreSQL and MySQL: every authenticated request
// needs both, and on a network database each round trip costs more than the rest of the request
// (docs/benchmarks.md). A user without that session still comes back (the session null); no user
// means neither, as sessions cannot outlive their user (ON DELETE CASCADE). SQLite answers both
// from its row cache instead, which this would bypass.
import type { Selectable } from 'kysely';
import type { SessionsTable, UsersTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard } from './errors.js';
import { prepareFirst } from './prepared.js';
import { toSessionRecord } from './session-store.js';
import { toUserRecord } from './user-store.js';
import type { SessionAndUserRead } from '../types/stores.js';

const SESSION_COLUMNS = ['id', 'user_id', 'current_hash', 'previous_hash', 'generation', 'rotated_at', 'rotation_fingerprint',
  'created_at', 'expires_at', 'last_used_at', 'revoked_at', 'ip', 'user_agent', 'amr', 'auth_time', 'client_id', 'scope',
] as const satisfies readonly (keyof SessionsTable)[];

type SessionColumn = (typeof SESSION_COLUMNS)[number];
/** The user's columns as they are, the session's prefixed `s_` (null when the user has no such session). */
type Row = Selectable<UsersTable> & { [C in SessionColumn as `s_${C}`]: SessionsTable[C] | null };

export function createSessionAndUserRead(conn: SqlConnection): SessionAndUserRead {
  const { db } = conn;
  // parameters in the order they appear: the session id (in the join), then the user id
  const read = prepareFirst<Row>(conn, db.selectFrom('users')
    .leftJoin('sessions', (join) => join.onRef('sessions.user_id', '=', 'users.id').on('sessions.id', '=', '?'))
    .selectAll('users')
    .select(SESSION_COLUMNS.map((column) => `sessions.${column} as s_${column}` as const))
    .where('users.id', '=', '?'));
  return (userId, sessionId) =>
    guard(async () => {
      const row = await read(sessionId, userId);
      if (!row) return { session: null, user: null };
      const session = row.s_id === null ? null
        : toSessionRecord(Object.fromEntries(SESSION_COLUMNS.map((column) => [column, row[`s_${column}`]])) as Selectable<SessionsTable>);
      return { session, user: toUserRecord(row) };
    });
}
