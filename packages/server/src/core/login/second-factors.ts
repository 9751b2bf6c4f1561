// The second factors a login can finish with, each a small check over its own store (TOTP and
// recovery codes in core/mfa/; passkeys add theirs). The login state machine sees only their
// names, whether one is enrolled, and whether a code passed.
import type { AuthMethod } from './amr.js';
import type { SecondFactor } from './login-machine.js';

export interface SecondFactorCheck {
  factor: SecondFactor;
  /** What passing it adds to the session's amr (RFC 8176: a TOTP or a recovery code is `otp`). */
  amr: readonly AuthMethod[];
  enrolled(userId: string): Promise<boolean>;
  /** Whether `code` passes now; a passing code is spent by the same call (no code counts twice). */
  verify(userId: string, code: string, nowMs: number): Promise<boolean>;
}

export interface SecondFactors {
  /** The user's confirmed second factors, in the order of the checks. */
  enrolled(userId: string): Promise<SecondFactor[]>;
  /** Whether `code` passes for `factor`; false for a factor there is no check for. */
  verify(userId: string, factor: SecondFactor, code: string, nowMs: number): Promise<boolean>;
  amrOf(factor: SecondFactor): readonly AuthMethod[];
}

export function createSecondFactors(checks: readonly SecondFactorCheck[]): SecondFactors {
  const byName = new Map(checks.map((check) => [check.factor, check]));
  return {
    async enrolled(userId) {
      const present = await Promise.all(checks.map((check) => check.enrolled(userId)));
      return checks.filter((_, i) => present[i]).map((check) => check.factor);
    },
    async verify(userId, factor, code, nowMs) {
      const check = byName.get(factor);
      return check ? check.verify(userId, code, nowMs) : false;
    },
    amrOf: (factor) => byName.get(factor)?.amr ?? [],
  };
}
