// GET /.well-known/oauth-authorization-server (RFC 8414 §3): where the token, revocation,
// introspection and key endpoints are, built once from PUBLIC_URL and JWT_ISSUER. Gatehouse has no
// authorization endpoint, so response_types_supported is empty (§2 makes the member required).
import type { FastifyInstance } from 'fastify';
import type { OAuthSettings } from '../../../config/slices.js';
import { providerMetadata, providerMetadataProperties, type ProviderMetadata } from './discovery.js';

/** Clients may cache it this long, as they may the JWKS. */
const MAX_AGE_SECONDS = 300;

export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  revocation_endpoint: string;
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint?: string;
  introspection_endpoint_auth_methods_supported?: string[];
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  response_types_supported: string[];
}

/**
 * With the OpenID Connect provider on, the RFC 8414 document holds discovery's members too
 * (discovery.ts), and both name the revocation and introspection endpoints with the registered
 * clients' ways to authenticate.
 */
export function oidcProviderDocument(
  settings: { issuer: string; idTokenAlg: string }, options: { introspection: boolean },
): ProviderMetadata & Record<string, unknown> {
  const { issuer } = settings;
  const secretMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    ...providerMetadata(issuer, settings.idTokenAlg),
    revocation_endpoint: `${issuer}/oauth/revoke`,
    revocation_endpoint_auth_methods_supported: ['none', ...secretMethods],
    ...(options.introspection ? { introspection_endpoint: `${issuer}/oauth/introspect`, introspection_endpoint_auth_methods_supported: secretMethods } : {}),
  };
}

/**
 * The document. `jwks_uri` only under an asymmetric JWT_ALG: under HS256 there is no public key
 * to publish. The introspection members only when INTROSPECTION_CLIENTS names a client.
 */
export function authorizationServerMetadata(
  settings: Pick<OAuthSettings, 'issuer' | 'jwtAlg'> & { publicUrl: string }, options: { introspection: boolean },
): AuthorizationServerMetadata {
  const base = settings.publicUrl;
  return {
    issuer: settings.issuer,
    token_endpoint: `${base}/token`,
    ...(settings.jwtAlg === 'HS256' ? {} : { jwks_uri: `${base}/.well-known/jwks.json` }),
    revocation_endpoint: `${base}/oauth/revoke`,
    revocation_endpoint_auth_methods_supported: ['none'],
    ...(options.introspection
      ? { introspection_endpoint: `${base}/oauth/introspect`, introspection_endpoint_auth_methods_supported: ['client_secret_basic'] }
      : {}),
    grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
    // none: the password and refresh grants; the others: registered clients (docs/oidc.md)
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
  };
}

const urls = { type: 'string' };
const list = { type: 'array', items: { type: 'string' } };

export function metadataRoute(app: FastifyInstance, document: AuthorizationServerMetadata | ProviderMetadata): void {
  const frozen = Object.freeze(document);
  app.get('/.well-known/oauth-authorization-server', {
    schema: {
      tags: ['oauth2'],
      summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
      response: {
        200: {
          type: 'object',
          description: 'The endpoints and what they support',
          // in the document's order (the serialiser writes required members first)
          properties: {
            ...providerMetadataProperties,
            issuer: urls, token_endpoint: urls, jwks_uri: urls, revocation_endpoint: urls, revocation_endpoint_auth_methods_supported: list,
            introspection_endpoint: urls, introspection_endpoint_auth_methods_supported: list,
            grant_types_supported: list, token_endpoint_auth_methods_supported: list, response_types_supported: list,
          },
          required: ['issuer'],
        },
      },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${MAX_AGE_SECONDS}`);
    return frozen;
  });
}
