// POST /token: the OAuth2 token endpoint (RFC 6749 §3.2), form-encoded, switching on grant_type.
// Answers follow §5.1 and errors §5.2, so OAuth2 clients and the OpenAPI "Authorize" button work.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { AuthError } from '../../../core/errors.js';
import { noStore } from '../../http.js';
import { oauthErrorHandler, oauthErrorSchema, requireForm } from '../../oauth-errors.js';
import { freeText, tokenPairSchema } from '../../schemas.js';
import { passwordGrant } from './grants/password.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { clientCredentialsGrant, type ClientCredentialsUseCase } from './grants/client-credentials.js';
import { authorizationCodeGrant, type RedeemCode } from './grants/authorization-code.js';
import type { ClientRegistry } from '../../../core/oidc/client-registry.js';

export interface TokenForm {
  grant_type?: string;
  username?: string;
  password?: string;
  refresh_token?: string;
  access_token?: string;
  scope?: string;
  client_id?: string;
  client_secret?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
}

/** The grants' parts from the OpenID Connect provider, there when it is on; `clients` authenticate a client's refresh. */
export interface ProviderGrants {
  clientCredentials?: ClientCredentialsUseCase;
  authorizationCode?: RedeemCode;
  clients?: ClientRegistry;
}

/** The grants, one file each under grants/; client_credentials and authorization_code are there when the provider's parts are. */
function grantsOf(auth: Pick<AuthService, 'login' | 'refresh'>, { clientCredentials, authorizationCode, clients }: ProviderGrants) {
  return {
    password: passwordGrant(auth), refresh_token: refreshTokenGrant(auth, clients),
    ...(clientCredentials ? { client_credentials: clientCredentialsGrant(clientCredentials) } : {}),
    ...(authorizationCode ? { authorization_code: authorizationCodeGrant(authorizationCode) } : {}),
  } as const;
}

/** A token endpoint answer: a user's pair, or a machine client's access token alone (RFC 6749 §4.4.3). */
const tokenAnswerSchema = {
  type: 'object',
  description: 'RFC 6749 §5.1: an access token; with a refresh token except for client_credentials',
  properties: {
    ...tokenPairSchema.properties,
    scope: { type: 'string', description: 'client_credentials, and a session of an OpenID Connect client: the scope granted' },
    id_token: { type: 'string', description: 'authorization_code with scope openid: the ID token (OpenID Connect Core §3.1.3.3)' },
  },
  required: ['access_token', 'token_type', 'expires_in'],
} as const;

export function tokenRoute(app: FastifyInstance, auth: Pick<AuthService, 'login' | 'refresh'>, grants: ProviderGrants = {}): void {
  const GRANTS = grantsOf(auth, grants);
  const field = { type: 'string', maxLength: 4096 };
  // No length limit of their own (BODY_LIMIT_BYTES bounds them): an over-long token is an invalid
  // grant, which the verifier says, not a malformed request (RFC 6749 §5.2).
  const token = { type: 'string' };
  app.post<{ Body: TokenForm }>('/token', {
    onRequest: noStore,
    preValidation: requireForm,
    errorHandler: oauthErrorHandler,
    schema: {
      tags: ['oauth2'],
      summary: 'OAuth2 token endpoint: password, refresh_token, client_credentials and authorization_code grants (RFC 6749)',
      consumes: ['application/x-www-form-urlencoded'],
      body: {
        type: 'object',
        properties: {
          grant_type: freeText(64, { description: 'password, refresh_token, client_credentials or authorization_code' }),
          username: freeText(254), password: field, refresh_token: token, access_token: token,
          scope: freeText(1024), client_id: freeText(255), client_secret: field,
          code: token, redirect_uri: freeText(2000), code_verifier: freeText(128),
        },
      },
      response: {
        200: tokenAnswerSchema,
        '4xx': { ...oauthErrorSchema, description: 'OAuth2 error (RFC 6749 §5.2): invalid_request, invalid_grant, unsupported_grant_type or slow_down; 403 mfa_required with mfa_token when a second factor is due' },
        '5xx': { ...oauthErrorSchema, description: 'server_error or temporarily_unavailable' },
      },
    },
  }, async (request) => {
    const body = request.body ?? {};
    if (!body.grant_type) throw new AuthError('validation_failed', 'grant_type is required.');
    // own names only: `constructor` or `valueOf` must not reach Object.prototype
    const grant = Object.hasOwn(GRANTS, body.grant_type) ? GRANTS[body.grant_type as keyof typeof GRANTS] : undefined;
    if (!grant) throw new AuthError('unsupported_grant_type', `grant_type "${body.grant_type}" is not supported.`);
    return grant(app, request, body);
  });
}
