// Audit events that only HTTP sees: every 429 answer becomes a `rate_limited` event, whichever
// limit or route raised it. The audit log itself and its subscribers live in core/audit-log.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditOrigin, type AuditEvent, type AuditSink } from '../core/audit.js';
import { requestContext } from './http.js';

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
