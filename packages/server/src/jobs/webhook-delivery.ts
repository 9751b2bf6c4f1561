// The webhook channel of the job outbox (docs/events.md, "Retries"): one message to one endpoint,
// signed per Standard Webhooks (with the previous secret too for 24 h after a rotation); a 2xx
// deletes the row; anything else is retried with exponential backoff and jitter for about 3 days,
// then given up and the endpoint disabled (audited). Every attempt goes to the delivery log. The
// endpoint and its opened secrets are read once a second, not per message, and the attempts'
// outcomes are written a batch per transaction (result-batch.ts): a busy channel costs the store
// one claim and one commit for many deliveries.
import type { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { auditOrigin, type AuditSink } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { signWebhook } from '../core/webhooks/sign.js';
import type { OutboxRow, OutboxStore } from '../storage/types/outbox.js';
import type { WebhookAttemptRecord, WebhookDelivery, WebhookEndpoint, WebhookErrorClass, WebhookStore } from '../storage/types/webhooks.js';
import { createResultBatch } from './result-batch.js';
import type { Deliverer } from './deliverer.js';
import { WebhookRequestError, type WebhookAnswer, type WebhookClient } from './webhook-request.js';

/** Seconds after each failed attempt (5 s … 20 h: 9 retries, about 3 days in all). */
export const RETRY_DELAYS_S = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000];

export interface WebhookDeliveryDeps {
  outbox: Pick<OutboxStore, 'markFailed'>;
  endpoints: Pick<WebhookStore, 'findById' | 'recordAttempts'>;
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

/** How long a deliverer trusts its copy of an endpoint (url, secrets, disabled): this process's admin changes clear it at once. */
export const ENDPOINT_TTL_MS = 1000;

interface Target {
  endpoint: WebhookEndpoint;
  /** Undefined when the current secret does not open. */
  secrets: string[] | undefined;
}

export interface WebhookDeliverer extends Deliverer {
  /** Forgets the endpoints it holds (an endpoint was changed, rotated or deleted). */
  forget(): void;
}

export function createWebhookDeliverer(deps: WebhookDeliveryDeps): WebhookDeliverer {
  const given = givenUp(deps);
  const targets = new Map<string, { at: number; target: Promise<Target | null> }>();
  /** The endpoint and its opened secrets, read once per ENDPOINT_TTL_MS rather than once per message. */
  const targetOf = async (id: string): Promise<Target | null> => {
    const cached = targets.get(id);
    if (cached && performance.now() - cached.at < ENDPOINT_TTL_MS) {
      const target = await cached.target;
      // the previous secret's 24 h ended since: read again, and sign with the current one alone
      if (!target || target.secrets === undefined || target.secrets.length < 2 || deps.clock.now() < target.endpoint.previousSecretUntil!.getTime()) return target;
    }
    const target = deps.endpoints.findById(id).then((endpoint) => {
      if (!endpoint) return null;
      try {
        return { endpoint, secrets: deps.secretsOf(endpoint) };
      } catch {
        return { endpoint, secrets: undefined };
      }
    });
    target.catch(() => targets.delete(id));
    targets.set(id, { at: performance.now(), target });
    return target;
  };
  // every attempt's delivery-log row, outbox outcome and endpoint count: one transaction per batch
  // answers, for the one attempt of a batch that disabled its endpoint, the endpoint's failure count
  const record = createResultBatch<WebhookAttemptRecord, number | null>(async (attempts) => {
    const disabled = new Map((await deps.endpoints.recordAttempts(attempts)).map((d) => [d.endpointId, d.failures]));
    return attempts.map((a) => {
      if (!a.disable) return null;
      const failures = disabled.get(a.delivery.endpointId) ?? null;
      disabled.delete(a.delivery.endpointId); // told once
      return failures;
    });
  });
  return {
    channel: 'webhook',
    concurrency: deps.concurrency,
    close: () => deps.client.close(),
    forget: () => targets.clear(),
    async deliver(row: OutboxRow) {
      const target = await targetOf(row.recipient);
      if (!target || target.endpoint.disabled) return deps.outbox.markFailed(row.id, target ? 'endpoint disabled' : 'endpoint deleted', null);
      const { endpoint, secrets } = target;
      if (!secrets) {
        // sealed under another GATEHOUSE_SECRET, or altered: no retry will open it
        const error = 'the signing secret does not open (sealed under another GATEHOUSE_SECRET, or altered)';
        await record({ delivery: logRow(row, endpoint, { error: 'secret_unreadable', errorClass: 'secret_unreadable', durationMs: 0 }), result: { id: row.id, sent: false, error, retryAt: null }, disable: false });
        return given(row, endpoint, error, null);
      }
      const attempt = await post(endpoint, secrets, row);
      const delivery = logRow(row, endpoint, attempt);
      if (attempt.errorClass === null) {
        await record({ delivery, result: { id: row.id, sent: true }, disable: false });
        return;
      }
      const delay = retryDelayMs(row.attempts);
      if (delay === null) {
        const disabled = await record({ delivery, result: { id: row.id, sent: false, error: attempt.error, retryAt: null }, disable: true });
        return given(row, endpoint, attempt.error, disabled);
      }
      await record({ delivery, result: { id: row.id, sent: false, error: attempt.error, retryAt: new Date(deps.clock.now() + delay) }, disable: false });
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

  function logRow(row: OutboxRow, endpoint: WebhookEndpoint, attempt: Attempt): WebhookDelivery {
    return {
      id: uuidv7({ msecs: deps.clock.now() }), endpointId: endpoint.id, messageId: row.id, eventType: row.kind, attempt: row.attempts,
      attemptedAt: new Date(deps.clock.now()), statusCode: attempt.answer?.status ?? null, durationMs: attempt.durationMs,
      errorClass: attempt.errorClass, payload: row.payload,
    };
  }
}

/** The message given up for good (its outcome recorded): logged and audited, and the endpoint's disabling when this attempt turned it off. */
function givenUp(deps: WebhookDeliveryDeps) {
  return (row: OutboxRow, endpoint: WebhookEndpoint, error: string, disabledAfter: number | null): void => {
    const facts = { endpointId: endpoint.id, messageId: row.id, eventType: row.kind, attempt: row.attempts };
    deps.log.warn({ webhook: { ...facts, error } }, 'webhook message given up');
    deps.audit({ type: 'webhook_given_up', ...facts, error, ...auditOrigin(undefined) });
    if (disabledAfter !== null) {
      deps.log.warn({ webhook: { endpointId: endpoint.id, url: endpoint.url } }, 'webhook endpoint disabled after 3 days of failed deliveries; PATCH it with enabled: true once it answers again');
      deps.audit({ type: 'webhook_endpoint_disabled', endpointId: endpoint.id, failures: disabledAfter, ...auditOrigin(undefined) });
    }
  };
}
