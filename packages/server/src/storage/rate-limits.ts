// RateLimits backed by rate-limiter-flexible: counters in this process's memory, or (through
// wrapLimiters) any of its store-backed limiters. A store failure answers 503, never a 500.
import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';
import { RateLimitedError, StoreUnavailableError } from './errors.js';
import type { LimitName, RateLimitRules, RateLimits } from './types/rate-limits.js';

type RateLimiterAbstract = Flexible.RateLimiterAbstract;

/**
 * One of the package's limiter classes. Its index loads every backend it supports (Mongo, DynamoDB,
 * Prisma, …: ≈ 3 MB of idle memory); the files of the classes used are loaded alone instead.
 */
export function rateLimiterClass<Name extends 'RateLimiterMemory' | 'RateLimiterRedis' | 'RateLimiterRes'>(name: Name): typeof Flexible[Name] {
  return createRequire(import.meta.url)(`rate-limiter-flexible/lib/${name}.js`) as typeof Flexible[Name];
}

const RateLimiterRes = rateLimiterClass('RateLimiterRes');

export function createMemoryRateLimits(rules: RateLimitRules): RateLimits {
  const RateLimiterMemory = rateLimiterClass('RateLimiterMemory');
  const limiters = new Map<LimitName, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(rules) as Array<[LimitName, RateLimitRules[LimitName]]>) {
    limiters.set(name, new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.windowSeconds }));
  }
  return wrapLimiters(limiters, rules);
}

/** RateLimits over one limiter per rule; a rule that is `off` costs nothing (no store round trip). */
export function wrapLimiters(limiters: Map<LimitName, RateLimiterAbstract>, rules: RateLimitRules): RateLimits {
  const limiter = (name: LimitName) => limiters.get(name)!;
  const off = (name: LimitName) => rules[name].off === true;
  return {
    async consume(name, key) {
      if (off(name)) return;
      try {
        await limiter(name).consume(key);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw limited(error);
        throw new StoreUnavailableError(error);
      }
    },
    async check(name, key) {
      if (off(name)) return;
      const state = await limiter(name).get(key).catch((error: unknown) => {
        throw new StoreUnavailableError(error);
      });
      if (state && state.consumedPoints >= rules[name].points) throw limited(state);
    },
    async reset(name, key) {
      if (off(name)) return;
      await limiter(name).delete(key).catch(unavailable);
    },
    async record(name, key) {
      if (off(name)) return 0;
      const state = await limiter(name).penalty(key, 1).catch(unavailable);
      return state.consumedPoints;
    },
    async refund(name, key) {
      if (off(name)) return;
      await limiter(name).reward(key, 1).catch(unavailable);
    },
    async block(name, key, seconds) {
      if (off(name)) return;
      await limiter(name).block(key, Math.max(1, Math.ceil(seconds))).catch(unavailable);
    },
  };
}

function unavailable(error: unknown): never {
  throw new StoreUnavailableError(error);
}

function limited(state: Flexible.RateLimiterRes): RateLimitedError {
  return new RateLimitedError(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
}
