// The pages' one layout (docs/architecture.md, "Pages"): <html lang>, a skip link, the theme's
// header (logo, product name) and the page's body in <main>; served with a strict CSP (scripts
// and styles from Gatehouse's origin only, no inline script, no framing), helmet's document
// headers and Cache-Control: no-store.
import type { FastifyReply } from 'fastify';
import type { PageSettings } from '../../config/page-settings.js';
import { documentHeaders } from '../security.js';
import { pageKitOf } from './context.js';
import { html, type Html } from './html.js';
import { t, type Lang } from './i18n.js';

export interface Page {
  status?: number;
  lang: Lang;
  title: string;
  body: Html;
  /** The wide layout (the console's tables): the header and main column take up to 72rem instead of 28rem. */
  wide?: boolean;
}

/** Where the stylesheet and the passkey script are served (http/pages/pages.ts). */
export const STYLESHEET_PATH = '/pages/style.css';
export const PASSKEY_SCRIPT_PATH = '/pages/passkey.js';

/**
 * No inline script or style; images from here and the logo's origin. No form-action: Chromium
 * applies it to the redirects after a form's POST, and a sign-in or a consent ends in a redirect
 * to the relying party's origin.
 */
export function pageCsp(theme: Pick<PageSettings, 'logoUrl'>): string {
  const logoOrigin = theme.logoUrl?.startsWith('https:') ? ` ${new URL(theme.logoUrl).origin}` : '';
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'" + logoOrigin
    + "; connect-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";
}

const DOCUMENT_HEADERS = documentHeaders();

export function sendPage(reply: FastifyReply, page: Page): FastifyReply {
  const { theme } = pageKitOf(reply.server);
  const document = html`<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${theme.productName}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body${page.wide ? html` class="wide"` : ''}>
<a class="skip" href="#main">${t(page.lang, 'layout.skip')}</a>
<header class="brand">${theme.logoUrl ? html`<img src="${theme.logoUrl}" alt="" class="logo">` : ''}<span class="product">${theme.productName}</span></header>
<main id="main">
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>
`;
  return reply
    .status(page.status ?? 200)
    .headers(DOCUMENT_HEADERS)
    .header('content-security-policy', pageCsp(theme))
    .header('cache-control', 'no-store')
    .header('content-type', 'text/html; charset=utf-8')
    .send(document.text);
}

/** The stylesheet: the theme's colours as CSS variables, then the kit's rules, which use only them. */
export function stylesheet(theme: Pick<PageSettings, 'colors'>): string {
  const { primary, background, text } = theme.colors;
  return `:root { --gh-primary: ${primary}; --gh-background: ${background}; --gh-text: ${text}; --gh-error: #b91c1c; --gh-border: #6b7280; }
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: var(--gh-background); color: var(--gh-text); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--gh-background); padding: .5rem; }
.brand { display: flex; align-items: center; gap: .75rem; max-width: 28rem; margin: 2rem auto 0; padding: 0 1rem; font-weight: 600; font-size: 1.1rem; }
.logo { height: 2rem; width: auto; }
main { max-width: 28rem; margin: 1rem auto 2rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
form { margin: 0 0 1rem; }
label { display: block; margin: .75rem 0 .25rem; font-weight: 500; }
input, select { display: block; width: 100%; padding: .5rem; font: inherit; color: var(--gh-text); background: var(--gh-background); border: 1px solid var(--gh-border); border-radius: 4px; }
.hint { margin: .25rem 0 0; font-size: .9rem; }
button, .button { display: inline-block; margin-top: 1rem; padding: .55rem 1.2rem; font: inherit; font-weight: 600; border-radius: 4px; border: 2px solid var(--gh-primary); background: var(--gh-primary); color: #fff; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: var(--gh-background); color: var(--gh-primary); }
a { color: var(--gh-primary); }
:focus-visible { outline: 3px solid var(--gh-primary); outline-offset: 2px; }
.error { color: var(--gh-error); border-left: 4px solid var(--gh-error); padding: .25rem .75rem; }
.notice { border-left: 4px solid var(--gh-primary); padding: .25rem .75rem; }
.links { list-style: none; padding: 0; }
.links li { margin: .5rem 0; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; }
.wide .brand, .wide main { max-width: 72rem; }
.wide nav > .links { display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
.wide form input, .wide form select, .wide form textarea, .wide .narrow { max-width: 28rem; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--gh-border); overflow-wrap: anywhere; }
td form, td button { margin: 0; }
.table-scroll { overflow-x: auto; }
fieldset { border: 1px solid var(--gh-border); border-radius: 4px; margin: .75rem 0 0; padding: .25rem .75rem .5rem; }
legend { font-weight: 500; padding: 0 .25rem; }
label.check { display: flex; gap: .5rem; align-items: center; margin: .25rem 0; font-weight: 400; }
label.check input { display: inline-block; width: auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
}
