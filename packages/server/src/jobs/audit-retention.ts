// AUDIT_RETENTION (docs/configuration.md, "Audit log and webhooks"): stored audit events older than the
// retention are deleted in bounded chunks, so a sweep never holds a long lock. The sweeper
// (jobs/sweeper.ts) runs it with the other expiring tables; the webhook delivery log goes the same way.
import type { AuditStore } from '../storage/types/audit.js';

const CHUNK = 5000;

/** Deletes chunk by chunk until a chunk comes back short; answers how many went. */
async function deleteInChunks(deleteChunk: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteChunk(CHUNK);
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}

/** Deletes every record older than `retentionSeconds` before `now`; answers how many went. */
export function sweepAuditLog(store: Pick<AuditStore, 'deleteOlderThan'>, now: Date, retentionSeconds: number): Promise<number> {
  const before = new Date(now.getTime() - retentionSeconds * 1000);
  return deleteInChunks((limit) => store.deleteOlderThan(before, limit));
}

/** How long the webhook delivery log keeps an attempt (docs/events.md, "Delivery log"). */
export const WEBHOOK_DELIVERY_LOG_SECONDS = 30 * 86_400;

export function sweepWebhookDeliveries(store: { deleteDeliveriesBefore(before: Date, limit: number): Promise<number> }, now: Date): Promise<number> {
  const before = new Date(now.getTime() - WEBHOOK_DELIVERY_LOG_SECONDS * 1000);
  return deleteInChunks((limit) => store.deleteDeliveriesBefore(before, limit));
}
