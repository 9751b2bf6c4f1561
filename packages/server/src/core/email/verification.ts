// Email verification (docs/email.md): a signed-in user asks for a link to their address; the link's
// token marks the address verified, if it is still the account's address.
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import type { EmailDeps } from './email-deps.js';
import { limitMail, mailWithToken } from './mail-with-token.js';
import { findLiveToken, linkInvalid, requireFeature } from './one-time-token.js';
import type { UserRecord } from '../../storage/types/stores.js';

export function createEmailVerification(deps: EmailDeps) {
  const { settings, clock, audit } = deps;

  async function sendVerification(user: UserRecord, ctx: RequestContext): Promise<void> {
    requireFeature(settings.verification !== 'off', 'Email verification');
    if (user.emailVerified) throw new AuthError('email_already_verified', 'This email address is already verified.');
    await limitMail(deps, ctx, user.email);
    await mailWithToken(deps, user, 'verify_email', { subject: user.email },
      (link) => ({ kind: 'verify_email', to: user.email, values: { username: user.username, email: user.email, link } }));
    audit({ type: 'email_verification_sent', userId: user.id, ...auditOrigin(ctx) });
  }

  async function verifyEmail(token: string, ctx: RequestContext): Promise<UserRecord> {
    requireFeature(settings.verification !== 'off', 'Email verification');
    const record = await findLiveToken(deps, token, 'verify_email');
    const now = new Date(clock.now());
    // its user.email_verified commits with the change (core/webhooks/webhook-rows.ts)
    const hooks = (await deps.webhooks?.rowsOf({ type: 'email_verified', userId: record.userId, ...auditOrigin(ctx) })) ?? [];
    const verified = await deps.transaction(async (writes) => {
      const user = await writes.users.findById(record.userId);
      // the address changed since the link was sent: it proves nothing about the new one
      if (!user || user.email !== record.subject) throw linkInvalid();
      if (!(await writes.oneTimeTokens.consume(record.tokenHash, 'verify_email', now))) throw linkInvalid();
      const updated = await writes.users.update(user.id, { emailVerified: true }, now);
      if (updated) for (const row of hooks) await writes.outbox.enqueue(row);
      return updated;
    });
    if (!verified) throw linkInvalid();
    if (hooks.length > 0) deps.webhooks?.wake();
    audit({ type: 'email_verified', userId: verified.id, ...auditOrigin(ctx) });
    return verified;
  }

  return { sendVerification, verifyEmail };
}
