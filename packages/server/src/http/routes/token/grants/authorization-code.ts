// grant_type=authorization_code (RFC 6749 §4.1.3, OpenID Connect Core §3.1.3.1): the code, the
// redirect_uri of its request and the PKCE verifier; the client authenticates as it registered
// (HTTP Basic, client_secret in the form, or client_id alone for a public client).
import type { FastifyRequest } from 'fastify';
import type { CodeRedemption, CodeTokenAnswer } from '../../../../core/oidc/authorization-codes.js';
import type { RequestContext } from '../../../../core/context.js';
import { requestContext } from '../../../http.js';
import { clientCredentialsOf } from './client-credentials.js';
import type { TokenForm } from '../token.js';

export type RedeemCode = (input: CodeRedemption, ctx: RequestContext) => Promise<CodeTokenAnswer>;

export function authorizationCodeGrant(redeem: RedeemCode) {
  return async (_app: unknown, request: FastifyRequest, form: TokenForm): Promise<CodeTokenAnswer> => {
    const credentials = form.client_secret === undefined && !request.headers.authorization ? [] : clientCredentialsOf(request, form);
    return redeem({
      code: form.code, redirectUri: form.redirect_uri, codeVerifier: form.code_verifier, credentials, clientId: form.client_id,
    }, requestContext(request));
  };
}
