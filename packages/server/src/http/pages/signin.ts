// The sign-in pages (docs/architecture.md, "Pages"): GET|POST /signin (username or email and
// password, through the same login as POST /auth/login: its limits, its throttle, its answer for
// an unknown user and a wrong password alike) and GET|POST /signin/second-step (the login state
// machine's second step, the challenge held in the form). A finished sign-in sets the browser
// session's cookie and goes on (303) to the stored authorize request named by `continue`, or to
// /signed-in. Everything works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../../core/auth-service.js';
import type { FederationService } from '../../core/federation/federation-service.js';
import { isMfaRequired } from '../../core/login/finish-login.js';
import { START_BROWSER_SESSION, type BrowserSessionStart } from '../../core/login/outcomes.js';
import { SECOND_FACTORS, type SecondFactor } from '../../core/login/second-factors.js';
import { requestContext } from '../http.js';
import { pageKitOf } from './context.js';
import { CONTINUE_MAX, continueOf, continueTarget } from './continuation.js';
import { issueCsrf } from './csrf.js';
import { field, langOf, pageFailure, queryParam, refusedCsrf, uiLocalesOf, type PageFailure } from './form.js';
import { html, type Html } from './html.js';
import { t, type Lang, type MessageKey } from './i18n.js';
import { sendPage } from './layout.js';

/** What the sign-in page offers besides the password. */
export interface SignInOptions {
  passkeys: boolean;
  /** Password reset by mail is served. */
  forgot: boolean;
  providers: FederationService['providers'];
}

/** The hidden fields every sign-in form carries on: where to go after, the language asked for, the CSRF token. */
function carried(request: FastifyRequest, reply: FastifyReply, next: string | undefined): Html {
  const uiLocales = uiLocalesOf(request);
  return html`<input type="hidden" name="csrf" value="${issueCsrf(request, reply)}">
${next ? html`<input type="hidden" name="continue" value="${next}">` : ''}
${uiLocales ? html`<input type="hidden" name="ui_locales" value="${uiLocales}">` : ''}`;
}

/** ?continue=…&ui_locales=… for the links between the pages. */
export function carriedQuery(request: FastifyRequest, next: string | undefined): string {
  const query = new URLSearchParams();
  if (next) query.set('continue', next);
  const uiLocales = uiLocalesOf(request);
  if (uiLocales) query.set('ui_locales', uiLocales);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Sets the new browser session's cookie (a session this browser had before is ended: the new sign-in replaces it) and goes on. */
export async function signedIn(request: FastifyRequest, reply: FastifyReply, started: BrowserSessionStart, next: string | undefined): Promise<FastifyReply> {
  const sessions = pageKitOf(request.server).browserSessions;
  const before = await sessions.read(request);
  if (before && before.sessionId !== started.sessionId) await sessions.end(request, reply);
  sessions.start(reply, started);
  return reply.redirect(continueTarget(next), 303);
}

/** Each second factor's name in the factor list (a factor added to SECOND_FACTORS needs one). */
const FACTOR_LABELS: Readonly<Record<SecondFactor, MessageKey>> = { totp: 'second.totp', recovery_code: 'second.recovery' };

/** The second step's page: the challenge travels in the form (only its hash is stored). */
export function secondStepPage(request: FastifyRequest, reply: FastifyReply, view: { lang: Lang; next?: string; mfaToken: string; factors: readonly string[]; failure?: PageFailure }) {
  const { lang } = view;
  const offered = SECOND_FACTORS.filter((factor) => view.factors.includes(factor));
  const body = html`${view.failure ? html`<p class="error" role="alert" id="second-error">${view.failure.message}</p>` : ''}
<p>${t(lang, 'second.intro')}</p>
<form method="post" action="/signin/second-step">
${carried(request, reply, view.next)}
<input type="hidden" name="mfa_token" value="${view.mfaToken}">
<input type="hidden" name="factors" value="${offered.join(' ')}">
<label for="factor">${t(lang, 'second.factor')}</label>
<select id="factor" name="factor">
${offered.map((factor) => html`<option value="${factor}">${t(lang, FACTOR_LABELS[factor])}</option>`)}
</select>
<label for="code">${t(lang, 'second.code')}</label>
<input id="code" name="code" autocomplete="one-time-code" required maxlength="64" autofocus${view.failure ? html` aria-describedby="second-error"` : ''}>
<button type="submit">${t(lang, 'second.submit')}</button>
</form>`;
  return sendPage(reply, { status: view.failure?.status, lang, title: t(lang, 'second.title'), body });
}

export function signInRoutes(app: FastifyInstance, auth: Pick<AuthService, 'signIn' | 'verifyMfaFor'>, options: SignInOptions): void {
  const hide = { schema: { hide: true } };
  const form = { schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] } };

  function signInPage(request: FastifyRequest, reply: FastifyReply, view: { lang: Lang; next?: string; login?: string; failure?: PageFailure }) {
    const { lang, next } = view;
    const links = carriedQuery(request, next);
    const providers = options.providers();
    const body = html`${view.failure ? html`<p class="error" role="alert" id="signin-error">${view.failure.message}</p>` : ''}
<p>${next ? t(lang, 'signin.continueIntro') : t(lang, 'signin.intro', { product: pageKitOf(request.server).theme.productName })}</p>
<form method="post" action="/signin">
${carried(request, reply, next)}
<label for="login">${t(lang, 'signin.login')}</label>
<input id="login" name="login" autocomplete="username" required maxlength="254" value="${view.login ?? ''}"${view.failure ? html` aria-describedby="signin-error"` : ''}>
<label for="password">${t(lang, 'signin.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">${t(lang, 'signin.submit')}</button>
</form>
<nav aria-label="${t(lang, 'signin.or')}">
<ul class="links">
${options.passkeys ? html`<li><a href="/signin/passkey${links}">${t(lang, 'signin.passkey')}</a></li>` : ''}
${providers.map((provider) => html`<li><a href="/signin/provider/${provider.id}${links}">${t(lang, 'signin.provider', { provider: provider.name })}</a></li>`)}
${options.forgot ? html`<li><a href="/forgot${links}">${t(lang, 'signin.forgot')}</a></li>` : ''}
<li><a href="/register${links}">${t(lang, 'signin.register')}</a></li>
</ul>
</nav>`;
    return sendPage(reply, { status: view.failure?.status, lang, title: t(lang, 'signin.title'), body });
  }

  app.get('/signin', hide, async (request, reply) => {
    const next = continueOf(queryParam(request, 'continue', CONTINUE_MAX));
    // prompt=login: credentials are asked for even when this browser is signed in
    if (queryParam(request, 'prompt', 64).split(' ').includes('login') === false && await pageKitOf(app).browserSessions.read(request)) {
      return reply.redirect(continueTarget(next), 303);
    }
    return signInPage(request, reply, { lang: langOf(request), next, login: queryParam(request, 'login_hint', 254) });
  });

  app.post('/signin', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    const next = continueOf(field(request, 'continue', CONTINUE_MAX));
    const login = field(request, 'login', 254).trim();
    const password = field(request, 'password');
    let result;
    try {
      // an empty field is refused as a wrong password would be, after the same limits
      result = await auth.signIn({ login, password }, requestContext(request), START_BROWSER_SESSION);
    } catch (error) {
      return signInPage(request, reply, { lang, next, login, failure: pageFailure(error, lang, reply) });
    }
    if (isMfaRequired(result)) {
      const { mfa_token: mfaToken, factors } = result.mfaRequired;
      return secondStepPage(request, reply, { lang, next, mfaToken, factors });
    }
    return signedIn(request, reply, result, next);
  });

  // the second step is reached from the sign-in form only: the challenge travels in the form
  app.get('/signin/second-step', hide, async (request, reply) => reply.redirect(`/signin${carriedQuery(request, continueOf(queryParam(request, 'continue', CONTINUE_MAX)))}`, 303));

  app.post('/signin/second-step', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    const next = continueOf(field(request, 'continue', CONTINUE_MAX));
    const mfaToken = field(request, 'mfa_token', 128);
    const factor = field(request, 'factor', 32); // any name: one not enrolled is refused as such
    const factors = field(request, 'factors', 64).split(' ').filter(Boolean);
    try {
      const started = await auth.verifyMfaFor({ mfaToken, factor, code: field(request, 'code', 64).trim() }, requestContext(request), START_BROWSER_SESSION);
      return await signedIn(request, reply, started, next);
    } catch (error) {
      const failure = pageFailure(error, lang, reply);
      // a wrong code leaves the challenge open (its attempts counted); a spent or expired one means signing in again
      if (['invalid_mfa_code', 'totp_code_used', 'factor_not_enrolled', 'rate_limited'].includes(failure.code)) {
        return secondStepPage(request, reply, { lang, next, mfaToken, factors, failure });
      }
      return signInPage(request, reply, { lang, next, failure });
    }
  });
}
