// The console's changes to a user (docs/console.md, "Actions"): POST
// /admin/console/users/:id/actions/:action. Each runs the very use case the admin API calls
// (core/admin; the mail flows' own for the two mails), so the console has no power the API lacks,
// after the change gate (change-gate.ts: confirmation, recent sign-in).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, authErrorOf } from '../../core/errors.js';
import type { UserRecord } from '../../storage/types/stores.js';
import { USER_ID_PATTERN } from '../admin-request.js';
import { requestContext } from '../http.js';
import { ID_PATTERN } from '../schemas.js';
import { field } from '../pages/form.js';
import { html, t } from '../pages/index.js';
import { consoleChangeRoute, type ConsoleAdmin } from './access.js';
import { ACTIONS, actionPath, isAction, type ActionName } from './action-forms.js';
import { consoleFailure, createChangeGate } from './change-gate.js';
import type { ConsoleParts } from './parts.js';
import { userPath } from './users.js';
import { sendConsoleNotFound, sendConsolePage } from './view.js';

const USER_ID = new RegExp(USER_ID_PATTERN);
const SESSION_ID = new RegExp(ID_PATTERN);

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
  const passGate = createChangeGate(app, parts.auth);

  consoleChangeRoute<{ id: string; action: string }>(app, '/admin/console/users/:id/actions/:action', admin.getUser, async (request, reply, signedIn) => {
    const { lang } = signedIn;
    const { id, action } = request.params;
    const runner = isAction(action) ? run[action] : undefined;
    const target = runner && USER_ID.test(id) ? await admin.getUser(id).catch(() => null) : null;
    if (!runner || !target || !isAction(action)) {
      return sendConsoleNotFound(reply, lang, 'users');
    }
    const me = await passGate(request, reply, signedIn, {
      section: 'users', path: actionPath(target.id, action), cancelHref: userPath(target.id),
      question: t(lang, `console.confirm.${action}`, { user: target.username }), submitLabel: t(lang, `console.action.${action}`),
      destructive: ACTIONS[action].destructive, carried: carriedOf(request, action), typed: action === 'delete' ? target.username : undefined,
    });
    if (!me) return reply;
    try {
      await runner({ me, target, request });
    } catch (error) {
      if (!authErrorOf(error)) throw error;
      const failure = consoleFailure(error, lang, reply);
      return sendConsolePage(reply, { status: failure.status, lang, section: 'users', title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${failure.message}</p>
<p class="hint">${failure.code}</p>
<p><a href="${userPath(target.id)}">${t(lang, 'console.back')}</a></p>` });
    }
    return reply.redirect(action === 'delete' ? '/admin/console/users?done=delete' : `${userPath(target.id)}?done=${action}`, 303);
  });
}
