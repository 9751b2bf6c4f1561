// The one error page (docs/architecture.md, "Pages"): a message, and a way back to signing in.
import { html, type Html } from './html.js';
import { t, type Lang } from './i18n.js';

/**
 * The error page's body; sendPage it with the status and t(lang, 'error.title'). `message` is
 * text, escaped; `code`, when given, is the stable error code (docs/api.md), shown for support.
 */
export function renderError({ lang, message, code }: { lang: Lang; message: string; code?: string }): Html {
  return html`<p class="error" role="alert">${message}</p>
${code ? html`<p class="hint">${code}</p>` : ''}
<p><a href="/signin">${t(lang, 'error.back')}</a></p>`;
}
