// A logged-in user's identities: list them, start linking another (a 60-second `link` ticket that
// the browser carries to GET /auth/federated/:provider/start, where the login binds to it), complete
// the link, and unlink one — never the last way to log in: a password, a passkey, or another
// identity. Both are changes of a way in (docs/architecture.md, "Changing a way in"): they need its
// proof and answer the caller's new pair. The provider's answer alone links nothing: the page gets a
// `link_code` that only the session which asked, with the verifier of the challenge it sent
// (pkce.ts), turns into a link, so a link URL opened in somebody else's browser forces nothing.
import { AuthError } from '../errors.js';
import { auditOrigin, type AuditSink } from '../audit.js';
import type { RequestContext } from '../context.js';
import { keepsWayIn } from '../accounts/ways-in.js';
import type { Providers } from './providers.js';
import type { Redirects } from './redirects.js';
import type { PendingLink } from './start-login.js';
import type { Tickets } from './tickets.js';
import type { FederationStore, IdentityRecord } from '../../storage/types/federation.js';
import type { LoginMethodStore } from '../../storage/types/login-methods.js';
import type { CredentialRule } from '../accounts/credential-rule.js';
import { authOfClaims } from '../login/amr.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { ExternalProfile } from './provider-client.js';
import type { ResolveAccount } from './resolve-account.js';
import { checkChallenge, checkVerifier, verifies } from './pkce.js';

const LINK_TICKET_SECONDS = 60;

/** What the callback stores under a `link_code` for the user who asked (finish-login.ts). */
export interface LinkCode {
  provider: string;
  /** The session that asked: only it completes the link. */
  sessionId: string;
  generation?: number;
  /** The asking app's S256 challenge: only its verifier completes the link. */
  codeChallenge: string;
  /** What the provider proved. */
  profile: ExternalProfile;
}

const notYours = () => new AuthError('invalid_code', 'This link code is unknown, expired or used, or another session asked for it.');

export interface IdentityDeps {
  federation: FederationStore;
  providers: Providers;
  redirects: Redirects;
  tickets: Tickets;
  audit: AuditSink;
  publicUrl: string;
  /** Unlinks only while the account keeps a way to log in (counted under a lock). */
  loginMethods: LoginMethodStore;
  credentials: CredentialRule;
  accounts: ResolveAccount;
}

export function createIdentityManagement(deps: IdentityDeps) {
  const { federation, providers, redirects, tickets, audit } = deps;
  return {
    listIdentities: (userId: string): Promise<IdentityRecord[]> => federation.listIdentities(userId),

    /** The Gatehouse URL the browser opens to link `providerId` to the user; no token in it, one use. */
    async startLink(auth: Authenticated, providerId: string, input: { redirectTo?: string; codeChallenge?: string; codeChallengeMethod?: string }): Promise<string> {
      providers.get(providerId);
      const codeChallenge = checkChallenge(input.codeChallenge, input.codeChallengeMethod);
      await deps.credentials.proof.require(auth);
      const link: PendingLink = {
        provider: providerId, redirectTo: redirects.check(input.redirectTo), sessionId: auth.claims.sid, generation: auth.user.credentialGeneration, codeChallenge,
      };
      const ticket = await tickets.issue('link', { userId: auth.user.id, data: link }, LINK_TICKET_SECONDS);
      return `${deps.publicUrl}/auth/federated/${providerId}/start?link=${ticket}`;
    },

    /**
     * The page's `link_code`, taken once by any attempt (a forced link's victim page spends it), made a
     * link only for the session that asked and the verifier of its challenge; answers the caller's new pair.
     */
    async completeLink(auth: Authenticated, code: string, verifier: string | undefined, ctx: RequestContext): Promise<{ linked: string; pair?: TokenPair }> {
      const proof = checkVerifier(verifier);
      const ticket = await tickets.take<LinkCode>(code, 'link_code');
      if (!ticket || ticket.userId !== auth.user.id || ticket.data.sessionId !== auth.claims.sid) throw notYours();
      if (!verifies(proof, ticket.data.codeChallenge)) {
        throw new AuthError('invalid_code_verifier', 'This code_verifier is not the one whose challenge asked for the link: ask again.');
      }
      const caller = { rotate: authOfClaims(auth.claims), sessionId: auth.claims.sid };
      const { pair } = await deps.accounts.link(auth.user.id, ticket.data.provider, ticket.data.profile, ctx, caller, ticket.data.generation);
      return { linked: ticket.data.provider, pair };
    },

    async unlink(auth: Authenticated, identityId: string, ctx: RequestContext): Promise<TokenPair> {
      await deps.credentials.proof.require(auth);
      const userId = auth.user.id;
      const identity = (await federation.listIdentities(userId)).find((candidate) => candidate.id === identityId);
      if (!identity) throw new AuthError('identity_not_found', 'No such identity on this account.');
      const outcome = await deps.loginMethods.remove(userId, 'identity', identityId, keepsWayIn);
      if (outcome === 'not_found') throw new AuthError('identity_not_found', 'No such identity on this account.');
      if (outcome === 'last') {
        throw new AuthError('last_login_method', 'This is the account\'s last way to log in: set a password or link another provider first.');
      }
      audit({ type: 'identity_unlinked', provider: identity.provider, identityId, userId, ...auditOrigin(ctx) });
      const rotate = { rotate: authOfClaims(auth.claims), sessionId: auth.claims.sid };
      return (await deps.credentials.after(auth.user, 'identity_unlinked', rotate, ctx)).pair!;
    },
  };
}
