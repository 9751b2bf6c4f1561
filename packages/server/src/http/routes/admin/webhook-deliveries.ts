// An endpoint's delivery log (role admin; docs/events.md, "Delivery log"): GET pages its attempts
// newest first (time, status, duration, error class; never the body nor a secret), and POST …/redeliver
// queues one logged message again under its webhook-id.
import type { FastifyInstance } from 'fastify';
import type { WebhookDeliveryLog } from '../../../core/webhooks/webhook-deliveries.js';
import type { WebhookDelivery } from '../../../storage/types/webhooks.js';
import { adminGuard, USER_ID_PATTERN, userIdParams } from '../../admin-request.js';
import { bearerSecurity, ID_PATTERN, responses } from '../../schemas.js';
import { DEFAULT_LIMIT, pageQueryProperties } from '../audit-view.js';

const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    message_id: { type: 'string', description: 'The webhook-id: the same on every attempt and redelivery of a message' },
    event_type: { type: 'string' },
    attempt: { type: 'integer', description: 'The attempt\'s number for its message, from 1' },
    attempted_at: { type: 'string', format: 'date-time' },
    status_code: { type: ['integer', 'null'], description: 'The answer\'s status; null when none came' },
    duration_ms: { type: 'integer' },
    error_class: { type: ['string', 'null'], enum: ['http_status', 'timeout', 'connection', 'private_address', 'secret_unreadable', null], description: 'null after a 2xx' },
  },
  required: ['id', 'message_id', 'event_type', 'attempt', 'attempted_at', 'status_code', 'duration_ms', 'error_class'],
} as const;

const pageSchema = {
  type: 'object',
  properties: { deliveries: { type: 'array', items: deliverySchema }, next_cursor: { type: ['string', 'null'] } },
  required: ['deliveries', 'next_cursor'],
} as const;

const deliveryParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: USER_ID_PATTERN }, delivery: { type: 'string', pattern: ID_PATTERN } },
  required: ['id', 'delivery'],
} as const;

const toView = (d: WebhookDelivery) => ({
  id: d.id, message_id: d.messageId, event_type: d.eventType, attempt: d.attempt, attempted_at: d.attemptedAt.toISOString(),
  status_code: d.statusCode, duration_ms: d.durationMs, error_class: d.errorClass,
});

export function webhookDeliveryRoutes(app: FastifyInstance, log: WebhookDeliveryLog): void {
  const common = { tags: ['admin'], security: bearerSecurity };
  app.get<{ Params: { id: string }; Querystring: { limit?: string; after?: string } }>('/admin/webhooks/:id/deliveries', {
    onRequest: adminGuard(app),
    schema: {
      ...common, params: userIdParams, querystring: { type: 'object', additionalProperties: false, properties: pageQueryProperties },
      summary: 'The endpoint\'s delivery attempts, newest first, in keyset pages', response: responses({ 200: pageSchema }, [400, 401, 403, 404, 503]),
    },
  }, async (request) => {
    const { limit, after } = request.query;
    const page = await log.list(request.params.id, { limit: limit === undefined ? DEFAULT_LIMIT : Number(limit), after });
    return { deliveries: page.deliveries.map(toView), next_cursor: page.nextCursor };
  });

  app.post<{ Params: { id: string; delivery: string } }>('/admin/webhooks/:id/deliveries/:delivery/redeliver', {
    onRequest: adminGuard(app),
    schema: {
      ...common, params: deliveryParams, summary: 'Send the message of this delivery again (same webhook-id), as a new message with fresh retries',
      response: responses({ 202: { type: 'object', properties: { message_id: { type: 'string' } }, required: ['message_id'], description: 'Queued' } },
        [400, 401, 403, 404, 409, 503]),
    },
  }, async (request, reply) => {
    const { messageId } = await log.redeliver(request.params.id, request.params.delivery);
    return reply.code(202).send({ message_id: messageId });
  });
}
