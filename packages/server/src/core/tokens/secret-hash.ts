// The one way Gatehouse keeps and compares a secret it hands out (refresh tokens, mailed link
// tokens, mfa_tokens, WebAuthn challenges, federation tickets): only the SHA-256 is stored, hex (safe
// under case-insensitive SQL collations), and hashes are compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Whether two hashes are equal, in constant time; false when either is missing (null: nothing stored). */
export function sameHash(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
