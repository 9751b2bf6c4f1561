// Brute-force limits (docs/architecture.md, "Users and passwords", OWASP ASVS 2.2.1) as the auth
// core sees them: named buckets, each a number of points per window. Where the counters live is the
// storage layer's choice.

export type LimitName = 'credentialsPerIp' | 'failedLoginsPerAccount' | 'refreshPerIp' | 'refreshPerAccount'
  // login-throttle.ts: the ASVS 2.2.1 hourly cap, the failure streak and the progressive delay
  | 'failedLoginsPerAccountHourly' | 'failedLoginStreak' | 'failedLoginDelay'
  // core/email: mails asked for per address and per client, so nobody floods an inbox or the sender
  | 'mailPerAddress' | 'mailPerIp';

export interface RateLimitRule {
  points: number;
  windowSeconds: number;
  /** No limit (`off` in the settings): nothing is counted or stored, and nothing is refused. */
  off?: boolean;
}

export type RateLimitRules = Record<LimitName, RateLimitRule>;

export interface RateLimits {
  /** Spends one point; throws `rate_limited` (with Retry-After) when the bucket is empty. */
  consume(name: LimitName, key: string): Promise<void>;
  /** Throws `rate_limited` when the bucket is empty, without spending. */
  check(name: LimitName, key: string): Promise<void>;
  reset(name: LimitName, key: string): Promise<void>;
  /** Spends one point without ever refusing; answers the points spent in the current window. */
  record(name: LimitName, key: string): Promise<number>;
  /** Gives back one point spent by `consume` (a reservation that turned out not to count). */
  refund(name: LimitName, key: string): Promise<void>;
  /** Empties the bucket for `seconds`: `check` and `consume` refuse until then. */
  block(name: LimitName, key: string, seconds: number): Promise<void>;
}
