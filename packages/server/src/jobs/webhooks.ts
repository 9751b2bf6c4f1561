// Webhooks as compose.ts wires them (docs/events.md, "Webhooks"): the audit subscriber that turns
// events into one outbox row per subscribed endpoint, the admin use cases and delivery log, and the
// worker of the webhook channel (its own lanes: a slow endpoint never holds mail, logins or other endpoints).
import type { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { AuditSink } from '../core/audit.js';
import type { AuditSubscriber } from '../core/audit-log.js';
import type { Clock } from '../core/clock.js';
import { seal, unseal } from '../core/email/seal.js';
import { createWebhookAdmin, type WebhookAdmin } from '../core/webhooks/webhook-admin.js';
import { createWebhookDeliveryLog, type WebhookDeliveryLog } from '../core/webhooks/webhook-deliveries.js';
import { webhookEventsOf } from '../core/webhooks/webhook-events.js';
import { WEBHOOKS_IN_TRANSACTION, type TransactionalWebhooks } from '../core/webhooks/webhook-rows.js';
import type { OutboxMessage, OutboxStore } from '../storage/types/outbox.js';
import type { WebhookEndpoint, WebhookStore } from '../storage/types/webhooks.js';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.js';
import { createWebhookDeliverer } from './webhook-delivery.js';
import { createWebhookClient } from './webhook-request.js';

export interface WebhookDeps {
  endpoints: WebhookStore;
  outbox: OutboxStore;
  /** deriveKey(secret, 'webhook-secrets'). */
  key: Buffer;
  clock: Clock;
  logger: pino.Logger;
  allowPrivate: boolean;
  production: boolean;
  /** Where an admin's change, a given-up message and a disabled endpoint are told (the audit log). */
  audit: AuditSink;
}

export interface Webhooks {
  subscriber: AuditSubscriber;
  admin: WebhookAdmin;
  deliveries: WebhookDeliveryLog;
  worker: OutboxWorker;
  /** For the flows that write their webhook rows in their own transaction (core/webhooks/webhook-rows.ts). */
  transactional: TransactionalWebhooks;
}

/** How long the subscriber trusts its copy of the endpoint list (admin changes clear it at once). */
const ENDPOINTS_TTL_MS = 5000;
export const WEBHOOK_CONCURRENCY = 32;

/** The AEAD context of an endpoint's secret: a sealed secret opens only for its own endpoint. */
const context = (id: string) => `webhook-endpoint:${id}`;

/** Seals an endpoint's secret as the server opens it (the CLI registers endpoints with it too). */
export const webhookSecretSealer = (key: Buffer) => (id: string, secret: string) => seal(key, context(id), secret);

export function createWebhooks(deps: WebhookDeps): Webhooks {
  const deliverer = createWebhookDeliverer({
    outbox: deps.outbox, endpoints: deps.endpoints, clock: deps.clock, log: deps.logger, audit: deps.audit,
    client: createWebhookClient(deps.allowPrivate), concurrency: WEBHOOK_CONCURRENCY,
    secretsOf: (e: WebhookEndpoint) => signingSecrets(e, deps.clock.now(), (sealed) => unseal(deps.key, context(e.id), sealed)),
  });
  const worker = createOutboxWorker({ outbox: deps.outbox, clock: deps.clock, log: deps.logger, deliverers: [deliverer] });
  let cached: { at: number; endpoints: Promise<WebhookEndpoint[]> } | undefined;
  const endpoints = () => {
    if (!cached || Date.now() - cached.at > ENDPOINTS_TTL_MS) cached = { at: Date.now(), endpoints: deps.endpoints.list() };
    return cached.endpoints;
  };
  const admin = createWebhookAdmin({
    store: deps.endpoints, clock: deps.clock, production: deps.production, audit: deps.audit,
    seal: webhookSecretSealer(deps.key), changed: () => {
      cached = undefined;
      deliverer.forget();
    },
  });
  const rowsFrom = (all: WebhookEndpoint[], event: Parameters<AuditSubscriber>[0]) => webhookRows(deps.clock, all, event);
  const subscriber: AuditSubscriber = (event) => {
    if (WEBHOOKS_IN_TRANSACTION.has(event.type) || webhookEventsOf(event).length === 0) return;
    void endpoints().then(async (all) => {
      const rows = rowsFrom(all, event);
      // no endpoint listens (the common case on a login): no row, and no wake-up that would claim in a transaction
      if (rows.length === 0) return;
      // each row on its own: one that fails does not drop the others'
      const results = await Promise.allSettled(rows.map((row) => deps.outbox.enqueue(row)));
      if (results.some((r) => r.status === 'fulfilled')) worker.wake();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }).catch((error: unknown) => {
      cached = undefined;
      deps.logger.warn({ err: error, auditType: event.type }, 'webhooks: could not queue the messages of an event');
    });
  };
  const transactional: TransactionalWebhooks = {
    rowsOf: async (event) => (webhookEventsOf(event).length === 0 ? [] : rowsFrom(await endpoints(), event)),
    wake: () => worker.wake(),
  };
  const deliveries = createWebhookDeliveryLog({ store: deps.endpoints, outbox: deps.outbox, clock: deps.clock, wake: () => worker.wake() });
  return { subscriber, admin, deliveries, worker, transactional };
}

/** One row per message of `event` and endpoint of `all` listening to it. */
function webhookRows(clock: Clock, all: WebhookEndpoint[], event: Parameters<AuditSubscriber>[0]): OutboxMessage[] {
  const timestamp = new Date(clock.now()).toISOString();
  return webhookEventsOf(event).flatMap((message) => {
    const payload = JSON.stringify({ type: message.type, timestamp, data: message.data });
    return all.filter((e) => !e.disabled && (e.events.includes('*') || e.events.includes(message.type))).map((endpoint) => ({
      id: uuidv7({ msecs: clock.now() }), channel: 'webhook', kind: message.type, recipient: endpoint.id, payload, createdAt: new Date(clock.now()),
    }));
  });
}

/**
 * The transactional webhook rows for the command line (`gatehouse user delete`): the endpoints read
 * afresh each time, and no worker to wake: the server's finds the rows at its next poll.
 */
export function commandLineWebhooks(endpoints: Pick<WebhookStore, 'list'>, clock: Clock): TransactionalWebhooks {
  return {
    rowsOf: async (event) => (webhookEventsOf(event).length === 0 ? [] : webhookRows(clock, await endpoints.list(), event)),
    wake: () => undefined,
  };
}

/** The current secret (it must open), and the previous one while its 24 h run (skipped should it not open). */
function signingSecrets(endpoint: WebhookEndpoint, nowMs: number, open: (sealed: string) => string): string[] {
  const secrets = [open(endpoint.sealedSecret)];
  if (endpoint.previousSealedSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil.getTime() > nowMs) {
    try {
      secrets.push(open(endpoint.previousSealedSecret));
    } catch {
      // a rotation is the remedy for a secret that does not open: the new one alone signs
    }
  }
  return secrets;
}
