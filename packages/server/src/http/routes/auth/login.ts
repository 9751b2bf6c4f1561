// POST /auth/login: username or email, and password → a token pair.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { AuthError } from '../../../core/errors.js';
import { noStore, requestContext } from '../../http.js';
import { freeText, ref, responses } from '../../schemas.js';

interface LoginBody {
  username?: string;
  email?: string;
  password: string;
}

export function loginRoute(app: FastifyInstance, auth: Pick<AuthService, 'login'>): void {
  app.post<{ Body: LoginBody }>('/auth/login', {
    onRequest: noStore,
    schema: {
      tags: ['auth'],
      summary: 'Log in with username or email and password',
      body: {
        type: 'object',
        required: ['password'],
        additionalProperties: false,
        properties: {
          username: freeText(254, { minLength: 1, description: 'Username, or an email' }),
          email: freeText(254, { minLength: 1 }),
          password: { type: 'string', maxLength: 1024 },
        },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 401, 403, 413, 415, 429, 503], { 401: 'Wrong username, email or password' }),
    },
  }, async (request) => {
    const { username, email, password } = request.body;
    const login = username ?? email;
    if (login === undefined) throw new AuthError('validation_failed', 'Send a username or an email with the password.');
    return auth.login({ login, password }, requestContext(request));
  });
}
