// Recovery codes (docs/architecture.md, "Factors"): 10 codes of 10 base32 characters (50 random
// bits each), shown once, stored as HMAC-SHA256 under a key derived from the master secret
// ("recovery-code"), so a copy of the database alone cannot test guesses offline. Typed codes are
// compared without case, spaces or dashes.
import { createHmac, randomBytes } from 'node:crypto';
import { base32Encode } from './base32.js';

export const RECOVERY_CODE_COUNT = 10;

/** "abcde-fghij": lower case, a dash in the middle, easy to read out and type. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

export const normalizeRecoveryCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

export type RecoveryCodeHasher = (code: string) => string;

export function createRecoveryCodeHasher(key: Buffer): RecoveryCodeHasher {
  return (code) => createHmac('sha256', key).update(normalizeRecoveryCode(code)).digest('hex');
}
