// The account pages (docs/architecture.md, "Pages"): create an account (GET|POST /register, signed
// in at once as POST /auth/register would, unless EMAIL_VERIFICATION=required), forgot and reset
// password (GET|POST /forgot, GET|POST /reset) and the landing pages of the other mailed links:
// verify email, sign in with a magic link (a browser session, or the second step when the account
// has one), confirm an email change, cancel one from the old address (GET shows a button, POST
// acts, so a mail scanner fetching the link spends nothing). Each calls the same use case as its
// JSON route; the reset and the cancel are remedies and keep core's rule (every session ends).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../../core/auth-service.js';
import type { AccountService } from '../../core/email/account-service.js';
import { AuthError } from '../../core/errors.js';
import { START_BROWSER_SESSION } from '../../core/login/outcomes.js';
import { requestContext } from '../http.js';
import { CONTINUE_MAX, continueOf } from './continuation.js';
import { issueCsrf } from './csrf.js';
import { field, langOf, pageFailure, queryParam, refusedCsrf, uiLocalesOf, type PageFailure } from './form.js';
import { html, type Html } from './html.js';
import { t, type Lang } from './i18n.js';
import { sendPage } from './layout.js';
import { carriedQuery, secondStepPage, signedIn } from './signin.js';
import { isMfaRequired } from '../../core/login/finish-login.js';

/** The mailed links with a landing page of their own (their messages share the name). */
type LinkPageName = 'magic' | 'emailChange' | 'emailCancel';

const LINK_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

function alert(failure: PageFailure | undefined, id: string): Html {
  return failure ? html`<p class="error" role="alert" id="${id}">${failure.message}</p>` : html``;
}

function hidden(request: FastifyRequest, reply: FastifyReply, next?: string): Html {
  const uiLocales = uiLocalesOf(request);
  return html`<input type="hidden" name="csrf" value="${issueCsrf(request, reply)}">
${next ? html`<input type="hidden" name="continue" value="${next}">` : ''}
${uiLocales ? html`<input type="hidden" name="ui_locales" value="${uiLocales}">` : ''}`;
}

/** A page of one sentence: a notice, or an error with its status. */
function notice(reply: FastifyReply, lang: Lang, title: string, text: string, failure?: PageFailure) {
  const body = failure
    ? html`<p class="error" role="alert">${failure.message}</p><p><a href="/signin">${t(lang, 'error.back')}</a></p>`
    : html`<p class="notice" role="status">${text}</p><p><a href="/signin">${t(lang, 'signedOut.again')}</a></p>`;
  return sendPage(reply, { status: failure?.status, lang, title, body });
}

export function accountPageRoutes(app: FastifyInstance, auth: Pick<AuthService, 'registerFor'>, accounts: AccountService | undefined): void {
  const hide = { schema: { hide: true } };
  const form = { schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] } };

  function registerPage(request: FastifyRequest, reply: FastifyReply, view: { lang: Lang; next?: string; username?: string; email?: string; failure?: PageFailure }) {
    const { lang } = view;
    const described = view.failure ? html` aria-describedby="register-error"` : '';
    const body = html`${alert(view.failure, 'register-error')}
<form method="post" action="/register">
${hidden(request, reply, view.next)}
<label for="username">${t(lang, 'register.username')}</label>
<input id="username" name="username" autocomplete="username" required maxlength="64" value="${view.username ?? ''}"${described}>
<label for="email">${t(lang, 'register.email')}</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${view.email ?? ''}">
<label for="password">${t(lang, 'register.password')}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">${t(lang, 'register.passwordHint')}</p>
<button type="submit">${t(lang, 'register.submit')}</button>
</form>
<p><a href="/signin${carriedQuery(request, view.next)}">${t(lang, 'register.haveAccount')}</a></p>`;
    return sendPage(reply, { status: view.failure?.status, lang, title: t(lang, 'register.title'), body });
  }

  app.get('/register', hide, async (request, reply) =>
    registerPage(request, reply, { lang: langOf(request), next: continueOf(queryParam(request, 'continue', CONTINUE_MAX)) }));

  app.post('/register', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    const next = continueOf(field(request, 'continue', CONTINUE_MAX));
    const username = field(request, 'username', 254).trim();
    const email = field(request, 'email', 254).trim();
    try {
      const registered = await auth.registerFor({ username, email, password: field(request, 'password') }, requestContext(request), START_BROWSER_SESSION);
      if ('pending' in registered) return notice(reply.status(202), lang, t(lang, 'register.title'), t(lang, 'register.checkMail'));
      return await signedIn(request, reply, registered.result, next);
    } catch (error) {
      return registerPage(request, reply, { lang, next, username, email, failure: pageFailure(error, lang, reply) });
    }
  });

  if (!accounts) return; // no mail: no reset links, no verification links

  function forgotPage(request: FastifyRequest, reply: FastifyReply, lang: Lang, failure?: PageFailure) {
    const body = html`${alert(failure, 'forgot-error')}
<p>${t(lang, 'forgot.intro')}</p>
<form method="post" action="/forgot">
${hidden(request, reply)}
<label for="email">${t(lang, 'forgot.email')}</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">${t(lang, 'forgot.submit')}</button>
</form>`;
    return sendPage(reply, { status: failure?.status, lang, title: t(lang, 'forgot.title'), body });
  }

  app.get('/forgot', hide, async (request, reply) => forgotPage(request, reply, langOf(request)));
  app.post('/forgot', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    try {
      // answered alike whether or not an account uses the address
      await accounts.forgotPassword(field(request, 'email', 254).trim(), requestContext(request));
    } catch (error) {
      return forgotPage(request, reply, lang, pageFailure(error, lang, reply));
    }
    return notice(reply, lang, t(lang, 'forgot.title'), t(lang, 'forgot.sent'));
  });

  function resetPage(request: FastifyRequest, reply: FastifyReply, lang: Lang, token: string, failure?: PageFailure) {
    const body = html`${alert(failure, 'reset-error')}
<form method="post" action="/reset">
${hidden(request, reply)}
<input type="hidden" name="token" value="${token}">
<label for="password">${t(lang, 'reset.password')}</label>
<input id="password" name="new_password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">${t(lang, 'register.passwordHint')}</p>
<button type="submit">${t(lang, 'reset.submit')}</button>
</form>`;
    return sendPage(reply, { status: failure?.status, lang, title: t(lang, 'reset.title'), body });
  }

  app.get('/reset', hide, async (request, reply) => {
    const lang = langOf(request);
    const token = queryParam(request, 'token', 128);
    try {
      if (!LINK_TOKEN.test(token)) throw new AuthError('link_invalid', 'This link is invalid.'); // as an unknown token is
      await accounts.checkResetLink(token);
    } catch (error) {
      return notice(reply, lang, t(lang, 'reset.title'), '', pageFailure(error, lang, reply));
    }
    return resetPage(request, reply, lang, token);
  });

  app.post('/reset', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    const token = field(request, 'token', 128);
    try {
      await accounts.resetPassword({ token, newPassword: field(request, 'new_password') }, requestContext(request));
    } catch (error) {
      const failure = pageFailure(error, lang, reply);
      if (failure.code === 'link_invalid' || failure.code === 'link_expired') return notice(reply, lang, t(lang, 'reset.title'), '', failure);
      return resetPage(request, reply, lang, token, failure);
    }
    return notice(reply, lang, t(lang, 'reset.title'), t(lang, 'reset.done'));
  });

  app.get('/verify-email', hide, async (request, reply) => {
    const lang = langOf(request);
    const body = html`<form method="post" action="/verify-email">
${hidden(request, reply)}
<input type="hidden" name="token" value="${queryParam(request, 'token', 128)}">
<button type="submit">${t(lang, 'verify.title')}</button>
</form>`;
    return sendPage(reply, { lang, title: t(lang, 'verify.title'), body });
  });

  app.post('/verify-email', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    try {
      await accounts.verifyEmail(field(request, 'token', 128), requestContext(request));
    } catch (error) {
      const failure = pageFailure(error, lang, reply);
      return notice(reply, lang, t(lang, 'verify.title'), '', { ...failure, message: t(lang, 'verify.failed') });
    }
    return notice(reply, lang, t(lang, 'verify.title'), t(lang, 'verify.done'));
  });

  /**
   * A mailed link's landing page: the link's purpose in a sentence and one button that POSTs the
   * token back (GET spends nothing); its words are the messages `<page>.title`, `.intro` and `.submit`.
   */
  function linkPage(request: FastifyRequest, reply: FastifyReply, path: string, page: LinkPageName) {
    const lang = langOf(request);
    const body = html`<p>${t(lang, `${page}.intro`)}</p>
<form method="post" action="${path}">
${hidden(request, reply)}
<input type="hidden" name="token" value="${queryParam(request, 'token', 128)}">
<button type="submit">${t(lang, `${page}.submit`)}</button>
</form>`;
    return sendPage(reply, { lang, title: t(lang, `${page}.title`), body });
  }

  /** A link that did not work: invalid or expired (spent) is said as such; any other refusal in its own words. */
  function linkFailed(reply: FastifyReply, lang: Lang, title: string, error: unknown) {
    const failure = pageFailure(error, lang, reply);
    const spent = failure.code === 'link_invalid' || failure.code === 'link_expired';
    return notice(reply, lang, title, '', spent ? { ...failure, message: t(lang, 'verify.failed') } : failure);
  }

  app.get('/magic-link', hide, async (request, reply) => {
    return linkPage(request, reply, '/magic-link', 'magic');
  });

  app.post('/magic-link', form, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    let result;
    try {
      result = await accounts.magicLinkSignIn({ token: field(request, 'token', 128) }, requestContext(request), START_BROWSER_SESSION);
    } catch (error) {
      return linkFailed(reply, lang, t(lang, 'magic.title'), error);
    }
    if (isMfaRequired(result)) {
      const { mfa_token: mfaToken, factors } = result.mfaRequired;
      return secondStepPage(request, reply, { lang, mfaToken, factors });
    }
    return signedIn(request, reply, result, undefined);
  });

  /** A mailed link that acts on its token and says so (`<page>.done`): its landing page and its form. */
  function tokenAction(path: string, page: 'emailChange' | 'emailCancel', act: (token: string, request: FastifyRequest) => Promise<unknown>) {
    app.get(path, hide, async (request, reply) => linkPage(request, reply, path, page));
    app.post(path, form, async (request, reply) => {
      if (refusedCsrf(request, reply)) return reply;
      const lang = langOf(request);
      try {
        await act(field(request, 'token', 128), request);
      } catch (error) {
        return linkFailed(reply, lang, t(lang, `${page}.title`), error);
      }
      return notice(reply, lang, t(lang, `${page}.title`), t(lang, `${page}.done`));
    });
  }

  tokenAction('/confirm-email-change', 'emailChange', (token, request) => accounts.confirmEmailChange(token, requestContext(request)));
  tokenAction('/cancel-email-change', 'emailCancel', (token, request) => accounts.cancelEmailChange(token, requestContext(request)));
}
