// Magic links (docs/email.md): a link and a 6-digit code mailed to an address, answered alike
// whether or not the address has an account; either one logs in once, as a first factor `email`.
// A code allows CODE_ATTEMPTS tries, then its login is dead; the link stays unguessable.
import { AuthError } from '../errors.js';
import { auditOrigin, failureReason } from '../audit.js';
import type { RequestContext } from '../context.js';
import { loginKey, normalizeEmail } from '../accounts/user-rules.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { tokensOrMfaRequired, type LoginResult } from '../login/finish-first-factor.js';
import type { EmailDeps } from './email-deps.js';
import { limitMail, mailWithToken, pretendToMail } from './mail-with-token.js';
import { CODE_ATTEMPTS, findLiveToken, linkInvalid, newCode, requireFeature } from './one-time-token.js';
import { sameHash } from '../tokens/secret-hash.js';
import type { OneTimeTokenRecord } from '../../storage/types/one-time-tokens.js';
import type { UserRecord } from '../../storage/types/stores.js';

export type MagicLinkProof = { token: string } | { email: string; code: string };

/** Ends a login whose first factor is a mailed link or code: the login state machine decides what follows. */
export type FinishEmailLogin = (user: UserRecord, ctx: RequestContext) => Promise<LoginResult>;

export function createMagicLink(deps: EmailDeps, finishLogin: FinishEmailLogin) {
  const { settings, users, clock, audit, oneTimeTokens } = deps;
  const codeHash = (code: string) => deps.keyedHash(`magic_link:${code}`);
  const invalidCode = () => new AuthError('invalid_code', 'The code is wrong or no longer valid; ask for a new one.');

  async function requestMagicLink(email: string, ctx: RequestContext): Promise<void> {
    requireFeature(settings.magicLink, 'Magic-link login');
    const address = normalizeEmail(email);
    await limitMail(deps, ctx, address);
    const user = await users.findByLogin(address);
    const code = newCode();
    const extra = { subject: address, codeHash: codeHash(code) };
    const compose = (link: string) => ({ kind: 'magic_link' as const, to: address, values: { username: user?.username ?? '', email: address, link, code } });
    if (user && !user.disabled) await mailWithToken(deps, user, 'magic_link', extra, compose);
    else await pretendToMail(deps, 'magic_link', compose);
    audit({ type: 'magic_link_requested', userId: user?.id, ...auditOrigin(ctx) });
  }

  /**
   * The live token a code belongs to. Every guess spends a try before it is compared, so guesses
   * sent at once cannot all read the count before any has written it: at most CODE_ATTEMPTS are
   * ever compared, and the last allowed miss kills the token (its link too).
   */
  async function findByCode(email: string, code: string, ctx: RequestContext): Promise<OneTimeTokenRecord> {
    await deps.limits.consume('credentialsPerIp', ctx.ipKey);
    const key = loginKey(email);
    const user = key.includes('@') ? await users.findByLogin(key) : null; // an address, never a username
    const record = user ? await oneTimeTokens.findLatest(user.id, 'magic_link', new Date(clock.now())) : null;
    const given = codeHash(code); // computed for unknown addresses too
    if (!record) throw invalidCode();
    const attempts = await oneTimeTokens.addAttempt(record.tokenHash);
    if (attempts === null) throw invalidCode(); // taken meanwhile
    if (attempts <= CODE_ATTEMPTS && sameHash(record.codeHash, given)) return record;
    if (attempts >= CODE_ATTEMPTS) await oneTimeTokens.consume(record.tokenHash, 'magic_link', new Date(clock.now()));
    throw invalidCode();
  }

  async function logIn(proof: MagicLinkProof, ctx: RequestContext): Promise<LoginResult> {
    requireFeature(settings.magicLink, 'Magic-link login');
    const record = 'token' in proof ? await findLiveToken(deps, proof.token, 'magic_link') : await findByCode(proof.email, proof.code, ctx);
    let user = await users.findById(record.userId);
    if (!user) throw linkInvalid();
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    const now = new Date(clock.now());
    if (!(await oneTimeTokens.consume(record.tokenHash, 'magic_link', now))) throw 'token' in proof ? linkInvalid() : invalidCode();
    // the mail reached the account's address: the same proof a verification link gives
    if (!user.emailVerified && user.email === record.subject) user = (await users.update(user.id, { emailVerified: true }, now)) ?? user;
    return finishLogin(user, ctx);
  }

  /** Success is audited by the session's start, a due second factor by its challenge; each failure here, with its reason. */
  async function auditedLogIn(proof: MagicLinkProof, ctx: RequestContext): Promise<TokenPair> {
    let result: LoginResult;
    try {
      result = await logIn(proof, ctx);
    } catch (error) {
      audit({ type: 'login_failed', reason: failureReason(error), method: 'email', ...auditOrigin(ctx) });
      throw error;
    }
    return tokensOrMfaRequired(result); // 403 mfa_required: the link was good, a second factor is due
  }

  return { requestMagicLink, logIn: auditedLogIn };
}
