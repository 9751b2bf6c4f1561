// Minting and checking the tokens of mailed links (docs/email.md): 32 random bytes, base64url,
// stored only as their SHA-256; a 6-digit code beside a magic link, stored as a keyed hash.
import { randomBytes, randomInt } from 'node:crypto';
import { hashToken } from '../tokens/secret-hash.js';
import { AuthError } from '../errors.js';
import type { EmailDeps } from './email-deps.js';
import type { OneTimePurpose, OneTimeTokenRecord } from '../../storage/types/one-time-tokens.js';

/** The form every token has: anything else is refused before a store is asked. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
export const CODE_ATTEMPTS = 5;

/** A new token for `purpose`: the token to mail and the record to store. */
export function mintToken(
  deps: Pick<EmailDeps, 'clock' | 'settings'>, purpose: OneTimePurpose, userId: string,
  extra: Pick<OneTimeTokenRecord, 'subject'> & Partial<Pick<OneTimeTokenRecord, 'codeHash'>>,
): { token: string; record: OneTimeTokenRecord } {
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  return {
    token,
    record: {
      tokenHash: hashToken(token), purpose, userId, subject: extra.subject, codeHash: extra.codeHash ?? null, attempts: 0,
      createdAt: new Date(now), expiresAt: new Date(now + deps.settings.ttlSeconds[purpose] * 1000), consumedAt: null,
    },
  };
}

/** Six digits, uniformly drawn. */
export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * The stored token a mailed link names, if it is live and of `purpose`: `link_expired` past its
 * lifetime, `link_invalid` for anything else (unknown, used, superseded, another purpose).
 */
export async function findLiveToken(deps: Pick<EmailDeps, 'oneTimeTokens' | 'clock'>, token: string, purpose: OneTimePurpose) {
  const record = TOKEN_SHAPE.test(token) ? await deps.oneTimeTokens.findByHash(hashToken(token)) : null;
  if (!record || record.purpose !== purpose || record.consumedAt) throw linkInvalid();
  if (record.expiresAt.getTime() <= deps.clock.now()) throw new AuthError('link_expired', 'This link has expired; ask for a new one.');
  return record;
}

export const linkInvalid = () => new AuthError('link_invalid', 'This link is not valid: it was used, replaced by a newer one, or mistyped.');

/** Refuses a flow that its setting turned off. */
export function requireFeature(on: boolean, name: string): void {
  if (!on) throw new AuthError('feature_disabled', `${name} is turned off on this server.`);
}
