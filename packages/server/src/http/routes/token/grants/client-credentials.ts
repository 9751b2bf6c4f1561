// grant_type=client_credentials (RFC 6749 §4.4): a machine client authenticates with HTTP Basic
// (client_secret_basic) or with client_id and client_secret in the form (client_secret_post), never
// both (§2.3), and gets an access token of its own, without a refresh token (§4.4.3).
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../../../core/errors.js';
import type { ClientCredentials, ClientTokenAnswer } from '../../../../core/oidc/client-credentials-grant.js';
import type { RequestContext } from '../../../../core/context.js';
import { requestContext } from '../../../http.js';
import { presentedClient } from '../../oauth/client-auth.js';
import type { TokenForm } from '../token.js';

export type ClientCredentialsUseCase = (candidates: readonly ClientCredentials[], scope: string | undefined, ctx: RequestContext) => Promise<ClientTokenAnswer>;

export function clientCredentialsGrant(grant: ClientCredentialsUseCase) {
  return async (_app: unknown, request: FastifyRequest, form: TokenForm): Promise<ClientTokenAnswer> =>
    grant(clientCredentialsOf(request, form), form.scope, requestContext(request));
}

/** The client's credentials as sent, each reading of them (also the authorization_code grant's, ./authorization-code.ts). */
export function clientCredentialsOf(request: FastifyRequest, form: TokenForm): readonly ClientCredentials[] {
  const presented = presentedClient(request, form);
  if (presented.kind === 'secret') return presented.candidates;
  throw new AuthError('invalid_client', 'Authenticate the client: HTTP Basic with its id and secret, or client_id and client_secret in the form.');
}
