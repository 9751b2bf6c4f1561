// The two second factors of this capability as the login state machine checks them
// (core/login/second-factors.ts): a TOTP code, whose step must be later than the last one used
// (compare-and-swap: no code twice, RFC 6238 §5.2), and a recovery code, spent by compare-and-swap.
import { AuthError } from '../errors.js';
import type { SecondFactorCheck } from '../login/second-factors.js';
import type { FactorStore } from '../../storage/types/factors.js';
import type { RecoveryCodeHasher } from './recovery-codes.js';
import type { SecretBox } from './secret-box.js';
import { matchTotp } from './totp.js';

export interface MfaParts {
  factors: FactorStore;
  secretBox: SecretBox;
  hashRecoveryCode: RecoveryCodeHasher;
}

/**
 * Checks a TOTP code of a confirmed factor and spends its step. A right code whose step was spent
 * already (this code, or one after it) throws totp_code_used: the person typed a real code and
 * only has to wait for the next one, which "incorrect" would not tell them.
 */
export async function spendTotpCode({ factors, secretBox }: Pick<MfaParts, 'factors' | 'secretBox'>, userId: string, code: string, nowMs: number) {
  const totp = await factors.findTotp(userId);
  if (!totp?.confirmedAt) return false;
  const key = secretBox.open(totp.secret, userId);
  const step = key && matchTotp(key, code, nowMs);
  if (step === undefined) return false;
  const spent = totp.lastUsedStep !== null && step <= totp.lastUsedStep;
  if (spent || !(await factors.useTotpStep(userId, step))) {
    throw new AuthError('totp_code_used', 'This code was already used; wait for the next code.');
  }
  return true;
}

export function createTotpCheck(parts: Pick<MfaParts, 'factors' | 'secretBox'>): SecondFactorCheck {
  return {
    amr: ['otp'],
    enrolled: async (userId) => Boolean((await parts.factors.findTotp(userId))?.confirmedAt),
    verify: (userId, code, nowMs) => spendTotpCode(parts, userId, code, nowMs),
  };
}

/** RFC 8176 has no value for recovery codes; they are one-time codes, so `otp`. */
export function createRecoveryCodeCheck({ factors, hashRecoveryCode }: Pick<MfaParts, 'factors' | 'hashRecoveryCode'>): SecondFactorCheck {
  return {
    amr: ['otp'],
    enrolled: async (userId) => (await factors.countUnusedRecoveryCodes(userId)) > 0,
    verify: (userId, code, nowMs) => factors.useRecoveryCode(userId, hashRecoveryCode(code), new Date(nowMs)),
  };
}
