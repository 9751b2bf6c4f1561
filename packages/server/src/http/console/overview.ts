// The console's overview (docs/console.md, "Overview"): sign-ins, failed sign-ins, refresh-token
// reuse detections and new accounts per hour over the last day, counted from the audit store and
// drawn as small server-rendered SVG bar charts (no script, no chart library), the live sessions
// and the mail outbox's depth.
import type { FastifyInstance } from 'fastify';
import type { AuditReader } from '../../core/audit-query.js';
import type { AuditRecord } from '../../storage/types/audit.js';
import { html, raw, t, type Html, type Lang, type MessageKey } from '../pages/index.js';
import { consoleAdmin } from './access.js';
import type { ConsoleParts } from './parts.js';
import { sendConsolePage } from './view.js';

const HOUR_MS = 3_600_000;
/** Events read per chart: a busier day is drawn from its newest events only (the chart says so). */
export const CHART_READ_MAX = 5_000;

interface Chart {
  key: string;
  title: MessageKey;
  type: string;
  counts?: (event: AuditRecord) => boolean;
}

const CHARTS: readonly Chart[] = [
  { key: 'signins', title: 'console.overview.signins', type: 'login_succeeded' },
  { key: 'failures', title: 'console.overview.failures', type: 'login_failed' },
  { key: 'reuse', title: 'console.overview.reuse', type: 'refresh', counts: (event) => event.data.outcome === 'reused_revoked' },
  { key: 'accounts', title: 'console.overview.accounts', type: 'register' },
];

/** Events per hour, oldest hour first, over the 24 hours up to `nowMs`; and whether the read was cut short. */
async function hourly(reader: AuditReader, chart: Chart, nowMs: number): Promise<{ hours: number[]; partial: boolean }> {
  const start = nowMs - 24 * HOUR_MS;
  const hours = new Array<number>(24).fill(0);
  let after: string | undefined;
  let read = 0;
  do {
    const page = await reader.list({ type: chart.type, from: new Date(start), to: new Date(nowMs), limit: 500, after });
    for (const event of page.events) {
      if (chart.counts && !chart.counts(event)) continue;
      const slot = Math.min(23, Math.floor((event.time.getTime() - start) / HOUR_MS));
      if (slot >= 0) hours[slot]! += 1;
    }
    read += page.events.length;
    after = page.nextCursor ?? undefined;
  } while (after && read < CHART_READ_MAX);
  return { hours, partial: after !== undefined };
}

/** A bar chart of 24 hourly counts: an image with a text title and a total beside it. */
function barChart(id: string, title: string, hours: readonly number[], lang: Lang): Html {
  const max = Math.max(1, ...hours);
  const bars = hours.map((count, index) => {
    const height = Math.round((count / max) * 60);
    return `<rect x="${index * 10 + 1}" y="${70 - height}" width="8" height="${height}" fill="currentColor"><title>${count}</title></rect>`;
  }).join('');
  const total = hours.reduce((sum, count) => sum + count, 0);
  return html`<figure>
<svg id="${id}" role="img" aria-labelledby="${id}-title" viewBox="0 0 240 72" width="240" height="72" class="chart"><title id="${id}-title">${title}: ${t(lang, 'console.overview.total', { count: String(total) })}</title>${raw(bars)}<line x1="0" y1="71" x2="240" y2="71" stroke="currentColor"/></svg>
<figcaption>${title} · ${t(lang, 'console.overview.total', { count: String(total) })}</figcaption>
</figure>`;
}

export function consoleOverviewRoute(app: FastifyInstance, parts: ConsoleParts): void {
  app.get('/admin', { schema: { hide: true } }, async (request, reply) => {
    const me = await consoleAdmin(request, reply, parts.admin.getUser);
    if (!me) return reply;
    const { lang } = me;
    const nowMs = parts.clock.now();
    const reader = parts.auditReader;
    const charts = reader ? await Promise.all(CHARTS.map(async (chart) => ({ chart, ...(await hourly(reader, chart, nowMs)) }))) : [];
    const [outbox, sessions] = await Promise.all([parts.outboxCounts(), parts.countSessions?.(new Date(nowMs))]);
    return sendConsolePage(reply, { lang, section: 'overview', title: t(lang, 'console.overview.title'), body: html`
<h2>${t(lang, 'console.overview.lastDay')}</h2>
${reader ? charts.map(({ chart, hours, partial }) => html`${barChart(`chart-${chart.key}`, t(lang, chart.title), hours, lang)}${
    partial ? html`<p class="hint">${t(lang, 'console.overview.partial', { count: String(CHART_READ_MAX) })}</p>` : ''}`) : html`<p>${t(lang, 'console.overview.noAudit')}</p>`}
<h2>${t(lang, 'console.overview.sessions')}</h2>
<p>${sessions === undefined ? t(lang, 'console.overview.sessionsUncounted') : t(lang, 'console.overview.sessionsLive', { count: String(sessions) })}</p>
<h2>${t(lang, 'console.overview.outbox')}</h2>
<dl>
<dt>${t(lang, 'console.overview.pending')}</dt><dd>${outbox.pending}</dd>
<dt>${t(lang, 'console.overview.failed')}</dt><dd>${outbox.failed}</dd>
</dl>` });
  });
}
