// The single-use tickets of a federated login (storage/types/federation.ts): random 256-bit values
// of which only the SHA-256 is stored. A login's PKCE verifier and nonce are not stored at all: they
// are an HMAC of its `state` under a key derived from the master secret, so the table holds nothing
// that would let a reader finish someone's login.
import { createHmac, randomBytes } from 'node:crypto';
import { hashToken } from '../tokens/secret-hash.js';
import type { Clock } from '../clock.js';
import type { LoginChecks } from './provider-client.js';
import type { FederationStore, TicketKind } from '../../storage/types/federation.js';

export interface Ticket<T> {
  userId: string | null;
  data: T;
}

export type Tickets = ReturnType<typeof createTickets>;

/** 32 random bytes, base64url: the value a URL or cookie carries. */
export const randomValue = (): string => randomBytes(32).toString('base64url');

/**
 * The stored hash of a ticket's value, bound to a browser's cookie or an app's PKCE challenge when
 * `binding` is given: the same value without it (another browser, another app) names nothing, so it spends nothing.
 */
const keyOf = (value: string, binding?: string): string => hashToken(binding === undefined ? value : `${value}\0${binding}`);

export function createTickets({ store, clock, key }: { store: FederationStore; clock: Clock; key: Buffer }) {
  const derive = (label: string, state: string) => createHmac('sha256', key).update(`${label}\0${state}`).digest('base64url');
  return {
    /** Stores a new ticket of `kind` for `ttlSeconds`, bound to `binding` when given; answers its value (the only copy). */
    async issue<T>(kind: TicketKind, ticket: Ticket<T>, ttlSeconds: number, value = randomValue(), binding?: string): Promise<string> {
      await store.putTicket({
        hash: keyOf(value, binding), kind, userId: ticket.userId, data: JSON.stringify(ticket.data),
        expiresAt: new Date(clock.now() + ttlSeconds * 1000),
      });
      return value;
    },

    /** Like issue with the value given, but stores nothing and answers false when a ticket of that value exists already (of concurrent callers one stores). */
    async issueOnce<T>(kind: TicketKind, ticket: Ticket<T>, ttlSeconds: number, value: string): Promise<boolean> {
      return store.putTicketOnce({
        hash: keyOf(value), kind, userId: ticket.userId, data: JSON.stringify(ticket.data), expiresAt: new Date(clock.now() + ttlSeconds * 1000),
      });
    },

    /** The live ticket of `kind` a value names, left in place (taking nothing); null when there is none. */
    async peek<T>(value: string, kind: TicketKind): Promise<Ticket<T> | null> {
      if (!value || value.length > 128) return null;
      const ticket = await store.findTicket(keyOf(value), kind, new Date(clock.now()));
      return ticket && { userId: ticket.userId, data: JSON.parse(ticket.data) as T };
    },

    /**
     * The ticket a value names, once: null when unknown, of another kind, expired or taken already.
     * A ticket issued with a binding (a browser's cookie, an app's challenge) is found only with it (`bound`); without it nothing is taken.
     */
    async take<T>(value: string | null | undefined, kind: TicketKind, bound?: { to: string | undefined }): Promise<Ticket<T> | null> {
      if (!value || value.length > 128 || (bound && (!bound.to || bound.to.length > 128))) return null;
      const ticket = await store.takeTicket(keyOf(value, bound?.to), kind, new Date(clock.now()));
      return ticket && { userId: ticket.userId, data: JSON.parse(ticket.data) as T };
    },

    /** RFC 7636's verifier (43 base64url characters) and the OIDC nonce of the login `state` names. */
    checks(state: string): LoginChecks {
      return { state, codeVerifier: derive('pkce', state), nonce: derive('nonce', state) };
    },
  };
}
