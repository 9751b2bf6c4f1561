// Second factors and the pending second step of a login (docs/architecture.md, "Factors"): the TOTP
// factor (its secret encrypted by the core before it gets here), recovery codes (keyed hashes only)
// and login challenges (the SHA-256 of the opaque mfa_token only). Single use everywhere is a
// compare-and-swap.
import type { SingleUseTimes } from './single-use.js';

export interface TotpRecord {
  userId: string;
  /** The shared secret, encrypted (core/mfa/secret-box.ts): stores never see it in clear. */
  secret: string;
  /** Null while enrolment waits for its first code. */
  confirmedAt: Date | null;
  /** The last 30-second step a code was accepted for: no code is accepted twice (RFC 6238 §5.2). */
  lastUsedStep: number | null;
  createdAt: Date;
}

export interface FactorStore {
  findTotp(userId: string): Promise<TotpRecord | null>;
  /** Stores a new unconfirmed secret, replacing an unconfirmed one; false (nothing written) when a confirmed one is there. */
  startTotp(record: TotpRecord): Promise<boolean>;
  /**
   * Compare-and-swap: confirms the unconfirmed secret `secret` with the step of its first code, then
   * gives the user `codeHashes` as their recovery codes. False when it was confirmed or replaced meanwhile.
   */
  confirmTotp(userId: string, secret: string, step: number, codeHashes: readonly string[], now: Date): Promise<boolean>;
  /** Compare-and-swap: records `step` as used only if it is later than the last used one. */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** The user's recovery codes become `codeHashes`, all unused. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: Date): Promise<void>;
  /** Compare-and-swap: marks the code used if it is the user's and unused. */
  useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean>;
  countUnusedRecoveryCodes(userId: string): Promise<number>;
  /** Deletes the TOTP factor and every recovery code; whether there was a TOTP factor. */
  deleteAll(userId: string): Promise<boolean>;
}

/** pending: waiting for a second factor; done: a session was started; abandoned: expired, exhausted or refused. */
export type LoginChallengeState = 'second_factor' | 'done' | 'abandoned';

export interface LoginChallengeRecord extends SingleUseTimes {
  /** SHA-256 (hex) of the mfa_token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  state: LoginChallengeState;
  /** The first factor's RFC 8176 methods (core/login/amr.ts). */
  amr: readonly string[];
  /** Second-factor attempts made, the one in progress included. */
  attempts: number;
  finishedAt: Date | null;
  /**
   * The user's credential generation when the first factor was proven (migration 0015; null on
   * older rows): the second step refuses a moved one (docs/architecture.md, "Login").
   */
  credentialGeneration: number | null;
}

export interface LoginChallengeStore {
  create(challenge: LoginChallengeRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<LoginChallengeRecord | null>;
  /**
   * Counts one attempt, atomically, only while the challenge is pending, unexpired at `now` and
   * under `maxAttempts`: concurrent guesses can never make more than `maxAttempts` between them.
   */
  addAttempt(tokenHash: string, now: Date, maxAttempts: number): Promise<boolean>;
  /** Compare-and-swap from second_factor to `state`: of concurrent callers exactly one gets true. */
  finish(tokenHash: string, state: 'done' | 'abandoned', now: Date): Promise<boolean>;
  /** Ends a user's pending challenges (a factor reset); how many. */
  abandonForUser(userId: string, now: Date): Promise<number>;
  /** Deletes challenges that expired before `before`. */
  deleteExpired(before: Date): Promise<number>;
}
