// What the second-factor tests share: enrolling TOTP through the API and computing a code from the
// secret the way an authenticator app does (core/mfa/totp.ts), at the test clock's time.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { base32Decode } from '../../../../src/core/mfa/base32.js';
import { totpCode, totpStep } from '../../../../src/core/mfa/totp.js';
import { bearer } from '../../../helpers.js';

/** The 6-digit code of `secret` (base32) at `nowMs`, `offsetSteps` 30-second steps away. */
export function codeAt(secret: string, nowMs: number, offsetSteps = 0): string {
  return totpCode(base32Decode(secret)!, totpStep(nowMs) + offsetSteps);
}

/**
 * Starts and confirms TOTP for the holder of `accessToken`; answers the secret, the recovery codes
 * and the caller's new pair (enrolment ends every other session: docs/architecture.md, "Changing a way in").
 */
export async function enrolTotp(app: FastifyInstance, accessToken: string, nowMs: number) {
  const started = await app.inject({ method: 'POST', url: '/users/me/mfa/totp', headers: bearer(accessToken) });
  assert.equal(started.statusCode, 200, started.body);
  const { secret } = started.json() as { secret: string };
  const confirmed = await app.inject({
    method: 'POST', url: '/users/me/mfa/totp/confirm', headers: bearer(accessToken), payload: { code: codeAt(secret, nowMs) },
  });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  const body = confirmed.json() as { recovery_codes: string[]; access_token: string; refresh_token: string };
  return { secret, recoveryCodes: body.recovery_codes, pair: { access_token: body.access_token, refresh_token: body.refresh_token } };
}

export function passwordLogin(app: FastifyInstance, user: { username: string; password: string }) {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
}

export function verifyMfa(app: FastifyInstance, mfaToken: string, code: string, factor = 'totp') {
  return app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: mfaToken, factor, code } });
}
