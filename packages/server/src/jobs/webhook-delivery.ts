// The webhook channel of the job outbox (docs/events.md, "Retries"): one message to one endpoint,
// signed per Standard Webhooks (with the previous secret too for 24 h after a rotation); a 2xx
// deletes the row; anything else is retried with exponential backoff and jitter for about 3 days,
// then given up and the endpoint disabled (audited). Every attempt goes to the delivery log.
import type { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { auditOrigin, type AuditSink } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { signWebhook } from '../core/webhooks/sign.js';
import type { OutboxRow, OutboxStore } from '../storage/types/outbox.js';
import type { WebhookEndpoint, WebhookErrorClass, WebhookStore } from '../storage/types/webhooks.js';
import type { Deliverer } from './deliverer.js';
import { WebhookRequestError, type WebhookAnswer, type WebhookClient } from './webhook-request.js';

/** Seconds after each failed attempt (5 s … 20 h: 9 retries, about 3 days in all). */
export const RETRY_DELAYS_S = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000];

export interface WebhookDeliveryDeps {
  outbox: Pick<OutboxStore, 'markSent' | 'markFailed'>;
  endpoints: Pick<WebhookStore, 'findById' | 'recordOutcome' | 'recordDelivery'>;
  /** The endpoint's secrets that sign now: the current one, and the previous within its 24 h. Throws when one does not open. */
  secretsOf(endpoint: WebhookEndpoint): string[];
  client: WebhookClient;
  clock: Clock;
  audit: AuditSink;
  log: Pick<pino.Logger, 'warn'>;
  concurrency: number;
}

/** The delay before attempt `attempts + 1`, ±20 % so failed messages do not return in lockstep; null past the last. */
export function retryDelayMs(attempts: number, random = Math.random): number | null {
  const base = RETRY_DELAYS_S[attempts - 1];
  return base === undefined ? null : Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

interface Attempt {
  answer?: WebhookAnswer;
  error: string;
  errorClass: WebhookErrorClass | null;
  durationMs: number;
}

export function createWebhookDeliverer(deps: WebhookDeliveryDeps): Deliverer {
  const given = givenUp(deps);
  return {
    channel: 'webhook',
    concurrency: deps.concurrency,
    close: () => deps.client.close(),
    async deliver(row: OutboxRow) {
      const endpoint = await deps.endpoints.findById(row.recipient);
      if (!endpoint || endpoint.disabled) return deps.outbox.markFailed(row.id, endpoint ? 'endpoint disabled' : 'endpoint deleted', null);
      let secrets: string[];
      try {
        secrets = deps.secretsOf(endpoint);
      } catch {
        // sealed under another GATEHOUSE_SECRET, or altered: no retry will open it
        await log(row, endpoint, { error: 'secret_unreadable', errorClass: 'secret_unreadable', durationMs: 0 });
        return given(row, endpoint, 'the signing secret does not open (sealed under another GATEHOUSE_SECRET, or altered)', false);
      }
      const attempt = await post(endpoint, secrets, row);
      await log(row, endpoint, attempt);
      if (attempt.errorClass === null) {
        await deps.outbox.markSent(row.id);
        await deps.endpoints.recordOutcome(endpoint.id, true, false);
        return;
      }
      const delay = retryDelayMs(row.attempts);
      if (delay === null) return given(row, endpoint, attempt.error, true);
      await deps.outbox.markFailed(row.id, attempt.error, new Date(deps.clock.now() + delay));
      await deps.endpoints.recordOutcome(endpoint.id, false, false);
      deps.log.warn({ webhook: { endpointId: endpoint.id, messageId: row.id, attempt: row.attempts, error: attempt.error } }, 'webhook delivery failed; will retry');
    },
  };

  async function post(endpoint: WebhookEndpoint, secrets: string[], row: OutboxRow): Promise<Attempt> {
    const timestamp = Math.floor(deps.clock.now() / 1000);
    // Standard Webhooks: several signatures, space-separated; a receiver accepts any one it can verify
    const signature = secrets.map((secret) => signWebhook(secret, row.id, timestamp, row.payload)).join(' ');
    const headers = { 'webhook-id': row.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    const started = performance.now();
    try {
      const answer = await deps.client.post(endpoint.url, headers, row.payload);
      const ok = answer.status >= 200 && answer.status < 300;
      return { answer, error: `answered ${answer.status}`, errorClass: ok ? null : 'http_status', durationMs: Math.round(performance.now() - started) };
    } catch (failure) {
      const errorClass = failure instanceof WebhookRequestError ? failure.errorClass : 'connection';
      return { error: String((failure as Error).message).slice(0, 200), errorClass, durationMs: Math.round(performance.now() - started) };
    }
  }

  function log(row: OutboxRow, endpoint: WebhookEndpoint, attempt: Attempt): Promise<void> {
    return deps.endpoints.recordDelivery({
      id: uuidv7({ msecs: deps.clock.now() }), endpointId: endpoint.id, messageId: row.id, eventType: row.kind, attempt: row.attempts,
      attemptedAt: new Date(deps.clock.now()), statusCode: attempt.answer?.status ?? null, durationMs: attempt.durationMs,
      errorClass: attempt.errorClass, payload: row.payload,
    });
  }
}

/** The message given up for good: logged and audited; after 3 days of failures the endpoint is disabled too. */
function givenUp(deps: WebhookDeliveryDeps) {
  return async (row: OutboxRow, endpoint: WebhookEndpoint, error: string, disable: boolean): Promise<void> => {
    await deps.outbox.markFailed(row.id, error, null);
    const disabled = await deps.endpoints.recordOutcome(endpoint.id, false, disable);
    const facts = { endpointId: endpoint.id, messageId: row.id, eventType: row.kind, attempt: row.attempts };
    deps.log.warn({ webhook: { ...facts, error } }, 'webhook message given up');
    deps.audit({ type: 'webhook_given_up', ...facts, error, ...auditOrigin(undefined) });
    if (disabled) {
      deps.log.warn({ webhook: { endpointId: endpoint.id, url: endpoint.url } }, 'webhook endpoint disabled after 3 days of failed deliveries; PATCH it with enabled: true once it answers again');
      deps.audit({ type: 'webhook_endpoint_disabled', endpointId: endpoint.id, failures: endpoint.failures + 1, ...auditOrigin(undefined) });
    }
  };
}
