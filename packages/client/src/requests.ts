// What every account call shares: a JSON request (plain, or through the client's fetch with its
// bearer), and keeping or forgetting the session's pair with its events and tab announcements.
import type { AuthFetch } from './auth-fetch.js';
import type { ClientContext } from './create-auth-client.js';
import { errorFromResponse } from './errors.js';
import type { AuthEvents } from './events.js';
import { sessionInfo, toStoredTokens, type SessionInfo, type TokenPairBody } from './tokens.js';

export function jsonInit(body: unknown, method = 'POST'): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A request without the bearer (the caller proves who it is in the body); an error answer throws. */
export async function postJson(ctx: ClientContext, path: string, body: unknown): Promise<Response> {
  const response = await ctx.fetch(ctx.endpoint(path), jsonInit(body));
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/** A request of the signed-in user through the client's fetch (bearer, refresh); an error answer throws. */
export async function sendAsUser(ctx: ClientContext, authFetch: AuthFetch, path: string, init?: RequestInit): Promise<Response> {
  const response = await authFetch(ctx.endpoint(path), init);
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

export async function keepTokens(ctx: ClientContext, pair: TokenPairBody, reason: AuthEvents['tokens']['reason']): Promise<SessionInfo> {
  const tokens = toStoredTokens(pair, ctx.now());
  await ctx.storage.save(tokens);
  ctx.sync?.announceTokens(tokens);
  const info = sessionInfo(tokens);
  ctx.events.emit('tokens', { ...info, reason });
  return info;
}

const PAIR_FIELDS = ['access_token', 'token_type', 'expires_in', 'refresh_token', 'refresh_expires_in'] as const;

/**
 * A change of a way into the account (a factor, a passkey, an identity, the address) ends every other
 * session and answers the caller's new pair beside its own result: the pair is stored (event
 * `tokens`, reason `credential_changed`), or this client would be logged out; the rest is answered.
 */
export async function keepNewPair<T extends object>(ctx: ClientContext, body: T & Partial<TokenPairBody>): Promise<Omit<T, keyof TokenPairBody>> {
  if (typeof body.access_token === 'string') await keepTokens(ctx, body as TokenPairBody, 'credential_changed');
  const rest: Record<string, unknown> = { ...body };
  for (const field of PAIR_FIELDS) delete rest[field];
  return rest as Omit<T, keyof TokenPairBody>;
}

/** Forgets this device's pair, tells the other tabs, and emits `logout`. */
export async function forgetTokens(ctx: ClientContext, reason: AuthEvents['logout']['reason']): Promise<void> {
  await ctx.storage.clear();
  ctx.sync?.announceLogout();
  ctx.events.emit('logout', { reason });
}
