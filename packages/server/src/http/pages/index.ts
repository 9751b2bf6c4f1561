// The page kit (docs/architecture.md, "Pages"): what a page of Gatehouse is made with. The pages
// themselves (sign in, register, …) are in pages.ts; the OpenID Connect flow and the admin console
// build theirs from these.
export { html, raw, escapeHtml, Html, type HtmlValue } from './html.js';
export { pickLang, t, LANGUAGES, type Lang, type MessageKey } from './i18n.js';
export { sendPage, type Page } from './layout.js';
export { issueCsrf, checkCsrf } from './csrf.js';
export { renderConsent, renderConsentOver, type ConsentView } from './consent.js';
export { renderError } from './error-page.js';
export { createBrowserSessions, type BrowserSession, type BrowserSessions } from './browser-session.js';
export { CONTINUE_MAX, CONTINUE_PATTERN, continueOf, continueTarget, isReturnPath } from './continuation.js';
/** The app's page kit (theme, CSRF key, the browser sessions): pageKitOf(app).browserSessions.read(request). */
export { pageKitOf, type PageKit } from './context.js';
