// POST /auth/register: create an account and start its first session.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { toPublicUser } from '../../../core/accounts/user-rules.js';
import { noStore, requestContext } from '../../http.js';
import { freeText, ref, responses, tokenPairSchema } from '../../schemas.js';
import { FULL_NAME_MAX_LENGTH } from '../../../core/accounts/user-rules.js';

interface RegisterBody {
  username: string;
  email: string;
  password: string;
  full_name?: string | null;
}

export function registerRoute(app: FastifyInstance, auth: Pick<AuthService, 'register'>): void {
  app.post<{ Body: RegisterBody }>('/auth/register', {
    onRequest: noStore,
    schema: {
      tags: ['auth'],
      summary: 'Create an account; answers a token pair and the user (under EMAIL_VERIFICATION=required, 202: verify first)',
      body: {
        type: 'object',
        required: ['username', 'email', 'password'],
        additionalProperties: false,
        properties: {
          username: freeText(254, { description: '3 to 32 letters, digits, "_", "." or "-"' }),
          email: freeText(254),
          password: { type: 'string', maxLength: 1024, description: '8 to 128 characters, not a common password' },
          full_name: { ...freeText(FULL_NAME_MAX_LENGTH), type: ['string', 'null'] },
        },
      },
      response: responses({
        201: {
          type: 'object',
          description: 'Account created: its first token pair and the user',
          properties: { ...tokenPairSchema.properties, user: ref('User') },
          required: [...tokenPairSchema.required, 'user'],
        },
        202: { ...ref('Accepted'), description: 'EMAIL_VERIFICATION=required: a mail is on its way; the same answer when the address is taken' },
      }, [400, 409, 413, 415, 429, 503], { 409: 'Username or email already taken' }),
    },
  }, async (request, reply) => {
    const { username, email, password, full_name } = request.body;
    const result = await auth.register({ username, email, password, fullName: full_name }, requestContext(request));
    if ('pending' in result) return reply.status(202).send({ message: 'Check your inbox: follow the link we sent to finish.' });
    return reply.status(201).send({ ...result.tokens, user: toPublicUser(result.user) });
  });
}

