// The Express adapter: `gatehouseExpress(options)` gives `requireUser`, `requireRole(...)`,
// `requireMfa` and `requireRecentAuth(seconds)` middleware that set `req.user` and answer 401/403 with WWW-Authenticate like the Gatehouse
// server. Express types only; works with Express 4 and 5.
import type { NextFunction, Request, Response } from 'express';
import { asVerifyError, bearerChallenge, checkMfa, checkRecentAuth, checkRole, errorBody, maxAgeOf, readBearerToken } from './http.js';
import { verifyAccessToken, type GatehouseUser, type VerifyAccessTokenOptions } from './verify-access-token.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the @gatehouse-auth/verify middleware. */
      user?: GatehouseUser;
    }
  }
}

export type GatehouseMiddleware = (req: Request, res: Response, next: NextFunction) => Promise<void>;

export interface GatehouseExpressOptions extends VerifyAccessTokenOptions {
  /** The realm of WWW-Authenticate challenges. Default "gatehouse". */
  realm?: string;
}

export interface GatehouseExpress {
  requireUser: GatehouseMiddleware;
  requireRole(...roles: string[]): GatehouseMiddleware;
  /** A multi-factor sign-in (amr holds `mfa`); 403 mfa_required otherwise. */
  requireMfa: GatehouseMiddleware;
  /** auth_time at most `seconds` old; 403 reauthentication_required otherwise. */
  requireRecentAuth(seconds: number): GatehouseMiddleware;
}

export function gatehouseExpress(options: GatehouseExpressOptions): GatehouseExpress {
  if (!options?.keys) throw new TypeError('gatehouseExpress: options.keys is required');
  const realm = options.realm ?? 'gatehouse';
  // Requests whose token this instance verified: a req.user set by other middleware (passport
  // and the like use the same name) is never taken for a verified one.
  const verified = new WeakMap<Request, GatehouseUser>();

  const guard = (roles: readonly string[], check: (user: GatehouseUser) => void = () => undefined): GatehouseMiddleware => async (req, res, next) => {
    let user: GatehouseUser;
    try {
      user = verified.get(req) ?? (await verifyAccessToken(readBearerToken(req.headers.authorization), options));
      verified.set(req, user);
      req.user = user;
      if (roles.length > 0) checkRole(user.role, roles);
      check(user);
    } catch (error) {
      let failure;
      try {
        failure = asVerifyError(error);
      } catch (unexpected) {
        next(unexpected);
        return;
      }
      const challenge = bearerChallenge(failure, realm);
      if (challenge) res.setHeader('www-authenticate', challenge);
      res.status(failure.statusCode).json(errorBody(failure));
      return;
    }
    next();
  };
  return {
    requireUser: guard([]),
    requireRole: (...roles) => {
      if (roles.length === 0) throw new TypeError('requireRole: name at least one role');
      return guard(roles);
    },
    requireMfa: guard([], (user) => checkMfa(user.amr)),
    requireRecentAuth: (seconds) => {
      const maxAge = maxAgeOf(seconds);
      return guard([], (user) => checkRecentAuth(user.authTime, maxAge, options.now ? options.now() : Date.now()));
    },
  };
}
