// GET /metrics: Prometheus text. Open unless METRICS_TOKEN (a bearer token the scraper sends)
// and/or METRICS_ALLOW (the IPs that may scrape) are set; both set means both must match. Under
// NODE_ENV=production it is served only with one of them (config.ts, readMetricsProtection).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { AuthError } from '../../../core/errors.js';
import { readBearerToken } from '../../auth-guard.js';

export function metricsRoute(app: FastifyInstance, registry: Registry): void {
  const { metricsToken, metricsAllow } = app.config;
  app.get('/metrics', {
    schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)', hide: true },
    onRequest: async (request) => {
      // an address outside the list learns nothing, not even that the endpoint exists
      if (metricsAllow && !metricsAllow.includes(clientAddress(request))) throw new AuthError('not_found', 'No such route.');
      if (metricsToken) checkToken(readBearerToken(request), metricsToken);
    },
  }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}

/** The caller's IP as written in METRICS_ALLOW: IPv4-mapped IPv6 addresses read as plain IPv4. */
function clientAddress(request: FastifyRequest): string {
  return request.ip.startsWith('::ffff:') ? request.ip.slice('::ffff:'.length) : request.ip;
}

function checkToken(presented: string | undefined, expected: string): void {
  if (!presented) throw new AuthError('missing_token', 'The metrics endpoint needs its bearer token.');
  // equal-length digests make the comparison constant-time whatever was sent
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!timingSafeEqual(digest(presented), digest(expected))) throw new AuthError('invalid_token', 'Wrong metrics token.');
}
