// The console's frame on the page kit (docs/console.md): the kit's layout with the console's
// navigation (Overview, Users, Audit, Clients, Webhooks) above each page's body, and the small pieces its pages share.
import type { FastifyReply } from 'fastify';
import { html, sendPage, t, type Html, type Lang, type MessageKey } from '../pages/index.js';

export type Section = 'overview' | 'users' | 'audit' | 'clients' | 'webhooks';

const NAV: ReadonlyArray<{ section: Section; href: string; label: MessageKey }> = [
  { section: 'overview', href: '/admin', label: 'console.nav.overview' },
  { section: 'users', href: '/admin/console/users', label: 'console.nav.users' },
  { section: 'audit', href: '/admin/console/audit', label: 'console.nav.audit' },
  { section: 'clients', href: '/admin/console/clients', label: 'console.nav.clients' },
  { section: 'webhooks', href: '/admin/console/webhooks', label: 'console.nav.webhooks' },
];

export interface ConsolePage {
  lang: Lang;
  section: Section;
  title: string;
  body: Html;
  status?: number;
}

export function sendConsolePage(reply: FastifyReply, page: ConsolePage): FastifyReply {
  const nav = html`<nav aria-label="${t(page.lang, 'console.nav.label')}"><ul class="links">${NAV.map((item) => html`<li><a href="${item.href}"${
    item.section === page.section ? html` aria-current="page"` : ''}>${t(page.lang, item.label)}</a></li>`)}</ul></nav>`;
  return sendPage(reply, { status: page.status, lang: page.lang, title: page.title, body: html`${nav}\n${page.body}`, wide: true });
}

/** The console's "not found" page, in the section the missing thing belongs to. */
export function sendConsoleNotFound(reply: FastifyReply, lang: Lang, section: Section): FastifyReply {
  return sendConsolePage(reply, { status: 404, lang, section, title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${t(lang, 'error.notFound')}</p>` });
}

/** A time as the console shows it: UTC, to the minute, in a <time> element. */
export function when(date: Date | string | null): Html {
  if (date === null) return html`–`;
  const iso = typeof date === 'string' ? date : date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** A notice after a change (?done=<action>), shown as a status message. */
export function notice(text: string | undefined): Html {
  return text ? html`<p class="notice" role="status">${text}</p>` : html``;
}
