// GET /auth/federated/:provider/start: a new pending login (a `login` ticket named by the random
// `state`, bound to this browser by the hash of a cookie value) and the provider's URL with state,
// nonce and the PKCE S256 challenge (OIDC Core §3.1.2.1, RFC 7636). A logged-in user's link starts
// here too, from a `link` ticket (identities.ts), so the cookie is set on the browser that goes.
import { AuthError, authErrorOf } from '../errors.js';
import type { Providers } from './providers.js';
import type { Redirects } from './redirects.js';
import { randomValue, type Tickets } from './tickets.js';
import type { RequestContext } from '../context.js';
import type { RateLimits } from '../../storage/types/rate-limits.js';

/** How long a person may take at the provider. */
export const PENDING_LOGIN_SECONDS = 600;

/** What a `login` ticket holds; nothing in it is secret. It is stored bound to the starting browser's cookie (tickets.ts). */
export interface PendingLogin {
  provider: string;
  redirectTo: string;
  /** A link's: the session that asked for it, which outlives the other sessions when the link is made. */
  sessionId?: string;
  /** A link's: the account's credential generation when it was asked for; a remedy since voids the link. */
  generation?: number;
}

/** What a `link` ticket holds: where to return after linking. */
export interface PendingLink {
  provider: string;
  redirectTo: string;
  /** The session that asked for the link (docs/architecture.md, "Changing a way in"). */
  sessionId?: string;
  /** The account's credential generation then: a reset or password change since cancels the link. */
  generation?: number;
}

export interface StartInput {
  redirectTo?: string;
  /** A link ticket from POST /users/me/identities/:provider/start. */
  link?: string;
}

/** `location` is the provider's URL, or the app's page with `error` when the provider cannot be reached. */
export interface Started {
  location: string;
  /** The value of the cookie that binds the login to this browser; none when the start failed. */
  browserKey?: string;
}

export function createLoginStart(deps: { providers: Providers; redirects: Redirects; tickets: Tickets; limits: RateLimits }) {
  const { providers, redirects, tickets } = deps;

  async function destination(provider: string, input: StartInput): Promise<{ redirectTo: string; userId: string | null; sessionId?: string; generation?: number }> {
    if (input.link === undefined) return { redirectTo: redirects.check(input.redirectTo), userId: null };
    const link = await tickets.take<PendingLink>(input.link, 'link');
    if (!link || link.data.provider !== provider) throw new AuthError('invalid_state', 'This link request is unknown, expired or used.');
    return { redirectTo: link.data.redirectTo, userId: link.userId, sessionId: link.data.sessionId, generation: link.data.generation };
  }

  return async function startLogin(providerId: string, input: StartInput, ctx: RequestContext): Promise<Started> {
    const { client } = providers.get(providerId);
    // each start stores a pending login: it counts toward the per-IP login limit (429 rate_limited)
    await deps.limits.consume('credentialsPerIp', ctx.ipKey);
    const { redirectTo, userId, sessionId, generation } = await destination(providerId, input); // errors here have no safe page: a 4xx
    try {
      const state = randomValue();
      const location = (await client.authorizationUrl(tickets.checks(state))).href;
      const browserKey = randomValue();
      const pending: PendingLogin = { provider: providerId, redirectTo, sessionId, generation };
      await tickets.issue('login', { userId, data: pending }, PENDING_LOGIN_SECONDS, state, browserKey);
      return { location, browserKey };
    } catch (error) {
      const known = authErrorOf(error);
      if (!known) throw error;
      return { location: redirects.withOutcome(redirectTo, { error: known.code }) };
    }
  };
}
