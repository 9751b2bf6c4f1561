// The relying parties of the OpenID Connect provider (docs/oidc.md), as stored: RFC 7591 client
// metadata, and of a confidential client only a digest of its secret (core/oidc/client-secrets.ts).
// Clients declared in OIDC_CLIENTS are not stored: the registry (core/oidc/client-registry.ts) adds them.

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export type ClientGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** RFC 7591 §2 names, in the store's own casing. */
export interface ClientMetadata {
  clientName: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: readonly ClientGrantType[];
  /** Space-separated scope values the client may ask for (RFC 6749 §3.3). */
  scope: string;
  /** A first-party app: its users are not asked for consent. */
  skipConsent: boolean;
}

export interface OAuthClientRecord extends ClientMetadata {
  clientId: string;
  /** HMAC-SHA256 (hex) of the secret; null for a public client (`none`). */
  secretDigest: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OAuthClientStore {
  /** Throws DuplicateClientError when the client id is taken. */
  create(client: OAuthClientRecord): Promise<void>;
  find(clientId: string): Promise<OAuthClientRecord | null>;
  /** Ordered by client id. */
  list(): Promise<OAuthClientRecord[]>;
  /** Replaces the metadata and the secret digest; false when no such client. */
  update(client: OAuthClientRecord): Promise<boolean>;
  /** False when no such client. */
  delete(clientId: string): Promise<boolean>;
}
