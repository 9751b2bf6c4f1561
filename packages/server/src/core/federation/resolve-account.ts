// Whose login a provider's answer is (docs/federation.md, "Linking rules"): the account its
// identity is linked to; else the account with the same email, only when the provider asserts it
// verified the address and the account verified it too (otherwise account_exists: anyone can type
// an address at a provider, so a match alone proves nothing); else a new account when sign-ups are
// allowed. A logged-in user's link attaches the identity to that user instead, a change of a way in
// whose aftermath ends every other session of the account (docs/architecture.md, "Changing a way in").
import { v7 as uuidv7 } from 'uuid';
import { AuthError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { AuditSink } from '../audit.js';
import { auditOrigin } from '../audit.js';
import type { RequestContext } from '../context.js';
import { createFederatedAccount } from './new-account.js';
import type { ExternalProfile } from './provider-client.js';
import { DuplicateIdentityError } from '../../storage/errors.js';
import type { FederationStore, IdentityRecord } from '../../storage/types/federation.js';
import type { UserRecord, UserStore } from '../../storage/types/stores.js';
import type { AfterCredentialChange, CredentialCaller, NotifyOwner } from '../accounts/credential-aftermath.js';
import type { TokenPair } from '../tokens/token-pair.js';

export interface AccountDeps {
  users: UserStore;
  federation: FederationStore;
  clock: Clock;
  audit: AuditSink;
  /** FEDERATION_SIGNUP */
  signup: boolean;
  afterCredentialChange: AfterCredentialChange;
  /** The owner learns of an identity linked by the address: a new way in nobody signed in asked for. */
  notifyOwner: NotifyOwner;
  /** A provider's display name, for the notice. */
  providerName: (id: string) => string;
}

export type ResolveAccount = ReturnType<typeof createAccountResolver>;

/**
 * The account a login through a provider is for; `trusted`: the identity was the account's by the
 * owner's last proven sign-in, or made the account (docs/architecture.md, "Changing a way in").
 */
export interface SignedIn {
  user: UserRecord;
  trusted: boolean;
}

export function createAccountResolver(deps: AccountDeps) {
  const { users, federation, clock, audit } = deps;

  async function attach(user: UserRecord, provider: string, profile: ExternalProfile, ctx: RequestContext, created: boolean): Promise<void> {
    const now = new Date(clock.now());
    const identity: IdentityRecord = {
      id: uuidv7(), userId: user.id, provider, subject: profile.subject, email: profile.email, emailVerified: profile.emailVerified,
      createdAt: now, lastUsedAt: now,
    };
    await federation.createIdentity(identity);
    audit({ type: 'identity_linked', provider, identityId: identity.id, created, userId: user.id, ...auditOrigin(ctx) });
  }

  /** The account of a login through `provider`; created or linked by the rules above. */
  async function signIn(provider: string, profile: ExternalProfile, ctx: RequestContext): Promise<SignedIn> {
    const known = await federation.findIdentity(provider, profile.subject);
    if (known) {
      await federation.touchIdentity(known.id, { email: profile.email, emailVerified: profile.emailVerified, lastUsedAt: new Date(clock.now()) });
      const user = await users.findById(known.userId);
      if (!user) throw new AuthError('invalid_state', 'The linked account no longer exists.');
      return { user, trusted: known.createdAt.getTime() <= user.ownerProvenAt.getTime() };
    }
    const sameEmail = profile.email === null ? null : await users.findByLogin(profile.email);
    if (sameEmail) {
      if (!profile.emailVerified || !sameEmail.emailVerified) {
        throw new AuthError('account_exists', 'An account with this email exists: log in to it, then link this provider from the account page.');
      }
      await attach(sameEmail, provider, profile, ctx, false);
      const detail = `A sign-in through ${deps.providerName(provider)} was linked to this account automatically, because the provider confirmed this address. If it was not you, reset your password and unlink it from your account page.`;
      await deps.notifyOwner(sameEmail, 'identity_linked_automatically', ctx, detail);
      return { user: sameEmail, trusted: false };
    }
    if (!deps.signup) throw new AuthError('signup_disabled', 'No account is linked to this identity, and sign-ups through providers are off.');
    if (profile.email === null) throw new AuthError('email_required', 'The provider gave no email address, which a new account needs.');
    const user = await createFederatedAccount({ users, clock }, profile);
    try {
      await attach(user, provider, profile, ctx, true);
    } catch (error) {
      await users.delete(user.id); // a concurrent first login linked the identity: it owns it
      if (error instanceof DuplicateIdentityError) return signIn(provider, profile, ctx);
      throw error;
    }
    return { user, trusted: true };
  }

  /**
   * Links the identity to the logged-in user `userId` (identity_taken when another account holds it);
   * the aftermath ends the account's other sessions and answers `caller`'s new pair when it rotates.
   */
  async function link(
    userId: string, provider: string, profile: ExternalProfile, ctx: RequestContext, caller: CredentialCaller, generation?: number,
  ): Promise<{ user: UserRecord; pair?: TokenPair }> {
    const user = await users.findById(userId);
    if (!user) throw new AuthError('user_not_found', 'The account that started the link no longer exists.');
    // a remedy (a reset, a password change) since the link was asked for cancels it (docs/architecture.md, "Changing a way in")
    if (generation !== undefined && generation !== user.credentialGeneration) {
      throw new AuthError('credentials_changed', 'The account\'s credentials changed after this link was asked for: ask again.');
    }
    const known = await federation.findIdentity(provider, profile.subject);
    if (known && known.userId !== userId) throw new AuthError('identity_taken', 'This identity is linked to another account.');
    if (!known) {
      await attach(user, provider, profile, ctx, false).catch((error: unknown) => {
        throw error instanceof DuplicateIdentityError ? new AuthError('identity_taken', 'This identity is linked to another account.') : error;
      });
      return { user, pair: (await deps.afterCredentialChange(user, 'identity_linked', caller, ctx)).pair };
    }
    return { user };
  }

  return { signIn, link };
}
