// Sign-in through other identity providers (docs/federation.md): the identities linked to users,
// one per (provider, subject), and the short-lived single-use tickets of a login in flight (the
// pending login, the code the app exchanges, the link of a logged-in user), stored only hashed.

export interface IdentityRecord {
  id: string;
  userId: string;
  /** The provider's id in FEDERATION_PROVIDERS. */
  provider: string;
  /** The provider's stable identifier of the person: OIDC `sub`, GitHub's numeric user id. */
  subject: string;
  /** The email the provider last asserted, and whether it said it verified it. */
  email: string | null;
  emailVerified: boolean;
  createdAt: Date;
  lastUsedAt: Date;
}

/**
 * `login`: a redirect to a provider in flight; `code`: what the app exchanges for tokens; `link`: a logged-in user's link start.
 * The OpenID Connect provider's own (core/oidc/authorization.ts): `oidc_request` a pending authorization request,
 * `oidc_consent` a consent asked, `oidc_code` an authorization code, `oidc_code_used` a spent code remembered.
 */
export type TicketKind = 'login' | 'code' | 'link' | 'link_code' | 'oidc_request' | 'oidc_consent' | 'oidc_code' | 'oidc_code_used';

export interface FederationTicket {
  /** SHA-256 (hex) of the ticket's random value; the value itself is never stored. */
  hash: string;
  kind: TicketKind;
  userId: string | null;
  /** What the step that takes the ticket needs, as JSON (no secret: see core/federation/tickets.ts). */
  data: string;
  expiresAt: Date;
}

export interface FederationStore {
  /** Throws DuplicateIdentityError when (provider, subject) is linked already. */
  createIdentity(identity: IdentityRecord): Promise<void>;
  findIdentity(provider: string, subject: string): Promise<IdentityRecord | null>;
  /** Oldest first. */
  listIdentities(userId: string): Promise<IdentityRecord[]>;
  /** Records a login through the identity and the email the provider asserted this time. */
  touchIdentity(id: string, seen: Pick<IdentityRecord, 'email' | 'emailVerified' | 'lastUsedAt'>): Promise<void>;
  putTicket(ticket: FederationTicket): Promise<void>;
  /** Single use: answers the ticket and deletes it, when it exists, is of `kind` and is unexpired; of concurrent callers one wins. */
  takeTicket(hash: string, kind: TicketKind, now: Date): Promise<FederationTicket | null>;
  /** Stores the ticket unless one has its hash already (live or not yet swept): true when this call stored it; of concurrent callers one does. */
  putTicketOnce(ticket: FederationTicket): Promise<boolean>;
  /** The live ticket of `kind` under `hash`, left in place; null when there is none. */
  findTicket(hash: string, kind: TicketKind, now: Date): Promise<FederationTicket | null>;
  deleteExpiredTickets(now: Date): Promise<number>;
}
