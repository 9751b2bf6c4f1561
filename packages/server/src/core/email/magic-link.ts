// Magic links (docs/email.md): a link and a 6-digit code mailed to an address, answered alike
// whether or not the address has an account; either one logs in once, as a first factor `email`.
// A code allows CODE_ATTEMPTS tries, then its login is dead; the link stays unguessable. The first
// link or code that proves an unverified address ends a squatter's hold (docs/hardening.md,
// "Pre-hijacking"): a password set before the address was proved is cleared, the passkeys, TOTP and
// identities added before it are removed, other sessions end.
import { AuthError } from '../errors.js';
import { hasPassword, NO_PASSWORD_HASH } from '../passwords/no-password.js';
import { auditOrigin, failureReason } from '../audit.js';
import type { RequestContext } from '../context.js';
import { loginKey, normalizeEmail } from '../accounts/user-rules.js';
import type { TokenPair } from '../tokens/token-pair.js';
import { tokensOrMfaRequired, type FinishLogin, type LoginResult } from '../login/finish-login.js';
import { START_SESSION, type LoginOutcome, type OutcomeKind } from '../login/outcomes.js';
import type { EmailDeps } from './email-deps.js';
import { PENDING_PURPOSES } from '../accounts/credential-aftermath.js';
import type { RemoveUnprovenWays } from '../accounts/unproven-ways.js';
import { limitMail, mailWithToken, pretendToMail } from './mail-with-token.js';
import { CODE_ATTEMPTS, findLiveToken, linkInvalid, newCode, requireFeature } from './one-time-token.js';
import { sameHash } from '../tokens/secret-hash.js';
import type { OneTimeTokenRecord } from '../../storage/types/one-time-tokens.js';
import type { UserRecord } from '../../storage/types/stores.js';

export type MagicLinkProof = { token: string } | { email: string; code: string };

export function createMagicLink(deps: EmailDeps, finishLogin: FinishLogin, removeUnproven: RemoveUnprovenWays) {
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

  async function logIn<K extends OutcomeKind>(proof: MagicLinkProof, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>> {
    requireFeature(settings.magicLink, 'Magic-link login');
    const record = 'token' in proof ? await findLiveToken(deps, proof.token, 'magic_link') : await findByCode(proof.email, proof.code, ctx);
    let user = await users.findById(record.userId);
    if (!user) throw linkInvalid();
    if (user.disabled) throw new AuthError('user_disabled', 'This account is disabled.');
    const now = new Date(clock.now());
    if (!(await oneTimeTokens.consume(record.tokenHash, 'magic_link', now))) throw 'token' in proof ? linkInvalid() : invalidCode();
    // the mail reached the account's address: the same proof a verification link gives
    if (!user.emailVerified && user.email === record.subject) user = await proveAddress(user, now, ctx);
    return finishLogin(user, { firstFactor: 'email' }, ctx, outcome);
  }

  /**
   * Marks the address verified. A password on an unverified address was set by whoever typed the
   * address, not necessarily its owner, who is the one here: it is cleared (the new password
   * moves the credential generation) and then every session ends. A reset sets a new one.
   */
  async function proveAddress(user: UserRecord, now: Date, ctx: RequestContext): Promise<UserRecord> {
    // nobody had proven the address: whoever held the account added its passkeys, TOTP and identities
    await removeUnproven(user.id, 'all', ctx);
    if (!hasPassword(user)) return (await users.update(user.id, { emailVerified: true }, now)) ?? user;
    const cleared = (await users.update(user.id, { emailVerified: true, passwordHash: NO_PASSWORD_HASH }, now)) ?? user;
    // nothing the password's holder left pending survives it: a second step, an address change, reset links
    await deps.loginChallenges.abandonForUser(user.id, now);
    for (const purpose of PENDING_PURPOSES) await oneTimeTokens.deleteForUser(user.id, purpose);
    const revokedSessions = await deps.sessions.revokeAllForUser(user.id, now);
    audit({ type: 'unproven_password_cleared', revokedSessions, userId: user.id, ...auditOrigin(ctx) });
    return cleared;
  }

  /** Success is audited by the session's start, a due second factor by its challenge; each failure here, with its reason. */
  /** For any outcome (the magic-link page asks for a browser session): its result, or {mfaRequired}. */
  async function logInFor<K extends OutcomeKind>(proof: MagicLinkProof, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>> {
    try {
      return await logIn(proof, ctx, outcome);
    } catch (error) {
      audit({ type: 'login_failed', reason: failureReason(error), method: 'email', ...auditOrigin(ctx) });
      throw error;
    }
  }

  async function auditedLogIn(proof: MagicLinkProof, ctx: RequestContext): Promise<TokenPair> {
    // 403 mfa_required: the link was good, a second factor is due
    return tokensOrMfaRequired(await logInFor(proof, ctx, START_SESSION));
  }

  return { requestMagicLink, logIn: auditedLogIn, logInFor };
}
