import type { OutboxResult } from './outbox.js';

// Webhook endpoints (docs/events.md, "Webhooks"): where an admin asked events to be sent, which
// events, and the signing secret, sealed. Each message to an endpoint is a job outbox row.

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** Webhook event types (core/webhooks/webhook-events.ts), or ['*'] for all. */
  events: string[];
  /** The `whsec_…` secret, sealed: only the webhook layer opens it. */
  sealedSecret: string;
  disabled: boolean;
  /** Failed deliveries in a row; 0 after a success. */
  failures: number;
  createdAt: Date;
  /** The secret before the last rotation, sealed: messages are signed with it too until `previousSecretUntil`. */
  previousSealedSecret: string | null;
  previousSecretUntil: Date | null;
}

/** What PATCH /admin/webhooks/:id and a secret rotation change; enabling clears `failures`. */
export interface WebhookEndpointChanges {
  url?: string;
  events?: string[];
  description?: string;
  disabled?: boolean;
  sealedSecret?: string;
  previousSealedSecret?: string | null;
  previousSecretUntil?: Date | null;
}

/** How a delivery attempt failed, without the receiver's text (docs/events.md, "Delivery log"). */
export type WebhookErrorClass = 'http_status' | 'timeout' | 'connection' | 'private_address' | 'secret_unreadable';

/** One delivery attempt of one message to one endpoint: the delivery log. */
export interface WebhookDelivery {
  /** UUIDv7 of the attempt's time: the log pages by it, newest first. */
  id: string;
  endpointId: string;
  /** The message's webhook-id (the outbox row's id): the same on every attempt and redelivery. */
  messageId: string;
  eventType: string;
  attempt: number;
  attemptedAt: Date;
  /** The answer's status; null when none came. */
  statusCode: number | null;
  durationMs: number;
  /** Null after a 2xx. */
  errorClass: WebhookErrorClass | null;
  /** The message body as sent (ids and public fields, never a secret): what a redelivery sends again. */
  payload: string;
}

/** One attempt's outcome, as WebhookStore.recordAttempts records it with the others of its batch. */
export interface WebhookAttemptRecord {
  /** Its delivery-log row; `endpointId` names the endpoint whose failure count it moves. */
  delivery: WebhookDelivery;
  /** The message's outbox row: deleted when sent, else due again at `retryAt` or given up. */
  result: OutboxResult;
  /** Given up for good after 3 days: the endpoint is turned off too. */
  disable: boolean;
}

export interface WebhookStore {
  create(endpoint: WebhookEndpoint): Promise<void>;
  list(): Promise<WebhookEndpoint[]>;
  findById(id: string): Promise<WebhookEndpoint | null>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;
  /** The endpoint after the change; null when there is none. */
  update(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpoint | null>;
  /**
   * A batch of attempts in one transaction: the delivery-log rows, the outbox rows settled
   * (OutboxStore.settle), and each endpoint's failures after the attempts in order (a success
   * clears them, a failure counts one; `disable` turns the endpoint off). Answers the endpoints
   * this batch disabled (enabled before it), with their failure count.
   */
  recordAttempts(attempts: readonly WebhookAttemptRecord[]): Promise<Array<{ endpointId: string; failures: number }>>;
  /** One endpoint's delivery log, newest first, after the id `after` when given. */
  listDeliveries(endpointId: string, page: { limit: number; after?: string }): Promise<WebhookDelivery[]>;
  findDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null>;
  /** The sweeper: deletes up to `limit` log rows older than `before`; how many went. */
  deleteDeliveriesBefore(before: Date, limit: number): Promise<number>;
}
