// client.fetch: attaches the bearer, refreshes shortly before expiry, and on a 401 refreshes and
// retries once. At most one refresh and one retry per request, so it can never loop.
import type { Refresh } from './refresher.js';
import type { TokenStorage } from './storage.js';
import { needsRefresh, type StoredTokens } from './tokens.js';

export interface AuthFetchDeps {
  baseUrl: string;
  fetch: typeof fetch;
  storage: TokenStorage;
  refresh: Refresh;
  now: () => number;
  refreshLeewaySeconds: number;
  /** Origins the bearer token may be sent to; any other URL is fetched without it. */
  bearerOrigins: ReadonlySet<string>;
}

export type AuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createAuthFetch(deps: AuthFetchDeps): AuthFetch {
  return async (input, init = {}) => {
    const target = resolveInput(deps.baseUrl, input);
    if (!deps.bearerOrigins.has(new URL(target instanceof Request ? target.url : target).origin)) {
      return deps.fetch(target, init);
    }
    const spare = target instanceof Request ? target.clone() : target; // a Request body reads once
    let tokens = await deps.storage.load();
    let refreshed = false;
    if (tokens && needsRefresh(tokens, deps.now(), deps.refreshLeewaySeconds)) {
      tokens = await deps.refresh(tokens);
      refreshed = true;
    }
    const response = await send(deps, target, init, tokens);
    if (response.status !== 401 || !tokens || refreshed) return response;
    // a change of a way in answered by another call meanwhile moved this client to a new pair: use it
    const stored = await deps.storage.load();
    const next = stored && stored.accessToken !== tokens.accessToken ? stored : await deps.refresh(tokens);
    if (!next || next.accessToken === tokens.accessToken) return response;
    await response.body?.cancel();
    return send(deps, spare, init, next);
  };
}

function send(deps: AuthFetchDeps, target: string | Request, init: RequestInit, tokens: StoredTokens | null): Promise<Response> {
  const headers = new Headers(init.headers ?? (target instanceof Request ? target.headers : undefined));
  if (tokens) headers.set('authorization', `Bearer ${tokens.accessToken}`);
  return deps.fetch(target, { ...init, headers });
}

/** A path like "/users/me" is taken relative to baseUrl; absolute URLs and Requests stay as they are. */
export function resolveInput(baseUrl: string, input: string | URL | Request): string | Request {
  if (input instanceof Request) return input;
  const text = String(input);
  if (/^[a-z][a-z\d+\-.]*:/i.test(text)) return text;
  return `${baseUrl}${text.startsWith('/') ? '' : '/'}${text}`;
}
