// Sign-in with other identity providers (the server's docs/federation.md): the URL that starts it,
// the exchange of the one-time code the app's page receives, and the account page's identities.
// Tokens never travel in a URL: the page gets a code, which this exchanges for the pair. Both the
// sign-in and a link are bound like PKCE (RFC 7636, S256): this client makes a random verifier, keeps
// it in ctx.flowStorage while the browser is away, sends its challenge, and proves it on return, so
// a code from somebody else's sign-in or link is worth nothing here.
import type { AuthFetch } from './auth-fetch.js';
import { keepNewPair, keepTokens, sendAsUser, jsonInit } from './requests.js';
import type { ClientContext } from './create-auth-client.js';
import { AuthClientError, errorFromResponse } from './errors.js';
import type { SessionInfo, TokenPairBody } from './tokens.js';

export interface IdentityProvider { id: string; name: string; type: 'oidc' | 'github' }

export interface LinkedIdentity {
  id: string;
  provider: string;
  email: string | null;
  email_verified: boolean;
  created_at: string;
  last_used_at: string;
}

/** The parameters the server adds to the page it returns to. */
const OUTCOME = ['code', 'error', 'link_code', 'linked'];

const VERIFIER_KEY = 'gatehouse.federation.verifier';

/** A new verifier (32 random bytes, base64url: 43 characters), kept for the return; answers its S256 challenge. */
async function newChallenge(ctx: ClientContext): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const verifier = base64url(bytes);
  await ctx.flowStorage.setItem(VERIFIER_KEY, verifier);
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** The kept verifier, once. */
async function takeVerifier(ctx: ClientContext): Promise<string | undefined> {
  const verifier = await ctx.flowStorage.getItem(VERIFIER_KEY);
  await ctx.flowStorage.removeItem(VERIFIER_KEY);
  return verifier ?? undefined;
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function providers(ctx: ClientContext): Promise<IdentityProvider[]> {
  const response = await ctx.fetch(ctx.endpoint('/auth/federated/providers'));
  if (!response.ok) throw await errorFromResponse(response);
  return ((await response.json()) as { providers: IdentityProvider[] }).providers;
}

/**
 * Where to send the browser to sign in with `provider`, coming back to `redirectTo`; keeps a new verifier.
 * One flow at a time: each call (and linkUrl) replaces the kept verifier, so only the URL made last
 * can finish. Make it when the person clicks, not one per provider in advance.
 */
export async function signInUrl(ctx: ClientContext, provider: string, redirectTo?: string): Promise<string> {
  const query = new URLSearchParams();
  if (redirectTo !== undefined) query.set('redirect_to', redirectTo);
  query.set('code_challenge', await newChallenge(ctx));
  query.set('code_challenge_method', 'S256');
  return ctx.endpoint(`/auth/federated/${encodeURIComponent(provider)}/start?${query}`);
}

/**
 * On the page a sign-in returned to: exchanges its `code` for the token pair and stores it; or, back
 * from a link, completes its `link_code` as the logged-in user and stores the new pair (every other
 * session ended). Both prove the kept verifier. An `error` parameter throws an AuthClientError with
 * that code; none of them answers null. Read from the browser's location, the parameters are then
 * removed from it, so a reload does not reuse the code.
 */
export async function finishSignIn(ctx: ClientContext, authFetch: AuthFetch, url?: string | URL): Promise<SessionInfo | null> {
  const location = (globalThis as { location?: Location }).location;
  const current = new URL(url ?? location?.href ?? '');
  const code = current.searchParams.get('code');
  const linkCode = current.searchParams.get('link_code');
  const error = current.searchParams.get('error');
  if (url === undefined && OUTCOME.some((name) => current.searchParams.has(name))) forget(current);
  if (error !== null) {
    await takeVerifier(ctx);
    throw new AuthClientError(error, 0, `Sign-in did not finish: ${error}.`);
  }
  if (linkCode !== null) {
    const response = await sendAsUser(ctx, authFetch, '/users/me/identities/link', jsonInit({ code: linkCode, code_verifier: await takeVerifier(ctx) }));
    const body = (await response.json()) as Partial<TokenPairBody>;
    return typeof body.access_token === 'string' ? keepTokens(ctx, body as TokenPairBody, 'credential_changed') : null;
  }
  if (code === null) return null;
  const response = await ctx.fetch(ctx.endpoint('/auth/federated/exchange'), jsonInit({ code, code_verifier: await takeVerifier(ctx) }));
  if (!response.ok) throw await errorFromResponse(response);
  return keepTokens(ctx, (await response.json()) as TokenPairBody, 'login');
}

function forget(current: URL): void {
  const history = (globalThis as { history?: History }).history;
  const clean = new URL(current);
  for (const name of OUTCOME) clean.searchParams.delete(name);
  history?.replaceState(history.state, '', clean.href);
}

export async function identities(ctx: ClientContext, authFetch: AuthFetch): Promise<LinkedIdentity[]> {
  const response = await authFetch(ctx.endpoint('/users/me/identities'));
  if (!response.ok) throw await errorFromResponse(response);
  return ((await response.json()) as { identities: LinkedIdentity[] }).identities;
}

/** The URL the browser opens to link `provider` to the logged-in user (one use, 60 s); like signInUrl, the last one made is the one that finishes. */
export async function linkUrl(ctx: ClientContext, authFetch: AuthFetch, provider: string, redirectTo?: string): Promise<string> {
  const response = await authFetch(ctx.endpoint(`/users/me/identities/${encodeURIComponent(provider)}/start`), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...(redirectTo === undefined ? {} : { redirect_to: redirectTo }), code_challenge: await newChallenge(ctx), code_challenge_method: 'S256' }),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return ((await response.json()) as { url: string }).url;
}

export async function unlink(ctx: ClientContext, authFetch: AuthFetch, id: string): Promise<void> {
  const response = await authFetch(ctx.endpoint(`/users/me/identities/${encodeURIComponent(id)}`), { method: 'DELETE' });
  if (!response.ok) throw await errorFromResponse(response);
  await keepNewPair(ctx, (await response.json()) as object); // every other session ended; this one moved to a new pair
}
