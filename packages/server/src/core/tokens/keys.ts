// Signing keys derived from the one master secret (docs/architecture.md, "Tokens and keys"): access
// key = HMAC-SHA256(secret, "access"), refresh key = HMAC-SHA256(secret, "refresh"), the secret
// taken as its UTF-8 bytes. Distinct keys mean a refresh token can never verify as an access token,
// or the reverse. With an asymmetric JWT_ALG, access tokens are signed by a key ring instead
// (key-set.ts); refresh stays HMAC.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { AccessKeyRing } from './key-ring.js';

export interface SigningKeys {
  access: KeyObject;
  refresh: KeyObject;
  /** When set, access tokens are signed with its current key (EdDSA, ES256, RS256) and carry a `kid`. */
  accessKeyRing?: AccessKeyRing;
}

/**
 * `fingerprint` keys the HMAC of the client a rotation is bound to (core/sessions/fingerprint.ts);
 * `mail-outbox` seals outbox payloads (core/email/seal.ts); `one-time-codes` keys the hashes of
 * magic-link codes and reset-token password fingerprints; `totp-secret` encrypts TOTP secrets at
 * rest (core/mfa/secret-box.ts); `recovery-code` keys the hashes of recovery codes
 * (core/mfa/recovery-codes.ts); `passkey-decoy` keys the decoy credential ids of unknown usernames
 * (core/passkeys/authentication-options.ts); `federation` derives a federated login's PKCE verifier
 * and nonce (core/federation/tickets.ts); `oauth-client-secret` keys the digests of OpenID Connect
 * clients' secrets (core/oidc/client-secrets.ts); `webhook-secrets` seals the webhook endpoints'
 * signing secrets (jobs/webhooks.ts); `page-csrf` keys the pages' CSRF tokens (http/pages/csrf.ts);
 * `browser-session` keys the MAC of the browser session's cookie (http/pages/browser-session.ts);
 * `oidc-signing-keys` seals the ID-token private keys in the database (core/oidc/id-token-keys.ts);
 * `oidc-code` seals the authorization codes (core/oidc/authorization-codes.ts).
 */
export function deriveKey(
  secret: string,
  purpose: 'access' | 'refresh' | 'fingerprint' | 'mail-outbox' | 'one-time-codes' | 'totp-secret' | 'recovery-code' | 'passkey-decoy'
    | 'federation' | 'oauth-client-secret' | 'webhook-secrets' | 'page-csrf' | 'browser-session' | 'oidc-signing-keys'
    | 'oidc-code',
): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(purpose).digest();
}

export function deriveSigningKeys(secret: string): SigningKeys {
  return {
    access: createSecretKey(deriveKey(secret, 'access')),
    refresh: createSecretKey(deriveKey(secret, 'refresh')),
  };
}
