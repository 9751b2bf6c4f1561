// The app's side of a federated sign-in or link is bound like PKCE (RFC 7636, S256): the app that
// starts it sends a code_challenge, and only the code_verifier it kept redeems what comes back (the
// one-time code, a link's code). So a code from somebody else's sign-in or link is worth nothing in
// another app or browser (docs/architecture.md, "Federation").
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError } from '../errors.js';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)), 43 characters. */
export const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The S256 challenge a start names; only S256 (absent means S256: `plain` would put the secret in the URL). */
export function checkChallenge(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined || !CHALLENGE.test(challenge) || (method !== undefined && method !== 'S256')) {
    throw new AuthError('invalid_code_challenge', 'Send code_challenge: the S256 challenge (43 base64url characters) of a code_verifier the app keeps, with code_challenge_method=S256.');
  }
  return challenge;
}

export function checkVerifier(verifier: string | undefined): string {
  if (verifier === undefined || !VERIFIER.test(verifier)) {
    throw new AuthError('invalid_code_verifier', 'Send code_verifier: the 43–128 character secret whose S256 challenge started this sign-in.');
  }
  return verifier;
}

/** Whether `verifier` is the one `challenge` was made from (constant time). */
export function verifies(verifier: string, challenge: string): boolean {
  const given = Buffer.from(challengeOf(verifier));
  const expected = Buffer.from(challenge);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
