// A tiny typed event emitter for the client's `tokens`, `logout` and `error` events. A listener
// that throws does not break the client: its error is rethrown on its own, as EventTarget does.
import type { AuthClientError } from './errors.js';
import type { SessionInfo } from './tokens.js';

export interface AuthEvents {
  /** New tokens: after login (by password or magic link), register, a password change, a re-authentication, a refresh, or a refresh another tab made. */
  tokens: SessionInfo & { reason: 'login' | 'register' | 'password_changed' | 'credential_changed' | 'reauthenticated' | 'refresh' | 'sync' };
  /** The session ended: logout(), deleteAccount(), a refused refresh, or a logout in another tab. */
  logout: { reason: 'logout' | 'account_deleted' | 'refresh_failed' | 'sync'; error?: AuthClientError };
  /** A refresh could not reach the server, or it answered 429/5xx; the session is kept. */
  error: { error: unknown; during: 'refresh' | 'logout' | 'sync' };
}

export type Listener<K extends keyof AuthEvents> = (event: AuthEvents[K]) => void;

export interface Emitter {
  on<K extends keyof AuthEvents>(type: K, listener: Listener<K>): () => void;
  emit<K extends keyof AuthEvents>(type: K, event: AuthEvents[K]): void;
}

export function createEmitter(): Emitter {
  const listeners = new Map<keyof AuthEvents, Set<(event: never) => void>>();
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      set.add(listener as (event: never) => void);
      return () => void set.delete(listener as (event: never) => void);
    },
    emit(type, event) {
      for (const listener of [...(listeners.get(type) ?? [])]) {
        try {
          (listener as Listener<typeof type>)(event);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
