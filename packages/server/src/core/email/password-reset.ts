// Forgotten passwords (docs/email.md): a link to the account's address, answered alike whether or
// not the address has an account; the link sets a new password once, dies when the password
// changes by any other way, and the reset ends every session of the user and sends a notice.
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import { normalizeEmail } from '../accounts/user-rules.js';
import { checkPasswordPolicy } from '../passwords/policy.js';
import type { EmailDeps } from './email-deps.js';
import { limitMail, mailWithToken, pretendToMail } from './mail-with-token.js';
import { findLiveToken, linkInvalid, requireFeature } from './one-time-token.js';
import { sameHash } from '../tokens/secret-hash.js';
import type { RemoveUnprovenWays } from '../accounts/unproven-ways.js';

export interface PasswordReset {
  token: string;
  newPassword: string;
}

export function createPasswordReset(deps: EmailDeps, removeUnproven: RemoveUnprovenWays) {
  const { settings, users, clock, audit, mailer } = deps;
  /** Ties a reset token to the password it may replace: any change of the hash kills the token. */
  const fingerprint = (passwordHash: string) => deps.keyedHash(`reset_password:${passwordHash}`);

  async function forgotPassword(email: string, ctx: RequestContext): Promise<void> {
    requireFeature(settings.passwordReset, 'Password reset');
    const address = normalizeEmail(email);
    await limitMail(deps, ctx, address);
    const user = await users.findByLogin(address);
    const compose = (link: string) => ({ kind: 'reset_password' as const, to: address, values: { username: user?.username ?? '', email: address, link } });
    if (user && !user.disabled) await mailWithToken(deps, user, 'reset_password', { subject: fingerprint(user.passwordHash) }, compose);
    else await pretendToMail(deps, 'reset_password', compose);
    audit({ type: 'password_reset_requested', userId: user?.id, ...auditOrigin(ctx) });
  }

  /** The live reset token and its user, or link_invalid / link_expired: what a reset would find. */
  async function liveReset(token: string) {
    requireFeature(settings.passwordReset, 'Password reset');
    const record = await findLiveToken(deps, token, 'reset_password');
    const user = await users.findById(record.userId);
    if (!user || user.disabled || !sameHash(record.subject, fingerprint(user.passwordHash))) throw linkInvalid();
    return { record, user };
  }

  /** Whether a reset link still works, without spending it: a page asks before it shows its form. */
  async function checkResetLink(token: string): Promise<void> {
    await liveReset(token);
  }

  async function resetPassword(input: PasswordReset, ctx: RequestContext): Promise<void> {
    const { record, user } = await liveReset(input.token);
    checkPasswordPolicy(input.newPassword, { username: user.username, email: user.email });
    await deps.breachedPasswords?.refuseIfBreached(input.newPassword);
    const passwordHash = await deps.hasher.hash(input.newPassword, ctx.ip);
    const now = new Date(clock.now());
    // its user.password_changed commits with the change (core/webhooks/webhook-rows.ts)
    const hooks = (await deps.webhooks?.rowsOf({ type: 'password_reset', revokedSessions: 0, userId: user.id, ...auditOrigin(ctx) })) ?? [];
    await deps.transaction(async (writes) => {
      if (!(await writes.oneTimeTokens.consume(record.tokenHash, 'reset_password', now))) throw linkInvalid();
      const current = await writes.users.findById(user.id);
      if (current?.passwordHash !== user.passwordHash) throw linkInvalid(); // changed while this one was hashing
      // the link reached the account's inbox (an email change deletes pending resets): the address is proved
      await writes.users.update(user.id, { passwordHash, emailVerified: true }, now);
      // a remedy leaves nothing pending behind (docs/architecture.md, "Changing a way in"): an address change, sign-in links
      for (const purpose of ['change_email', 'magic_link'] as const) await writes.oneTimeTokens.deleteForUser(user.id, purpose);
      await writes.outbox.enqueue(mailer.message({ kind: 'password_reset_notice', to: current.email, values: { username: current.username, email: current.email } }));
      for (const row of hooks) await writes.outbox.enqueue(row);
    });
    mailer.wake();
    if (hooks.length > 0) deps.webhooks?.wake();
    // the new password moved the credential generation; now what the old one started ends (docs/architecture.md, "Login")
    await deps.loginChallenges.abandonForUser(user.id, now);
    const revokedSessions = await deps.sessions.revokeAllForUser(user.id, now);
    // what was added since the owner last signed in with a trusted way goes too (core/accounts/unproven-ways.ts)
    // on an address nobody had proven, everything was added by whoever held the account (docs/hardening.md, "Pre-hijacking")
    await removeUnproven(user.id, user.emailVerified ? 'proven' : 'all', ctx);
    audit({ type: 'password_reset', revokedSessions, userId: user.id, ...auditOrigin(ctx) });
  }

  return { forgotPassword, checkResetLink, resetPassword };
}
