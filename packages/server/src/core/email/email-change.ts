// Changing the account's address (docs/email.md): a confirmation link to the new address and a
// notice to the old one, whose "this wasn't me" link cancels the change and ends every session; the
// old address stays the account's until the confirmation link is followed. The change then kills
// the links still pending for the old address.
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import { normalizeEmail } from '../accounts/user-rules.js';
import type { EmailDeps } from './email-deps.js';
import { limitMail, pretendToMail } from './mail-with-token.js';
import { findLiveToken, linkInvalid, mintToken } from './one-time-token.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { UserRecord } from '../../storage/types/stores.js';

export function createEmailChange(deps: EmailDeps) {
  const { users, clock, audit, mailer, settings } = deps;

  /** The caller has given the proof of a change of a way in (account-service.ts). */
  async function requestEmailChange(user: UserRecord, newEmail: string, ctx: RequestContext): Promise<void> {
    const address = normalizeEmail(newEmail);
    if (address === user.email) throw new AuthError('email_unchanged', 'This is already the account\'s email address.');
    await limitMail(deps, ctx, address);
    const compose = (link: string) => ({ kind: 'change_email_confirm' as const, to: address, values: { username: user.username, new_email: address, link } });
    const cancel = mintToken(deps, 'email_change_cancel', user.id, { subject: null });
    const noticeRequest = {
      kind: 'change_email_notice' as const, to: user.email,
      values: { username: user.username, email: user.email, new_email: address, link: mailer.link('email_change_cancel', cancel.token) },
    };
    if (await users.findByLogin(address)) {
      // under EMAIL_VERIFICATION=required nothing may tell which addresses have accounts: the
      // answer, the work and the asker's own notice are those of a free address
      if (settings.verification !== 'required') throw new AuthError('email_taken', 'This email is already registered.');
      await deps.oneTimeTokens.issue(cancel.record);
      await deps.oneTimeTokens.deleteForUser(user.id, 'change_email'); // a real request would have superseded it
      return pretendToMail(deps, 'change_email', compose, [noticeRequest]);
    }
    const { token, record } = mintToken(deps, 'change_email', user.id, { subject: address });
    const confirm = mailer.message(compose(mailer.link('change_email', token)));
    const notice = mailer.message(noticeRequest);
    await deps.transaction(async (writes) => {
      await writes.oneTimeTokens.issue(record);
      await writes.oneTimeTokens.issue(cancel.record);
      await writes.outbox.enqueue(confirm);
      await writes.outbox.enqueue(notice);
    });
    mailer.wake();
    audit({ type: 'email_change_requested', userId: user.id, ...auditOrigin(ctx) });
  }

  async function confirmEmailChange(token: string, ctx: RequestContext): Promise<UserRecord> {
    const record = await findLiveToken(deps, token, 'change_email');
    const now = new Date(clock.now());
    // its user.updated commits with the change (core/webhooks/webhook-rows.ts)
    const hooks = (await deps.webhooks?.rowsOf({ type: 'email_changed', userId: record.userId, ...auditOrigin(ctx) })) ?? [];
    const changed = await deps.transaction(async (writes) => {
      if (!(await writes.oneTimeTokens.consume(record.tokenHash, 'change_email', now))) throw linkInvalid();
      const user = await writes.users.update(record.userId, { email: record.subject!, emailVerified: true }, now);
      if (!user || user.disabled) throw linkInvalid();
      // the change happened: its "this wasn't me" link can no longer cancel it, so it dies rather than answer success
      for (const purpose of ['reset_password', 'magic_link', 'verify_email', 'email_change_cancel'] as const) await writes.oneTimeTokens.deleteForUser(user.id, purpose);
      for (const row of hooks) await writes.outbox.enqueue(row);
      return user;
    }).catch((error: unknown) => {
      if (error instanceof DuplicateUserError) throw new AuthError('email_taken', 'This email is already registered.');
      throw error;
    });
    if (hooks.length > 0) deps.webhooks?.wake();
    audit({ type: 'email_changed', userId: changed.id, ...auditOrigin(ctx) });
    return changed;
  }

  /** "This wasn't me": the pending change dies and every session of the account ends. */
  async function cancelEmailChange(token: string, ctx: RequestContext): Promise<UserRecord> {
    const record = await findLiveToken(deps, token, 'email_change_cancel');
    const now = new Date(clock.now());
    const user = await deps.transaction(async (writes) => {
      if (!(await writes.oneTimeTokens.consume(record.tokenHash, 'email_change_cancel', now))) throw linkInvalid();
      await writes.oneTimeTokens.deleteForUser(record.userId, 'change_email');
      return writes.users.findById(record.userId);
    });
    if (!user) throw linkInvalid();
    // a remedy: the generation moves before the sessions end, so no login under way outlives it (docs/architecture.md, "Login")
    await users.bumpCredentialGeneration(user.id, now);
    await deps.loginChallenges.abandonForUser(user.id, now);
    const revokedSessions = await deps.sessions.revokeAllForUser(user.id, now);
    audit({ type: 'email_change_cancelled', revokedSessions, userId: user.id, ...auditOrigin(ctx) });
    return user;
  }

  return { requestEmailChange, confirmEmailChange, cancelEmailChange };
}
