// The console's OpenID Connect clients (docs/console.md, "Clients"): the list, a client's page,
// registering one, editing its redirect URIs, a new secret (shown once) and deletion, each through
// the client registry the admin API calls (/admin/clients) and after the change gate. Clients
// declared in OIDC_CLIENTS are shown but change only in the settings.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { authErrorOf, type AuthError } from '../../core/errors.js';
import { CLIENT_ID_PATTERN } from '../../core/oidc/client-metadata.js';
import type { ClientRegistry, RegisteredClient } from '../../core/oidc/client-registry.js';
import { field, queryParam } from '../pages/form.js';
import { html, issueCsrf, t, type Html, type Lang, type MessageKey } from '../pages/index.js';
import { consoleAdmin, consoleChangeRoute, type ConsoleAdmin } from './access.js';
import { consoleFailure, createChangeGate } from './change-gate.js';
import type { ConsoleParts } from './parts.js';
import { sendConsoleNotFound, sendConsolePage, when } from './view.js';

const CLIENT_ID = new RegExp(CLIENT_ID_PATTERN);
const CHANGES = { register: false, redirects: false, rotate: true, delete: true } as const;
type ClientChange = keyof typeof CHANGES;
const LABELS = {
  register: 'console.clients.register', redirects: 'console.clients.redirects_save', rotate: 'console.clients.rotate', delete: 'console.clients.delete',
} as const satisfies Record<ClientChange, MessageKey>;
const isChange = (name: string): name is ClientChange => Object.hasOwn(CHANGES, name);

export const clientPath = (id: string): string => `/admin/console/clients/${encodeURIComponent(id)}`;
const changePath = (change: ClientChange) => `/admin/console/clients/changes/${change}`;
const lines = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

function changeForm(lang: Lang, csrf: string, change: ClientChange, clientId: string, extra?: Html): Html {
  return html`<form method="post" action="${changePath(change)}">
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="client" value="${clientId}">
${extra ?? ''}<button type="submit"${CHANGES[change] ? html` class="secondary"` : ''}>${t(lang, LABELS[change])}</button>
</form>`;
}

/** The page that shows a new secret, once. */
function secretPage(reply: FastifyReply, lang: Lang, client: RegisteredClient, secret: string | undefined): FastifyReply {
  return sendConsolePage(reply, { lang, section: 'clients', title: client.clientName || client.clientId, body: html`
<p class="notice" role="status">${t(lang, secret ? 'console.clients.secretOnce' : 'console.clients.registered')}</p>
<dl><dt>client_id</dt><dd><code>${client.clientId}</code></dd>
${secret ? html`<dt>client_secret</dt><dd><code>${secret}</code></dd>` : ''}</dl>
<p><a href="${clientPath(client.clientId)}">${t(lang, 'console.clients.open')}</a></p>` });
}

export function consoleClientRoutes(app: FastifyInstance, parts: ConsoleParts & { clients: ClientRegistry }): void {
  const { admin, clients } = parts;
  const hide = { schema: { hide: true } };
  const passGate = createChangeGate(app, parts.auth);

  app.get('/admin/console/clients', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const all = await clients.list();
    return sendConsolePage(reply, { lang, section: 'clients', title: t(lang, 'console.clients.title'), body: html`
${all.length === 0 ? html`<p>${t(lang, 'console.none')}</p>` : html`<table><caption>${t(lang, 'console.clients.title')}</caption>
<thead><tr><th scope="col">client_id</th><th scope="col">${t(lang, 'console.clients.name')}</th><th scope="col">${t(lang, 'console.clients.source')}</th></tr></thead>
<tbody>${all.map((c) => html`<tr><td><a href="${clientPath(c.clientId)}">${c.clientId}</a></td><td>${c.clientName}</td><td>${c.source}</td></tr>`)}</tbody></table>`}
<h2>${t(lang, 'console.clients.register')}</h2>
<form method="post" action="${changePath('register')}">
<input type="hidden" name="csrf" value="${issueCsrf(request, reply)}">
<label for="client_name">${t(lang, 'console.clients.name')}</label><input id="client_name" name="client_name" maxlength="255" required>
<label for="redirect_uris">${t(lang, 'console.clients.redirects')}</label>
<textarea id="redirect_uris" name="redirect_uris" rows="3" aria-describedby="redirects-hint"></textarea>
<p class="hint" id="redirects-hint">${t(lang, 'console.clients.redirectsHint')}</p>
<label for="method">${t(lang, 'console.clients.method')}</label>
<select id="method" name="token_endpoint_auth_method"><option>client_secret_basic</option><option>client_secret_post</option><option>none</option></select>
<button type="submit">${t(lang, 'console.clients.register')}</button>
</form>` });
  });

  app.get<{ Params: { client_id: string } }>('/admin/console/clients/:client_id', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const client = CLIENT_ID.test(request.params.client_id) ? await clients.find(request.params.client_id).catch(() => null) : null;
    if (!client) return sendConsoleNotFound(reply, lang, 'clients');
    const csrf = issueCsrf(request, reply);
    const done = queryParam(request, 'done', 16);
    const stored = client.source === 'database';
    return sendConsolePage(reply, { lang, section: 'clients', title: client.clientName || client.clientId, body: html`
${isChange(done) ? html`<p class="notice" role="status">${t(lang, 'console.clients.saved')}</p>` : ''}
<dl>
<dt>client_id</dt><dd><code>${client.clientId}</code></dd>
<dt>${t(lang, 'console.clients.source')}</dt><dd>${client.source}</dd>
<dt>${t(lang, 'console.clients.method')}</dt><dd>${client.tokenEndpointAuthMethod}</dd>
<dt>grant_types</dt><dd>${client.grantTypes.join(' ')}</dd>
<dt>scope</dt><dd>${client.scope}</dd>
<dt>${t(lang, 'console.clients.redirects')}</dt><dd>${client.redirectUris.length ? html`<ul>${client.redirectUris.map((uri) => html`<li><code>${uri}</code></li>`)}</ul>` : '–'}</dd>
<dt>${t(lang, 'console.user.created')}</dt><dd>${when(client.createdAt)}</dd>
</dl>
${stored ? html`${changeForm(lang, csrf, 'redirects', client.clientId, html`<label for="redirect_uris">${t(lang, 'console.clients.redirects')}</label>
<textarea id="redirect_uris" name="redirect_uris" rows="4" aria-describedby="redirects-hint">${client.redirectUris.join('\n')}</textarea>
<p class="hint" id="redirects-hint">${t(lang, 'console.clients.redirectsHint')}</p>`)}
<div class="actions">${client.confidential ? changeForm(lang, csrf, 'rotate', client.clientId) : ''}${changeForm(lang, csrf, 'delete', client.clientId)}</div>`
    : html`<p>${t(lang, 'console.error.clientDeclared')}</p>`}` });
  });

  consoleChangeRoute<{ change: string }>(app, '/admin/console/clients/changes/:change', admin.getUser, async (request, reply, signedIn) => {
    const { lang } = signedIn;
    const { change } = request.params;
    const clientId = field(request, 'client', 128);
    const client = isChange(change) && change !== 'register' && CLIENT_ID.test(clientId) ? await clients.find(clientId).catch(() => null) : null;
    if (!isChange(change) || (change !== 'register' && !client)) {
      return sendConsoleNotFound(reply, lang, 'clients');
    }
    const carried: Record<string, string> = change === 'register'
      ? { client_name: field(request, 'client_name', 255), redirect_uris: field(request, 'redirect_uris', 20_000), token_endpoint_auth_method: field(request, 'token_endpoint_auth_method', 32) }
      : { client: clientId, ...(change === 'redirects' ? { redirect_uris: field(request, 'redirect_uris', 20_000) } : {}) };
    const name = client?.clientName || clientId || carried.client_name || '';
    const me = await passGate(request, reply, signedIn, {
      section: 'clients', path: changePath(change), cancelHref: client ? clientPath(client.clientId) : '/admin/console/clients',
      question: t(lang, `console.clients.confirm.${change}`, { client: name }), submitLabel: t(lang, LABELS[change]),
      destructive: CHANGES[change], carried, typed: change === 'delete' ? clientId : undefined,
    });
    if (!me) return reply;
    return runChange(reply, me, change, clients, carried).catch((error: unknown) => {
      if (!authErrorOf(error)) throw error;
      const failure = consoleFailure(error as AuthError, lang, reply);
      return sendConsolePage(reply, { status: failure.status, lang, section: 'clients', title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${failure.message}</p>
<p class="hint">${failure.code}</p><p><a href="/admin/console/clients">${t(lang, 'console.clients.back')}</a></p>` });
    });
  });
}

async function runChange(reply: FastifyReply, me: ConsoleAdmin, change: ClientChange, clients: ClientRegistry, carried: Record<string, string>) {
  const { lang, actor } = me;
  const clientId = carried.client ?? '';
  switch (change) {
    case 'register': {
      const { client, secret } = await clients.register({
        client_name: carried.client_name, redirect_uris: lines(carried.redirect_uris ?? ''), token_endpoint_auth_method: carried.token_endpoint_auth_method || undefined,
      }, actor);
      return secretPage(reply, lang, client, secret);
    }
    case 'rotate': {
      const secret = await clients.rotateSecret(clientId, actor);
      return secretPage(reply, lang, await clients.find(clientId), secret);
    }
    case 'redirects':
      await clients.update(clientId, { redirect_uris: lines(carried.redirect_uris ?? '') }, actor);
      return reply.redirect(`${clientPath(clientId)}?done=redirects`, 303);
    case 'delete':
      await clients.remove(clientId, actor);
      return reply.redirect('/admin/console/clients', 303);
  }
}
