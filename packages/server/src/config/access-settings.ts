// Two access settings read by config.ts: the roles a user may hold (ROLES) and who may read
// /metrics (METRICS, METRICS_TOKEN, METRICS_ALLOW); each a ConfigError naming the variable when bad.
import { isIP } from 'node:net';
import type { Config } from './config.js';
import { ConfigError } from './config-error.js';
import type { Env } from './env-reader.js';

/** A role name: what PATCH /admin/users/:id accepts as `role` (routes/admin/users.ts). */
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** ROLES: comma-separated role names, `user` and `admin` among them; a repeated name counts once. */
export function readRoles(env: Env): readonly string[] {
  const value = env.ROLES?.trim() || 'user,admin';
  const roles = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
  const bad = roles.find((role) => !ROLE_NAME.test(role));
  if (bad !== undefined) {
    throw new ConfigError('ROLES', `must be lowercase names (a letter, then letters, digits, _ or -) like user,admin,editor; got "${bad}"`);
  }
  const missing = ['user', 'admin'].find((role) => !roles.includes(role));
  if (missing !== undefined) throw new ConfigError('ROLES', `must include ${missing} (user and admin are built in); got "${value}"`);
  return Object.freeze(roles);
}

export type MetricsSettings = Pick<Config, 'metrics' | 'metricsNote' | 'metricsToken' | 'metricsAllow'>;

/**
 * METRICS (on by default), METRICS_TOKEN (16+ characters, sent as a bearer token) and
 * METRICS_ALLOW (comma-separated IPs). Under NODE_ENV=production an unprotected /metrics would
 * tell anyone the traffic, the failed logins and the hash queue: it stays off, with a warning,
 * and METRICS=true without protection stops the start.
 */
export function readMetricsProtection(env: Env, nodeEnv: Config['nodeEnv'], wanted: boolean): MetricsSettings {
  const token = env.METRICS_TOKEN?.trim() || undefined;
  if (token !== undefined && !/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters usable in a bearer token (letters, digits, -._~+/)');
  }
  const allow = env.METRICS_ALLOW?.split(',').map((item) => item.trim()).filter(Boolean);
  const bad = allow?.find((ip) => !isIP(ip));
  if (bad !== undefined) throw new ConfigError('METRICS_ALLOW', `must be IP addresses separated by commas; got "${bad}"`);
  const metricsAllow = allow?.length ? Object.freeze(allow) : undefined;
  const unprotected = nodeEnv === 'production' && token === undefined && metricsAllow === undefined;
  if (unprotected && wanted && env.METRICS?.trim()) {
    throw new ConfigError('METRICS', 'would serve /metrics to anyone under NODE_ENV=production; set METRICS_TOKEN or METRICS_ALLOW too');
  }
  const metricsNote = unprotected && wanted
    ? 'GET /metrics is off: under NODE_ENV=production it needs METRICS_TOKEN or METRICS_ALLOW (METRICS=false silences this note)'
    : undefined;
  return { metrics: wanted && !unprotected, metricsNote, metricsToken: token, metricsAllow };
}
