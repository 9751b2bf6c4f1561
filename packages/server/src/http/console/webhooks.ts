// The console's webhook endpoints (docs/console.md, "Webhooks"): the list, a form to register one,
// an endpoint's page with its delivery log (newest first, keyset pages) and a redelivery of a
// failed delivery, turning it off or on, a new signing secret (shown once) and deletion. Each
// change calls the webhook use cases /admin/webhooks calls (core/webhooks), after the change gate
// (change-gate.ts: confirmation, recent sign-in).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, authErrorOf } from '../../core/errors.js';
import type { WebhookAdmin } from '../../core/webhooks/webhook-admin.js';
import type { WebhookDeliveryLog } from '../../core/webhooks/webhook-deliveries.js';
import { WEBHOOK_EVENT_TYPES } from '../../core/webhooks/webhook-events.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../storage/types/webhooks.js';
import { USER_ID_PATTERN } from '../admin-request.js';
import { ID_PATTERN } from '../schemas.js';
import { field, queryParam } from '../pages/form.js';
import { html, issueCsrf, t, type Html, type Lang, type MessageKey } from '../pages/index.js';
import { consoleAdmin, consoleChangeRoute, type ConsoleAdmin } from './access.js';
import { consoleFailure, createChangeGate } from './change-gate.js';
import type { ConsoleParts } from './parts.js';
import { sendConsoleNotFound, sendConsolePage, when } from './view.js';

const PAGE_SIZE = 25;
const ENDPOINT_ID = new RegExp(USER_ID_PATTERN);
const DELIVERY_ID = new RegExp(ID_PATTERN);
/** Which changes destroy something, and so are confirmed first. */
const CHANGES = { create: false, enable: false, redeliver: false, disable: true, rotate: true, delete: true } as const;
type WebhookChange = keyof typeof CHANGES;
const isChange = (name: string): name is WebhookChange => Object.hasOwn(CHANGES, name);
const LABELS = {
  create: 'console.webhooks.create', enable: 'console.webhooks.enable', redeliver: 'console.webhooks.redeliver',
  disable: 'console.webhooks.disable', rotate: 'console.webhooks.rotate', delete: 'console.webhooks.delete',
} as const satisfies Record<WebhookChange, MessageKey>;

export interface ConsoleWebhooks {
  admin: WebhookAdmin;
  deliveries: WebhookDeliveryLog;
}

export const webhookPath = (id: string): string => `/admin/console/webhooks/${encodeURIComponent(id)}`;
const changePath = (change: WebhookChange) => `/admin/console/webhooks/changes/${change}`;

/** The events of the register form: checkboxes (several values) on the first post, one comma-separated field after a confirmation. */
function eventsOf(request: FastifyRequest): string[] {
  const value = (request.body as Record<string, unknown> | null | undefined)?.events;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string' && item.length <= 1024)
    .flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean).slice(0, 32);
}

function changeForm(lang: Lang, csrf: string, change: WebhookChange, endpointId: string, extra?: Html): Html {
  return html`<form method="post" action="${changePath(change)}">
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="endpoint" value="${endpointId}">
${extra ?? ''}<button type="submit"${CHANGES[change] ? html` class="secondary"` : ''}>${t(lang, LABELS[change])}</button>
</form>`;
}

const statusOf = (lang: Lang, endpoint: WebhookEndpoint) => t(lang, endpoint.disabled ? 'console.webhooks.off' : 'console.webhooks.on');

/** The page that shows a signing secret, once. */
function secretPage(reply: FastifyReply, lang: Lang, endpoint: WebhookEndpoint, secret: string): FastifyReply {
  // sendPage answers Cache-Control: no-store
  return sendConsolePage(reply, { lang, section: 'webhooks', title: endpoint.url, body: html`
<p class="notice" role="status">${t(lang, 'console.webhooks.secretOnce')}</p>
<dl><dt>${t(lang, 'console.webhooks.secret')}</dt><dd><code>${secret}</code></dd>
${endpoint.previousSecretUntil ? html`<dt>${t(lang, 'console.webhooks.previousUntil')}</dt><dd>${when(endpoint.previousSecretUntil)}</dd>` : ''}</dl>
<p><a href="${webhookPath(endpoint.id)}">${t(lang, 'console.webhooks.open')}</a></p>` });
}

function deliveryTable(lang: Lang, csrf: string, endpoint: WebhookEndpoint, deliveries: readonly WebhookDelivery[]): Html {
  if (deliveries.length === 0) return html`<p>${t(lang, 'console.webhooks.noDeliveries')}</p>`;
  return html`<div class="table-scroll"><table>
<caption>${t(lang, 'console.webhooks.deliveries')}</caption>
<thead><tr><th scope="col">${t(lang, 'console.audit.time')}</th><th scope="col">${t(lang, 'console.audit.type')}</th><th scope="col">${t(lang, 'console.webhooks.attempt')}</th><th scope="col">${t(lang, 'console.webhooks.status')}</th><th scope="col">${t(lang, 'console.webhooks.duration')}</th><th scope="col">${t(lang, 'console.webhooks.error')}</th><th scope="col"><span class="visually-hidden">${t(lang, 'console.webhooks.redeliver')}</span></th></tr></thead>
<tbody>${deliveries.map((d) => html`<tr><td>${when(d.attemptedAt)}</td><td>${d.eventType}</td><td>${d.attempt}</td><td>${d.statusCode ?? '–'}</td><td>${d.durationMs} ms</td><td>${d.errorClass ?? '–'}</td><td>${
    d.errorClass === null ? '' : changeForm(lang, csrf, 'redeliver', endpoint.id, html`<input type="hidden" name="delivery" value="${d.id}">`)}</td></tr>`)}</tbody>
</table></div>`;
}

export function consoleWebhookRoutes(app: FastifyInstance, parts: ConsoleParts & { webhooks: ConsoleWebhooks }): void {
  const { admin, webhooks } = parts;
  const hide = { schema: { hide: true } };
  const passGate = createChangeGate(app, parts.auth);

  app.get('/admin/console/webhooks', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const all = await webhooks.admin.list();
    return sendConsolePage(reply, { lang, section: 'webhooks', title: t(lang, 'console.webhooks.title'), body: html`
${all.length === 0 ? html`<p>${t(lang, 'console.none')}</p>` : html`<div class="table-scroll"><table><caption>${t(lang, 'console.webhooks.title')}</caption>
<thead><tr><th scope="col">URL</th><th scope="col">${t(lang, 'console.webhooks.description')}</th><th scope="col">${t(lang, 'console.webhooks.events')}</th><th scope="col">${t(lang, 'console.user.status')}</th><th scope="col">${t(lang, 'console.webhooks.failures')}</th><th scope="col">${t(lang, 'console.user.created')}</th></tr></thead>
<tbody>${all.map((e) => html`<tr><td><a href="${webhookPath(e.id)}">${e.url}</a></td><td>${e.description || '–'}</td><td>${e.events.join(', ')}</td><td>${statusOf(lang, e)}</td><td>${e.failures}</td><td>${when(e.createdAt)}</td></tr>`)}</tbody></table></div>`}
<h2>${t(lang, 'console.webhooks.create')}</h2>
<form method="post" action="${changePath('create')}" class="narrow">
<input type="hidden" name="csrf" value="${issueCsrf(request, reply)}">
<label for="url">URL</label><input id="url" name="url" type="url" maxlength="2048" required aria-describedby="url-hint">
<p class="hint" id="url-hint">${t(lang, 'console.webhooks.urlHint')}</p>
<label for="description">${t(lang, 'console.webhooks.description')}</label><input id="description" name="description" maxlength="255">
<fieldset><legend>${t(lang, 'console.webhooks.events')}</legend>
<label class="check"><input type="checkbox" name="events" value="*"> ${t(lang, 'console.webhooks.allEvents')}</label>
${WEBHOOK_EVENT_TYPES.map((type) => html`<label class="check"><input type="checkbox" name="events" value="${type}"> <code>${type}</code></label>`)}
</fieldset>
<button type="submit">${t(lang, 'console.webhooks.create')}</button>
</form>` });
  });

  app.get<{ Params: { id: string } }>('/admin/console/webhooks/:id', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const endpoint = ENDPOINT_ID.test(request.params.id) ? await webhooks.admin.get(request.params.id).catch(() => null) : null;
    if (!endpoint) return sendConsoleNotFound(reply, lang, 'webhooks');
    const afterText = queryParam(request, 'after', 64);
    const page = await webhooks.deliveries.list(endpoint.id, { limit: PAGE_SIZE, after: DELIVERY_ID.test(afterText) ? afterText : undefined });
    const csrf = issueCsrf(request, reply);
    const done = queryParam(request, 'done', 16);
    return sendConsolePage(reply, { lang, section: 'webhooks', title: endpoint.url, body: html`
${isChange(done) ? html`<p class="notice" role="status">${t(lang, `console.webhooks.done.${done}`)}</p>` : ''}
<dl>
<dt>id</dt><dd><code>${endpoint.id}</code></dd>
<dt>${t(lang, 'console.webhooks.description')}</dt><dd>${endpoint.description || '–'}</dd>
<dt>${t(lang, 'console.webhooks.events')}</dt><dd>${endpoint.events.join(', ')}</dd>
<dt>${t(lang, 'console.user.status')}</dt><dd>${statusOf(lang, endpoint)}</dd>
<dt>${t(lang, 'console.webhooks.failures')}</dt><dd>${endpoint.failures}</dd>
<dt>${t(lang, 'console.user.created')}</dt><dd>${when(endpoint.createdAt)}</dd>
${endpoint.previousSecretUntil ? html`<dt>${t(lang, 'console.webhooks.previousUntil')}</dt><dd>${when(endpoint.previousSecretUntil)}</dd>` : ''}
</dl>
<div class="actions">
${changeForm(lang, csrf, endpoint.disabled ? 'enable' : 'disable', endpoint.id)}
${changeForm(lang, csrf, 'rotate', endpoint.id)}
${changeForm(lang, csrf, 'delete', endpoint.id)}
</div>
<h2>${t(lang, 'console.webhooks.deliveries')}</h2>
${deliveryTable(lang, csrf, endpoint, page.deliveries)}
${page.nextCursor ? html`<p><a href="${`${webhookPath(endpoint.id)}?${new URLSearchParams({ after: page.nextCursor })}`}">${t(lang, 'console.webhooks.older')}</a></p>` : ''}` });
  });

  consoleChangeRoute<{ change: string }>(app, '/admin/console/webhooks/changes/:change', admin.getUser, async (request, reply, signedIn) => {
    const { lang } = signedIn;
    const { change } = request.params;
    const endpointId = field(request, 'endpoint', 64);
    const endpoint = isChange(change) && change !== 'create' && ENDPOINT_ID.test(endpointId) ? await webhooks.admin.get(endpointId).catch(() => null) : null;
    if (!isChange(change) || (change !== 'create' && !endpoint)) return sendConsoleNotFound(reply, lang, 'webhooks');
    const carried: Record<string, string> = change === 'create'
      ? { url: field(request, 'url', 2048), description: field(request, 'description', 255), events: eventsOf(request).join(',') }
      : { endpoint: endpointId, ...(change === 'redeliver' ? { delivery: field(request, 'delivery', 64) } : {}) };
    const name = endpoint?.url ?? carried.url ?? '';
    const me = await passGate(request, reply, signedIn, {
      section: 'webhooks', path: changePath(change), cancelHref: endpoint ? webhookPath(endpoint.id) : '/admin/console/webhooks',
      question: t(lang, `console.webhooks.confirm.${change}`, { endpoint: name }), submitLabel: t(lang, LABELS[change]),
      destructive: CHANGES[change], carried, typed: change === 'delete' ? endpoint?.url : undefined,
    });
    if (!me) return reply;
    return runChange(reply, me, change, webhooks, carried).catch((error: unknown) => {
      if (!authErrorOf(error)) throw error;
      const failure = consoleFailure(error, lang, reply);
      return sendConsolePage(reply, { status: failure.status, lang, section: 'webhooks', title: t(lang, 'error.title'), body: html`<p class="error" role="alert">${failure.message}</p>
<p class="hint">${failure.code}</p><p><a href="${endpoint ? webhookPath(endpoint.id) : '/admin/console/webhooks'}">${t(lang, 'console.webhooks.back')}</a></p>` });
    });
  });
}

async function runChange(reply: FastifyReply, me: ConsoleAdmin, change: WebhookChange, webhooks: ConsoleWebhooks, carried: Record<string, string>) {
  const { lang } = me;
  const id = carried.endpoint ?? '';
  const back = () => reply.redirect(`${webhookPath(id)}?done=${change}`, 303);
  switch (change) {
    case 'create': {
      const events = (carried.events ?? '').split(',').filter(Boolean);
      const { endpoint, secret } = await webhooks.admin.create({ url: carried.url ?? '', events, description: carried.description || undefined }, me.actor);
      return secretPage(reply, lang, endpoint, secret);
    }
    case 'rotate': {
      const { endpoint, secret } = await webhooks.admin.rotateSecret(id, me.actor);
      return secretPage(reply, lang, endpoint, secret);
    }
    case 'disable':
    case 'enable':
      await webhooks.admin.update(id, { enabled: change === 'enable' }, me.actor);
      return back();
    case 'redeliver': {
      const delivery = carried.delivery ?? '';
      if (!DELIVERY_ID.test(delivery)) throw new AuthError('webhook_delivery_not_found', 'No delivery with this id in this endpoint\'s log.');
      await webhooks.deliveries.redeliver(id, delivery);
      return back();
    }
    case 'delete':
      await webhooks.admin.remove(id, me.actor);
      return reply.redirect('/admin/console/webhooks', 303);
  }
}
