// The consent form (docs/architecture.md, "Pages"): the client's name, what it asks, Allow and
// Deny. It POSTs to /oauth/authorize/consent with `request`, `csrf` and `decision` (and the
// `client_id` and `ui_locales` it came with); the OpenID Connect flow renders and handles it. Once
// answered or expired, the same address shows renderConsentOver: no error, a way back.
import { html, type Html } from './html.js';
import { t, type Lang, type MessageKey } from './i18n.js';

export interface ConsentView {
  lang: Lang;
  clientName: string;
  scopes: readonly string[];
  /** The stored authorize request's id. */
  request: string;
  clientId: string;
  uiLocales?: string;
  csrf: string;
}

/** Scopes with a sentence of their own; any other is shown by its name. */
const SCOPE_MESSAGES: Readonly<Record<string, MessageKey>> = {
  openid: 'scope.openid', profile: 'scope.profile', email: 'scope.email', offline_access: 'scope.offline_access',
};

export function renderConsent({ lang, clientName, scopes, request, clientId, uiLocales, csrf }: ConsentView): Html {
  const said = (scope: string) => (Object.hasOwn(SCOPE_MESSAGES, scope) ? t(lang, SCOPE_MESSAGES[scope]!) : scope);
  return html`<p>${t(lang, 'consent.intro', { client: clientName })}</p>
<ul>${scopes.map((scope) => html`<li>${said(scope)}</li>`)}</ul>
<form method="post" action="/oauth/authorize/consent">
<input type="hidden" name="request" value="${request}">
<input type="hidden" name="client_id" value="${clientId}">
${uiLocales === undefined ? '' : html`<input type="hidden" name="ui_locales" value="${uiLocales}">`}
<input type="hidden" name="csrf" value="${csrf}">
<div class="actions">
<button type="submit" name="decision" value="allow">${t(lang, 'consent.allow')}</button>
<button type="submit" name="decision" value="deny" class="secondary">${t(lang, 'consent.deny')}</button>
</div>
</form>`;
}

/**
 * A consent request already answered (Allow, Deny, the form sent twice), spent by an earlier view,
 * or expired: say so, and offer the app (`app`: its name and the origin of its registered redirect
 * URI, never an address from the request) and the person's account.
 */
export function renderConsentOver({ lang, app }: { lang: Lang; app?: { name: string; url: string } }): Html {
  return html`<p>${t(lang, 'consentOver.body')}</p>
<ul class="links">
${app ? html`<li><a href="${app.url}">${t(lang, 'consentOver.app', { client: app.name })}</a></li>` : ''}
<li><a href="/signed-in">${t(lang, 'consentOver.account')}</a></li>
</ul>`;
}
