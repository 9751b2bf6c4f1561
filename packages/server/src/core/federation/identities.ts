// A logged-in user's identities: list them, start linking another (a 60-second `link` ticket that
// the browser carries to GET /auth/federated/:provider/start, where the login binds to it), and
// unlink one — never the last way to log in: a password, a passkey, or another identity.
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
}

export function createIdentityManagement(deps: IdentityDeps) {
  const { federation, providers, redirects, tickets, audit } = deps;
  return {
    listIdentities: (userId: string): Promise<IdentityRecord[]> => federation.listIdentities(userId),

    /** The Gatehouse URL the browser opens to link `providerId` to the user; no token in it, one use. */
    async startLink(userId: string, providerId: string, redirectTo: string | undefined): Promise<string> {
      providers.get(providerId);
      const link: PendingLink = { provider: providerId, redirectTo: redirects.check(redirectTo) };
      const ticket = await tickets.issue('link', { userId, data: link }, LINK_TICKET_SECONDS);
      return `${deps.publicUrl}/auth/federated/${providerId}/start?link=${ticket}`;
    },

    async unlink(userId: string, identityId: string, ctx: RequestContext): Promise<void> {
      const identity = (await federation.listIdentities(userId)).find((candidate) => candidate.id === identityId);
      if (!identity) throw new AuthError('identity_not_found', 'No such identity on this account.');
      const outcome = await deps.loginMethods.remove(userId, 'identity', identityId, keepsWayIn);
      if (outcome === 'not_found') throw new AuthError('identity_not_found', 'No such identity on this account.');
      if (outcome === 'last') {
        throw new AuthError('last_login_method', 'This is the account\'s last way to log in: set a password or link another provider first.');
      }
      audit({ type: 'identity_unlinked', provider: identity.provider, identityId, userId, ...auditOrigin(ctx) });
    },
  };
}
