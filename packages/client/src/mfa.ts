// The client's second-factor calls: the second step of a login (after an MfaRequiredError), TOTP
// enrolment and removal, new recovery codes, and re-authentication before sensitive actions.
// A call that answers a token pair (verifyMfa, reauthenticate) stores it as login does; a change of
// a factor answers the caller's new pair beside its result, and that is stored too.
import type { AuthFetch } from './auth-fetch.js';
import type { ClientContext } from './create-auth-client.js';
import { errorFromResponse } from './errors.js';
import type { SessionInfo, TokenPairBody } from './tokens.js';
import { keepNewPair } from './requests.js';

export interface TotpEnrolment {
  /** Base32, for typing into an authenticator app. */
  secret: string;
  otpauth_uri: string;
  /** The URI as a QR code: an SVG document, ready for innerHTML. */
  qr_svg: string;
}

export interface FactorSummary {
  totp: { confirmed: boolean; created_at: string } | null;
  recovery_codes_remaining: number;
}

/** One proof of who you are: the password, or a TOTP code. */
export type Reauthentication = { password: string } | { code: string };

/** The second factors POST /auth/mfa/verify takes (the server's SECOND_FACTORS; a test holds them equal). */
export const SECOND_FACTORS = ['totp', 'recovery_code'] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

const json = (method: string, body?: unknown): RequestInit => ({
  method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
});

/** Calls through the authenticated fetch; the answer's JSON, or nothing for a 204. */
async function call<T>(ctx: ClientContext, authFetch: AuthFetch, path: string, init: RequestInit): Promise<T> {
  const response = await authFetch(ctx.endpoint(path), init);
  if (!response.ok) throw await errorFromResponse(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export function createMfaCalls(ctx: ClientContext, authFetch: AuthFetch, keep: (pair: TokenPairBody, reason: 'login' | 'reauthenticated') => Promise<SessionInfo>) {
  return {
    /** Finishes a login that threw MfaRequiredError; the new pair is stored. */
    async verifyMfa(mfaToken: string, factor: SecondFactor, code: string): Promise<SessionInfo> {
      const response = await ctx.fetch(ctx.endpoint('/auth/mfa/verify'), json('POST', { mfa_token: mfaToken, factor, code }));
      if (!response.ok) throw await errorFromResponse(response);
      return keep((await response.json()) as TokenPairBody, 'login');
    },
    factors: () => call<FactorSummary>(ctx, authFetch, '/users/me/mfa', { method: 'GET' }),
    startTotpEnrolment: () => call<TotpEnrolment>(ctx, authFetch, '/users/me/mfa/totp', json('POST')),
    /** Confirms with the app's current code; answers the 10 recovery codes, shown this once. The new pair is stored. */
    confirmTotp: async (code: string) =>
      keepNewPair(ctx, await call<{ recovery_codes: string[] }>(ctx, authFetch, '/users/me/mfa/totp/confirm', json('POST', { code }))),
    /** Needs a recent sign-in (reauthenticate first when it throws reauthentication_required); the new pair is stored. */
    removeTotp: async (): Promise<void> => {
      await keepNewPair(ctx, await call<object>(ctx, authFetch, '/users/me/mfa/totp', json('DELETE')));
    },
    regenerateRecoveryCodes: async () =>
      keepNewPair(ctx, await call<{ recovery_codes: string[] }>(ctx, authFetch, '/users/me/mfa/recovery-codes', json('POST'))),
    /** A new session whose auth_time is now; its pair replaces the stored one. */
    async reauthenticate(proof: Reauthentication): Promise<SessionInfo> {
      const pair = await call<TokenPairBody>(ctx, authFetch, '/auth/reauthenticate', json('POST', proof));
      return keep(pair, 'reauthenticated');
    },
  };
}
