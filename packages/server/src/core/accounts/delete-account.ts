// A user deletes their own account: every session ends at once, the user's rows go (sessions,
// tokens: ON DELETE CASCADE) with every mail still addressed to it, a last notice says so (within
// the mail limits), and an audit event with the id alone stays.
import { AuthError } from '../errors.js';
import type { RequestContext } from '../context.js';
import type { EmailDeps } from '../email/email-deps.js';
import { withinMailLimits } from '../email/mail-with-token.js';
import type { UserRecord } from '../../storage/types/stores.js';

export function createAccountDeletion(deps: Pick<EmailDeps, 'users' | 'sessions' | 'audit' | 'transaction' | 'mailer' | 'settings' | 'limits'>) {
  const { users, sessions, audit, mailer } = deps;
  /** The caller has re-authenticated (the route's guard). */
  return async function deleteAccount(user: UserRecord, ctx: RequestContext): Promise<void> {
    if (user.role === 'admin' && !user.disabled && (await users.countActiveByRole('admin')) <= 1) {
      throw new AuthError('last_admin', 'The last active admin cannot delete their account; make another admin first.');
    }
    // first, so that the sessions, with their addresses and user agents, go even where they live
    // apart from the users (Redis), and no login in flight can store one afterwards
    const revokedSessions = await sessions.deleteAllForUser(user.id);
    // the notice counts against the mail limits like any mail: past them the account still goes, unannounced
    const notify = deps.settings.mailEnabled && (await withinMailLimits(deps, ctx, user.email));
    const notice = mailer.message({ kind: 'account_deleted', to: user.email, values: { username: user.username, email: user.email } });
    await deps.transaction(async (writes) => {
      if (!(await writes.users.delete(user.id))) throw new AuthError('user_not_found', 'No such user.');
      // mail still waiting for the address, or given up (kept with its error), goes with the account
      await writes.outbox.deleteForRecipient(user.email);
      if (notify) await writes.outbox.enqueue(notice);
    });
    mailer.wake();
    audit({ type: 'account_deleted', revokedSessions, userId: user.id });
  };
}
