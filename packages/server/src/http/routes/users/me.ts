// GET /users/me (who am I) and POST /users/me/password (change it: every session ends, and the
// caller gets the pair of a new one).
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../../core/auth-service.js';
import { toPublicUser, type PublicUser } from '../../../core/accounts/user-rules.js';
import type { UserRecord } from '../../../storage/types/stores.js';
import { currentAuth } from '../../auth-guard.js';
import { noStore, requestContext } from '../../http.js';
import { bearerSecurity, ref, responses } from '../../schemas.js';

interface PasswordBody {
  current_password?: string;
  new_password: string;
}

/**
 * The public view of a user, kept with the record when the record is shared: on the hot path
 * records come from the row cache, shared and frozen, so a repeated /users/me builds nothing.
 * Other records are fresh per request; keeping their view would only cost a WeakMap entry.
 */
const publicViews = new WeakMap<UserRecord, PublicUser>();
function publicView(user: UserRecord): PublicUser {
  if (!Object.isFrozen(user)) return toPublicUser(user);
  let view = publicViews.get(user);
  if (view === undefined) publicViews.set(user, (view = toPublicUser(user)));
  return view;
}

export function meRoutes(app: FastifyInstance, auth: Pick<AuthService, 'changePassword'>): void {
  app.get('/users/me', {
    onRequest: app.requireUser,
    schema: {
      tags: ['users'],
      summary: 'The user of the bearer token',
      security: bearerSecurity,
      response: responses({ 200: ref('User') }, [401, 403, 503]),
    },
  }, (request) => publicView(currentAuth(request).user)); // sync: nothing to wait for

  app.post<{ Body: PasswordBody }>('/users/me/password', {
    onRequest: [noStore, app.requireUser],
    schema: {
      tags: ['users'],
      summary: 'Change the password; every session ends, this one included, and the answer is the pair of a new session',
      security: bearerSecurity,
      body: {
        type: 'object',
        required: ['new_password'],
        additionalProperties: false,
        properties: {
          current_password: { type: 'string', maxLength: 1024, description: 'Needed unless the sign-in is recent (POST /auth/reauthenticate)' },
          new_password: { type: 'string', maxLength: 1024 },
        },
      },
      response: responses({ 200: ref('TokenPair') }, [400, 401, 403, 413, 415, 429, 503],
        { 200: 'Changed: the token pair of the caller\'s new session' }),
    },
  }, async (request) =>
    auth.changePassword(currentAuth(request), {
      currentPassword: request.body.current_password,
      newPassword: request.body.new_password,
    }, requestContext(request)));
}
