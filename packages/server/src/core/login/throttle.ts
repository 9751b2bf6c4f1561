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

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

export function createLoginThrottle(limits: RateLimits, settings: LoginDelaySettings) {
  return {
    /**
     * Before a password is checked. The hourly point is spent up front and given back on
     * success, so concurrent guesses cannot all slip past the check and overrun the cap.
     */
    async begin(accountKey: string): Promise<void> {
      // In parallel, so a login pays one store round trip here, not two.
      const [lock, delay, hourly] = await Promise.allSettled([
        limits.check('failedLoginsPerAccount', accountKey),
        limits.check('failedLoginDelay', accountKey),
        limits.consume('failedLoginsPerAccountHourly', accountKey),
      ]);
      const refused = [lock, delay, hourly].find((outcome) => outcome.status === 'rejected');
      if (!refused) return;
      // A refused attempt checks no password, so it must not count against the hour.
      if (hourly.status === 'fulfilled') await limits.refund('failedLoginsPerAccountHourly', accountKey);
      throw refused.reason;
    },

    /** The password was right: the streak and the lock end; the hourly point was not a failure. */
    async succeeded(accountKey: string): Promise<void> {
      await Promise.all([
        limits.reset('failedLoginsPerAccount', accountKey),
        limits.reset('failedLoginStreak', accountKey),
        limits.refund('failedLoginsPerAccountHourly', accountKey),
      ]);
    },

    /** The password was wrong (or the account unknown, which must look the same). */
    async failed(accountKey: string): Promise<void> {
      const [, streak] = await Promise.all([
        limits.record('failedLoginsPerAccount', accountKey),
        settings.maxSeconds > 0 ? limits.record('failedLoginStreak', accountKey) : Promise.resolve(0),
      ]);
      const delay = loginDelaySeconds(streak, settings);
      if (delay > 0) await limits.block('failedLoginDelay', accountKey, delay);
    },
  };
}
