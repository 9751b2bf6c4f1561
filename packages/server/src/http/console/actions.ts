// The console's changes (docs/console.md, "Actions"): POST /admin/console/users/:id/actions/:action.
// Each runs the very use case the admin API calls (core/admin; the mail flows' own for the two
// mails), so the console has no power the API lacks. A destructive one is confirmed first; every
// one needs a sign-in within REAUTH_MAX_AGE, renewed in place by the re-authentication core, which
// replaces the browser session by a new one (docs/architecture.md, "Changing a way in").
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, authErrorOf, type ErrorCode } from '../../core/errors.js';
import type { ReauthenticationProof } from '../../core/login/reauthenticate.js';
import { adminActor, USER_ID_PATTERN } from '../admin-request.js';
import { requestContext } from '../http.js';
import { ID_PATTERN } from '../schemas.js';
import { pageKitOf } from '../pages/context.js';
import { field, pageFailure, refusedCsrf } from '../pages/form.js';
import { html, issueCsrf, t, type MessageKey } from '../pages/index.js';
import { consoleAdmin, type ConsoleAdmin } from './access.js';
import { ACTIONS, confirmationBody, isAction, type ActionName } from './action-forms.js';
import type { ConsoleParts } from './parts.js';
import { userPath } from './users.js';
import { sendConsolePage } from './view.js';
import type { UserRecord } from '../../storage/types/stores.js';

const USER_ID = new RegExp(USER_ID_PATTERN);
const SESSION_ID = new RegExp(ID_PATTERN);

/** The console's sentence for the errors its actions meet; others take the pages' own. */
const MESSAGES: Partial<Record<ErrorCode, MessageKey>> = {
  last_admin: 'console.error.lastAdmin',
  unknown_role: 'console.error.unknownRole',
  session_not_found: 'console.error.sessionGone',
  user_not_found: 'console.user.notFound',
  invalid_current_password: 'console.error.password',
  invalid_mfa_code: 'console.error.code',
  stronger_reauthentication_required: 'console.error.stronger',
  factor_too_new: 'console.error.stronger',
};

interface Run {
  me: ConsoleAdmin;
  target: UserRecord;
  request: FastifyRequest;
}

function runners(parts: ConsoleParts): Record<ActionName, ((run: Run) => Promise<unknown>) | undefined> {
  const { admin, accounts } = parts;
  return {
    'end-sessions': ({ me, target }) => admin.revokeSessions(me.actor, target.id),
    'end-session': ({ me, target, request }) => {
      const sessionId = field(request, 'session', 64);
      if (!SESSION_ID.test(sessionId)) throw new AuthError('session_not_found', 'No such session.');
      return admin.revokeSession(me.actor, target.id, sessionId);
    },
    disable: ({ me, target }) => admin.updateUser(me.actor, target.id, { disabled: true }),
    enable: ({ me, target }) => admin.updateUser(me.actor, target.id, { disabled: false }),
    'reset-factors': ({ me, target }) => admin.resetFactors(me.actor, target.id),
    role: ({ me, target, request }) => admin.updateUser(me.actor, target.id, { role: field(request, 'role', 64) }),
    'verify-email': ({ me, target }) => admin.updateUser(me.actor, target.id, { emailVerified: true }),
    delete: ({ me, target }) => admin.deleteUser(me.actor, target.id),
    // the mails: POST /admin/users/:id/email/verify/send's call, and the public "forgot password" flow's
    'send-verification': accounts && (({ target, request }) => accounts.sendVerification(target, requestContext(request))),
    'send-reset': accounts && (({ target, request }) => accounts.forgotPassword(target.email, requestContext(request))),
  };
}

/** The fields an action carries from its button through the confirmation page. */
function carriedOf(request: FastifyRequest, action: ActionName): Record<string, string> {
  if (action === 'role') return { role: field(request, 'role', 64) };
  if (action === 'end-session') return { session: field(request, 'session', 64) };
  return {};
}

export function consoleActionRoutes(app: FastifyInstance, parts: ConsoleParts): void {
  const { admin } = parts;
  const run = runners(parts);
  const recent = (me: ConsoleAdmin) => {
    try {
      app.auth.requireRecentAuth(me.auth);
      return true;
    } catch {
      return false;
    }
  };

  /** Re-authenticates the admin with the core's use case; the browser cookie moves to the new session. */
  async function renew(me: ConsoleAdmin, proof: ReauthenticationProof, request: FastifyRequest, reply: FastifyReply): Promise<ConsoleAdmin> {
    const pair = await app.auth.reauthenticate(me.auth, proof, requestContext(request));
    const fresh = await app.auth.authenticate(pair.access_token); // the pair goes no further: the browser holds the cookie
    const session = (await app.auth.listSessions(me.user.id)).find((s) => s.id === fresh.claims.sid);
    if (!session) throw new AuthError('session_revoked', 'This session has been logged out.');
    pageKitOf(app).browserSessions.start(reply, {
      userId: me.user.id, sessionId: session.id, authTime: Math.floor(session.authTime.getTime() / 1000), amr: session.amr, expiresAt: session.expiresAt,
    });
    request.auth = fresh;
    return { ...me, auth: fresh, actor: adminActor(request) };
  }

  app.post<{ Params: { id: string; action: string } }>('/admin/console/users/:id/actions/:action', {
    schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] },
  }, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    let me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const { id, action } = request.params;
    const runner = isAction(action) ? run[action] : undefined;
    const target = runner && USER_ID.test(id) ? await admin.getUser(id).catch(() => null) : null;
    if (!runner || !target || !isAction(action)) {
      return sendConsolePage(reply, { status: 404, lang, section: 'users', title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${t(lang, 'error.notFound')}</p>` });
    }
    const fail = (error: unknown) => {
      const failure = pageFailure(error, lang, reply);
      const key = MESSAGES[failure.code];
      return { status: failure.status, code: failure.code, message: key ? t(lang, key) : failure.message };
    };
    const stale = !recent(me);
    const reauth = stale ? ((await app.auth.mfa.factorSummary(me.user.id)).totp?.confirmed ? 'code' as const : 'password' as const) : undefined;
    const confirm = (status: number, error?: string) => sendConsolePage(reply, {
      status, lang, section: 'users', title: t(lang, 'console.confirm.title'),
      body: confirmationBody({ lang, csrf: issueCsrf(request, reply), userId: target.id, username: target.username, action, carried: carriedOf(request, action), reauth, error }),
    });

    const confirmed = !ACTIONS[action].destructive || field(request, 'confirmed', 1) === '1';
    if (!confirmed) return confirm(200);
    if (action === 'delete' && field(request, 'typed', 254) !== target.username) {
      reply.header('gatehouse-error', 'validation_failed');
      return confirm(400, t(lang, 'console.confirm.mismatch'));
    }
    if (reauth) {
      const proof = reauth === 'code' ? field(request, 'code', 16) : field(request, 'password', 1024);
      if (!proof) {
        reply.header('gatehouse-error', 'reauthentication_required');
        return confirm(403, t(lang, 'console.reauth.needed'));
      }
      try {
        me = await renew(me, reauth === 'code' ? { code: proof } : { password: proof }, request, reply);
      } catch (error) {
        const failure = fail(error);
        return confirm(failure.status, failure.message);
      }
    }
    try {
      await runner({ me, target, request });
    } catch (error) {
      if (!authErrorOf(error)) throw error;
      const failure = fail(error);
      return sendConsolePage(reply, { status: failure.status, lang, section: 'users', title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${failure.message}</p>
<p class="hint">${failure.code}</p>
<p><a href="${userPath(target.id)}">${t(lang, 'console.back')}</a></p>` });
    }
    return reply.redirect(action === 'delete' ? '/admin/console/users?done=delete' : `${userPath(target.id)}?done=${action}`, 303);
  });
}
