// Small helpers the routes share: the caller's context for the auth core, and the RFC 6749 §5.1
// no-store headers every answer that carries tokens must have.
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addressBucket, RATE_LIMIT_BUCKET } from '../core/address-bucket.js';
import type { RequestContext } from '../core/context.js';

export function requestContext(request: FastifyRequest): RequestContext {
  // With TRUST_PROXY the address comes from X-Forwarded-For: a value that is not an IP address
  // (forged, or 300 characters long) is not stored, logged or used as a rate-limit key.
  const ip = isIP(request.ip) ? request.ip : (request.socket.remoteAddress ?? 'unknown');
  return { ip, ipKey: addressBucket(ip, RATE_LIMIT_BUCKET), userAgent: request.headers['user-agent'] ?? null };
}

/** onRequest hook for token endpoints: set before anything runs, so errors carry them too. */
export async function noStore(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
}
