// Client secrets: 256 random bits when Gatehouse makes one, shown once; stored and kept in memory only
// as an HMAC-SHA256 under a key derived from the master secret (label `oauth-client-secret`), so a
// copy of the database alone cannot test guesses; compared in constant time, for a known client and
// an unknown one alike.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ClientSecrets {
  /** A new secret: 32 random bytes, base64url (43 characters). */
  generate(): string;
  digest(secret: string): string;
  /** Whether `secret` has `digest`; null (no such client, or a public one) costs the same and is false. */
  matches(secret: string, digest: string | null): boolean;
}

export function createClientSecrets(key: Buffer): ClientSecrets {
  const hmac = (text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
  const nobody = hmac(randomBytes(32).toString('hex'));
  return {
    generate: () => randomBytes(32).toString('base64url'),
    digest: (secret) => hmac(secret).toString('hex'),
    matches(secret, digest) {
      const expected = digest === null ? nobody : Buffer.from(digest, 'hex');
      const equal = expected.length === 32 && timingSafeEqual(hmac(secret), expected);
      return digest !== null && equal;
    },
  };
}
