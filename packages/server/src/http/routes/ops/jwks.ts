// GET /.well-known/jwks.json: the public keys that verify access tokens (RFC 7517), for services
// using @gatehouse-auth/verify with a JWKS URL, and those of ID tokens when the OpenID Connect
// provider is on (docs/architecture.md, "OpenID Connect tokens and consent"). Public members only; a rotated-in key appears before it
// signs, a retired key leaves once its last token has expired (core/tokens/key-set.ts). Under HS256
// without the provider there is no public key: the answer is {keys: []}.
import type { FastifyInstance } from 'fastify';
import { JWKS_MAX_AGE_SECONDS } from '../../../core/tokens/key-set.js';
import type { AccessKeyRing } from '../../../core/tokens/key-ring.js';
import type { Clock } from '../../../core/clock.js';

const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'crv', 'x', 'y', 'n', 'e'] as const;

const jwkSchema = {
  type: 'object',
  properties: Object.fromEntries(PUBLIC_MEMBERS.map((name) => [name, { type: 'string' }])),
  required: ['kty', 'kid', 'alg', 'use'],
};

/** The key rings whose public keys are published (none under HS256), and the clock that says which are. */
export interface JwksSource {
  ring: AccessKeyRing | undefined;
  /** The ID-token keys (compose/oidc.ts), when the OpenID Connect provider is on. */
  idTokenRing?: AccessKeyRing;
  clock: Clock;
}

export function jwksRoute(app: FastifyInstance, deps: JwksSource): void {
  app.get('/.well-known/jwks.json', {
    schema: {
      tags: ['keys'],
      summary: 'Public keys that verify access tokens and ID tokens (empty under HS256 without OpenID Connect)',
      // The response schema doubles as an allow-list: members not named here (d, p, q, …) are never sent.
      response: { 200: { type: 'object', description: 'The public keys, as a JWK set', properties: { keys: { type: 'array', items: jwkSchema } }, required: ['keys'] } },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    const now = deps.clock.now();
    const keys = [...(deps.ring ? await deps.ring.publicJwks(now) : []), ...(deps.idTokenRing ? await deps.idTokenRing.publicJwks(now) : [])];
    return { keys: keys.map((jwk) => Object.fromEntries(PUBLIC_MEMBERS.filter((name) => jwk[name] !== undefined).map((name) => [name, jwk[name]]))) };
  });
}
