// The console's audit page (docs/console.md, "Audit"): the stored events newest first, filtered by
// user, type, actor, address and time range as GET /admin/audit filters them, a page at a time,
// and the same filters exported as JSON lines (one AuditEvent of docs/api.md per line).
import type { FastifyInstance } from 'fastify';
import type { AuditReader } from '../../core/audit-query.js';
import type { AuditQuery, AuditRecord } from '../../storage/types/audit.js';
import { USER_ID_PATTERN } from '../admin-request.js';
import { queryParam } from '../pages/form.js';
import { html, t, type Html, type Lang } from '../pages/index.js';
import { toAuditView } from '../routes/audit-view.js';
import { consoleAdmin } from './access.js';
import type { ConsoleParts } from './parts.js';
import { sendConsolePage, when } from './view.js';

const PAGE_SIZE = 50;
/** An export reads at most this many events (newest first); narrow the filters for older ones. */
export const EXPORT_MAX = 10_000;

const PATTERNS = {
  user: new RegExp(USER_ID_PATTERN),
  actor: new RegExp(USER_ID_PATTERN),
  type: /^[a-z][a-z0-9_.]{0,63}$/,
  ip: /^[0-9A-Fa-f.:]{2,45}$/,
  // RFC 3339, a date alone, or what <input type="datetime-local"> sends (read as UTC)
  from: /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/,
  to: /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/,
};
type Filter = keyof typeof PATTERNS;
const FILTERS = Object.keys(PATTERNS) as Filter[];

const timeOf = (text: string): Date | undefined => {
  if (!text) return undefined;
  const parsed = new Date(/T[0-9:.]+$/.test(text) ? `${text}Z` : text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
};

/** The filters as given, and the query they make; `bad` names a filter whose value is not well formed. */
function readFilters(query: (name: string) => string): { given: Record<Filter, string>; query: Omit<AuditQuery, 'limit'>; bad?: Filter } {
  const given = Object.fromEntries(FILTERS.map((name) => [name, query(name).trim()])) as Record<Filter, string>;
  const bad = FILTERS.find((name) => given[name] !== '' && (!PATTERNS[name].test(given[name]) || ((name === 'from' || name === 'to') && !timeOf(given[name]))));
  const or = (text: string) => text || undefined;
  return { given, bad, query: { subjectId: or(given.user), actorId: or(given.actor), type: or(given.type), ip: or(given.ip), from: timeOf(given.from), to: timeOf(given.to) } };
}

/** A table of audit events (the audit page, and a user's page). */
export function auditTable(lang: Lang, events: readonly AuditRecord[]): Html {
  if (events.length === 0) return html`<p>${t(lang, 'console.audit.none')}</p>`;
  const user = (id: string | null) => (id ? html`<a href="/admin/console/users/${encodeURIComponent(id)}">${id.slice(0, 8)}</a>` : '–');
  return html`<table>
<caption>${t(lang, 'console.audit.title')}</caption>
<thead><tr><th scope="col">${t(lang, 'console.audit.time')}</th><th scope="col">${t(lang, 'console.audit.type')}</th><th scope="col">${t(lang, 'console.audit.actor')}</th><th scope="col">${t(lang, 'console.audit.subject')}</th><th scope="col">${t(lang, 'console.audit.ip')}</th></tr></thead>
<tbody>${events.map((event) => html`<tr><td>${when(event.time)}</td><td>${event.type}</td><td>${user(event.actorId)}</td><td>${user(event.subjectId)}</td><td>${event.ip ?? '–'}</td></tr>`)}</tbody>
</table>`;
}

export function consoleAuditRoutes(app: FastifyInstance, parts: ConsoleParts & { auditReader: AuditReader }): void {
  const { admin, auditReader } = parts;
  const hide = { schema: { hide: true } };

  app.get('/admin/console/audit', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const { given, query, bad } = readFilters((name) => queryParam(request, name, 64));
    const afterText = queryParam(request, 'after', 64);
    const page = bad ? undefined : await auditReader.list({ ...query, limit: PAGE_SIZE, after: PATTERNS.user.test(afterText) ? afterText : undefined });
    const filled = Object.fromEntries(FILTERS.filter((name) => given[name]).map((name) => [name, given[name]]));
    const next = page?.nextCursor && `/admin/console/audit?${new URLSearchParams({ ...filled, after: page.nextCursor })}`;
    const input = (name: Filter, type = 'text') => html`<label for="f-${name}">${t(lang, `console.audit.filter.${name}`)}</label>
<input id="f-${name}" name="${name}" type="${type}" value="${given[name]}" maxlength="64" autocomplete="off">`;
    return sendConsolePage(reply, { status: bad ? 400 : 200, lang, section: 'audit', title: t(lang, 'console.audit.title'), body: html`
<form method="get" action="/admin/console/audit">
${input('user')}${input('type')}${input('actor')}${input('ip')}${input('from', 'datetime-local')}${input('to', 'datetime-local')}
<div class="actions">
<button type="submit">${t(lang, 'console.audit.apply')}</button>
<button type="submit" formaction="/admin/console/audit/export" class="secondary">${t(lang, 'console.audit.export')}</button>
</div>
</form>
${bad ? html`<p class="error" role="alert">${t(lang, 'console.audit.bad', { filter: t(lang, `console.audit.filter.${bad}`) })}</p>` : auditTable(lang, page!.events)}
${next ? html`<p><a href="${next}">${t(lang, 'console.audit.older')}</a></p>` : ''}` });
  });

  // JSON lines (application/x-ndjson), newest first, at most EXPORT_MAX events
  app.get('/admin/console/audit/export', hide, async (request, reply) => {
    const me = await consoleAdmin(request, reply, admin.getUser);
    if (!me) return reply;
    const { query, bad } = readFilters((name) => queryParam(request, name, 64));
    if (bad) return reply.status(400).header('gatehouse-error', 'validation_failed').header('content-type', 'text/plain; charset=utf-8').send(`bad filter: ${bad}\n`);
    const lines: string[] = [];
    let after: string | undefined;
    do {
      const page = await auditReader.list({ ...query, limit: Math.min(500, EXPORT_MAX - lines.length), after });
      for (const event of page.events) lines.push(JSON.stringify(toAuditView(event)));
      after = page.nextCursor ?? undefined;
    } while (after && lines.length < EXPORT_MAX);
    return reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="gatehouse-audit.jsonl"')
      .send(lines.length ? `${lines.join('\n')}\n` : '');
  });
}
