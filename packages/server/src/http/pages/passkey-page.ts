// Signing in with a passkey from a page (docs/architecture.md, "Pages"): GET /signin/passkey shows
// a form; its one script (/pages/passkey.js, served from here under the pages' CSP) asks
// POST /auth/passkey/options, calls navigator.credentials.get, and submits the assertion as a form
// field to POST /signin/passkey, which verifies it through the same use case as
// POST /auth/passkey/verify and sets the browser session. Without JavaScript the page says so.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AuthError } from '../../core/errors.js';
import { START_BROWSER_SESSION } from '../../core/login/outcomes.js';
import type { PasskeyService } from '../../core/passkeys/passkey-service.js';
import { requestContext } from '../http.js';
import { CONTINUE_MAX, continueOf } from './continuation.js';
import { issueCsrf } from './csrf.js';
import { field, langOf, pageFailure, queryParam, refusedCsrf, uiLocalesOf, type PageFailure } from './form.js';
import { html } from './html.js';
import { t, type Lang } from './i18n.js';
import { PASSKEY_SCRIPT_PATH, sendPage } from './layout.js';
import { carriedQuery, signedIn } from './signin.js';

/** The script, run in the browser: plain ES2020, no import, no inline handler (the CSP forbids both). */
const PASSKEY_SCRIPT = `// Gatehouse: sign in with a passkey (docs/pages.md).
(() => {
  const form = document.getElementById('passkey-form');
  const status = document.getElementById('passkey-status');
  if (!form || !window.PublicKeyCredential) return;
  form.hidden = false;
  document.getElementById('passkey-noscript').hidden = true;
  const toBuffer = (text) => {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0)).buffer;
  };
  const toBase64Url = (buffer) => {
    let binary = '';
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  };
  form.addEventListener('submit', async (event) => {
    if (form.elements.response.value) return; // the second submit carries the assertion
    event.preventDefault();
    status.textContent = '';
    try {
      const login = form.elements.login.value.trim();
      const answer = await fetch('/auth/passkey/options', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login ? { username: login } : {}),
      });
      if (!answer.ok) throw new Error('options');
      const options = await answer.json();
      const credential = await navigator.credentials.get({ publicKey: {
        ...options, challenge: toBuffer(options.challenge),
        allowCredentials: (options.allowCredentials || []).map((d) => ({ ...d, id: toBuffer(d.id) })),
      } });
      const response = credential.response;
      form.elements.response.value = JSON.stringify({
        id: credential.id, rawId: toBase64Url(credential.rawId), type: 'public-key',
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: {
          clientDataJSON: toBase64Url(response.clientDataJSON), authenticatorData: toBase64Url(response.authenticatorData),
          signature: toBase64Url(response.signature), userHandle: response.userHandle ? toBase64Url(response.userHandle) : undefined,
        },
      });
      form.submit();
    } catch {
      status.textContent = form.dataset.failed;
    }
  });
})();
`;

const B64URL = /^[A-Za-z0-9_-]{1,4096}$/;

/** The posted assertion, checked for its shape (the verification checks everything else); validation_failed otherwise. */
function assertionOf(text: string): AuthenticationResponseJSON {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const object = value as Record<string, unknown> | undefined;
  const response = object?.response as Record<string, unknown> | undefined;
  const b64 = (item: unknown) => typeof item === 'string' && B64URL.test(item);
  if (!object || typeof object !== 'object' || !b64(object.id) || !b64(object.rawId) || object.type !== 'public-key'
    || !response || typeof response !== 'object' || !b64(response.clientDataJSON) || !b64(response.authenticatorData)
    || !b64(response.signature) || (response.userHandle !== undefined && !b64(response.userHandle))) {
    throw new AuthError('validation_failed', 'The passkey\'s answer is malformed.');
  }
  return {
    id: object.id as string, rawId: object.rawId as string, type: 'public-key', clientExtensionResults: {},
    response: {
      clientDataJSON: response.clientDataJSON as string, authenticatorData: response.authenticatorData as string,
      signature: response.signature as string, userHandle: response.userHandle as string | undefined,
    },
  };
}

export function passkeyScriptRoute(app: FastifyInstance): void {
  app.get(PASSKEY_SCRIPT_PATH, { schema: { hide: true } }, async (_request, reply) => reply
    .header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(PASSKEY_SCRIPT));
}

export function passkeyPageRoutes(app: FastifyInstance, passkeys: PasskeyService | undefined): void {
  function passkeyPage(request: FastifyRequest, reply: FastifyReply, view: { lang: Lang; next?: string; failure?: PageFailure }) {
    const { lang, next } = view;
    if (!passkeys) {
      return sendPage(reply, { status: 404, lang, title: t(lang, 'passkey.title'), body: html`<p class="error" role="alert">${t(lang, 'passkey.off')}</p>
<p><a href="/signin${carriedQuery(request, next)}">${t(lang, 'error.back')}</a></p>` });
    }
    const uiLocales = uiLocalesOf(request);
    const body = html`${view.failure ? html`<p class="error" role="alert">${view.failure.message}</p>` : ''}
<p id="passkey-noscript">${t(lang, 'passkey.noscript')}</p>
<form id="passkey-form" method="post" action="/signin/passkey" data-failed="${t(lang, 'passkey.failed')}" hidden>
<p>${t(lang, 'passkey.intro')}</p>
<input type="hidden" name="csrf" value="${issueCsrf(request, reply)}">
${next ? html`<input type="hidden" name="continue" value="${next}">` : ''}
${uiLocales ? html`<input type="hidden" name="ui_locales" value="${uiLocales}">` : ''}
<input type="hidden" name="response" value="">
<label for="login">${t(lang, 'passkey.login')}</label>
<input id="login" name="login" autocomplete="username webauthn" maxlength="254">
<button type="submit">${t(lang, 'passkey.submit')}</button>
<p id="passkey-status" role="status"></p>
</form>
<p><a href="/signin${carriedQuery(request, next)}">${t(lang, 'signin.title')}</a></p>
<script src="${PASSKEY_SCRIPT_PATH}" defer></script>`;
    return sendPage(reply, { status: view.failure?.status, lang, title: t(lang, 'passkey.title'), body });
  }

  app.get('/signin/passkey', { schema: { hide: true } }, async (request, reply) =>
    passkeyPage(request, reply, { lang: langOf(request), next: continueOf(queryParam(request, 'continue', CONTINUE_MAX)) }));

  app.post('/signin/passkey', { schema: { hide: true, consumes: ['application/x-www-form-urlencoded'] } }, async (request, reply) => {
    if (refusedCsrf(request, reply)) return reply;
    const lang = langOf(request);
    const next = continueOf(field(request, 'continue', CONTINUE_MAX));
    if (!passkeys) return passkeyPage(request, reply, { lang, next });
    try {
      const started = await passkeys.loginFor({ response: assertionOf(field(request, 'response', 16_384)) }, requestContext(request), START_BROWSER_SESSION);
      return await signedIn(request, reply, started, next);
    } catch (error) {
      const failure = pageFailure(error, lang, reply);
      return passkeyPage(request, reply, { lang, next, failure: failure.code === 'rate_limited' ? failure : { ...failure, message: t(lang, 'passkey.failed') } });
    }
  });
}
