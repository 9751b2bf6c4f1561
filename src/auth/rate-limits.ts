// Brute-force limits (design §6, OWASP ASVS 2.2.1) as the auth core sees them: named buckets,
// each a number of points per window. Where the counters live is the storage layer's choice.

export type LimitName = 'credentialsPerIp' | 'failedLoginsPerAccount' | 'refreshPerIp' | 'refreshPerAccount';

export interface RateLimitRule {
  points: number;
  windowSeconds: number;
}

export type RateLimitRules = Record<LimitName, RateLimitRule>;

export interface RateLimits {
  /** Spends one point; throws `rate_limited` (with Retry-After) when the bucket is empty. */
  consume(name: LimitName, key: string): Promise<void>;
  /** Throws `rate_limited` when the bucket is empty, without spending. */
  check(name: LimitName, key: string): Promise<void>;
  reset(name: LimitName, key: string): Promise<void>;
}
