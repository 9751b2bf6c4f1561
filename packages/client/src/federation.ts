// Sign-in with other identity providers (the server's docs/federation.md): the URL that starts it,
// the exchange of the one-time code the app's page receives, and the account page's identities.
// Tokens never travel in a URL: the page gets a code, which this exchanges for the pair.
import type { AuthFetch } from './auth-fetch.js';
import { keepNewPair, keepTokens } from './requests.js';
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
const OUTCOME = ['code', 'error', 'linked'];

export async function providers(ctx: ClientContext): Promise<IdentityProvider[]> {
  const response = await ctx.fetch(ctx.endpoint('/auth/federated/providers'));
  if (!response.ok) throw await errorFromResponse(response);
  return ((await response.json()) as { providers: IdentityProvider[] }).providers;
}

/** Where to send the browser to sign in with `provider`, coming back to `redirectTo`. */
export function signInUrl(ctx: ClientContext, provider: string, redirectTo?: string): string {
  const query = redirectTo === undefined ? '' : `?redirect_to=${encodeURIComponent(redirectTo)}`;
  return ctx.endpoint(`/auth/federated/${encodeURIComponent(provider)}/start${query}`);
}

/**
 * On the page a sign-in returned to: exchanges its `code` for the token pair and stores it. An
 * `error` parameter throws an AuthClientError with that code; neither answers null. Read from the
 * browser's location, the parameters (and a link's `linked`) are then removed from it, so a reload
 * does not reuse the code.
 */
export async function finishSignIn(ctx: ClientContext, url?: string | URL): Promise<SessionInfo | null> {
  const location = (globalThis as { location?: Location }).location;
  const current = new URL(url ?? location?.href ?? '');
  const code = current.searchParams.get('code');
  const error = current.searchParams.get('error');
  if (url === undefined && OUTCOME.some((name) => current.searchParams.has(name))) forget(current);
  if (error !== null) throw new AuthClientError(error, 0, `Sign-in did not finish: ${error}.`);
  if (code === null) return null;
  const response = await ctx.fetch(ctx.endpoint('/auth/federated/exchange'), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }),
  });
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

/** The URL the browser opens to link `provider` to the logged-in user (one use, 60 s). */
export async function linkUrl(ctx: ClientContext, authFetch: AuthFetch, provider: string, redirectTo?: string): Promise<string> {
  const response = await authFetch(ctx.endpoint(`/users/me/identities/${encodeURIComponent(provider)}/start`), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(redirectTo === undefined ? {} : { redirect_to: redirectTo }),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return ((await response.json()) as { url: string }).url;
}

export async function unlink(ctx: ClientContext, authFetch: AuthFetch, id: string): Promise<void> {
  const response = await authFetch(ctx.endpoint(`/users/me/identities/${encodeURIComponent(id)}`), { method: 'DELETE' });
  if (!response.ok) throw await errorFromResponse(response);
  await keepNewPair(ctx, (await response.json()) as object); // every other session ended; this one moved to a new pair
}
