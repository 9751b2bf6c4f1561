// Re-authentication before sensitive actions (docs/architecture.md, "Factors"): the access token's
// auth_time must be within REAUTH_MAX_AGE, else 403 reauthentication_required; POST
// /auth/reauthenticate renews it. Tokens minted before auth_time existed count as old.
import { AuthError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Authenticated } from '../sessions/authenticate.js';

export type RecentAuthCheck = (auth: Authenticated) => void;

export function createRecentAuthCheck(clock: Clock, maxAgeSeconds: number): RecentAuthCheck {
  return function requireRecentAuth({ claims }) {
    const authTime = claims.auth_time;
    if (authTime !== undefined && clock.now() / 1000 - authTime <= maxAgeSeconds) return;
    throw new AuthError('reauthentication_required',
      `This action needs a sign-in within the last ${maxAgeSeconds} seconds: call POST /auth/reauthenticate first.`);
  };
}
