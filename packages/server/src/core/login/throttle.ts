// Failed-login limits per account (OWASP ASVS 2.2.1): a hard cap of failures per hour, the
// configurable lock of failedLoginsPerAccount, and a delay that doubles with each failure in a
// row. All state lives in RateLimits, so it is shared through Redis when instances are several.
import type { RateLimits } from '../../storage/types/rate-limits.js';

export interface LoginDelaySettings {
  /** Failures in a row that go without delay. */
  afterFailures: number;
  /** The longest delay; 0 turns the delay off. */
  maxSeconds: number;
}

/** Seconds to wait after the `streak`-th failure in a row: 1, 2, 4, … up to the maximum. */
export function loginDelaySeconds(streak: number, settings: LoginDelaySettings): number {
  const over = streak - settings.afterFailures;
  if (settings.maxSeconds <= 0 || over <= 0) return 0;
  return Math.min(2 ** Math.min(over - 1, 30), settings.maxSeconds);
}

/** What begin() reserved for one attempt; succeeded, failed or release settles it. */
export interface LoginAttempt {
  accountKey: string;
  /** This attempt's place in the failure streak, counting itself as a failure (0: the delay is off). */
  streak: number;
  /** It holds the delay bucket's one point: its failure starts a delay, so it runs alone. */
  holdsTurn: boolean;
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

export function createLoginThrottle(limits: RateLimits, settings: LoginDelaySettings) {
  const delayOn = settings.maxSeconds > 0;

  /** Every point the attempt holds, back: it checked no password (refused, or shed before its hash). */
  async function giveBack(attempt: LoginAttempt, held: { lock: boolean; hourly: boolean; streak: boolean }): Promise<void> {
    await Promise.all([
      held.lock ? limits.refund('failedLoginsPerAccount', attempt.accountKey) : undefined,
      held.hourly ? limits.refund('failedLoginsPerAccountHourly', attempt.accountKey) : undefined,
      held.streak ? limits.refund('failedLoginStreak', attempt.accountKey) : undefined,
      attempt.holdsTurn ? limits.reset('failedLoginDelay', attempt.accountKey) : undefined,
    ]);
  }

  const throttle = {
    /**
     * One attempt under the account's limits: begin, then `attempt` (the check itself), then settle
     * by `passed`: succeeded, or failed (its points stay spent). A throw checked nothing (the hash
     * queue shed it, a store failed): every point goes back and the error goes on.
     */
    async check<T>(accountKey: string, attempt: () => Promise<T>, passed: (result: T) => boolean): Promise<T> {
      const held = await throttle.begin(accountKey);
      let result: T;
      try {
        result = await attempt();
      } catch (error) {
        await throttle.release(held).catch(() => undefined);
        throw error;
      }
      if (passed(result)) await throttle.succeeded(held);
      else await throttle.failed(held).catch(() => undefined); // the caller answers its own refusal
      return result;
    },

    /**
     * Before a password is checked, every point its failure would spend is reserved: the lock's,
     * the hourly cap's and a place in the streak. Concurrent guesses therefore meet the limits as
     * sequential ones do, instead of all reading the counters before any failure is recorded.
     * The calls run in parallel: one store round trip, as the checks they replace did.
     */
    async begin(accountKey: string): Promise<LoginAttempt> {
      const [lock, hourly, streak, delay] = await Promise.allSettled([
        limits.consume('failedLoginsPerAccount', accountKey),
        limits.consume('failedLoginsPerAccountHourly', accountKey),
        delayOn ? limits.record('failedLoginStreak', accountKey) : Promise.resolve(0),
        delayOn ? limits.check('failedLoginDelay', accountKey) : Promise.resolve(),
      ]);
      const attempt: LoginAttempt = { accountKey, streak: streak.status === 'fulfilled' ? streak.value : 0, holdsTurn: false };
      const held = { lock: lock.status === 'fulfilled', hourly: hourly.status === 'fulfilled', streak: delayOn && streak.status === 'fulfilled' };
      try {
        const refused = [lock, hourly, streak, delay].find((outcome) => outcome.status === 'rejected');
        if (refused) throw refused.reason;
        // A failure here starts a delay, which the next attempt must wait out: until it is known,
        // no other attempt may start (a second round trip, only past LOGIN_DELAY_AFTER_FAILURES).
        if (loginDelaySeconds(attempt.streak, settings) > 0) {
          await limits.consume('failedLoginDelay', accountKey);
          attempt.holdsTurn = true;
        }
        return attempt;
      } catch (error) {
        // A refused attempt checks no password, so it must count against nothing.
        await giveBack(attempt, held);
        throw error;
      }
    },

    /** The password was right: the lock and the streak end; the hourly point was not a failure. */
    async succeeded(attempt: LoginAttempt): Promise<void> {
      await Promise.all([
        limits.reset('failedLoginsPerAccount', attempt.accountKey),
        delayOn ? limits.reset('failedLoginStreak', attempt.accountKey) : undefined,
        limits.refund('failedLoginsPerAccountHourly', attempt.accountKey),
        attempt.holdsTurn ? limits.reset('failedLoginDelay', attempt.accountKey) : undefined,
      ]);
    },

    /** The password was wrong (or the account unknown, which must look the same): its points stay spent. */
    async failed(attempt: LoginAttempt): Promise<void> {
      const delay = loginDelaySeconds(attempt.streak, settings);
      if (delay > 0) await limits.block('failedLoginDelay', attempt.accountKey, delay); // ends the turn, too
    },

    /** No password was checked after all (the hash queue shed the attempt): every point back. */
    async release(attempt: LoginAttempt): Promise<void> {
      await giveBack(attempt, { lock: true, hourly: true, streak: delayOn });
    },
  };
  return throttle;
}
