// GET /auth/federated/:provider/start: a new pending login (a `login` ticket named by the random
// `state`, bound to this browser by the hash of a cookie value) and the provider's URL with state,
// nonce and the PKCE S256 challenge (OIDC Core §3.1.2.1, RFC 7636). A logged-in user's link starts
// here too, from a `link` ticket (identities.ts), so the cookie is set on the browser that goes.
// Either way the app's S256 code_challenge goes with it (pkce.ts): what comes back is the app's only.
import { AuthError, authErrorOf } from '../errors.js';
import { checkChallenge } from './pkce.js';
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
  /** The app's S256 challenge: the code (or link code) the callback issues is redeemed only with its verifier. */
  codeChallenge?: string;
}

/** What a `link` ticket holds: where to return after linking. */
export interface PendingLink {
  provider: string;
  redirectTo: string;
  /** The session that asked for the link (docs/architecture.md, "Changing a way in"). */
  sessionId?: string;
  /** The account's credential generation then: a reset or password change since cancels the link. */
  generation?: number;
  /** The asking app's S256 challenge: only its verifier, with the asking session, completes the link. */
  codeChallenge?: string;
}

export interface StartInput {
  redirectTo?: string;
  /** A link ticket from POST /users/me/identities/:provider/start (which carried the challenge). */
  link?: string;
  /** A sign-in's RFC 7636 challenge and method (only S256). */
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/** `location` is the provider's URL, or the app's page with `error` when the provider cannot be reached. */
export interface Started {
  location: string;
  /** The value of the cookie that binds the login to this browser; none when the start failed. */
  browserKey?: string;
}

export function createLoginStart(deps: { providers: Providers; redirects: Redirects; tickets: Tickets; limits: RateLimits }) {
  const { providers, redirects, tickets } = deps;

  async function destination(provider: string, input: StartInput): Promise<{ userId: string | null } & Omit<PendingLogin, 'provider'>> {
    if (input.link === undefined) {
      const redirectTo = redirects.check(input.redirectTo);
      return { redirectTo, userId: null, codeChallenge: checkChallenge(input.codeChallenge, input.codeChallengeMethod) };
    }
    const link = await tickets.take<PendingLink>(input.link, 'link');
    if (!link || link.data.provider !== provider) throw new AuthError('invalid_state', 'This link request is unknown, expired or used.');
    const { redirectTo, sessionId, generation, codeChallenge } = link.data;
    return { redirectTo, userId: link.userId, sessionId, generation, codeChallenge: checkChallenge(codeChallenge, undefined) };
  }

  return async function startLogin(providerId: string, input: StartInput, ctx: RequestContext): Promise<Started> {
    const { client } = providers.get(providerId);
    if (input.link === undefined) checkChallenge(input.codeChallenge, input.codeChallengeMethod); // before anything is counted or stored
    // each start stores a pending login: it counts toward the per-IP login limit (429 rate_limited)
    await deps.limits.consume('credentialsPerIp', ctx.ipKey);
    const { userId, ...target } = await destination(providerId, input); // errors here have no safe page: a 4xx
    const { redirectTo } = target;
    try {
      const state = randomValue();
      const location = (await client.authorizationUrl(tickets.checks(state))).href;
      const browserKey = randomValue();
      const pending: PendingLogin = { provider: providerId, ...target };
      await tickets.issue('login', { userId, data: pending }, PENDING_LOGIN_SECONDS, state, browserKey);
      return { location, browserKey };
    } catch (error) {
      const known = authErrorOf(error);
      if (!known) throw error;
      return { location: redirects.withOutcome(redirectTo, { error: known.code }) };
    }
  };
}
