// What both adapters share: reading `Authorization: Bearer` (RFC 6750 §2.1), the challenge of an
// error answer (RFC 6750 §3), and the error body, all as the Gatehouse server writes them.
import { STATUS_CODES } from 'node:http';
import { VerifyError } from './errors.js';

/** The token of an Authorization header; a VerifyError when absent or malformed. */
export function readBearerToken(header: string | undefined): string {
  if (header === undefined || header === '') throw new VerifyError('missing_token', 'This endpoint needs a bearer access token.');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new VerifyError('invalid_token', 'The Authorization header must be "Bearer <token>".');
  return match[1]!;
}

/** Anything thrown while guarding becomes a VerifyError; unknown failures are the caller's bugs and pass through. */
export function asVerifyError(error: unknown): VerifyError {
  if (error instanceof VerifyError) return error;
  throw error;
}

/** The WWW-Authenticate value for an error answer, or undefined when none belongs (RFC 6750 §3.1). */
export function bearerChallenge(error: VerifyError, realm: string): string | undefined {
  const base = `Bearer realm="${realm.replaceAll('"', "'")}"`;
  if (error.code === 'insufficient_role') return `${base}, error="insufficient_scope"`;
  if (error.statusCode !== 401) return undefined;
  if (error.code === 'missing_token') return base; // no credentials sent: no error code (§3.1)
  return `${base}, error="invalid_token", error_description="${error.message.replaceAll('"', "'")}"`;
}

export function errorBody(error: VerifyError): { statusCode: number; code: string; error: string; message: string } {
  return { statusCode: error.statusCode, code: error.code, error: STATUS_CODES[error.statusCode] ?? 'Error', message: error.message };
}

/** Whether a user with `role` passes a check for `roles`; a VerifyError otherwise. */
export function checkRole(role: string, roles: readonly string[]): void {
  if (!roles.includes(role)) throw new VerifyError('insufficient_role', `This needs the role ${roles.join(' or ')}.`);
}

/** requireMfa: the token's amr says multi-factor (RFC 8176 `mfa`); a VerifyError otherwise. */
export function checkMfa(amr: readonly string[]): void {
  if (!amr.includes('mfa')) throw new VerifyError('mfa_required', 'This needs a sign-in with a second factor.');
}

/** requireRecentAuth: auth_time within `maxAgeSeconds` of `nowMs`; a VerifyError otherwise (RFC 9470's max_age idea). */
export function checkRecentAuth(authTime: number | null, maxAgeSeconds: number, nowMs: number): void {
  if (authTime === null || nowMs / 1000 - authTime > maxAgeSeconds) {
    throw new VerifyError('reauthentication_required', `This needs a sign-in within the last ${maxAgeSeconds} seconds.`);
  }
}

/** The seconds of requireRecentAuth(seconds), checked once when the guard is made. */
export function maxAgeOf(seconds: number): number {
  if (typeof seconds !== 'number' || !(seconds > 0)) throw new TypeError('requireRecentAuth: seconds must be a positive number');
  return seconds;
}
