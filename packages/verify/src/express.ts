// The Express adapter: `gatehouseExpress(options)` gives `requireUser` and `requireRole(...)`
// middleware that set `req.user` and answer 401/403 with WWW-Authenticate like the Gatehouse
// server. Express types only; works with Express 4 and 5.
import type { NextFunction, Request, Response } from 'express';
import { asVerifyError, bearerChallenge, checkRole, errorBody, readBearerToken } from './http.js';
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
}

export function gatehouseExpress(options: GatehouseExpressOptions): GatehouseExpress {
  if (!options?.keys) throw new TypeError('gatehouseExpress: options.keys is required');
  const realm = options.realm ?? 'gatehouse';
  // Requests whose token this instance verified: a req.user set by other middleware (passport
  // and the like use the same name) is never taken for a verified one.
  const verified = new WeakMap<Request, GatehouseUser>();

  const guard = (roles: readonly string[]): GatehouseMiddleware => async (req, res, next) => {
    let user: GatehouseUser;
    try {
      user = verified.get(req) ?? (await verifyAccessToken(readBearerToken(req.headers.authorization), options));
      verified.set(req, user);
      req.user = user;
      if (roles.length > 0) checkRole(user.role, roles);
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
  };
}
