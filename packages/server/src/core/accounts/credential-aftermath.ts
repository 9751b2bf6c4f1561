// What follows every change of a way into the account (docs/architecture.md, "Changing a way in"):
// the account's other sessions end (the caller moves to a new session, as after a password
// change), what is pending is cancelled (email changes, reset and magic links, half-done logins),
// the owner is mailed a notice, and the change is audited. One function, so no change forgets a step.
import { auditOrigin } from '../audit.js';
import { AuthError } from '../errors.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { EmailDeps } from '../email/email-deps.js';
import type { SessionAuth } from '../login/amr.js';
import type { OpenSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { OneTimePurpose } from '../../storage/types/one-time-tokens.js';
import type { UserRecord } from '../../storage/types/stores.js';

export type CredentialChange =
  | 'totp_enrolled' | 'totp_removed' | 'recovery_codes_regenerated' | 'passkey_added' | 'passkey_removed'
  | 'identity_linked' | 'identity_unlinked' | 'email_change_requested' | 'password_changed' | 'password_set'
  /** Not asked for by a signed-in user: a provider's sign-in proved the account's address (notified only). */
  | 'identity_linked_automatically';

/** What the owner's notice says happened. */
const NOTICE: Readonly<Record<CredentialChange, string>> = {
  totp_enrolled: 'An authenticator app (TOTP) was set up as a second factor.',
  totp_removed: 'The authenticator app (TOTP) and its recovery codes were removed.',
  recovery_codes_regenerated: 'New recovery codes were made; the old ones no longer work.',
  passkey_added: 'A passkey was added.',
  passkey_removed: 'A passkey was removed.',
  identity_linked: 'A sign-in through another provider was linked.',
  identity_linked_automatically: 'A sign-in through another provider was linked automatically, because the provider confirmed this address.',
  identity_unlinked: 'A sign-in through another provider was unlinked.',
  email_change_requested: 'A change of the email address was asked for.',
  password_changed: 'The password was changed.',
  password_set: 'A password was set.',
};

/** What the notice says followed: the aftermath's, or the notice alone's. */
const ENDED = 'Every other session of the account was signed out, and pending links (a password reset, a sign-in link, an address change) no longer work.';
const NOTHING_ENDED = 'Your sessions were not signed out: whoever signed in through the provider is signed in to this account now.';

/** What a change cancels: a pending address change, reset links and magic links. */
export const PENDING_PURPOSES: readonly OneTimePurpose[] = ['change_email', 'reset_password', 'magic_link'];

/**
 * The caller: `rotate` ends every session and starts the caller's new one with `auth` (the answer's
 * pair); `keepSessionId` ends every session but that one (a link finished in the browser, where no pair can go).
 */
export type CredentialCaller = { rotate: SessionAuth; sessionId: string } | { keepSessionId: string };

export type AfterCredentialChange = (
  user: UserRecord, change: CredentialChange, caller: CredentialCaller, ctx: RequestContext,
  options?: { notify?: boolean; spare?: OneTimePurpose },
) => Promise<{ pair?: TokenPair; revokedSessions: number }>;

/**
 * The owner's notice and the audit alone, for a way in that nobody signed in asked for (an identity
 * linked by a provider's verified address): `detail` replaces the notice's standard sentence.
 */
export type NotifyOwner = (user: UserRecord, change: CredentialChange, ctx: RequestContext, detail?: string) => Promise<void>;

export function createOwnerNotice(deps: Pick<EmailDeps, 'transaction' | 'mailer' | 'settings' | 'audit'>): NotifyOwner {
  return async (user, change, ctx, detail) => {
    if (deps.settings.mailEnabled) {
      const notice = deps.mailer.message({ kind: 'security_change', to: user.email, values: { username: user.username, email: user.email, change: detail ?? NOTICE[change], consequence: NOTHING_ENDED } });
      await deps.transaction(async (writes) => writes.outbox.enqueue(notice));
      deps.mailer.wake();
    }
    deps.audit({ type: 'credential_changed', change, revokedSessions: 0, userId: user.id, ...auditOrigin(ctx) });
  };
}

export function createCredentialAftermath(
  deps: Pick<CoreDeps, 'loginChallenges' | 'users'> & Pick<EmailDeps, 'sessions' | 'oneTimeTokens' | 'transaction' | 'mailer' | 'settings' | 'clock' | 'audit'>,
  openSession: OpenSession,
): AfterCredentialChange {
  /**
   * The caller's new session, then the user read again, as finishLogin does: a change that moved the
   * generation past this one's own bump (a racing reset) ends it (docs/architecture.md, "Login").
   */
  async function renew(user: UserRecord, bumped: number | null, auth: SessionAuth, ctx: RequestContext): Promise<TokenPair> {
    const { pair, sessionId } = await openSession(user, ctx, 'session_renewed', auth);
    const current = await deps.users.findById(user.id);
    if (bumped !== null && current && !current.disabled && current.credentialGeneration === bumped) return pair;
    await deps.sessions.revoke(user.id, sessionId, new Date(deps.clock.now()));
    throw new AuthError('credentials_changed', 'The account\'s credentials changed again meanwhile: log in again.');
  }

  return async function afterCredentialChange(user, change, caller, ctx, options = {}) {
    const now = new Date(deps.clock.now());
    const keep = 'keepSessionId' in caller ? caller.keepSessionId : undefined;
    // first the generation, then the sessions: a login still under way when the way in changed
    // cannot outlive the change (docs/architecture.md, "Login")
    // the generation this bump produced, not a later read: a reset landing in between must not pass as ours
    const bumped = await deps.users.bumpCredentialGeneration(user.id, now);
    await deps.loginChallenges.abandonForUser(user.id, now);
    const revokedSessions = await deps.sessions.revokeAllForUser(user.id, now, keep);
    const notice = options.notify !== false && deps.settings.mailEnabled
      ? deps.mailer.message({ kind: 'security_change', to: user.email, values: { username: user.username, email: user.email, change: NOTICE[change], consequence: ENDED } })
      : undefined;
    await deps.transaction(async (writes) => {
      for (const purpose of PENDING_PURPOSES.filter((p) => p !== options.spare)) await writes.oneTimeTokens.deleteForUser(user.id, purpose);
      if (notice) await writes.outbox.enqueue(notice);
    });
    if (notice) deps.mailer.wake();
    const pair = 'rotate' in caller ? await renew(user, bumped, caller.rotate, ctx) : undefined;
    const sessionId = 'rotate' in caller ? caller.sessionId : caller.keepSessionId;
    deps.audit({ type: 'credential_changed', change, revokedSessions, userId: user.id, sessionId, ...auditOrigin(ctx) });
    return { pair, revokedSessions };
  };
}
