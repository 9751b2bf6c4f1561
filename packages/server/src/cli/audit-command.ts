// `gatehouse audit [--user U] [--type T] [--since 1h] [--limit N] [--json]`: the stored audit
// events, newest first, as aligned lines or (--json) the objects GET /admin/audit answers.
import { parseDuration } from '../config/env-reader.js';
import type { Clock } from '../core/clock.js';
import { loginKey } from '../core/accounts/user-rules.js';
import { toAuditView } from '../http/routes/audit-view.js';
import type { AuditRecord } from '../storage/types/audit.js';
import type { Stores } from '../storage/types/stores.js';
import type { Flags } from './args.js';
import { CliError, UsageError } from './errors.js';

const DEFAULT_LIMIT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user a --user names: an id, or a username or email. */
async function subjectOf(stores: Stores, user: string): Promise<string> {
  const found = UUID.test(user) ? await stores.users.findById(user) : await stores.users.findByLogin(loginKey(user));
  // a deleted account's events stay: an id that names nobody is still a subject to look for
  if (!found && UUID.test(user)) return user;
  if (!found) throw new CliError(`no user '${user}'`);
  return found.id;
}

export async function listAudit(stores: Stores, flags: Flags, clock: Clock): Promise<string> {
  const since = typeof flags.since === 'string' ? parseDuration(flags.since) : undefined;
  if (typeof flags.since === 'string' && since === undefined) throw new UsageError(`--since must be a duration like 30m, 1h or 7d; got "${flags.since}"`);
  const limit = typeof flags.limit === 'string' ? Number(flags.limit) : DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000');
  const events = await stores.audit.find({
    subjectId: typeof flags.user === 'string' ? await subjectOf(stores, flags.user) : undefined,
    type: typeof flags.type === 'string' ? flags.type : undefined,
    from: since === undefined ? undefined : new Date(clock.now() - since * 1000),
    limit,
  });
  if (flags.json === true) return JSON.stringify(events.map(toAuditView), null, 2);
  if (events.length === 0) return 'No audit events match.';
  return events.map(line).join('\n');
}

/** time  type  subject  actor  ip  data */
function line(e: AuditRecord): string {
  const who = e.actorId && e.actorId !== e.subjectId ? `by ${e.actorId}` : '';
  return [e.time.toISOString(), e.type.padEnd(24), e.subjectId ?? '-', who, e.ip ?? '-', JSON.stringify(e.data)].filter(Boolean).join('  ');
}
