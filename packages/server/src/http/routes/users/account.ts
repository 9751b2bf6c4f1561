// The signed-in user's own account: PATCH /users/me (profile), DELETE /users/me (the account and
// its data go; every session ends at once) and GET /users/me/export (everything stored about them).
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../../core/email/account-service.js';
import { FULL_NAME_MAX_LENGTH, toPublicUser } from '../../../core/accounts/user-rules.js';
import { currentAuth } from '../../auth-guard.js';
import { noStore, requestContext } from '../../http.js';
import { bearerSecurity, freeText, ref, responses, userSchema } from '../../schemas.js';

export function accountRoutes(app: FastifyInstance, accounts: AccountService): void {
  app.patch<{ Body: { full_name?: string | null; username?: string } }>('/users/me', {
    onRequest: app.requireUser,
    schema: {
      tags: ['users'],
      summary: 'Change the full name or the username',
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          full_name: { ...freeText(FULL_NAME_MAX_LENGTH), type: ['string', 'null'] },
          username: freeText(254, { description: '3 to 32 letters, digits, "_", "." or "-"' }),
        },
      },
      response: responses({ 200: ref('User') }, [400, 401, 403, 409, 413, 415, 503]),
    },
  }, async (request) => {
    const { full_name: fullName, username } = request.body;
    return toPublicUser(await accounts.updateProfile(currentAuth(request), { fullName, username }, requestContext(request)));
  });

  app.delete<{ Body: { current_password?: string } | undefined }>('/users/me', {
    onRequest: app.requireUser,
    schema: {
      tags: ['users'],
      summary: 'Delete the account (a recent sign-in, or current_password): every session ends at once and the account\'s data goes',
      security: bearerSecurity,
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: { current_password: { type: 'string', maxLength: 1024 } },
      },
      response: responses({ 204: { type: 'null', description: 'Deleted' } }, [400, 401, 403, 409, 413, 415, 429, 503]),
    },
  }, async (request, reply) => {
    await accounts.deleteAccount(currentAuth(request), { currentPassword: request.body?.current_password }, requestContext(request));
    return reply.status(204).send();
  });

  app.get('/users/me/export', {
    onRequest: [noStore, app.requireUser],
    schema: {
      tags: ['users'],
      summary: 'Everything stored about the signed-in user, as JSON (no hashes, no secrets); needs a recent sign-in',
      security: bearerSecurity,
      response: responses({ 200: exportSchema }, [401, 403, 503]),
    },
  }, async (request) => accounts.exportAccount(currentAuth(request)));
}

const exportSchema = {
  type: 'object',
  description: 'The account\'s data',
  properties: {
    exported_at: { type: 'string', format: 'date-time' },
    user: { type: 'object', properties: { ...userSchema.properties, updated_at: { type: 'string', format: 'date-time' } } },
    sessions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, created_at: { type: 'string' }, last_used_at: { type: 'string' }, expires_at: { type: 'string' },
          ip: { type: ['string', 'null'] }, user_agent: { type: ['string', 'null'] },
        },
      },
    },
    second_factors: {
      type: 'object',
      properties: {
        totp: { type: ['object', 'null'], properties: { confirmed: { type: 'boolean' }, created_at: { type: 'string' } } },
        recovery_codes_remaining: { type: 'integer' },
      },
    },
    passkeys: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, name: { type: 'string' }, device_type: { type: 'string' }, backed_up: { type: 'boolean' },
          created_at: { type: 'string' }, last_used_at: { type: ['string', 'null'] },
        },
      },
    },
    identities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, provider: { type: 'string' }, email: { type: ['string', 'null'] }, email_verified: { type: 'boolean' },
          created_at: { type: 'string' }, last_used_at: { type: 'string' },
        },
      },
    },
  },
  required: ['exported_at', 'user', 'sessions', 'second_factors', 'passkeys', 'identities'],
} as const;
