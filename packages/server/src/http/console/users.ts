// The console's user pages (docs/console.md, "Users"): a search by the start of a username or
// email over the admin API's keyset listing, and a user's page (profile, factors, passkeys,
// identities, sessions, recent audit events) with the action buttons of actions.ts.
import type { FastifyInstance } from 'fastify';
import type { UserRecord } from '../../storage/types/stores.js';
import { USER_ID_PATTERN } from '../admin-request.js';
import { queryParam } from '../pages/form.js';
import { html, issueCsrf, t, type Html, type Lang } from '../pages/index.js';
import { consoleAdmin } from './access.js';
import { actionForm, doneNotice } from './action-forms.js';
import { auditTable } from './audit.js';
import type { ConsoleParts } from './parts.js';
import { sendConsolePage, when } from './view.js';

const PAGE_SIZE = 25;
const ID = new RegExp(USER_ID_PATTERN);

export const userPath = (id: string): string => `/admin/console/users/${encodeURIComponent(id)}`;

function statusOf(lang: Lang, user: UserRecord): string {
  return t(lang, user.disabled ? 'console.user.disabled' : 'console.user.enabled');
}

export function consoleUserRoutes(app: FastifyInstance, parts: ConsoleParts): void {
  const { admin } = parts;
  const hide = { schema: { hide: true } };

  app.get('/admin/console/users', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const q = queryParam(request, 'q', 254).trim();
    const afterText = queryParam(request, 'after', 64);
    const after = ID.test(afterText) ? afterText : undefined;
    const page = await admin.listUsers({ query: q || undefined, limit: PAGE_SIZE, after });
    const next = page.nextCursor && `/admin/console/users?${new URLSearchParams({ ...(q ? { q } : {}), after: page.nextCursor })}`;
    return sendConsolePage(reply, { lang, section: 'users', title: t(lang, 'console.users.title'), body: html`
<form method="get" action="/admin/console/users" role="search">
<label for="q">${t(lang, 'console.users.search')}</label>
<input id="q" name="q" type="search" value="${q}" maxlength="254" autocomplete="off">
<p class="hint">${t(lang, 'console.users.searchHint')}</p>
<button type="submit">${t(lang, 'console.users.find')}</button>
</form>
${page.users.length === 0 ? html`<p>${t(lang, 'console.users.none')}</p>` : html`<table>
<caption>${t(lang, 'console.users.title')}</caption>
<thead><tr><th scope="col">${t(lang, 'console.user.username')}</th><th scope="col">${t(lang, 'console.user.email')}</th><th scope="col">${t(lang, 'console.user.role')}</th><th scope="col">${t(lang, 'console.user.status')}</th></tr></thead>
<tbody>${page.users.map((user) => html`<tr><td><a href="${userPath(user.id)}">${user.username}</a></td><td>${user.email}</td><td>${user.role}</td><td>${statusOf(lang, user)}</td></tr>`)}</tbody>
</table>`}
${next ? html`<p><a href="${next}">${t(lang, 'console.users.next')}</a></p>` : ''}` });
  });

  app.get<{ Params: { id: string } }>('/admin/console/users/:id', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const user = ID.test(request.params.id) ? await admin.getUser(request.params.id).catch(() => null) : null;
    if (!user) return sendConsolePage(reply, { status: 404, lang, section: 'users', title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${t(lang, 'console.user.notFound')}</p>` });
    const [about, events] = await Promise.all([
      parts.describeUser(user),
      parts.auditReader?.activity(user.id, { limit: 20 }),
    ]);
    const csrf = issueCsrf(request, reply);
    const form = (action: Parameters<typeof actionForm>[0]['action'], extra?: Html) => actionForm({ lang, csrf, userId: user.id, action, extra });
    const factors = about.second_factors;
    return sendConsolePage(reply, { lang, section: 'users', title: user.username, body: html`
${doneNotice(lang, queryParam(request, 'done', 32))}
<h2>${t(lang, 'console.user.profile')}</h2>
<dl>
<dt>${t(lang, 'console.user.username')}</dt><dd>${user.username}</dd>
<dt>${t(lang, 'console.user.fullName')}</dt><dd>${user.fullName ?? '–'}</dd>
<dt>${t(lang, 'console.user.email')}</dt><dd>${user.email} (${t(lang, user.emailVerified ? 'console.user.verified' : 'console.user.unverified')})</dd>
<dt>${t(lang, 'console.user.role')}</dt><dd>${user.role}</dd>
<dt>${t(lang, 'console.user.status')}</dt><dd>${statusOf(lang, user)}</dd>
<dt>${t(lang, 'console.user.created')}</dt><dd>${when(user.createdAt)}</dd>
</dl>
<h2>${t(lang, 'console.user.factors')}</h2>
<p>${factors.totp?.confirmed ? t(lang, 'console.user.totpOn', { count: String(factors.recovery_codes_remaining) }) : t(lang, 'console.user.totpOff')}</p>
<h2>${t(lang, 'console.user.passkeys')}</h2>
${about.passkeys.length === 0 ? html`<p>${t(lang, 'console.none')}</p>` : html`<ul>${about.passkeys.map((key) => html`<li>${key.name} · ${when(key.created_at)}</li>`)}</ul>`}
<h2>${t(lang, 'console.user.identities')}</h2>
${about.identities.length === 0 ? html`<p>${t(lang, 'console.none')}</p>` : html`<ul>${about.identities.map((id) => html`<li>${id.provider} · ${id.email ?? '–'} · ${when(id.last_used_at)}</li>`)}</ul>`}
<h2>${t(lang, 'console.user.sessions')}</h2>
${about.sessions.length === 0 ? html`<p>${t(lang, 'console.none')}</p>` : html`<ul class="links">${about.sessions.map((session) => html`<li>
<span>${session.user_agent ?? '–'}</span> · <span>${session.ip ?? '–'}</span> · <span>${t(lang, 'console.session.lastUsed')} ${when(session.last_used_at)}</span>
${form('end-session', html`<input type="hidden" name="session" value="${session.id}">`)}
</li>`)}</ul>`}
<h2>${t(lang, 'console.user.actions')}</h2>
<div class="actions">
${form('end-sessions')}
${form(user.disabled ? 'enable' : 'disable')}
${form('reset-factors')}
${parts.accounts ? form('send-reset') : ''}
${user.emailVerified ? '' : [parts.accounts ? form('send-verification') : '', form('verify-email')]}
</div>
${form('role', html`<label for="role">${t(lang, 'console.user.role')}</label><select id="role" name="role">${parts.roles.map((role) => html`<option${role === user.role ? html` selected` : ''}>${role}</option>`)}</select>`)}
${form('delete')}
${events ? html`<h2>${t(lang, 'console.user.events')}</h2>${auditTable(lang, events.events)}` : ''}` });
  });
}
