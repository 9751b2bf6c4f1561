// An endpoint's delivery log and manual redelivery (docs/events.md, "Delivery log"): every attempt
// is one record (time, status, duration, error class); a redelivery queues the logged message again
// under its webhook-id, so a receiver that dropped duplicates by id still sees it as the same one.
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import type { OutboxStore } from '../../storage/types/outbox.js';
import type { WebhookDelivery, WebhookStore } from '../../storage/types/webhooks.js';

export interface WebhookDeliveryLogDeps {
  store: Pick<WebhookStore, 'findById' | 'listDeliveries' | 'findDelivery'>;
  outbox: Pick<OutboxStore, 'requeue'>;
  clock: Clock;
  /** Called once a redelivery is queued: the webhook worker looks at once. */
  wake(): void;
}

export interface DeliveryPage {
  deliveries: WebhookDelivery[];
  /** The `after` of the next page; null on the last. */
  nextCursor: string | null;
}

export function createWebhookDeliveryLog(deps: WebhookDeliveryLogDeps) {
  const endpointOf = async (id: string) => {
    const endpoint = await deps.store.findById(id);
    if (!endpoint) throw new AuthError('webhook_not_found', 'No webhook endpoint with this id.');
    return endpoint;
  };
  return {
    async list(endpointId: string, page: { limit: number; after?: string }): Promise<DeliveryPage> {
      await endpointOf(endpointId);
      const rows = await deps.store.listDeliveries(endpointId, { ...page, limit: page.limit + 1 });
      const deliveries = rows.slice(0, page.limit);
      return { deliveries, nextCursor: rows.length > page.limit ? deliveries.at(-1)!.id : null };
    },
    /** Queues the message of delivery `deliveryId` again; answers its webhook-id. */
    async redeliver(endpointId: string, deliveryId: string): Promise<{ messageId: string }> {
      await endpointOf(endpointId);
      const delivery = await deps.store.findDelivery(endpointId, deliveryId);
      if (!delivery) throw new AuthError('webhook_delivery_not_found', 'No delivery with this id in this endpoint\'s log.');
      const queued = await deps.outbox.requeue({
        id: delivery.messageId, channel: 'webhook', kind: delivery.eventType, recipient: endpointId, payload: delivery.payload,
        createdAt: new Date(deps.clock.now()),
      });
      if (!queued) throw new AuthError('webhook_delivery_pending', 'This message is still waiting for its next attempt.');
      deps.wake();
      return { messageId: delivery.messageId };
    },
  };
}

export type WebhookDeliveryLog = ReturnType<typeof createWebhookDeliveryLog>;
