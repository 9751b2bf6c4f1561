// A user deletes their own account: every session ends at once, the user's rows go (sessions,
// tokens: ON DELETE CASCADE) with every mail still addressed to it, a last notice says so (within
// the mail limits), and an audit event with the id alone stays.
import { AuthError } from '../errors.js';
import type { RequestContext } from '../context.js';
import type { EmailDeps } from '../email/email-deps.js';
import { withinMailLimits } from '../email/mail-with-token.js';
import type { UserRecord } from '../../storage/types/stores.js';

const ADMIN_ROLE = 'admin';
const lastAdmin = () => new AuthError('last_admin', 'The last active admin cannot delete their account; make another admin first.');

export type AccountDeletionDeps = Pick<EmailDeps, 'users' | 'sessions' | 'audit' | 'transaction' | 'mailer' | 'settings' | 'limits' | 'clock' | 'webhooks'>;

export function createAccountDeletion(deps: AccountDeletionDeps) {
  const { users, sessions, audit, mailer } = deps;
  /** The caller has re-authenticated (the route's guard). */
  return async function deleteAccount(user: UserRecord, ctx: RequestContext): Promise<void> {
    const activeAdmin = user.role === ADMIN_ROLE && !user.disabled;
    if (activeAdmin && (await users.countActiveByRole(ADMIN_ROLE)) <= 1) throw lastAdmin();
    // the notice counts against the mail limits like any mail: past them the account still goes, unannounced
    const notify = deps.settings.mailEnabled && (await withinMailLimits(deps, ctx, user.email));
    // what the audit event counts: SQL's sessions go with the user row, before deleteAllForUser could count them
    const live = (await sessions.listActiveForUser(user.id, new Date(deps.clock.now()))).length;
    const notice = mailer.message({ kind: 'account_deleted', to: user.email, values: { username: user.username, email: user.email } });
    // the rows of the event that follows the commit; its count is unknown yet and no webhook shows it
    const hooks = (await deps.webhooks?.rowsOf({ type: 'account_deleted', revokedSessions: 0, userId: user.id })) ?? [];
    await deps.transaction(async (writes) => {
      // an admin's deletion counts the admins again under a lock: two leaving at once cannot both go
      const outcome = activeAdmin ? await writes.users.deleteUnlessLastOfRole(user.id, ADMIN_ROLE)
        : (await writes.users.delete(user.id)) ? 'deleted' : 'not_found';
      if (outcome === 'last') throw lastAdmin();
      if (outcome === 'not_found') throw new AuthError('user_not_found', 'No such user.');
      // mail still waiting for the address, or given up (kept with its error), goes with the account
      await writes.outbox.deleteForRecipient(user.email);
      if (notify) await writes.outbox.enqueue(notice);
      for (const row of hooks) await writes.outbox.enqueue(row);
    });
    if (hooks.length > 0) deps.webhooks?.wake();
    // then the sessions, with their addresses and user agents, even where they live apart from the
    // users (Redis); from here no login in flight can store one (SessionStore.deleteAllForUser).
    // After the user row, so that a deletion refused as the last admin's leaves every session be.
    const revokedSessions = Math.max(live, await sessions.deleteAllForUser(user.id));
    mailer.wake();
    audit({ type: 'account_deleted', revokedSessions, userId: user.id });
  };
}
