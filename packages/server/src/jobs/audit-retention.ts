// AUDIT_RETENTION (docs/configuration.md, "Audit log and webhooks"): stored audit events older than the
// retention are deleted in bounded chunks, so a sweep never holds a long lock. A sweeper calls
// sweepAuditLog; runAuditRetention runs it hourly from the server's own timer.
import type { Clock } from '../core/clock.js';
import type { AuditStore } from '../storage/types/audit.js';

const CHUNK = 5000;
const EVERY_MS = 3_600_000;

/** Deletes every record older than `retentionSeconds`; answers how many went. */
export async function sweepAuditLog(store: Pick<AuditStore, 'deleteOlderThan'>, clock: Clock, retentionSeconds: number): Promise<number> {
  const before = new Date(clock.now() - retentionSeconds * 1000);
  let total = 0;
  for (;;) {
    const deleted = await store.deleteOlderThan(before, CHUNK);
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}

/** Sweeps at start and hourly; stop() ends the timer. Failures are logged and tried again next hour. */
export function runAuditRetention(
  sweep: () => Promise<number>, log: { warn(fields: object, message: string): void },
): { stop(): void } {
  const once = () => void sweep().catch((error: unknown) => log.warn({ err: error }, 'audit retention sweep failed; trying again in an hour'));
  once();
  const timer = setInterval(once, EVERY_MS).unref();
  return { stop: () => clearInterval(timer) };
}
