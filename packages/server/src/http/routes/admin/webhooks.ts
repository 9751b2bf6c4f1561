// The webhook endpoints (role admin; docs/events.md, "Webhooks"): POST /admin/webhooks and a
// secret rotation answer the signing secret once; GET lists and reads them (never the secret);
// PATCH changes one (or re-enables it); DELETE removes one. The delivery log: webhook-deliveries.ts.
import type { FastifyInstance } from 'fastify';
import { noStore } from '../../http.js';
import type { EndpointChanges, WebhookAdmin } from '../../../core/webhooks/webhook-admin.js';
import type { WebhookDeliveryLog } from '../../../core/webhooks/webhook-deliveries.js';
import { WEBHOOK_EVENT_TYPES } from '../../../core/webhooks/webhook-events.js';
import type { WebhookEndpoint } from '../../../storage/types/webhooks.js';
import { adminActor, adminGuard, userIdParams } from '../../admin-request.js';
import { bearerSecurity, freeText, responses } from '../../schemas.js';
import { webhookDeliveryRoutes } from './webhook-deliveries.js';

const endpointSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    description: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    disabled: { type: 'boolean', description: 'true once deliveries failed for 3 days' },
    failures: { type: 'integer', description: 'Failed deliveries in a row' },
    created_at: { type: 'string', format: 'date-time' },
    previous_secret_expires_at: { type: ['string', 'null'], format: 'date-time', description: 'Until then the secret before the last rotation signs too' },
  },
  required: ['id', 'url', 'description', 'events', 'disabled', 'failures', 'created_at', 'previous_secret_expires_at'],
} as const;

const endpointFields = {
  url: freeText(2048, { description: 'https URL (plain http only to a loopback address outside production)' }),
  events: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', maxLength: 64 }, description: `'*' or some of: ${WEBHOOK_EVENT_TYPES.join(', ')}` },
  description: freeText(255),
} as const;

const createBody = { type: 'object', additionalProperties: false, required: ['url', 'events'], properties: endpointFields } as const;

const patchBody = {
  type: 'object', additionalProperties: false, minProperties: 1,
  properties: { ...endpointFields, enabled: { type: 'boolean', description: 'false turns the endpoint off; true turns it on again and clears failures' } },
} as const;

const withSecret = { type: 'object', properties: { ...endpointSchema.properties, secret: { type: 'string', description: 'whsec_…: shown once' } }, required: [...endpointSchema.required, 'secret'] } as const;

const toView = (e: WebhookEndpoint) => ({
  id: e.id, url: e.url, description: e.description, events: e.events, disabled: e.disabled, failures: e.failures, created_at: e.createdAt.toISOString(),
  previous_secret_expires_at: e.previousSecretUntil?.toISOString() ?? null,
});

export function adminWebhookRoutes(app: FastifyInstance, admin: WebhookAdmin, deliveries: WebhookDeliveryLog): void {
  const common = { tags: ['admin'], security: bearerSecurity };
  app.post<{ Body: { url: string; events: string[]; description?: string } }>('/admin/webhooks', {
    onRequest: [noStore, ...adminGuard(app)], // the answer holds the secret
    schema: {
      ...common, summary: 'Register a webhook endpoint; the answer holds its signing secret, shown once', body: createBody,
      response: responses({ 201: withSecret }, [400, 401, 403, 413, 415, 503]),
    },
  }, async (request, reply) => {
    const { endpoint, secret } = await admin.create(request.body, adminActor(request));
    return reply.code(201).send({ ...toView(endpoint), secret });
  });

  app.get('/admin/webhooks', {
    onRequest: adminGuard(app),
    schema: { ...common, summary: 'The webhook endpoints (never their secrets)',
      response: responses({ 200: { type: 'object', properties: { webhooks: { type: 'array', items: endpointSchema } }, required: ['webhooks'] } }, [401, 403, 503]) },
  }, async () => ({ webhooks: (await admin.list()).map(toView) }));

  app.get<{ Params: { id: string } }>('/admin/webhooks/:id', {
    onRequest: adminGuard(app),
    schema: { ...common, params: userIdParams, summary: 'One webhook endpoint', response: responses({ 200: endpointSchema }, [401, 403, 404, 503]) },
  }, async (request) => toView(await admin.get(request.params.id)));

  app.patch<{ Params: { id: string }; Body: EndpointChanges }>('/admin/webhooks/:id', {
    onRequest: adminGuard(app),
    schema: { ...common, params: userIdParams, body: patchBody, summary: 'Change a webhook endpoint: url, events, description, or turn it off or on again',
      response: responses({ 200: endpointSchema }, [400, 401, 403, 404, 413, 415, 503]) },
  }, async (request) => toView(await admin.update(request.params.id, request.body, adminActor(request))));

  app.post<{ Params: { id: string } }>('/admin/webhooks/:id/rotate-secret', {
    onRequest: [noStore, ...adminGuard(app)], // the answer holds the new secret
    schema: { ...common, params: userIdParams, summary: 'A new signing secret, shown once; the old one signs too for 24 h',
      response: responses({ 200: withSecret }, [400, 401, 403, 404, 503]) },
  }, async (request) => {
    const { endpoint, secret } = await admin.rotateSecret(request.params.id, adminActor(request));
    return { ...toView(endpoint), secret };
  });

  app.delete<{ Params: { id: string } }>('/admin/webhooks/:id', {
    onRequest: adminGuard(app),
    schema: { ...common, params: userIdParams, summary: 'Remove a webhook endpoint; its pending messages are dropped', response: responses({ 204: { type: 'null', description: 'Removed' } }, [401, 403, 404, 503]) },
  }, async (request, reply) => {
    await admin.remove(request.params.id, adminActor(request));
    return reply.code(204).send();
  });

  webhookDeliveryRoutes(app, deliveries);
}
