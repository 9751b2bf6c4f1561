// The single-use tickets of a federated login (storage/types/federation.ts): random 256-bit values
// of which only the SHA-256 is stored. A login's PKCE verifier and nonce are not stored at all: they
// are an HMAC of its `state` under a key derived from the master secret, so the table holds nothing
// that would let a reader finish someone's login.
import { createHmac, randomBytes } from 'node:crypto';
import { hashToken, sameHash } from '../tokens/token-pair.js';
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

/** Whether a presented value (a cookie) is the one whose hash was stored, in constant time. */
export const matchesHash = (value: string | undefined, hash: string): boolean => value !== undefined && sameHash(hashToken(value), hash);

export function createTickets({ store, clock, key }: { store: FederationStore; clock: Clock; key: Buffer }) {
  const derive = (label: string, state: string) => createHmac('sha256', key).update(`${label}\0${state}`).digest('base64url');
  return {
    /** Stores a new ticket of `kind` for `ttlSeconds`; answers its value (the only copy). */
    async issue<T>(kind: TicketKind, ticket: Ticket<T>, ttlSeconds: number, value = randomValue()): Promise<string> {
      await store.putTicket({
        hash: hashToken(value), kind, userId: ticket.userId, data: JSON.stringify(ticket.data),
        expiresAt: new Date(clock.now() + ttlSeconds * 1000),
      });
      return value;
    },

    /** The ticket a value names, once: null when unknown, of another kind, expired or taken already. */
    async take<T>(value: string | null | undefined, kind: TicketKind): Promise<Ticket<T> | null> {
      if (!value || value.length > 128) return null;
      const ticket = await store.takeTicket(hashToken(value), kind, new Date(clock.now()));
      return ticket && { userId: ticket.userId, data: JSON.parse(ticket.data) as T };
    },

    /** RFC 7636's verifier (43 base64url characters) and the OIDC nonce of the login `state` names. */
    checks(state: string): LoginChecks {
      return { state, codeVerifier: derive('pkce', state), nonce: derive('nonce', state) };
    },
  };
}
