// The login state machine (docs/architecture.md, "Login"), pure: a first
// factor either finishes a login or opens a second-factor step, which finishes, fails or dies by
// time or attempts. No I/O and no clock of its own: the caller reads the stored challenge, brings
// the time in the event, and stores what comes out. Only `done` may start a session.
import type { ErrorCode } from '../errors.js';
import { combineAmr, type AuthMethod } from './amr.js';

export interface LoginRules {
  /** Second-factor attempts one challenge allows (5). */
  maxAttempts: number;
  /** How long a challenge waits for its second factor (5 minutes). */
  challengeTtlMs: number;
}

export const LOGIN_RULES: Readonly<LoginRules> = Object.freeze({ maxAttempts: 5, challengeTtlMs: 5 * 60_000 });

export type LoginState =
  | { step: 'begin' }
  /** `attempts` counts the attempts made, the one being judged included; `refused` says why the last event did not finish it. */
  | { step: 'second_factor'; userId: string; amr: readonly AuthMethod[]; attempts: number; expiresAtMs: number; refused?: ErrorCode };

export type LoginEnd =
  | { step: 'done'; userId: string; amr: readonly AuthMethod[] }
  | { step: 'failed'; code: ErrorCode };

export type LoginEvent =
  /** A first factor passed; `enrolled` names the user's confirmed second factors (core/login/second-factors.ts). */
  | { type: 'first_factor'; userId: string; amr: readonly AuthMethod[]; enrolled: readonly string[]; nowMs: number }
  /** A second factor was checked: `passed` says whether its code was right; `factor` is the name asked for, enrolled or not. */
  | { type: 'second_factor'; factor: string; enrolled: readonly string[]; amr: readonly AuthMethod[]; passed: boolean; nowMs: number }
  /** The account was disabled, or deleted, between the steps. */
  | { type: 'user_gone'; code: 'user_disabled' | 'invalid_mfa_token' };

/** A first factor that is multi-factor by itself (a passkey with user verification: amr holds `mfa`) needs no second. */
function afterFirstFactor(event: Extract<LoginEvent, { type: 'first_factor' }>, rules: LoginRules): LoginState | LoginEnd {
  if (event.enrolled.length === 0 || event.amr.includes('mfa')) return { step: 'done', userId: event.userId, amr: event.amr };
  return { step: 'second_factor', userId: event.userId, amr: event.amr, attempts: 0, expiresAtMs: event.nowMs + rules.challengeTtlMs };
}

function afterSecondFactor(
  state: Extract<LoginState, { step: 'second_factor' }>, event: Extract<LoginEvent, { type: 'second_factor' }>, rules: LoginRules,
): LoginState | LoginEnd {
  if (event.nowMs >= state.expiresAtMs) return { step: 'failed', code: 'mfa_token_expired' };
  if (state.attempts > rules.maxAttempts) return { step: 'failed', code: 'mfa_attempts_exceeded' };
  const { refused: _, ...pending } = state;
  if (!event.enrolled.includes(event.factor)) return { ...pending, refused: 'factor_not_enrolled' };
  if (!event.passed) return { ...pending, refused: 'invalid_mfa_code' };
  return { step: 'done', userId: state.userId, amr: combineAmr(state.amr, event.amr) };
}

/** One step of a login. Events the state does not expect fail it (invalid_mfa_token): a token is not a login twice. */
export function advance(state: LoginState, event: LoginEvent, rules: LoginRules = LOGIN_RULES): LoginState | LoginEnd {
  if (event.type === 'user_gone') return { step: 'failed', code: event.code };
  if (state.step === 'begin' && event.type === 'first_factor') return afterFirstFactor(event, rules);
  if (state.step === 'second_factor' && event.type === 'second_factor') return afterSecondFactor(state, event, rules);
  return { step: 'failed', code: 'invalid_mfa_token' };
}

export const isEnd = (next: LoginState | LoginEnd): next is LoginEnd => next.step === 'done' || next.step === 'failed';
