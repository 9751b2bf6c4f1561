// The admin API over the OpenID Connect provider's clients (docs/oidc.md): register one (its secret
// answered once), list, read, change its metadata, give it a new secret, delete it. Clients declared
// in OIDC_CLIENTS are listed and read here but change in the settings (409 client_declared_in_settings).
import type { FastifyInstance } from 'fastify';
import type { ClientRegistry, RegisteredClient } from '../../../core/oidc/client-registry.js';
import { AUTH_METHODS, CLIENT_ID_PATTERN, GRANT_TYPES, type ClientMetadataInput } from '../../../core/oidc/client-metadata.js';
import { adminActor, adminGuard } from '../../admin-request.js';
import { noStore } from '../../http.js';
import { bearerSecurity, responses } from '../../schemas.js';

const uris = (description: string) => ({ type: 'array', maxItems: 50, items: { type: 'string', maxLength: 2000 }, description });

const metadataProperties = {
  client_name: { type: 'string', maxLength: 255, description: 'Shown on the consent page' },
  redirect_uris: uris('Exact redirect URIs (https; http only on loopback); required for authorization_code'),
  post_logout_redirect_uris: uris('Exact URIs /oauth/end-session may send the browser back to'),
  token_endpoint_auth_method: { type: 'string', enum: AUTH_METHODS, description: 'client_secret_basic (default), client_secret_post, or none for a public client (PKCE)' },
  grant_types: { type: 'array', maxItems: 3, items: { type: 'string', enum: GRANT_TYPES }, description: 'Default ["authorization_code"]' },
  scope: { type: 'string', maxLength: 1000, description: 'Scope values the client may ask for, space-separated (default "openid profile email")' },
  skip_consent: { type: 'boolean', description: 'A first-party app: its users are not asked for consent' },
} as const;

const clientSchema = {
  type: 'object',
  description: 'A client (RFC 7591 metadata names); never its secret',
  properties: {
    client_id: { type: 'string' },
    ...metadataProperties,
    confidential: { type: 'boolean', description: 'Has a secret (false for a public client)' },
    source: { type: 'string', enum: ['settings', 'database'], description: 'settings: declared in OIDC_CLIENTS' },
    client_id_issued_at: { type: 'integer', description: 'Epoch seconds (RFC 7591 §3.2.1)' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['client_id', 'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'token_endpoint_auth_method', 'grant_types', 'scope',
    'skip_consent', 'confidential', 'source', 'client_id_issued_at', 'updated_at'],
} as const;

const secretProperties = {
  client_secret: { type: 'string', description: 'Shown this once; only a digest is kept' },
  client_secret_expires_at: { type: 'integer', description: '0: the secret does not expire (RFC 7591 §3.2.1)' },
} as const;

const params = { type: 'object', properties: { client_id: { type: 'string', pattern: CLIENT_ID_PATTERN } }, required: ['client_id'] } as const;

export function toPublicClient(client: RegisteredClient) {
  return {
    client_id: client.clientId, client_name: client.clientName, redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris, token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes, scope: client.scope, skip_consent: client.skipConsent, confidential: client.confidential,
    source: client.source, client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000), updated_at: client.updatedAt.toISOString(),
  };
}

export function adminClientsRoutes(app: FastifyInstance, clients: ClientRegistry): void {
  const guard = adminGuard(app);
  const common = { tags: ['admin'], security: bearerSecurity };
  type ById = { Params: { client_id: string } };

  app.post<{ Body: ClientMetadataInput & { client_id?: string } }>('/admin/clients', {
    onRequest: [noStore, ...guard], // the answer holds a secret
    schema: { ...common, summary: 'Register a client; a confidential one gets its secret in this answer only',
      body: { type: 'object', additionalProperties: false, properties: { client_id: { type: 'string', pattern: CLIENT_ID_PATTERN }, ...metadataProperties } },
      response: responses({ 201: { ...clientSchema, description: 'Registered', properties: { ...clientSchema.properties, ...secretProperties } } },
        [400, 401, 403, 409, 413, 415, 503]) },
  }, async (request, reply) => {
    const { client, secret } = await clients.register(request.body ?? {}, adminActor(request));
    const answer = secret === undefined ? toPublicClient(client) : { ...toPublicClient(client), client_secret: secret, client_secret_expires_at: 0 };
    return reply.status(201).send(answer);
  });

  app.get('/admin/clients', {
    onRequest: guard,
    schema: { ...common, summary: 'Every client, declared and registered, by client_id',
      response: responses({ 200: { type: 'object', description: 'The clients', properties: { clients: { type: 'array', items: clientSchema } }, required: ['clients'] } },
        [401, 403, 503]) },
  }, async () => ({ clients: (await clients.list()).map(toPublicClient) }));

  app.get<ById>('/admin/clients/:client_id', {
    onRequest: guard,
    schema: { ...common, summary: 'One client', params, response: responses({ 200: clientSchema }, [400, 401, 403, 404, 503]) },
  }, async (request) => toPublicClient(await clients.find(request.params.client_id)));

  app.patch<ById & { Body: ClientMetadataInput }>('/admin/clients/:client_id', {
    onRequest: guard,
    schema: { ...common, summary: 'Change a registered client\'s metadata (the fields given); its secret stays', params,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: metadataProperties },
      response: responses({ 200: clientSchema }, [400, 401, 403, 404, 409, 413, 415, 503]) },
  }, async (request) => toPublicClient(await clients.update(request.params.client_id, request.body, adminActor(request))));

  app.post<ById>('/admin/clients/:client_id/secret', {
    onRequest: [noStore, ...guard], // the answer holds a secret
    schema: { ...common, summary: 'A new secret for a confidential client, answered once; the old one stops working at once', params,
      response: responses({ 200: { type: 'object', description: 'The new secret', properties: { client_id: { type: 'string' }, ...secretProperties },
        required: ['client_id', 'client_secret', 'client_secret_expires_at'] } }, [400, 401, 403, 404, 409, 503]) },
  }, async (request) => {
    const secret = await clients.rotateSecret(request.params.client_id, adminActor(request));
    return { client_id: request.params.client_id, client_secret: secret, client_secret_expires_at: 0 };
  });

  app.delete<ById>('/admin/clients/:client_id', {
    onRequest: guard,
    schema: { ...common, summary: 'Delete a registered client', params, response: responses({ 204: { type: 'null', description: 'Deleted' } }, [400, 401, 403, 404, 409, 503]) },
  }, async (request, reply) => {
    await clients.remove(request.params.client_id, adminActor(request));
    return reply.status(204).send();
  });
}
