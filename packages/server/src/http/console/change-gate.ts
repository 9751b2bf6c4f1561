// What every console change passes before it runs (docs/console.md, "Actions"): a destructive one
// is confirmed on a page of its own (no script; a name typed where asked), and every one needs a
// sign-in within REAUTH_MAX_AGE, renewed in place by the re-authentication core, which replaces
// the browser session by a new one (docs/architecture.md, "Changing a way in").
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, type ErrorCode } from '../../core/errors.js';
import type { ReauthenticationProof } from '../../core/login/reauthenticate.js';
import { adminActor } from '../admin-request.js';
import { requestContext } from '../http.js';
import { pageKitOf } from '../pages/context.js';
import { field, pageFailure } from '../pages/form.js';
import { html, issueCsrf, t, type Html, type Lang, type MessageKey } from '../pages/index.js';
import type { ConsoleAdmin } from './access.js';
import type { ConsoleParts } from './parts.js';
import { sendConsolePage, type Section } from './view.js';

/** The console's sentence for the errors its changes meet; others take the pages' own. */
const MESSAGES: Partial<Record<ErrorCode, MessageKey>> = {
  last_admin: 'console.error.lastAdmin',
  unknown_role: 'console.error.unknownRole',
  session_not_found: 'console.error.sessionGone',
  user_not_found: 'console.user.notFound',
  invalid_current_password: 'console.error.password',
  invalid_mfa_code: 'console.error.code',
  stronger_reauthentication_required: 'console.error.stronger',
  factor_too_new: 'console.error.stronger',
  invalid_client_metadata: 'console.error.clientMetadata',
  client_declared_in_settings: 'console.error.clientDeclared',
  invalid_redirect_uri: 'console.error.clientMetadata',
  invalid_webhook_url: 'console.error.webhookUrl',
  unknown_webhook_event: 'console.error.webhookEvents',
  webhook_delivery_pending: 'console.error.deliveryPending',
  webhook_not_found: 'error.notFound',
  webhook_delivery_not_found: 'error.notFound',
};

/** A core error as the console shows it: status, stable code (also in Gatehouse-Error) and a sentence. */
export function consoleFailure(error: unknown, lang: Lang, reply: FastifyReply): { status: number; code: ErrorCode; message: string } {
  const failure = pageFailure(error, lang, reply);
  const key = MESSAGES[failure.code];
  return { ...failure, message: key ? t(lang, key) : failure.message };
}

export interface Change {
  section: Section;
  /** Where the change is posted; the confirmation posts there again with confirmed=1. */
  path: string;
  cancelHref: string;
  question: string;
  submitLabel: string;
  destructive: boolean;
  /** The fields the change carries through the confirmation page. */
  carried: Readonly<Record<string, string>>;
  /** A name the admin must type to confirm (deletions). */
  typed?: string;
}

type Reauth = 'password' | 'code' | undefined;

function confirmation(lang: Lang, csrf: string, change: Change, reauth: Reauth, error?: string): Html {
  const proofField = reauth === 'password'
    ? html`<label for="password">${t(lang, 'console.reauth.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>`
    : html`<label for="code">${t(lang, 'console.reauth.code')}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>`;
  return html`<section aria-labelledby="confirm-question">
<p id="confirm-question">${change.question}</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${change.path}">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="confirmed" value="1">
${Object.entries(change.carried).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${change.typed === undefined ? '' : html`<label for="typed">${t(lang, 'console.confirm.type', { user: change.typed })}</label>
<input id="typed" name="typed" autocomplete="off" required>`}
${reauth ? html`<p>${t(lang, 'console.reauth.intro')}</p>\n${proofField}` : ''}
<div class="actions">
<button type="submit">${change.submitLabel}</button>
<a class="button secondary" href="${change.cancelHref}">${t(lang, 'console.confirm.cancel')}</a>
</div>
</form>
</section>`;
}

export function createChangeGate(app: FastifyInstance, auth: ConsoleParts['auth']) {
  const recent = (me: ConsoleAdmin) => {
    try {
      auth.requireRecentAuth(me.auth);
      return true;
    } catch {
      return false;
    }
  };

  /** Re-authenticates the admin with the core's use case; the browser cookie moves to the new session. */
  async function renew(me: ConsoleAdmin, proof: ReauthenticationProof, request: FastifyRequest, reply: FastifyReply): Promise<ConsoleAdmin> {
    const pair = await auth.reauthenticate(me.auth, proof, requestContext(request));
    const fresh = await auth.authenticate(pair.access_token); // the pair goes no further: the browser holds the cookie
    const session = (await auth.listSessions(me.user.id)).find((s) => s.id === fresh.claims.sid);
    if (!session) throw new AuthError('session_revoked', 'This session has been logged out.');
    pageKitOf(app).browserSessions.start(reply, {
      userId: me.user.id, sessionId: session.id, authTime: Math.floor(session.authTime.getTime() / 1000), amr: session.amr, expiresAt: session.expiresAt,
    });
    request.auth = fresh;
    return { ...me, auth: fresh, actor: adminActor(request) };
  }

  /** The admin, fresh enough, once the change is confirmed; null when a page was answered instead (the question, or why not). */
  return async function passGate(request: FastifyRequest, reply: FastifyReply, me: ConsoleAdmin, change: Change): Promise<ConsoleAdmin | null> {
    const { lang } = me;
    const reauth: Reauth = recent(me) ? undefined : (await auth.mfa.factorSummary(me.user.id)).totp?.confirmed ? 'code' : 'password';
    const ask = (status: number, error?: string) => {
      sendConsolePage(reply, { status, lang, section: change.section, title: t(lang, 'console.confirm.title'), body: confirmation(lang, issueCsrf(request, reply), change, reauth, error) });
      return null;
    };
    if (change.destructive && field(request, 'confirmed', 1) !== '1') return ask(200);
    if (change.typed !== undefined && field(request, 'typed', 254) !== change.typed) {
      reply.header('gatehouse-error', 'validation_failed');
      return ask(400, t(lang, 'console.confirm.mismatch'));
    }
    if (!reauth) return me;
    const proof = reauth === 'code' ? field(request, 'code', 16) : field(request, 'password', 1024);
    if (!proof) {
      reply.header('gatehouse-error', 'reauthentication_required');
      return ask(403, t(lang, 'console.reauth.needed'));
    }
    try {
      return await renew(me, reauth === 'code' ? { code: proof } : { password: proof }, request, reply);
    } catch (error) {
      const failure = consoleFailure(error, lang, reply);
      return ask(failure.status, failure.message);
    }
  };
}
