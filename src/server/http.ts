// Small helpers the routes share: the caller's context for the auth core, and the RFC 6749 §5.1
// no-store headers every answer that carries tokens must have.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../auth/service.js';

export function requestContext(request: FastifyRequest): RequestContext {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/** onRequest hook for token endpoints: set before anything runs, so errors carry them too. */
export async function noStore(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
}
