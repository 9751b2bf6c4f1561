// The refresh of a token pair, shared by everything that needs one: concurrent calls in this tab
// share one request (single flight), and across tabs the refresh runs under a lock and first
// re-reads storage, so a pair another tab already rotated is used as it is, never sent again.
import { errorFromResponse } from './errors.js';
import type { Emitter } from './events.js';
import type { TokenStorage } from './storage.js';
import type { TabSync } from './tab-sync.js';
import { sessionInfo, toStoredTokens, type StoredTokens, type TokenPairBody } from './tokens.js';

export interface RefresherDeps {
  endpoint: (path: string) => string;
  fetch: typeof fetch;
  storage: TokenStorage;
  sync: TabSync | undefined;
  now: () => number;
  events: Emitter;
}

/** Resolves to the pair to use now: a new one, another caller's, the old one (refresh unavailable) or null (session over). */
export type Refresh = (stale: StoredTokens) => Promise<StoredTokens | null>;

export function createRefresher(deps: RefresherDeps): Refresh {
  let inFlight: Promise<StoredTokens | null> | undefined;
  const run = async (stale: StoredTokens) => {
    const current = await deps.storage.load();
    if (!current) return null; // logged out meanwhile (here or in another tab)
    if (current.refreshToken !== stale.refreshToken) return current; // someone refreshed already
    // Another tab refreshed and said so, but its storage write has not reached this tab yet.
    return deps.sync?.successorOf(current.refreshToken) ?? exchange(deps, current);
  };
  return (stale) => {
    inFlight ??= (deps.sync ? deps.sync.withLock(() => run(stale)) : run(stale)).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

/** POST /auth/refresh with both tokens (docs/architecture.md, "Refresh"). */
async function exchange(deps: RefresherDeps, current: StoredTokens): Promise<StoredTokens | null> {
  let response: Response;
  let next: StoredTokens;
  try {
    response = await deps.fetch(deps.endpoint('/auth/refresh'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: current.accessToken, refresh_token: current.refreshToken }),
    });
    if (!response.ok) return await refused(deps, current, response);
    next = toStoredTokens((await response.json()) as TokenPairBody, deps.now());
  } catch (error) {
    // Offline, DNS, a cut connection: the session may well be fine, so keep it.
    deps.events.emit('error', { error, during: 'refresh' });
    return current;
  }
  await deps.storage.save(next);
  deps.sync?.announceTokens(next, current.refreshToken);
  deps.events.emit('tokens', { ...sessionInfo(next), reason: 'refresh' });
  return next;
}

async function refused(deps: RefresherDeps, current: StoredTokens, response: Response): Promise<StoredTokens | null> {
  const error = await errorFromResponse(response);
  if (response.status !== 401 && response.status !== 403) {
    deps.events.emit('error', { error, during: 'refresh' }); // 429, 5xx: try again later
    return current;
  }
  // A tab that lost a race keeps the winner's tokens rather than logging everyone out.
  const latest = await deps.storage.load();
  if (latest && latest.refreshToken !== current.refreshToken) return latest;
  const successor = deps.sync?.successorOf(current.refreshToken);
  if (successor) return successor;
  await deps.storage.clear();
  deps.sync?.announceLogout();
  deps.events.emit('logout', { reason: 'refresh_failed', error });
  return null;
}
