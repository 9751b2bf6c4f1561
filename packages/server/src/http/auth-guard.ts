// The route guard: reads `Authorization: Bearer <token>` (RFC 6750 §2.1) and puts the user on the
// request. Routes opt in through `onRequest: app.requireUser`, never by URL matching.
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { AuthError } from '../core/errors.js';
import type { AuthService } from '../core/auth-service.js';
import { ownApiToken, type Authenticated } from '../core/sessions/authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

/** The token of an Authorization header; undefined when there is none, an error when malformed. */
export function readBearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new AuthError('invalid_token', 'The Authorization header must be "Bearer <token>".');
  return match[1];
}

/**
 * The guard, in Fastify's callback style: a token verified before whose session and user the
 * stores hold in memory passes at once, without a promise (the hot path of /users/me); anything
 * else waits for auth.authenticate.
 */
export function createRequireUser(auth: AuthService): onRequestHookHandler {
  return function requireUser(request, _reply, done) {
    let token: string;
    try {
      // The common request, "Bearer <a token verified before>", is looked up as sent, without
      // parsing: only tokens that passed verification are cached, and those are plain b64token.
      const header = request.headers.authorization;
      const sent = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
      const cached = sent ? auth.authenticateNow(sent) : undefined;
      if (cached) {
        request.auth = ownApiToken(cached);
        return done();
      }
      const found = readBearerToken(request);
      if (!found) throw new AuthError('missing_token', 'This endpoint needs a bearer access token.');
      token = found;
      const now = token === sent ? undefined : auth.authenticateNow(token); // not looked up twice
      if (now) {
        request.auth = ownApiToken(now);
        return done();
      }
    } catch (error) {
      return done(error as Error);
    }
    auth.authenticate(token).then(ownApiToken).then((authenticated) => {
      request.auth = authenticated;
      done();
    }, done);
  };
}

/** The authenticated user of a guarded route. */
export function currentAuth(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new AuthError('missing_token', 'This endpoint needs a bearer access token.');
  return request.auth;
}
