// Where audit events go on the server: one pino line each under the `audit` key (warn for refresh
// token reuse and a cloned passkey, the events to alert on; info otherwise), then to any other sink
// such as metrics.
// Also turns every 429 answer into a `rate_limited` event, whichever limit or route raised it.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditOrigin, type AuditEvent, type AuditSink } from '../core/audit.js';
import { requestContext } from './http.js';

export function createAuditLog(logger: FastifyBaseLogger, ...also: AuditSink[]): AuditSink {
  return (event: AuditEvent) => {
    const alert = (event.type === 'refresh' && event.outcome === 'reused_revoked') || event.type === 'passkey_clone_detected';
    if (alert) logger.warn({ audit: event }, event.type);
    else logger.info({ audit: event }, event.type);
    for (const sink of also) sink(event);
  };
}

/** A `rate_limited` audit event for each 429, with the route pattern and the caller when known. */
export function auditRateLimits(app: FastifyInstance, audit: AuditSink): void {
  // callback style: no promise per request on the hot path
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode === 429) audit(rateLimited(request, reply));
    done();
  });
}

function rateLimited(request: FastifyRequest, reply: FastifyReply): AuditEvent {
  const retryAfter = Number(reply.getHeader('retry-after'));
  return {
    type: 'rate_limited',
    method: request.method,
    route: request.routeOptions.url ?? 'unmatched',
    retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
    userId: request.auth?.user.id,
    sessionId: request.auth?.claims.sid,
    ...auditOrigin(requestContext(request)),
  };
}
