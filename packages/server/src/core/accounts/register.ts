// Self-service registration: per-IP limit (and, where it mails, the mail limits), a new account with
// the role `user`, then by EMAIL_VERIFICATION (docs/email.md): `off` and `optional` start its first
// session (`optional` also mails a verification link, in the transaction that creates the account); `required`
// starts none and answers alike whether or not the address is taken: the new account gets a
// verification link, the owner of a taken address a mail saying someone tried.
import type { CoreDeps, RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { START_SESSION, type LoginOutcome, type OutcomeIssuers, type OutcomeKind, type OutcomeResults } from '../login/outcomes.js';
import type { EmailDeps } from '../email/email-deps.js';
import { mintToken } from '../email/one-time-token.js';
import { limitMail } from '../email/mail-with-token.js';
import { prepareAccount, takenOr, type NewAccount } from './create-account.js';
import { normalizeEmail } from './user-rules.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { NewUser, UserRecord } from '../../storage/types/stores.js';

export type Registration = Omit<NewAccount, 'role'>;

/** A new account and its first session, or (EMAIL_VERIFICATION=required) only the word that a mail is on its way. */
export type RegistrationResult = { user: UserRecord; tokens: TokenPair } | { pending: true };

/** The same for any outcome (the register page asks for a browser session). */
export type RegistrationOutcome<K extends OutcomeKind> = { user: UserRecord; result: OutcomeResults[K] } | { pending: true };

type RegistrationDeps = Pick<CoreDeps, 'users' | 'hasher' | 'clock' | 'limits' | 'breachedPasswords'>
  & Pick<EmailDeps, 'transaction' | 'mailer' | 'settings'>;

export function createRegistration(deps: RegistrationDeps, issuers: OutcomeIssuers) {
  const { settings, mailer } = deps;

  /** Stores the user with a verification link in the same transaction, or the taken-address notice instead. */
  async function createWithMail(user: NewUser): Promise<UserRecord | undefined> {
    const { token, record } = mintToken(deps, 'verify_email', user.id, { subject: user.email });
    const verify = mailer.message({ kind: 'verify_email', to: user.email, values: { username: user.username, email: user.email, link: mailer.link('verify_email', token) } });
    try {
      return await deps.transaction(async (writes) => {
        const created = await writes.users.create(user);
        await writes.oneTimeTokens.issue(record);
        await writes.outbox.enqueue(verify);
        return created;
      });
    } catch (error) {
      if (!(settings.verification === 'required' && error instanceof DuplicateUserError && error.field === 'email')) throw takenOr(error);
      const owner = await deps.users.findByLogin(user.email);
      const attempt = mailer.message({ kind: 'registration_attempt', to: user.email, values: { username: owner?.username ?? '', email: user.email } });
      await deps.transaction((writes) => writes.outbox.enqueue(attempt));
      return undefined;
    } finally {
      mailer.wake();
    }
  }

  /** A new account's first session was authenticated by the password just chosen. */
  const passwordAuth = () => ({ amr: ['pwd'] as const, authTime: new Date(deps.clock.now()) });

  /** The new account's first session, as the outcome asked for; audited as `register`. */
  async function begin<K extends OutcomeKind>(user: UserRecord, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<OutcomeResults[K]> {
    return (await issuers[outcome.kind](user, passwordAuth(), ctx, { ...outcome, startEvent: 'register' })).result;
  }

  async function registerFor<K extends OutcomeKind>(input: Registration, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<RegistrationOutcome<K>> {
    await deps.limits.consume('credentialsPerIp', ctx.ipKey);
    const required = settings.verification === 'required';
    // a registration that mails (a link, or under `required` the owner of a taken address a notice)
    // counts against the mail limits, taken before the address is looked up, so a taken one answers as a new one
    if (settings.verification !== 'off') await limitMail(deps, ctx, normalizeEmail(input.email));
    const user = await prepareAccount(deps, { ...input, role: 'user' }, { source: ctx.ip, emailMayBeTaken: required });
    if (settings.verification === 'off') {
      const created = await deps.users.create(user).catch((error: unknown) => { throw takenOr(error); });
      return { user: created, result: await begin(created, ctx, outcome) };
    }
    const created = await createWithMail(user);
    if (required || !created) return { pending: true };
    return { user: created, result: await begin(created, ctx, outcome) };
  }

  async function register(input: Registration, ctx: RequestContext): Promise<RegistrationResult> {
    const registered = await registerFor(input, ctx, START_SESSION);
    return 'pending' in registered ? registered : { user: registered.user, tokens: registered.result };
  }
  return { register, registerFor };
}
