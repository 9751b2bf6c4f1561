// grant_type=client_credentials (RFC 6749 §4.4): a machine client authenticates with HTTP Basic
// (client_secret_basic) or with client_id and client_secret in the form (client_secret_post), never
// both (§2.3), and gets an access token of its own, without a refresh token (§4.4.3).
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../../../core/errors.js';
import type { ClientCredentials, ClientTokenAnswer } from '../../../../core/oidc/client-credentials-grant.js';
import type { RequestContext } from '../../../../core/context.js';
import { requestContext } from '../../../http.js';
import { basicCredentials } from '../../oauth/basic-credentials.js';
import type { TokenForm } from '../token.js';

export type ClientCredentialsUseCase = (candidates: readonly ClientCredentials[], scope: string | undefined, ctx: RequestContext) => Promise<ClientTokenAnswer>;

export function clientCredentialsGrant(grant: ClientCredentialsUseCase) {
  return async (_app: unknown, request: FastifyRequest, form: TokenForm): Promise<ClientTokenAnswer> =>
    grant(clientCredentialsOf(request, form), form.scope, requestContext(request));
}

/** The client's credentials as sent, each reading of them (also the authorization_code grant's, ./authorization-code.ts). */
export function clientCredentialsOf(request: FastifyRequest, form: TokenForm): ClientCredentials[] {
  const basic = basicCredentials(request.headers.authorization);
  if (basic.length > 0 && form.client_secret !== undefined) {
    throw new AuthError('validation_failed', 'Authenticate the client one way: HTTP Basic or client_secret in the form, not both (RFC 6749 §2.3).');
  }
  if (basic.length > 0) {
    if (form.client_id !== undefined && !basic.some(({ id }) => id === form.client_id)) {
      throw new AuthError('invalid_client', 'client_id in the form is not the client of the Basic credentials.');
    }
    return basic.map(({ id, secret }) => ({ clientId: id, secret, method: 'client_secret_basic' }));
  }
  if (form.client_id !== undefined && form.client_secret !== undefined) {
    return [{ clientId: form.client_id, secret: form.client_secret, method: 'client_secret_post' }];
  }
  throw new AuthError('invalid_client', 'Authenticate the client: HTTP Basic with its id and secret, or client_id and client_secret in the form.');
}
