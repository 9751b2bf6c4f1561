// Where the client keeps its token pair: in memory (the default; Node services, tests), in
// localStorage (browsers; shared by the tabs of one origin), or in any key/value store you pass.
import type { StoredTokens } from './tokens.js';

export interface TokenStorage {
  load(): StoredTokens | null | Promise<StoredTokens | null>;
  save(tokens: StoredTokens): void | Promise<void>;
  clear(): void | Promise<void>;
  /**
   * Set when other tabs see this same storage (localStorage): refreshes are then coordinated
   * across tabs under this name, and its storage events tell a tab that another one changed it.
   */
  readonly syncKey?: string;
}

/** A key/value store such as localStorage, sessionStorage or React Native's AsyncStorage. */
export interface KeyValueStore {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

export const DEFAULT_STORAGE_KEY = 'gatehouse.tokens';

export function memoryStorage(initial: StoredTokens | null = null): TokenStorage {
  let tokens = initial;
  return {
    load: () => tokens,
    save: (next) => void (tokens = next),
    clear: () => void (tokens = null),
  };
}

/** The pair as JSON under `key` in `store`; pass `shared: true` when other tabs see the store. */
export function customStorage(store: KeyValueStore, options: { key?: string; shared?: boolean } = {}): TokenStorage {
  const key = options.key ?? DEFAULT_STORAGE_KEY;
  return {
    load: async () => parseTokens(await store.getItem(key)),
    save: (tokens) => store.setItem(key, JSON.stringify(tokens)),
    clear: () => store.removeItem(key),
    syncKey: options.shared ? key : undefined,
  };
}

/** localStorage of this origin, shared by its tabs. */
export function localStorageAdapter(key = DEFAULT_STORAGE_KEY, store: KeyValueStore = globalThis.localStorage): TokenStorage {
  if (!store) throw new TypeError('localStorageAdapter: localStorage is not available here; use memoryStorage() or customStorage().');
  return customStorage(store, { key, shared: true });
}

function parseTokens(text: string | null): StoredTokens | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredTokens>;
    if (typeof value.accessToken !== 'string' || typeof value.refreshToken !== 'string') return null;
    return { accessToken: value.accessToken, refreshToken: value.refreshToken, serverOffsetMs: Number(value.serverOffsetMs) || 0 };
  } catch {
    return null; // written by something else: treat as logged out
  }
}
