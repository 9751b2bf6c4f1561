// Coordination between browser tabs that share one token storage. A refresh runs under the Web
// Locks API when present, so one tab refreshes and the others, once they get the lock, use the
// new pair without asking the server. A new pair is also announced on a BroadcastChannel: a
// storage write made in another tab can reach this one later than the lock does, so the
// announcement says which refresh token it replaces. `storage` events say when another tab's
// write has arrived. Without Web Locks, a simultaneous refresh from two tabs is still safe: the
// server answers the same successor pair inside its grace window (docs/architecture.md, "Refresh").
// followOtherTabs() turns all this into the client's `tokens` and `logout` events.
import type { Emitter } from './events.js';
import type { TokenStorage } from './storage.js';
import { sessionInfo, type StoredTokens } from './tokens.js';

export interface TabSync {
  /** Runs `task` while no other tab runs one under the same name (when Web Locks exist). */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  announceTokens(tokens: StoredTokens, replaces?: string): void;
  announceLogout(): void;
  /** The pair another tab announced as the successor of this refresh token, if any. */
  successorOf(refreshToken: string): StoredTokens | undefined;
  close(): void;
}

type Message = { type: 'tokens'; tokens: StoredTokens; replaces?: string } | { type: 'logout' };

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const REMEMBERED_SUCCESSORS = 8;

/** `onChange` runs when another tab may have changed the storage under `storageKey`. */
export function createTabSync(storageKey: string, onChange: () => void): TabSync {
  const name = `gatehouse:${storageKey}`;
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  const successors = new Map<string, StoredTokens>();
  const channel = openChannel(name, (message) => {
    if (message.type === 'tokens' && message.replaces) {
      if (successors.size >= REMEMBERED_SUCCESSORS) successors.clear();
      successors.set(message.replaces, message.tokens);
    }
    onChange();
  });
  const stopStorageEvents = listenToStorage(storageKey, onChange);
  return {
    withLock: (task) => (locks ? locks.request(`${name}:refresh`, task) : task()),
    announceTokens: (tokens, replaces) => channel?.postMessage({ type: 'tokens', tokens, replaces } satisfies Message),
    announceLogout: () => channel?.postMessage({ type: 'logout' } satisfies Message),
    successorOf: (refreshToken) => successors.get(refreshToken),
    close: () => {
      channel?.close();
      stopStorageEvents?.();
    },
  };
}

/**
 * Tells this tab's listeners when another tab logged in, refreshed or logged out. Several signals
 * may report one change, so an event fires only when the stored access token differs from the
 * one the listeners last heard of.
 */
export function followOtherTabs(storage: TokenStorage, storageKey: string, events: Emitter): TabSync {
  let announced: string | null | undefined;
  events.on('tokens', (event) => void (announced = event.accessToken));
  events.on('logout', () => void (announced = null));
  // A custom storage may reject: that is an `error` event, never an unhandled rejection.
  const reportError = (error: unknown) => events.emit('error', { error, during: 'sync' });
  Promise.resolve(storage.load()).then((tokens) => void (announced ??= tokens?.accessToken ?? null), reportError);
  return createTabSync(storageKey, () => {
    Promise.resolve(storage.load()).then((tokens) => {
      if (tokens && tokens.accessToken !== announced) events.emit('tokens', { ...sessionInfo(tokens), reason: 'sync' });
      if (!tokens && announced !== null) events.emit('logout', { reason: 'sync' });
    }, reportError);
  });
}

function openChannel(name: string, onMessage: (message: Message) => void): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent) => {
    const message = event.data as Message | null;
    if (message?.type === 'tokens' || message?.type === 'logout') onMessage(message);
  };
  // Node has BroadcastChannel too; it must not keep a process alive.
  (channel as { unref?: () => void }).unref?.();
  return channel;
}

/** Another tab's write to the storage key fires a `storage` event here once it is visible here. */
function listenToStorage(key: string, onChange: () => void): (() => void) | undefined {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return undefined;
  const listener = (event: StorageEvent) => {
    if (event.key === key || event.key === null) onChange();
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
