// grant_type=password (RFC 6749 §4.3): the username field may also hold an email.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../../../../core/errors.js';
import type { TokenPair } from '../../../../core/tokens/token-pair.js';
import { requestContext } from '../../../http.js';
import type { TokenForm } from '../token.js';

export async function passwordGrant(app: FastifyInstance, request: FastifyRequest, form: TokenForm): Promise<TokenPair> {
  if (!form.username || form.password === undefined) {
    throw new AuthError('validation_failed', 'The password grant needs username and password.');
  }
  return app.auth.login({ login: form.username, password: form.password }, requestContext(request));
}
