// The webhook error codes (docs/api.md, "Errors"), merged into core/errors.ts's catalogue.
export const WEBHOOK_ERRORS = {
  /** Not https (http only to a loopback address outside production), or not a URL at all. */
  invalid_webhook_url: 400,
  /** An event type that is not in docs/events.md's webhook catalogue. */
  unknown_webhook_event: 400,
  webhook_not_found: 404,
  /** No delivery with this id in this endpoint's log (GET/POST /admin/webhooks/:id/deliveries…). */
  webhook_delivery_not_found: 404,
  /** A redelivery of a message that is still waiting for its next attempt: nothing to do yet. */
  webhook_delivery_pending: 409,
} as const;
