// The Fastify adapter: a plugin that decorates `request.user` and offers route-level guards,
// `onRequest: app.gatehouse.requireUser`, `…requireRole('admin')`, `…requireMfa` and
// `…requireRecentAuth(600)`,
// answering 401/403 with WWW-Authenticate like the Gatehouse server. Fastify types only.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { asVerifyError, bearerChallenge, checkMfa, checkRecentAuth, checkRole, errorBody, maxAgeOf, readBearerToken } from './http.js';
import { cachedUser, verifyAccessToken, type GatehouseUser, type VerifyAccessTokenOptions } from './verify-access-token.js';

/**
 * A route guard. Fastify calls it with `done`, and then a token already verified passes at once,
 * without a promise (the hot path); called without `done` it returns a promise, as before.
 */
export interface GatehouseGuard {
  (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
}

export interface GatehouseFastify {
  /** Needs a valid access token; sets request.user. */
  requireUser: GatehouseGuard;
  /** Needs a valid access token whose role is one of `roles`. */
  requireRole(...roles: string[]): GatehouseGuard;
  /** Needs a valid access token of a multi-factor sign-in (amr holds `mfa`); 403 mfa_required otherwise. */
  requireMfa: GatehouseGuard;
  /** Needs a valid access token whose auth_time is at most `seconds` old; 403 reauthentication_required otherwise. */
  requireRecentAuth(seconds: number): GatehouseGuard;
}

export interface GatehouseFastifyOptions extends VerifyAccessTokenOptions {
  /** The realm of WWW-Authenticate challenges. Default "gatehouse". */
  realm?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the @gatehouse-auth/verify guards; null on unguarded routes. */
    user: GatehouseUser | null;
  }
  interface FastifyInstance {
    gatehouse: GatehouseFastify;
  }
}

/** Register with `app.register(gatehouseVerify, { keys: remoteJwksKeySource(url) })`. */
export async function gatehouseVerify(app: FastifyInstance, options: GatehouseFastifyOptions): Promise<void> {
  const realm = options.realm ?? 'gatehouse';
  if (!options?.keys) throw new TypeError('gatehouseVerify: options.keys is required');

  const refuse = (reply: FastifyReply, error: unknown): FastifyReply => {
    const failure = asVerifyError(error);
    const challenge = bearerChallenge(failure, realm);
    if (challenge) reply.header('www-authenticate', challenge);
    return reply.code(failure.statusCode).send(errorBody(failure));
  };
  /** A guard that needs a valid token, and then `check` (a role) to pass. */
  const guard = (check: (user: GatehouseUser) => void): GatehouseGuard => {
    // request.user is only ever written here, never read: a user set by anything else (another
    // auth plugin, a hook) is not taken for a verified one. A second guard on the same request
    // checks the header again, which for a cached token is one map lookup.
    const admit = (request: FastifyRequest, user: GatehouseUser) => {
      check(user);
      request.user = user;
    };
    return function gatehouseGuard(request: FastifyRequest, reply: FastifyReply, done?: HookHandlerDoneFunction) {
      const header = request.headers.authorization;
      let token = '';
      let user: GatehouseUser | undefined;
      let answered: FastifyReply | undefined;
      try {
        // The common request, "Bearer <a token seen before>", is looked up as sent, without parsing:
        // every cached token passed readBearerToken when it first came.
        const sent = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
        user = sent ? cachedUser(sent, options) : undefined;
        if (!user) {
          token = readBearerToken(header);
          if (token !== sent) user = cachedUser(token, options); // not looked up twice
        }
        if (user) admit(request, user);
      } catch (error) {
        answered = refuse(reply, error);
      }
      if (user || answered) {
        if (!done) return Promise.resolve(answered);
        if (!answered) done(); // a refused request has its answer: Fastify goes on without done
        return undefined;
      }
      const pending = verifyAccessToken(token, options).then((verifiedUser) => {
        admit(request, verifiedUser);
        return undefined;
      }).catch((error: unknown) => refuse(reply, error));
      if (!done) return pending;
      pending.then((refused) => refused || done(), done);
      return undefined;
    } as GatehouseGuard;
  };
  const requireUser = guard(() => undefined);
  const requireRole = (...roles: string[]): GatehouseGuard => {
    if (roles.length === 0) throw new TypeError('requireRole: name at least one role');
    return guard((user) => checkRole(user.role, roles));
  };
  const requireMfa = guard((user) => checkMfa(user.amr));
  const requireRecentAuth = (seconds: number): GatehouseGuard => {
    const maxAge = maxAgeOf(seconds);
    return guard((user) => checkRecentAuth(user.authTime, maxAge, options.now ? options.now() : Date.now()));
  };
  app.decorateRequest('user', null);
  app.decorate('gatehouse', { requireUser, requireRole, requireMfa, requireRecentAuth });
}

// Like fastify-plugin: the decorations reach the scope that registered the plugin.
Object.assign(gatehouseVerify, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'gatehouse-verify' });
