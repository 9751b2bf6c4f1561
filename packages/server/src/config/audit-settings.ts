// The audit store's settings (docs/configuration.md, "Audit log and webhooks"): AUDIT_LOG=off keeps audit
// events to the log lines and metrics (for those who ship logs elsewhere); AUDIT_RETENTION is how
// long stored events are kept (default 90 days); WEBHOOKS_ALLOW_PRIVATE_NETWORKS lets webhooks reach
// private, loopback and link-local addresses (docs/events.md). Read by config.ts into Config.audit.
import { ConfigError } from './config-error.js';

export interface AuditSettings {
  /** Whether audit events are stored and GET /admin/audit, GET /users/me/activity are served. */
  store: boolean;
  /** Stored events older than this are deleted by the sweep (AUDIT_RETENTION). */
  retentionSeconds: number;
  /** Webhook deliveries may go to private addresses (WEBHOOKS_ALLOW_PRIVATE_NETWORKS, default false). */
  webhooksAllowPrivateNetworks: boolean;
}

type Env = Record<string, string | undefined>;

/** `duration` is config.ts's reader, so durations read and fail alike everywhere. */
export function readAuditSettings(env: Env, duration: (name: string, fallback: string) => number): Readonly<AuditSettings> {
  const mode = env.AUDIT_LOG?.trim() || 'on';
  if (mode !== 'on' && mode !== 'off') throw new ConfigError('AUDIT_LOG', `must be on or off; got "${mode}"`);
  const retentionSeconds = duration('AUDIT_RETENTION', '90d');
  if (retentionSeconds < 3600) throw new ConfigError('AUDIT_RETENTION', 'must be at least 1h');
  const allow = env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS?.trim() || 'false';
  if (allow !== 'true' && allow !== 'false') throw new ConfigError('WEBHOOKS_ALLOW_PRIVATE_NETWORKS', `must be true or false; got "${allow}"`);
  return Object.freeze({ store: mode === 'on', retentionSeconds, webhooksAllowPrivateNetworks: allow === 'true' });
}
