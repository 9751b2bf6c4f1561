// GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0 §4): where the provider's
// endpoints are and what they support, built once from PUBLIC_URL. Served only while the provider
// is on (compose/oidc.ts); otherwise the path is 404. The RFC 8414 document (metadata.ts) carries
// the same members then.
import type { FastifyInstance } from 'fastify';
import { SCOPED_CLAIM_NAMES } from '../../../core/oidc/user-claims.js';

const MAX_AGE_SECONDS = 300;

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  end_session_endpoint: string;
  scopes_supported: string[];
  response_types_supported: string[];
  response_modes_supported: string[];
  grant_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  claims_supported: string[];
  code_challenge_methods_supported: string[];
  authorization_response_iss_parameter_supported: boolean;
  ui_locales_supported: string[];
  prompt_values_supported: string[];
  claims_parameter_supported: boolean;
  request_parameter_supported: boolean;
  request_uri_parameter_supported: boolean;
}

/** The claims an ID token or the userinfo answer may hold (core/oidc/id-token.ts, user-claims.ts). */
const CLAIMS = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'at_hash', ...SCOPED_CLAIM_NAMES];

/** `issuer` is PUBLIC_URL; every endpoint hangs off it (Discovery §4.3: the issuer must match where this is served). */
export function providerMetadata(issuer: string, idTokenAlg: string): ProviderMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    end_session_endpoint: `${issuer}/oauth/end-session`,
    scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [idTokenAlg],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    claims_supported: CLAIMS,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    ui_locales_supported: ['en', 'ko'],
    prompt_values_supported: ['none', 'login', 'consent'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

const text = { type: 'string' };
const list = { type: 'array', items: { type: 'string' } };
const flag = { type: 'boolean' };

/** The members' schemas, in the document's order; metadata.ts serialises them too. */
export const providerMetadataProperties = {
  issuer: text, authorization_endpoint: text, token_endpoint: text, userinfo_endpoint: text, jwks_uri: text, end_session_endpoint: text,
  scopes_supported: list, response_types_supported: list, response_modes_supported: list, grant_types_supported: list,
  subject_types_supported: list, id_token_signing_alg_values_supported: list, token_endpoint_auth_methods_supported: list,
  claims_supported: list, code_challenge_methods_supported: list, authorization_response_iss_parameter_supported: flag,
  ui_locales_supported: list, prompt_values_supported: list, claims_parameter_supported: flag, request_parameter_supported: flag,
  request_uri_parameter_supported: flag,
} as const;

export function discoveryRoute(app: FastifyInstance, document: ProviderMetadata & Record<string, unknown>): void {
  const frozen = Object.freeze(document);
  app.get('/.well-known/openid-configuration', {
    schema: {
      tags: ['oidc'],
      summary: 'OpenID Connect Discovery 1.0: the provider\'s endpoints and what they support',
      response: {
        200: {
          type: 'object',
          description: 'The provider metadata (404 while the OpenID Connect provider is off)',
          properties: { ...providerMetadataProperties, ...extraProperties },
          required: ['issuer', 'authorization_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'],
        },
      },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${MAX_AGE_SECONDS}`);
    return frozen;
  });
}

/** Members of the RFC 8414 document that discovery repeats (revocation, introspection). */
const extraProperties = {
  revocation_endpoint: text, revocation_endpoint_auth_methods_supported: list,
  introspection_endpoint: text, introspection_endpoint_auth_methods_supported: list,
};
