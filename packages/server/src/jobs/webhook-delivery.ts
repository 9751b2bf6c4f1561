// The webhook channel of the job outbox (docs/events.md, "Retries"): one message to one endpoint,
// signed per Standard Webhooks; a 2xx deletes the row; anything else is retried with exponential
// backoff and jitter for about 3 days, then given up and the endpoint disabled.
import type { pino } from 'pino';
import type { Clock } from '../core/clock.js';
import { signWebhook } from '../core/webhooks/sign.js';
import type { OutboxRow, OutboxStore } from '../storage/types/outbox.js';
import type { WebhookEndpoint, WebhookStore } from '../storage/types/webhooks.js';
import type { Deliverer } from './deliverer.js';
import { postWebhook, type WebhookAnswer } from './webhook-request.js';

/** Seconds after each failed attempt (5 s … 20 h: 9 retries, about 3 days in all). */
export const RETRY_DELAYS_S = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000];

export interface WebhookDeliveryDeps {
  outbox: Pick<OutboxStore, 'markSent' | 'markFailed'>;
  endpoints: Pick<WebhookStore, 'findById' | 'recordOutcome'>;
  unseal(endpoint: WebhookEndpoint): string;
  clock: Clock;
  log: Pick<pino.Logger, 'warn'>;
  allowPrivate: boolean;
  concurrency: number;
  post?: typeof postWebhook;
}

/** The delay before attempt `attempts + 1`, ±20 % so failed messages do not return in lockstep; null past the last. */
export function retryDelayMs(attempts: number, random = Math.random): number | null {
  const base = RETRY_DELAYS_S[attempts - 1];
  return base === undefined ? null : Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

export function createWebhookDeliverer(deps: WebhookDeliveryDeps): Deliverer {
  const post = deps.post ?? postWebhook;
  return {
    channel: 'webhook',
    concurrency: deps.concurrency,
    close: () => undefined,
    async deliver(row: OutboxRow) {
      const endpoint = await deps.endpoints.findById(row.recipient);
      if (!endpoint || endpoint.disabled) return deps.outbox.markFailed(row.id, endpoint ? 'endpoint disabled' : 'endpoint deleted', null);
      const timestamp = Math.floor(deps.clock.now() / 1000);
      const headers = { 'webhook-id': row.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(deps.unseal(endpoint), row.id, timestamp, row.payload) };
      let answer: WebhookAnswer | undefined;
      let error: string;
      try {
        answer = await post(endpoint.url, headers, row.payload, deps.allowPrivate);
        error = `answered ${answer.status}`;
      } catch (failure) {
        error = String((failure as Error).message).slice(0, 200);
      }
      if (answer && answer.status >= 200 && answer.status < 300) {
        await deps.outbox.markSent(row.id);
        return deps.endpoints.recordOutcome(endpoint.id, true, false);
      }
      const delay = retryDelayMs(row.attempts);
      await deps.outbox.markFailed(row.id, error, delay === null ? null : new Date(deps.clock.now() + delay));
      await deps.endpoints.recordOutcome(endpoint.id, false, delay === null);
      deps.log.warn({ webhook: { endpointId: endpoint.id, messageId: row.id, attempt: row.attempts, error } },
        delay === null ? 'webhook given up after 3 days; the endpoint is disabled' : 'webhook delivery failed; will retry');
    },
  };
}
