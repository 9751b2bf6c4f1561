// Who may use the admin console (docs/console.md, "Signing in"): the person of the browser session
// (http/pages/browser-session.ts; nobody signed in: to /signin and back to the page), holding the admin role by the admin API's own check
// (http/role-guard.ts). The console runs on Gatehouse's own origin, so it reads the SSO session
// directly instead of being an OAuth client of itself. The admin is put on the request as the
// bearer guard would put them, so the admin API's actor (http/admin-request.ts) names them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ROLE, type AdminActor } from '../../core/admin/admin.js';
import { authErrorOf } from '../../core/errors.js';
import type { Authenticated } from '../../core/sessions/authenticate.js';
import type { UserRecord } from '../../storage/types/stores.js';
import { adminActor } from '../admin-request.js';
import { pageKitOf } from '../pages/context.js';
import { langOf, refusedCsrf } from '../pages/form.js';
import { isReturnPath, renderError, sendPage, t, type Lang } from '../pages/index.js';

export interface ConsoleAdmin {
  user: UserRecord;
  /** The browser session as the core's use cases take a caller (its auth_time, amr and sid). */
  auth: Authenticated;
  actor: AdminActor;
  lang: Lang;
}

/** Reads the admin of this request, or answers for them: 303 to /signin when nobody is signed in, 403 for anyone else. */
export async function consoleAdmin(request: FastifyRequest, reply: FastifyReply, findUser: (id: string) => Promise<UserRecord>): Promise<ConsoleAdmin | null> {
  const lang = langOf(request);
  const session = await pageKitOf(request.server).browserSessions.read(request);
  if (!session) {
    // a page asked for comes back after the sign-in (continuation.ts checks the path); a form post does not
    const back = request.method === 'GET' && isReturnPath(request.url) ? `?continue=${encodeURIComponent(request.url)}` : '';
    reply.redirect(`/signin${back}`, 303);
    return null;
  }
  const user = await findUser(session.userId);
  const auth: Authenticated = {
    user,
    claims: {
      sub: user.id, sid: session.sessionId, name: user.username, role: user.role, jti: '', iat: session.authTime, exp: 0,
      amr: [...session.amr], auth_time: session.authTime, email_verified: user.emailVerified,
    },
  };
  request.auth = auth;
  try {
    await request.server.requireRole(ADMIN_ROLE)(request, reply);
  } catch (error) {
    const known = authErrorOf(error);
    if (!known) throw error;
    sendPage(reply.header('gatehouse-error', known.code), {
      status: 403, lang, title: t(lang, 'error.title'), body: renderError({ lang, message: t(lang, 'console.forbidden'), code: known.code }),
    });
    return null;
  }
  return { user, auth, actor: adminActor(request), lang };
}

/**
 * A console change: a form post that passes the CSRF check and comes from an admin (anyone else is
 * answered by consoleAdmin) before `handle` runs. Every change then goes through the change gate.
 */
export function consoleChangeRoute<Params>(
  app: FastifyInstance, path: string, findUser: (id: string) => Promise<UserRecord>,
  handle: (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, signedIn: ConsoleAdmin) => Promise<unknown>,
): void {
  app.post<{ Params: Params }>(path, { schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] } }, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const signedIn = await consoleAdmin(request, reply, findUser);
    if (!signedIn) return reply;
    return handle(request, reply, signedIn);
  });
}
