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
}

export interface WebhookStore {
  create(endpoint: WebhookEndpoint): Promise<void>;
  list(): Promise<WebhookEndpoint[]>;
  findById(id: string): Promise<WebhookEndpoint | null>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;
  /** A delivery's outcome: a success clears `failures`; a failure counts one, and `disable` turns the endpoint off. */
  recordOutcome(id: string, ok: boolean, disable: boolean): Promise<void>;
}
