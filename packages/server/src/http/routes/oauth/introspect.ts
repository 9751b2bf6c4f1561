// POST /oauth/introspect (RFC 7662): whether a token is active, for the resource servers of
// INTROSPECTION_CLIENTS, which authenticate with HTTP Basic (RFC 6749 §2.3.1) before their body is
// even parsed, and, while the OpenID Connect provider is on, for its confidential clients (by their
// registered method), which see only the tokens issued to them: any other token is {active: false}.
// Anyone else gets 401 invalid_client with a Basic challenge.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../../../core/errors.js';
import type { OAuthService } from '../../../core/oauth/oauth-service.js';
import { noStore } from '../../http.js';
import { oauthErrorHandler, oauthErrorSchema, requireForm } from '../../oauth-errors.js';
import { basicCredentials } from './basic-credentials.js';
import { authenticateClient } from '../../../core/oidc/authenticate-client.js';
import type { ClientRegistry } from '../../../core/oidc/client-registry.js';
import { presentedClient } from './client-auth.js';

interface IntrospectForm {
  token?: string;
  token_type_hint?: string;
  client_id?: string;
  client_secret?: string;
}

/** Who asked: a resource server of INTROSPECTION_CLIENTS (every token), or a registered client (its own). */
type Caller = { kind: 'resource_server' } | { kind: 'client'; clientId: string };

const answerSchema = {
  type: 'object',
  description: 'RFC 7662 §2.2: {active: false} for a token that is invalid, expired or whose session ended',
  properties: {
    active: { type: 'boolean' },
    sub: { type: 'string' }, sid: { type: 'string' }, username: { type: 'string' },
    client_id: { type: 'string', description: 'A machine client\'s token (client_credentials), or a session opened for this client' }, scope: { type: 'string' },
    exp: { type: 'integer' }, iat: { type: 'integer' }, iss: { type: 'string' }, aud: { type: 'string' },
    token_type: { type: 'string', enum: ['bearer', 'refresh_token'] },
  },
  required: ['active'],
};

export function introspectRoute(
  app: FastifyInstance, introspection: NonNullable<OAuthService['introspection']>, clients?: Pick<ClientRegistry, 'authenticate' | 'find'>,
): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  const refused = () => new AuthError('invalid_client', 'Authenticate with the client id and secret of INTROSPECTION_CLIENTS, as HTTP Basic, or as a registered client.');

  async function requireResourceServer(request: FastifyRequest): Promise<void> {
    const candidates = basicCredentials(request.headers.authorization);
    if (candidates.some(({ id, secret }) => introspection.checkClient(id, secret))) callers.set(request, { kind: 'resource_server' });
    else if (!clients) throw refused();
  }

  /** After the body is parsed: a registered confidential client, by its method (Basic or the form). */
  async function requireRegisteredClient(request: FastifyRequest<{ Body: IntrospectForm | undefined }>): Promise<void> {
    if (callers.has(request)) return;
    const presented = presentedClient(request, request.body ?? {});
    if (!clients || presented.kind !== 'secret') throw refused();
    const client = await authenticateClient(clients, presented);
    callers.set(request, { kind: 'client', clientId: client!.clientId });
  }

  app.post<{ Body: IntrospectForm | undefined }>('/oauth/introspect', {
    onRequest: [noStore, requireResourceServer],
    preHandler: requireRegisteredClient,
    preValidation: requireForm,
    errorHandler: oauthErrorHandler,
    schema: {
      tags: ['oauth2'],
      summary: 'Whether a token is active, and whose (RFC 7662); for resource servers, with HTTP Basic',
      consumes: ['application/x-www-form-urlencoded'],
      // No OpenAPI security scheme: /docs's Authorize dialog is for people (username and password), not resource servers.
      body: {
        type: 'object',
        properties: {
          token: { type: 'string', maxLength: 4096 },
          token_type_hint: { type: 'string', maxLength: 64, description: 'access_token or refresh_token: which kind to try first' },
          client_id: { type: 'string', maxLength: 255 }, client_secret: { type: 'string', maxLength: 4096 },
        },
      },
      response: {
        200: answerSchema,
        '4xx': { ...oauthErrorSchema, description: 'invalid_client (401, no or wrong Basic credentials) or invalid_request' },
        '5xx': { ...oauthErrorSchema, description: 'temporarily_unavailable: a store is down, try again' },
      },
    },
  }, async (request) => {
    const body = request.body ?? {};
    if (body.token === undefined) throw new AuthError('validation_failed', 'token is required (RFC 7662 §2.1).');
    const answer = await introspection.introspect({ token: body.token, hint: body.token_type_hint });
    const caller = callers.get(request);
    const own = caller?.kind === 'resource_server' || (answer.active && 'client_id' in answer && answer.client_id === caller?.clientId);
    return own ? answer : { active: false };
  });
}
