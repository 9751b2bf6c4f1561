// Audit events: one record per security-relevant action, handed to a sink the server wires to its
// logger (and metrics). Events name who (user and session ids), from where (IP, user agent) and
// the outcome; never a password, token, hash or secret (OWASP Logging Cheat Sheet, "Data to exclude").
import { authErrorOf } from './errors.js';
import type { SecondFactor } from './login/second-factors.js';

/** Who acted and from where. `userId`/`sessionId` are the actor's when known. */
export interface AuditActor {
  userId?: string;
  sessionId?: string;
  ip: string;
  userAgent: string | null;
}

export type RefreshOutcome = 'rotated' | 'grace_replay' | 'reused_revoked' | 'expired' | 'mismatch' | 'rejected';

export type LogoutAuditScope = 'local' | 'others' | 'global';

/** What a passkey ceremony was for: registering one, a login, re-authentication, a login's second step. */
export type PasskeyPurpose = 'register' | 'login' | 'reauthenticate';

export type AuditEvent = AuditActor & (
  /** A session began; `amr` says how the user authenticated (core/login/amr.ts); `clientId` when opened for a relying party. */
  | { type: 'register' | 'login_succeeded' | 'session_renewed' | 'reauthenticated'; amr?: readonly string[]; clientId?: string }
  /** `reason` is the error code answered: invalid_credentials, user_disabled, rate_limited, … */
  | { type: 'login_failed'; reason: string; method?: 'email' }
  /** `reason` is set for the failure outcomes: the error code answered. */
  | { type: 'refresh'; outcome: RefreshOutcome; reason?: string }
  | { type: 'logout'; scope: LogoutAuditScope; revokedSessions?: number }
  /** `revokedSessions` counts the caller's own session too: the caller moved to a new one (session_renewed). */
  | { type: 'password_changed'; revokedSessions: number }
  /** A first factor passed and a second is due: a login challenge was stored (no session yet). */
  | { type: 'mfa_challenge_issued'; firstFactor: string; factors: readonly SecondFactor[] }
  /** A second factor was refused, at login or re-authentication; `reason` is the error code answered. */
  | { type: 'mfa_failed'; factor: string; reason: string }
  /** A second factor passed at login (`factor`: one of SECOND_FACTORS). */
  | { type: 'mfa_verified'; factor: SecondFactor }
  /** POST /auth/reauthenticate refused; `method` is pwd or the factor. Success is `reauthenticated`, a new session. */
  | { type: 'reauthentication_failed'; method: string; reason: string }
  | { type: 'mfa_totp_enrolment_started' }
  | { type: 'mfa_enrolled' | 'mfa_removed'; factor: SecondFactor }
  | { type: 'mfa_recovery_codes_regenerated' }
  /** An admin removed every factor of `targetUserId`; their sessions and pending logins ended. */
  | { type: 'admin_mfa_reset'; targetUserId: string; revokedSessions: number }
  | { type: 'rate_limited'; method: string; route: string; retryAfterSeconds?: number }
  | { type: 'admin_user_updated'; targetUserId: string; changes: { disabled?: boolean; role?: string; emailVerified?: boolean }; revokedSessions: number }
  | { type: 'admin_user_deleted'; targetUserId: string; revokedSessions: number }
  | { type: 'admin_sessions_revoked'; targetUserId: string; revokedSessions: number }
  /** POST /admin/users/import wrote users (docs/migrating.md): counts only, never a line. */
  | { type: 'admin_users_imported'; created: number; updated: number; skipped: number }
  /** An admin registered, changed, deleted a client of the OpenID Connect provider, or gave it a new secret. */
  /** A machine client got an access token through the client_credentials grant. */
  | { type: 'client_token_issued'; clientId: string; scope: string }
  /** An authorization code presented a second time: the session its first use opened was revoked (core/oidc/authorization-codes.ts). */
  | { type: 'authorization_code_reused'; clientId: string }
  | { type: 'admin_client_changed'; change: 'created' | 'updated' | 'secret_rotated' | 'deleted'; clientId: string; revokedSessions?: number }
  /** A user consented to a relying party's scopes (docs/architecture.md, "OpenID Connect tokens and consent"); `scope` is all it now holds. */
  | { type: 'consent_granted'; clientId: string; scope: string }
  /** A consent was revoked, by the user or (`targetUserId` set) by an admin; that client's sessions of the user ended. */
  | { type: 'consent_revoked'; clientId: string; revokedSessions: number; targetUserId?: string }
  // Mail flows (core/email): `userId` is absent where the address has no account.
  | { type: 'email_verification_sent' }
  | { type: 'email_verified' }
  | { type: 'password_reset_requested' }
  | { type: 'password_reset'; revokedSessions: number }
  | { type: 'magic_link_requested' }
  /**
   * A magic link proved an unverified address whose account had a password: set by someone who
   * never proved the address (pre-hijacking), it was cleared and every other session ended.
   */
  | { type: 'unproven_password_cleared'; revokedSessions: number }
  /**
   * A remedy (or the first proof of an address) removed the second factor, passkeys and identities
   * added since the owner last signed in with a trusted way (core/accounts/unproven-ways.ts).
   */
  | { type: 'unproven_ways_removed'; totp: boolean; passkeys: number; identities: number }
  | { type: 'email_change_requested' }
  | { type: 'email_changed' }
  /** A pending address change was cancelled from the old address's "this wasn't me" link; every session ended. */
  | { type: 'email_change_cancelled'; revokedSessions: number }
  /** A way into the account changed (core/accounts/credential-aftermath.ts): the other sessions ended, pending links died. */
  | { type: 'credential_changed'; change: string; revokedSessions: number }
  | { type: 'profile_updated'; fields: string[] }
  /** The mail sender could not deliver an outbox row (jobs/outbox-worker.ts); it tries again at `retryAt`. */
  | { type: 'mail_failed'; outboxId: string; kind: string; attempt: number; error: string; retryAt: string }
  /** The sender gave the row up (MAIL_MAX_ATTEMPTS reached, or a payload that does not open). */
  | { type: 'mail_given_up'; outboxId: string; kind: string; attempt: number; error: string }
  /** The webhook sender gave a message up: 3 days of failures, or a signing secret that does not open (jobs/webhook-delivery.ts). */
  | { type: 'webhook_given_up'; endpointId: string; messageId: string; eventType: string; attempt: number; error: string }
  /** An admin registered, changed (`fields`: the names changed), deleted a webhook endpoint or rotated its secret; never its url or secret. */
  | { type: 'admin_webhook_changed'; change: 'created' | 'updated' | 'secret_rotated' | 'deleted'; endpointId: string; fields?: string[] }
  /** A webhook endpoint was turned off by 3 days of failed deliveries; an admin re-enables it with PATCH. */
  | { type: 'webhook_endpoint_disabled'; endpointId: string; failures: number }
  | { type: 'passkey_registered'; passkeyId: string }
  | { type: 'passkey_used'; purpose: PasskeyPurpose; passkeyId: string }
  /** `reason` is the error code answered; `userId` is known for a signed-in user's ceremony only. */
  | { type: 'passkey_failed'; purpose: PasskeyPurpose; reason: string }
  | { type: 'passkey_deleted'; passkeyId: string }
  /** A genuine signature with a counter that did not grow: the authenticator was copied (refused). */
  | { type: 'passkey_clone_detected'; passkeyId: string; storedCounter: number; receivedCounter: number }
  /** An identity of another provider was linked; `created` when its login created the account too. */
  | { type: 'identity_linked'; provider: string; identityId: string; created: boolean }
  | { type: 'identity_unlinked'; provider: string; identityId: string }
  /** A federated login or link that ended with an error code (`reason`); no provider text, no token. */
  | { type: 'federated_login_failed'; provider: string; reason: string }
)
  /**
   * Only the id stays: the account's personal data is gone with it, the address and user agent of
   * its last request too (docs/email.md, "Deleting an account").
   */
  | { type: 'account_deleted'; userId: string; revokedSessions: number; sessionId?: never; ip?: never; userAgent?: never };

export type AuditEventType = AuditEvent['type'];

export type AuditSink = (event: AuditEvent) => void;

/** The default sink: the core runs without a logger (CLI, unit tests). */
export const noAudit: AuditSink = () => undefined;

/** Longest user agent an event carries: enough to tell browsers apart, bounded against log flooding. */
const MAX_USER_AGENT = 256;

/** The "from where" part of an event, from a request context. */
export function auditOrigin(ctx: { ip: string; userAgent: string | null } | undefined): Pick<AuditActor, 'ip' | 'userAgent'> {
  return { ip: ctx?.ip ?? 'unknown', userAgent: ctx?.userAgent?.slice(0, MAX_USER_AGENT) ?? null };
}

/** The stable code of a failure, for `reason`; anything unexpected is internal_error. */
export function failureReason(error: unknown): string {
  return authErrorOf(error)?.code ?? 'internal_error';
}

/** A refresh failure as one of the outcomes in docs/architecture.md, "Refresh". */
export function refreshFailureOutcome(error: unknown): RefreshOutcome {
  switch (failureReason(error)) {
    case 'refresh_token_reused':
      return 'reused_revoked';
    case 'refresh_token_expired':
    case 'token_expired':
      return 'expired';
    case 'token_mismatch':
      return 'mismatch';
    default:
      return 'rejected';
  }
}
