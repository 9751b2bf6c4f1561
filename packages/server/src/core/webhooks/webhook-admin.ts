// Registering and changing webhook endpoints (docs/events.md, "Webhooks"): the URL must be https
// (plain http only to a loopback address outside production), the events known ones or '*'; a
// secret is answered once and kept sealed; after a rotation the old one signs too for 24 h.
// Whether an address is private is checked at delivery time.
import { v7 as uuidv7 } from 'uuid';
import type { AdminActor } from '../admin/admin.js';
import { auditOrigin, type AuditSink } from '../audit.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import type { WebhookEndpoint, WebhookEndpointChanges, WebhookStore } from '../../storage/types/webhooks.js';
import { newWebhookSecret } from './sign.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';

export interface WebhookAdminDeps {
  store: WebhookStore;
  clock: Clock;
  seal(endpointId: string, secret: string): string;
  production: boolean;
  /** Called after every change, so the subscriber re-reads the endpoints. */
  changed(): void;
  /** Where each change is told (admin_webhook_changed), under the admin who made it. */
  audit: AuditSink;
}

type Change = 'created' | 'updated' | 'secret_rotated' | 'deleted';

export interface NewEndpoint {
  url: string;
  events: string[];
  description?: string;
}

/** What PATCH /admin/webhooks/:id may change; `enabled: true` re-enables and clears `failures`. */
export interface EndpointChanges {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

/** How long the secret before a rotation still signs (docs/events.md, "Rotating the secret"). */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3_600_000;

const notFound = () => new AuthError('webhook_not_found', 'No webhook endpoint with this id.');

export function createWebhookAdmin(deps: WebhookAdminDeps) {
  /** The subscriber re-reads, and the change is audited: ids and field names, never the url (it may hold a token) nor a secret. */
  const changed = (change: Change, endpointId: string, actor: AdminActor | undefined, fields?: string[]) => {
    deps.changed();
    deps.audit({
      type: 'admin_webhook_changed', change, endpointId, ...(fields ? { fields } : {}),
      userId: actor?.userId, sessionId: actor?.sessionId, ...auditOrigin(actor),
    });
  };
  return {
    /** `actor`: the admin (the API); absent from the command line. */
    async create(input: NewEndpoint, actor?: AdminActor): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      checkUrl(input.url, deps.production);
      checkEvents(input.events);
      const id = uuidv7({ msecs: deps.clock.now() });
      const secret = newWebhookSecret();
      const endpoint: WebhookEndpoint = {
        id, url: input.url, description: input.description ?? '', events: [...new Set(input.events)], sealedSecret: deps.seal(id, secret),
        disabled: false, failures: 0, createdAt: new Date(deps.clock.now()), previousSealedSecret: null, previousSecretUntil: null,
      };
      await deps.store.create(endpoint);
      changed('created', id, actor);
      return { endpoint, secret };
    },
    list: () => deps.store.list(),
    async get(id: string): Promise<WebhookEndpoint> {
      const endpoint = await deps.store.findById(id);
      if (!endpoint) throw notFound();
      return endpoint;
    },
    async update(id: string, input: EndpointChanges, actor?: AdminActor): Promise<WebhookEndpoint> {
      if (input.url !== undefined) checkUrl(input.url, deps.production);
      if (input.events !== undefined) checkEvents(input.events);
      const changes: WebhookEndpointChanges = {
        url: input.url, description: input.description, events: input.events && [...new Set(input.events)],
        disabled: input.enabled === undefined ? undefined : !input.enabled,
      };
      const endpoint = await deps.store.update(id, changes);
      if (!endpoint) throw notFound();
      changed('updated', id, actor, (['url', 'events', 'description', 'enabled'] as const).filter((field) => input[field] !== undefined));
      return endpoint;
    },
    /** A new secret, answered once; the current one keeps signing beside it for 24 h. */
    async rotateSecret(id: string, actor?: AdminActor): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      const current = await deps.store.findById(id);
      if (!current) throw notFound();
      const secret = newWebhookSecret();
      const endpoint = await deps.store.update(id, {
        sealedSecret: deps.seal(id, secret), previousSealedSecret: current.sealedSecret,
        previousSecretUntil: new Date(deps.clock.now() + PREVIOUS_SECRET_TTL_MS),
      });
      if (!endpoint) throw notFound();
      changed('secret_rotated', id, actor);
      return { endpoint, secret };
    },
    async remove(id: string, actor?: AdminActor): Promise<void> {
      if (!(await deps.store.delete(id))) throw notFound();
      changed('deleted', id, actor);
    },
  };
}

export type WebhookAdmin = ReturnType<typeof createWebhookAdmin>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkUrl(text: string, production: boolean): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuthError('invalid_webhook_url', 'url must be an absolute https URL.');
  }
  const loopbackHttp = url.protocol === 'http:' && !production && LOOPBACK_HOSTS.has(url.hostname);
  if ((url.protocol !== 'https:' && !loopbackHttp) || url.username || url.password) {
    throw new AuthError('invalid_webhook_url', 'url must be https without credentials (plain http only to a loopback address outside production).');
  }
}

function checkEvents(events: string[]): void {
  const known = new Set<string>([...WEBHOOK_EVENT_TYPES, '*']);
  const unknown = events.filter((event) => !known.has(event));
  if (unknown.length > 0 || events.length === 0) {
    throw new AuthError('unknown_webhook_event', `Unknown event type(s): ${unknown.join(', ') || '(none given)'}; see docs/events.md.`);
  }
}
