// The browser session (docs/architecture.md, "Pages"): a cookie naming an ordinary Gatehouse
// session, opened by finishLogin with the `browser` outcome (core/login/outcomes.ts). The cookie
// holds `<userId>.<sessionId>.<mac>`, an HMAC under a key of its own (no token, nothing secret):
// it can be neither forged nor pointed at another session. Every read checks the session and the
// user in the store, so a logout (local, others, global), a password change, a disable or a
// deletion ends it at once; it lasts as long as the session's row (REFRESH_TOKEN_TTL, capped by
// SESSION_MAX_AGE).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditOrigin } from '../../core/audit.js';
import type { CoreDeps } from '../../core/context.js';
import type { BrowserSessionStart, SignedIn } from '../../core/login/outcomes.js';
import { sessionAndUserReader } from '../../core/sessions/session-and-user.js';
import { requestContext } from '../http.js';
import { cookieName, readCookie, setCookie } from './cookies.js';

/** The signed-in person behind the cookie. */
export type BrowserSession = SignedIn;

export interface BrowserSessions {
  /** The signed-in person of this request, or null: no/invalid cookie, session revoked or expired
   *  (SESSION_MAX_AGE), user disabled or deleted. */
  read(request: FastifyRequest): Promise<BrowserSession | null>;
  /** Ends the Gatehouse session behind the cookie (as logout does) and clears the cookie. */
  end(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Sets the cookie of a session finishLogin just opened with the `browser` outcome (replacing any earlier one). */
  start(reply: FastifyReply, started: BrowserSessionStart): void;
}

export interface BrowserSessionDeps extends Pick<CoreDeps, 'users' | 'sessions' | 'sessionAndUser' | 'clock' | 'audit'> {
  /** HMAC key of the cookie (derived from the master secret under its own label). */
  key: Buffer;
  /** PUBLIC_URL is https: Secure and __Host- prefixed. */
  secure: boolean;
}

const SESSION_COOKIE = 'gh_session';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function createBrowserSessions(deps: BrowserSessionDeps): BrowserSessions {
  const { sessions, clock, audit, key, secure } = deps;
  const readSessionAndUser = sessionAndUserReader(deps);
  const name = cookieName(SESSION_COOKIE, secure);
  const mac = (userId: string, sessionId: string) => createHmac('sha256', key).update(`browser-session:${userId}.${sessionId}`).digest('base64url');

  /** The ids the cookie names, when its MAC holds. */
  function idsOf(request: FastifyRequest): { userId: string; sessionId: string } | null {
    const value = readCookie(request, name);
    const [userId, sessionId, given, extra] = value?.split('.') ?? [];
    if (!userId || !sessionId || !given || extra !== undefined || !ID.test(userId) || !ID.test(sessionId)) return null;
    const expected = Buffer.from(mac(userId, sessionId));
    const presented = Buffer.from(given);
    return presented.length === expected.length && timingSafeEqual(presented, expected) ? { userId, sessionId } : null;
  }

  const clear = (reply: FastifyReply) => setCookie(reply, name, '', { secure, maxAgeSeconds: 0 });

  return {
    async read(request) {
      const ids = idsOf(request);
      if (!ids) return null;
      const { session, user } = await readSessionAndUser(ids.userId, ids.sessionId);
      if (!session || session.revokedAt || session.expiresAt.getTime() <= clock.now() || !user || user.disabled) return null;
      return { userId: user.id, sessionId: session.id, authTime: Math.floor(session.authTime.getTime() / 1000), amr: [...session.amr] };
    },

    async end(request, reply) {
      const ids = idsOf(request);
      clear(reply);
      if (!ids) return;
      const session = await sessions.findById(ids.userId, ids.sessionId);
      if (!session || session.revokedAt) return;
      await sessions.revoke(ids.userId, ids.sessionId, new Date(clock.now()));
      audit({ type: 'logout', scope: 'local', userId: ids.userId, sessionId: ids.sessionId, ...auditOrigin(requestContext(request)) });
    },

    start(reply, started) {
      const maxAgeSeconds = (started.expiresAt.getTime() - clock.now()) / 1000;
      setCookie(reply, name, `${started.userId}.${started.sessionId}.${mac(started.userId, started.sessionId)}`, { secure, maxAgeSeconds });
    },
  };
}
