// `gatehouse webhook add|list|show|update|rotate-secret|remove|deliveries`: webhook endpoints from
// the machine itself, through the same use cases as the admin API (core/webhooks), so the same
// checks apply. A secret is printed once; the server picks changes up within 5 s.
import { systemClock } from '../core/clock.js';
import { deriveKey } from '../core/tokens/keys.js';
import { noAudit } from '../core/audit.js';
import { createWebhookAdmin, type EndpointChanges, type WebhookAdmin } from '../core/webhooks/webhook-admin.js';
import { createWebhookDeliveryLog, type WebhookDeliveryLog } from '../core/webhooks/webhook-deliveries.js';
import { resolveSecret } from '../config/secret.js';
import type { Config } from '../config/config.js';
import { webhookSecretSealer } from '../jobs/webhooks.js';
import type { Stores } from '../storage/types/stores.js';
import type { WebhookEndpoint } from '../storage/types/webhooks.js';
import type { Flags } from './args.js';

export interface CliWebhooks {
  admin: WebhookAdmin;
  deliveries: WebhookDeliveryLog;
}

export function cliWebhooks(stores: Stores, config: Readonly<Config>): CliWebhooks {
  const { secret, warning } = resolveSecret(config);
  if (warning) console.error(warning);
  const admin = createWebhookAdmin({
    store: stores.webhooks, clock: systemClock, production: config.nodeEnv === 'production',
    seal: webhookSecretSealer(deriveKey(secret, 'webhook-secrets')), changed: () => undefined, audit: noAudit,
  });
  // a redelivery is not offered here: the server's worker would find it at its next poll
  const deliveries = createWebhookDeliveryLog({ store: stores.webhooks, outbox: stores.outbox, clock: systemClock, wake: () => undefined });
  return { admin, deliveries };
}

const list = (value: Flags[string]) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined);
const text = (value: Flags[string]) => (typeof value === 'string' ? value : undefined);

export async function addWebhook(flags: Flags, { admin }: CliWebhooks): Promise<void> {
  const { endpoint, secret } = await admin.create({ url: String(flags.url), events: list(flags.events) ?? [], description: text(flags.description) });
  console.log(describe(endpoint));
  console.log(`secret: ${secret}\n(shown this once; gatehouse webhook rotate-secret makes a new one)`);
}

export async function listWebhooks(flags: Flags, { admin }: CliWebhooks): Promise<void> {
  const endpoints = await admin.list();
  if (flags.json === true) return console.log(JSON.stringify(endpoints.map(toJson), null, 2));
  if (endpoints.length === 0) return console.log('No webhook endpoints yet; add one with gatehouse webhook add.');
  console.log(endpoints.map((e) => `${e.id}  ${e.disabled ? 'disabled' : 'enabled'}  ${e.events.join(',')}  ${e.url}`).join('\n'));
}

export async function showWebhook(flags: Flags, { admin }: CliWebhooks): Promise<void> {
  const endpoint = await admin.get(String(flags.id));
  console.log(flags.json === true ? JSON.stringify(toJson(endpoint), null, 2) : describe(endpoint));
}

export async function updateWebhook(flags: Flags, { admin }: CliWebhooks): Promise<void> {
  const changes: EndpointChanges = {
    url: text(flags.url), events: list(flags.events), description: text(flags.description),
    enabled: flags.enable === true ? true : flags.disable === true ? false : undefined,
  };
  console.log(describe(await admin.update(String(flags.id), changes)));
}

export async function rotateWebhookSecret(flags: Flags, { admin }: CliWebhooks): Promise<void> {
  const { endpoint, secret } = await admin.rotateSecret(String(flags.id));
  console.log(`secret: ${secret}\n(shown this once; the old secret signs too until ${endpoint.previousSecretUntil?.toISOString()})`);
}

export async function removeWebhook(flags: Flags, { admin }: CliWebhooks): Promise<void> {
  await admin.remove(String(flags.id));
  console.log(`Deleted webhook endpoint ${String(flags.id)}.`);
}

export async function listDeliveries(flags: Flags, { deliveries }: CliWebhooks): Promise<void> {
  const limit = Math.min(200, Math.max(1, Number(flags.limit ?? 50) || 50));
  const page = await deliveries.list(String(flags.id), { limit });
  const rows = page.deliveries.map(({ payload: _body, ...d }) => d); // never the body
  if (flags.json === true) return console.log(JSON.stringify(rows, null, 2));
  if (rows.length === 0) return console.log('No deliveries yet.');
  console.log(rows.map((d) => `${d.attemptedAt.toISOString()}  ${d.id}  ${d.eventType}  #${d.attempt}  ${d.statusCode ?? '-'}  ${d.durationMs} ms  ${d.errorClass ?? 'ok'}`).join('\n'));
}

function describe(e: WebhookEndpoint): string {
  return [`id: ${e.id}`, `url: ${e.url}`, `description: ${e.description}`, `events: ${e.events.join(' ')}`,
    `disabled: ${e.disabled}`, `failures: ${e.failures}`, `created_at: ${e.createdAt.toISOString()}`].join('\n');
}

function toJson(e: WebhookEndpoint) {
  return {
    id: e.id, url: e.url, description: e.description, events: e.events, disabled: e.disabled, failures: e.failures,
    created_at: e.createdAt.toISOString(), previous_secret_expires_at: e.previousSecretUntil?.toISOString() ?? null,
  };
}
