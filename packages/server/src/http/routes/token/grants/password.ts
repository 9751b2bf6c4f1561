// grant_type=password (RFC 6749 §4.3): the username field may also hold an email.
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../../../../core/auth-service.js';
import { AuthError } from '../../../../core/errors.js';
import type { TokenPair } from '../../../../core/tokens/token-pair.js';
import { requestContext } from '../../../http.js';
import type { TokenForm } from '../token.js';

export function passwordGrant(auth: Pick<AuthService, 'login'>) {
  return async (_app: unknown, request: FastifyRequest, form: TokenForm): Promise<TokenPair> => {
    if (!form.username || form.password === undefined) {
      throw new AuthError('validation_failed', 'The password grant needs username and password.');
    }
    return auth.login({ login: form.username, password: form.password }, requestContext(request));
  };
}
