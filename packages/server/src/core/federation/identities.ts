// A logged-in user's identities: list them, start linking another (a 60-second `link` ticket that
// the browser carries to GET /auth/federated/:provider/start, where the login binds to it), and
// unlink one — never the last way to log in: a password, a passkey, or another identity. Both are
// changes of a way in (docs/architecture.md, "Changing a way in"): they need its proof; unlinking
// answers the caller's new pair, and a link's aftermath comes when the provider's answer makes it.
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

const LINK_TICKET_SECONDS = 60;

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
}

export function createIdentityManagement(deps: IdentityDeps) {
  const { federation, providers, redirects, tickets, audit } = deps;
  return {
    listIdentities: (userId: string): Promise<IdentityRecord[]> => federation.listIdentities(userId),

    /** The Gatehouse URL the browser opens to link `providerId` to the user; no token in it, one use. */
    async startLink(auth: Authenticated, providerId: string, redirectTo: string | undefined): Promise<string> {
      providers.get(providerId);
      await deps.credentials.proof.require(auth);
      const link: PendingLink = {
        provider: providerId, redirectTo: redirects.check(redirectTo), sessionId: auth.claims.sid, generation: auth.user.credentialGeneration,
      };
      const ticket = await tickets.issue('link', { userId: auth.user.id, data: link }, LINK_TICKET_SECONDS);
      return `${deps.publicUrl}/auth/federated/${providerId}/start?link=${ticket}`;
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
