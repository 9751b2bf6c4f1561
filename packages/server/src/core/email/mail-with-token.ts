// The two ways a mail flow ends: a token and its mail written in one transaction (then the sender
// is nudged), or, for an address with no account, the same work taken back, so that the answer,
// its timing and the database's load do not tell whether the address has an account.
import { v7 as uuidv7 } from 'uuid';
import type { RequestContext } from '../context.js';
import type { EmailDeps } from './email-deps.js';
import type { MailRequest } from './mail.js';
import { mintToken } from './one-time-token.js';
import type { OneTimePurpose, OneTimeTokenRecord } from '../../storage/types/one-time-tokens.js';
import type { UserRecord } from '../../storage/types/stores.js';
import { RateLimitedError } from '../../storage/errors.js';

type TokenExtra = Pick<OneTimeTokenRecord, 'subject'> & Partial<Pick<OneTimeTokenRecord, 'codeHash'>>;

/** Issues a token of `purpose` for `user` and queues the mail `compose` makes from its link. */
export async function mailWithToken(
  deps: Pick<EmailDeps, 'clock' | 'settings' | 'transaction' | 'mailer'>, user: UserRecord, purpose: OneTimePurpose,
  extra: TokenExtra, compose: (link: string) => MailRequest,
): Promise<void> {
  const { token, record } = mintToken(deps, purpose, user.id, extra);
  const message = deps.mailer.message(compose(deps.mailer.link(purpose, token)));
  await deps.transaction(async (writes) => {
    await writes.oneTimeTokens.issue(record);
    await writes.outbox.enqueue(message);
  });
  deps.mailer.wake();
}

/**
 * What mailWithToken does for an address without an account, undone inside its transaction;
 * `alongside` are mails the real flow sends too (a notice to the asker), and they do go.
 */
export async function pretendToMail(
  deps: Pick<EmailDeps, 'clock' | 'settings' | 'transaction' | 'mailer'>, purpose: OneTimePurpose, compose: (link: string) => MailRequest,
  alongside: MailRequest[] = [],
): Promise<void> {
  const nobody = uuidv7();
  const { token } = mintToken(deps, purpose, nobody, { subject: null });
  const message = deps.mailer.message(compose(deps.mailer.link(purpose, token)));
  const real = alongside.map((request) => deps.mailer.message(request));
  await deps.transaction(async (writes) => {
    await writes.oneTimeTokens.deleteForUser(nobody, purpose);
    await writes.outbox.enqueue(message);
    await writes.outbox.markSent(message.id);
    for (const mail of real) await writes.outbox.enqueue(mail);
  });
  if (real.length > 0) deps.mailer.wake();
}

/**
 * The same limits for a mail that goes with a change that happens anyway (an account's deletion):
 * the mail counts, and past a limit it is not sent, but nothing is refused.
 */
export async function withinMailLimits(deps: Pick<EmailDeps, 'limits'>, ctx: RequestContext, address: string): Promise<boolean> {
  try {
    await limitMail(deps, ctx, address);
    return true;
  } catch (error) {
    if (error instanceof RateLimitedError) return false;
    throw error;
  }
}

/** The per-client and per-address mail limits: 429 with Retry-After, for known and unknown addresses alike. */
export async function limitMail(deps: Pick<EmailDeps, 'limits'>, ctx: RequestContext, address: string): Promise<void> {
  await deps.limits.consume('mailPerIp', ctx.ipKey);
  await deps.limits.consume('mailPerAddress', address);
}
