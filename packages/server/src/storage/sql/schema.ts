// Table shapes as the query layer sees them. Times are epoch milliseconds in BIGINT columns and
// flags are 0/1 integers: the one representation SQLite, PostgreSQL and MySQL all store alike.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  /** Lowercased username: the unique key that makes names case-insensitive. */
  username_key: string;
  email: string;
  /** Migration 0004: UserRecord.emailVerified, 0/1. */
  email_verified: number;
  password_hash: string;
  full_name: string | null;
  role: string;
  disabled: number;
  created_at: number | string;
  updated_at: number | string;
  /** Migration 0008: UserRecord.credentialGeneration; 0 when left out (an insert never names it: a store before 0008 has no such column). */
  credential_generation: Generated<number>;
  /** Migration 0015: UserRecord.ownerProvenAt; null reads as created_at. */
  owner_proven_at: number | string | null;
  /** Migration 0015: UserRecord.ownerProvenBefore; null reads as created_at. */
  owner_proven_before: number | string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  current_hash: string;
  previous_hash: string | null;
  generation: number;
  rotated_at: number | string;
  /** Migration 0002: SessionRecord.rotationFingerprint. */
  rotation_fingerprint: string | null;
  created_at: number | string;
  expires_at: number | string;
  last_used_at: number | string;
  revoked_at: number | string | null;
  ip: string | null;
  user_agent: string | null;
  /** Migration 0005: SessionRecord.amr, space-separated; null on older rows. */
  amr: string | null;
  /** Migration 0005: SessionRecord.authTime; null on older rows (read as created_at). */
  auth_time: number | string | null;
  /** Migration 0017: SessionRecord.client's id; null for a session of Gatehouse's own API. */
  client_id: string | null;
  /** Migration 0017: SessionRecord.client's scopes, space-separated. */
  scope: string | null;
}

/** Migration 0004: storage/types/one-time-tokens.ts. */
export interface OneTimeTokensTable {
  token_hash: string;
  purpose: string;
  user_id: string;
  subject: string | null;
  code_hash: string | null;
  attempts: number;
  created_at: number | string;
  expires_at: number | string;
  consumed_at: number | string | null;
}

/** Migration 0004: storage/types/outbox.ts. */
export interface OutboxTable {
  id: string;
  kind: string;
  recipient: string;
  payload: string;
  created_at: number | string;
  attempts: number;
  next_attempt_at: number | string;
  last_error: string | null;
  /** 1 once delivery was given up: never claimed again. */
  given_up: number;
  /** Migration 0010: which deliverer takes the row (mail, webhook); defaults to mail. */
  channel: string;
}

/** Migration 0011: storage/types/webhooks.ts; `events` comma-separated, `secret` sealed. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  events: string;
  secret: string;
  disabled: number;
  failures: number;
  created_at: number | string;
  /** Migration 0016: the secret before the last rotation, sealed; it signs too until previous_secret_until. */
  previous_secret: string | null;
  previous_secret_until: number | string | null;
}

/** Migration 0016: storage/types/webhooks.ts, WebhookDelivery; `payload` is the message body (no secret). */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  message_id: string;
  event_type: string;
  attempt: number;
  attempted_at: number | string;
  status_code: number | null;
  duration_ms: number;
  error_class: string | null;
  payload: string;
}

/** Migration 0010: storage/types/audit.ts. */
export interface AuditEventsTable {
  id: string;
  time: number | string;
  type: string;
  actor_id: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  session_id: string | null;
  /** JSON of the event's own fields. */
  data: string;
}

/** Migration 0007: PasskeyRecord; the credential id is looked up by its SHA-256 (ids run to 1,023 bytes). */
export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_hash: string;
  credential_id: string;
  public_key: string;
  counter: number | string;
  /** Comma-separated. */
  transports: string;
  device_type: string;
  backed_up: number;
  name: string;
  created_at: number | string;
  last_used_at: number | string | null;
}

/** Migration 0007: WebAuthnChallengeRecord. */
export interface WebAuthnChallengesTable {
  challenge_hash: string;
  ceremony: string;
  user_id: string | null;
  created_at: number | string;
  expires_at: number | string;
}

/** Migration 0005: TotpRecord. */
export interface MfaTotpTable {
  user_id: string;
  secret: string;
  confirmed_at: number | string | null;
  last_used_step: number | string | null;
  created_at: number | string;
}

/** Migration 0005: one row per recovery code, by its keyed hash. */
export interface MfaRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: number | string | null;
  created_at: number | string;
}

/** Migration 0005: LoginChallengeRecord, amr space-separated. */
export interface LoginChallengesTable {
  token_hash: string;
  user_id: string;
  state: string;
  amr: string;
  attempts: number;
  created_at: number | string;
  expires_at: number | string;
  finished_at: number | string | null;
  /** Migration 0015: LoginChallengeRecord.credentialGeneration; null on older rows. */
  credential_generation: number | null;
}

/** Migration 0006: storage/types/federation.ts IdentityRecord. */
export interface FederatedIdentitiesTable {
  id: string;
  user_id: string;
  provider: string;
  subject: string;
  email: string | null;
  email_verified: number;
  created_at: number | string;
  last_used_at: number | string;
}

/** Migration 0006: storage/types/federation.ts FederationTicket. */
export interface FederationTicketsTable {
  hash: string;
  kind: string;
  user_id: string | null;
  data: string;
  expires_at: number | string;
}

/** Migration 0014: the OpenID Connect provider's stored clients; `metadata` is RFC 7591 JSON. */
export interface OAuthClientsTable {
  client_id: string;
  secret_digest: string | null;
  metadata: string;
  created_at: number | string;
  updated_at: number | string;
}

/** Migration 0017: storage/types/consent-grants.ts; `scope` space-separated. */
export interface OAuthConsentGrantsTable {
  user_id: string;
  client_id: string;
  scope: string;
  created_at: number | string;
  updated_at: number | string;
}

/** Migration 0017: storage/types/oidc-keys.ts; `private_key` sealed. */
export interface OidcSigningKeysTable {
  kid: string;
  alg: string;
  private_key: string;
  created_at: number | string;
  activates_at: number | string;
  retired_at: number | string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebAuthnChallengesTable;
  federated_identities: FederatedIdentitiesTable;
  federation_tickets: FederationTicketsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  oauth_clients: OAuthClientsTable;
  oauth_consent_grants: OAuthConsentGrantsTable;
  oidc_signing_keys: OidcSigningKeysTable;
}
