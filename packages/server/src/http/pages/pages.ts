// The pages (docs/architecture.md, "Pages"): registers the page kit on the app (pageKit: theme,
// CSRF key, browser sessions), its stylesheet and script, and every page route: sign in, the
// second step, passkey and provider sign-in, signed in / out, register, forgot / reset password
// and the verify-email landing page. Page routes are hidden from the OpenAPI document: they
// answer HTML, not the API.
import type { FastifyInstance } from 'fastify';
import type { PageSettings } from '../../config/page-settings.js';
import type { AccountService } from '../../core/email/account-service.js';
import type { AuthService } from '../../core/auth-service.js';
import type { FederationService } from '../../core/federation/federation-service.js';
import type { BrowserSessions } from './browser-session.js';
import type { PageKit } from './context.js';
import { accountPageRoutes } from './account-pages.js';
import { issueCsrf } from './csrf.js';
import { langOf, refusedCsrf } from './form.js';
import { html } from './html.js';
import { t } from './i18n.js';
import { sendPage, STYLESHEET_PATH, stylesheet } from './layout.js';
import { signInRoutes } from './signin.js';
import { passkeyPageRoutes, passkeyScriptRoute } from './passkey-page.js';
import { providerPageRoutes } from './provider-pages.js';
import type { PasskeyService } from '../../core/passkeys/passkey-service.js';

export interface PageParts {
  theme: Readonly<PageSettings>;
  csrfKey: Buffer;
  secure: boolean;
  browserSessions: BrowserSessions;
  /** Sign-in, its second step and registration, each finishing in a browser session. */
  auth: Pick<AuthService, 'signIn' | 'verifyMfaFor' | 'registerFor'>;
  /** The mail flows, when mail can go out: forgot / reset password and the verify-email page need them. */
  accounts: AccountService | undefined;
  passkeys: PasskeyService | undefined;
  federation: FederationService;
  /** PUBLIC_URL: where a provider sign-in comes back to. */
  publicUrl: string | undefined;
}

export function pageRoutes(app: FastifyInstance, parts: PageParts): void {
  const kit: PageKit = { theme: parts.theme, csrfKey: parts.csrfKey, secure: parts.secure, browserSessions: parts.browserSessions };
  app.decorate('pageKit', kit);
  const hide = { schema: { hide: true } };
  const css = stylesheet(parts.theme);
  app.get(STYLESHEET_PATH, hide, async (_request, reply) => reply
    .header('content-type', 'text/css; charset=utf-8').header('cache-control', 'no-cache').send(css));

  signInRoutes(app, parts.auth, { passkeys: parts.passkeys !== undefined, forgot: parts.accounts !== undefined, providers: parts.federation.providers });
  accountPageRoutes(app, parts.auth, parts.accounts);
  passkeyScriptRoute(app);
  passkeyPageRoutes(app, parts.passkeys);
  providerPageRoutes(app, parts.federation, parts.publicUrl);

  app.get('/signed-in', hide, async (request, reply) => {
    const lang = langOf(request);
    if (!(await kit.browserSessions.read(request))) return reply.redirect('/signin', 303);
    return sendPage(reply, {
      lang, title: t(lang, 'signedIn.title'),
      body: html`<p>${t(lang, 'signedIn.body')}</p>
<form method="post" action="/signed-out">
<input type="hidden" name="csrf" value="${issueCsrf(request, reply)}">
<button type="submit">${t(lang, 'signedIn.signOut')}</button>
</form>`,
    });
  });

  const signedOut = (request: Parameters<typeof langOf>[0], reply: Parameters<typeof sendPage>[0]) => {
    const lang = langOf(request);
    return sendPage(reply, { lang, title: t(lang, 'signedOut.title'), body: html`<p>${t(lang, 'signedOut.body')}</p>
<p><a href="/signin">${t(lang, 'signedOut.again')}</a></p>` });
  };
  app.get('/signed-out', hide, async (request, reply) => signedOut(request, reply));
  // the signed-in page's "Sign out": ends the session behind the cookie, as a logout does
  app.post('/signed-out', { schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] } }, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    await kit.browserSessions.end(request, reply);
    return signedOut(request, reply);
  });
}
