// The authorization flow after its request is checked (docs/architecture.md, "OpenID Connect
// provider"): sign in (the request is stored and the sign-in page continues it, as Ory Kratos keeps
// a flow's return), ask for consent, or issue a code. Pending requests and consent requests are
// single-use tickets (core/federation/tickets.ts), hashed, expiring, swept by jobs/sweeper.ts; a code
// is sealed, not stored (authorization-codes.ts).
import type { Clock } from '../clock.js';
import type { SignedIn } from '../login/outcomes.js';
import type { Tickets } from '../federation/tickets.js';
import { clientRedirect, type AuthorizeRequest } from './authorize-request.js';
import type { RegisteredClient } from './client-registry.js';
import type { CodeData, CodeSeal } from './authorization-codes.js';

/** The signed-in person of the browser (pages' BrowserSession). */
export type { SignedIn };

/** What the flow asks of consent grants (oidc-tokens' ConsentGrants). */
export interface ConsentLookup {
  find(userId: string, clientId: string): Promise<{ scopes: string[] } | null>;
  record(userId: string, clientId: string, scopes: readonly string[]): Promise<void>;
}

/** The next step for the browser. */
export type AuthorizeStep =
  | { kind: 'signin'; request: string; loginHint?: string; uiLocales?: string; forceLogin: boolean }
  /** The client and ui_locales travel beside the request id: once it is spent, the page still says whose it was, in its language. */
  | { kind: 'consent'; request: string; clientId: string; uiLocales?: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'expired' };

interface Pending {
  request: AuthorizeRequest;
  /** Epoch seconds at which it was first stored: a sign-in after it satisfies prompt=login and max_age. */
  since: number;
}

interface ConsentPending {
  request: AuthorizeRequest;
  sessionId: string;
}

/** A sign-in may take a while (a second factor, an account to create). */
export const PENDING_TTL_SECONDS = 30 * 60;
const CONSENT_TTL_SECONDS = 10 * 60;

export interface AuthorizationDeps {
  tickets: Tickets;
  /** Seals the codes (authorization-codes.ts): a code is not stored. */
  codes: Pick<CodeSeal, 'seal'>;
  clients: { find(clientId: string): Promise<RegisteredClient> };
  consents: ConsentLookup;
  clock: Clock;
  /** The issuer (PUBLIC_URL): RFC 9207 `iss` on every answer. */
  issuer: string;
}

export type Authorization = ReturnType<typeof createAuthorization>;

export function createAuthorization({ tickets, codes, clients, consents, clock, issuer }: AuthorizationDeps) {
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const answer = (request: AuthorizeRequest, fields: Record<string, string | undefined>): AuthorizeStep =>
    ({ kind: 'redirect', location: clientRedirect(request.redirectUri, { ...fields, state: request.state, iss: issuer }) });
  const refuse = (request: AuthorizeRequest, error: string, description: string) => answer(request, { error, error_description: description });

  async function issueCode(request: AuthorizeRequest, who: SignedIn): Promise<AuthorizeStep> {
    const { clientId, redirectUri, scopes, nonce, codeChallenge } = request;
    const data: CodeData = {
      request: { clientId, redirectUri, scopes, nonce, codeChallenge }, sessionId: who.sessionId, authTime: who.authTime, amr: [...who.amr],
    };
    return answer(request, { code: codes.seal(who.userId, data, clock.now()) });
  }

  async function step(pending: Pending, client: RegisteredClient, who: SignedIn | null, stored: boolean): Promise<AuthorizeStep> {
    const { request } = pending;
    const signedInSince = who !== null && stored && who.authTime >= pending.since;
    const tooOld = who !== null && request.maxAgeSeconds !== undefined && nowSeconds() - who.authTime > request.maxAgeSeconds;
    const forceLogin = !signedInSince && (request.prompt.includes('login') || tooOld);
    if (!who || forceLogin) {
      if (request.prompt.includes('none')) return refuse(request, 'login_required', 'Nobody is signed in, or not recently enough.');
      const id = await tickets.issue('oidc_request', { userId: null, data: pending }, PENDING_TTL_SECONDS);
      return { kind: 'signin', request: id, loginHint: request.loginHint, uiLocales: request.uiLocales, forceLogin: who !== null && forceLogin };
    }
    if (!client.skipConsent && (request.prompt.includes('consent') || !covers(await consents.find(who.userId, client.clientId), request.scopes))) {
      if (request.prompt.includes('none')) return refuse(request, 'consent_required', 'The person has not consented to this client and scope.');
      const data: ConsentPending = { request, sessionId: who.sessionId };
      const id = await tickets.issue('oidc_consent', { userId: who.userId, data }, CONSENT_TTL_SECONDS);
      return { kind: 'consent', request: id, clientId: client.clientId, uiLocales: request.uiLocales };
    }
    return issueCode(request, who);
  }

  return {
    /** A checked request, fresh from /oauth/authorize. */
    start: (request: AuthorizeRequest, client: RegisteredClient, who: SignedIn | null) =>
      step({ request, since: nowSeconds() }, client, who, false),

    /** /oauth/authorize/continue: the stored request, once; `expired` when it is gone. */
    async resume(id: string, who: SignedIn | null): Promise<AuthorizeStep> {
      const pending = await tickets.take<Pending>(id, 'oidc_request');
      if (!pending) return { kind: 'expired' };
      const client = await clients.find(pending.data.request.clientId).catch(() => null);
      if (!client) return { kind: 'expired' };
      return step(pending.data, client, who, true);
    },

    /**
     * The consent page's data for the person who was asked; the request moves to a new id (the old
     * one is spent), which the form carries. Null when it is gone or belongs to someone else.
     */
    async consentPage(id: string, who: SignedIn | null) {
      const taken = await takeConsent(id, who);
      if (!taken) return null;
      const client = await clients.find(taken.request.clientId).catch(() => null);
      if (!client) return null;
      const request = await tickets.issue('oidc_consent', { userId: who!.userId, data: taken }, CONSENT_TTL_SECONDS);
      return { clientName: client.clientName || client.clientId, clientId: client.clientId, scopes: taken.request.scopes, request, uiLocales: taken.request.uiLocales };
    },

    /** The person's answer: allow records the grant and issues a code; deny tells the client access_denied. */
    async decide(id: string, who: SignedIn | null, allow: boolean): Promise<AuthorizeStep> {
      const taken = await takeConsent(id, who);
      if (!taken) return { kind: 'expired' };
      if (!allow) return refuse(taken.request, 'access_denied', 'The person did not allow this client.');
      await consents.record(who!.userId, taken.request.clientId, taken.request.scopes);
      return issueCode(taken.request, who!);
    },
  };

  async function takeConsent(id: string, who: SignedIn | null): Promise<ConsentPending | null> {
    if (!who) return null;
    const ticket = await tickets.take<ConsentPending>(id, 'oidc_consent');
    // asked of one browser session, answered by the same one: another person's link spends it and grants nothing
    if (!ticket || ticket.userId !== who.userId || ticket.data.sessionId !== who.sessionId) return null;
    return ticket.data;
  }
}

/** Whether a recorded grant covers every scope value asked. */
function covers(grant: { scopes: string[] } | null, scopes: readonly string[]): boolean {
  return grant !== null && scopes.every((scope) => grant.scopes.includes(scope));
}
