// How config.ts reads one environment variable: each kind of value (a duration, a rate, an origin
// list, a database URL, …) parsed and checked, or a ConfigError that names the variable.
import { isIP } from 'node:net';
import type { RateLimitRule } from '../storage/types/rate-limits.js';
import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * "15m" → 900. A number needs its unit: "15" could mean seconds or minutes, and a guess would turn
 * a 15-minute token into a 15-second one; only "0" stands alone.
 */
export function parseDuration(text: string): number | undefined {
  if (text.trim() === '0') return 0;
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(item: string): boolean {
  if (PROXY_NAMES.includes(item)) return true;
  const [address, bits, extra] = item.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export type Reader = ReturnType<typeof reader>;

export function reader(env: Env) {
  const raw = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]!.trim());
  return {
    text: (name: string, fallback: string) => raw(name) ?? fallback,
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name) ?? fallback;
      if (!allowed.includes(value as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}; got "${value}"`);
      return value as T;
    },
    integer(name: string, fallback: number, min: number, max: number): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}; got "${value}"`);
      return n;
    },
    boolean(name: string, fallback: boolean): boolean {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(name, `must be true or false; got "${value}"`);
    },
    duration(name: string, fallback: string, min = 1): number {
      const value = raw(name) ?? fallback;
      const seconds = parseDuration(value);
      if (seconds === undefined || seconds < min) {
        const unitless = /^\d+$/.test(value) ? ` (a number needs its unit: ${value}s for seconds, ${value}m for minutes)` : '';
        throw new ConfigError(name, `must be a duration like 10s, 15m, 12h or 7d; got "${value}"${unitless}`);
      }
      return seconds;
    },
    durationAtLeast(name: string, fallback: string, floorSeconds: number, floorName: string): number {
      const seconds = this.duration(name, fallback);
      if (seconds < floorSeconds) throw new ConfigError(name, `must not be shorter than ${floorName}`);
      return seconds;
    },
    rate(name: string, fallback: string): RateLimitRule {
      const value = raw(name) ?? fallback;
      if (value === 'off') return Object.freeze({ points: Number.MAX_SAFE_INTEGER, windowSeconds: 1, off: true });
      const [points, window] = value.split('/');
      const windowSeconds = window === undefined ? undefined : parseDuration(window);
      if (!/^\d+$/.test(points ?? '') || Number(points) < 1 || !windowSeconds) {
        throw new ConfigError(name, `must be "N/window" like 30/1m, or off; got "${value}"`);
      }
      return Object.freeze({ points: Number(points), windowSeconds });
    },
    list(name: string): string[] | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      const items = value.split(',').map((item) => item.trim()).filter(Boolean);
      if (items.some((item) => !/^[^\s:]+:\d+$/.test(item))) throw new ConfigError(name, `must be host:port,host:port; got "${value}"`);
      return items;
    },
    origins(name: string): readonly string[] | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      const items = value.split(',').map((item) => item.trim()).filter(Boolean);
      // Exact origins only: a wildcard would let any site read answers (Fetch standard, CORS protocol).
      if (!items.length || items.some((item) => !/^https?:\/\/[^\s/?#*]+$/.test(item))) {
        throw new ConfigError(name, `must be origins like https://app.example,http://localhost:5173; got "${value}"`);
      }
      return Object.freeze(items);
    },
    host(name: string, fallback: string): string {
      const value = raw(name) ?? fallback;
      // an address, or a host name this machine resolves (checked again when listening)
      // a name of digits and dots only must be an IPv4 address (999.1.1.1 is neither, and no URL takes it)
      const nameLike = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(value) && !/^[\d.]+$/.test(value);
      if (!isIP(value) && !nameLike) {
        throw new ConfigError(name, `must be an IP address or a host name such as 127.0.0.1, 0.0.0.0, :: or localhost; got "${value}"`);
      }
      return value;
    },
    databaseUrl(name: string, fallback: string): string {
      const value = raw(name) ?? fallback;
      const hint = 'use sqlite:./data/gatehouse.db, postgres://user:password@host:5432/db or mysql://user:password@host:3306/db';
      if (value.startsWith('sqlite:')) {
        if (value.length === 'sqlite:'.length) throw new ConfigError(name, `names no SQLite file; ${hint}`);
        return value;
      }
      if (!/^(postgres|postgresql|mysql|mariadb):\/\//.test(value)) {
        throw new ConfigError(name, `has an unsupported scheme "${value.split(':')[0]}:"; ${hint}`);
      }
      if (!URL.canParse(value)) throw new ConfigError(name, `is not a valid URL; ${hint}`);
      const url = new URL(value); // a socket directory may come as ?host=/run/postgresql instead
      if (!url.hostname && !url.searchParams.has('host')) throw new ConfigError(name, `names no host; ${hint}`);
      return value;
    },
    url(name: string): string | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new ConfigError(name, `must be an http(s) URL; got "${value}"`);
      return value.replace(/\/+$/, '');
    },
    trustProxy(name: string): boolean | number | string {
      const value = raw(name);
      if (value === undefined || value.toLowerCase() === 'false') return false;
      if (value.toLowerCase() === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value); // hop count
      // Addresses or CIDRs of the proxies (proxy-addr syntax); checked here so a typo is a
      // ConfigError naming the variable rather than a crash inside Fastify.
      const items = value.split(',').map((item) => item.trim());
      if (!items.every(isProxyAddress)) {
        throw new ConfigError(name, `must be true, false, a hop count or proxy addresses/CIDRs like 10.0.0.0/8,127.0.0.1; got "${value}"`);
      }
      return items.join(',');
    },
  };
}
