// The second factors a login can finish with: SECOND_FACTORS is the one list (HTTP enums, the
// sign-in page and the re-authentication proof derive from it), and each name has a small check over
// its own store (TOTP and recovery codes in core/mfa/). The login state machine sees only their
// names, whether one is enrolled, and whether a code passed.
import type { AuthMethod } from './amr.js';

/** Every second factor, in the order a login offers them; compose/auth-service.ts gives each its check. */
export const SECOND_FACTORS = ['totp', 'recovery_code'] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

/** The factors whose code POST /auth/reauthenticate takes (`factor`, default totp). */
export const REAUTHENTICATION_FACTORS = ['totp'] as const satisfies readonly SecondFactor[];
export type ReauthenticationFactor = (typeof REAUTHENTICATION_FACTORS)[number];

export const isSecondFactor = (name: string): name is SecondFactor => (SECOND_FACTORS as readonly string[]).includes(name);

export interface SecondFactorCheck {
  /** What passing it adds to the session's amr (RFC 8176: a TOTP or a recovery code is `otp`). */
  amr: readonly AuthMethod[];
  enrolled(userId: string): Promise<boolean>;
  /** Whether `code` passes now; a passing code is spent by the same call (no code counts twice). */
  verify(userId: string, code: string, nowMs: number): Promise<boolean>;
}

export interface SecondFactors {
  /** The user's confirmed second factors, in the order of SECOND_FACTORS. */
  enrolled(userId: string): Promise<SecondFactor[]>;
  /** Whether `code` passes for `factor`; false for a name that is no second factor. */
  verify(userId: string, factor: string, code: string, nowMs: number): Promise<boolean>;
  amrOf(factor: string): readonly AuthMethod[];
}

/** One check per name of SECOND_FACTORS: a name added to the list does not compile until its check is given. */
export function createSecondFactors(checks: Readonly<Record<SecondFactor, SecondFactorCheck>>): SecondFactors {
  return {
    async enrolled(userId) {
      const present = await Promise.all(SECOND_FACTORS.map((factor) => checks[factor].enrolled(userId)));
      return SECOND_FACTORS.filter((_, i) => present[i]);
    },
    async verify(userId, factor, code, nowMs) {
      return isSecondFactor(factor) ? checks[factor].verify(userId, code, nowMs) : false;
    },
    amrOf: (factor) => (isSecondFactor(factor) ? checks[factor].amr : []),
  };
}
