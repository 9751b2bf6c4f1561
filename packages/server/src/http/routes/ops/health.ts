// GET /healthz (the process answers) and GET /readyz (its stores answer too).
import type { FastifyInstance } from 'fastify';

const statusSchema = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] };

export function healthRoutes(app: FastifyInstance, ping: () => Promise<void>): void {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'Liveness', response: { 200: { ...statusSchema, description: 'The process answers' } } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Readiness: every store reachable',
      response: {
        200: { ...statusSchema, description: 'Every store answers' },
        503: { ...statusSchema, description: 'A store does not answer' },
      },
    },
  }, async (request, reply) => {
    try {
      await ping();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.status(503).send({ status: 'store_unavailable' });
    }
  });
}
