// The HTML version of GET / for a browser: the same index as the JSON, as links and a table. Its
// one inline stylesheet is allowed by hash, so the page's CSP lets nothing else load or run.
import { createHash } from 'node:crypto';
import type { ServiceIndex } from './routes/ops/root.js';

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}'
  + 'table{border-collapse:collapse}td{padding:.2rem .8rem .2rem 0;vertical-align:top}code{font-size:.95em}';

const styleHash = createHash('sha256').update(STYLE).digest('base64');

export const ROOT_PAGE_CSP = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; `
  + "form-action 'none'; frame-ancestors 'none'";

export function renderRootPage(index: ServiceIndex): string {
  const links = Object.entries(index.links)
    .map(([name, path]) => `<li><a href="${escapeHtml(path)}">${escapeHtml(name)}</a> <code>${escapeHtml(path)}</code></li>`);
  const endpoints = index.endpoints
    .map((e) => `<tr><td><code>${escapeHtml(e.method)} ${escapeHtml(e.path)}</code></td><td>${escapeHtml(e.summary)}</td></tr>`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(index.service)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(index.service)}</h1>
<p>${escapeHtml(index.description)}</p>
<h2>Links</h2>
<ul>
${links.join('\n')}
</ul>
<h2>Main endpoints</h2>
<table>
${endpoints.join('\n')}
</table>
<p>A client that does not ask for <code>text/html</code> gets this index as JSON.</p>
</body>
</html>
`;
}

/**
 * Whether a client asks for HTML over JSON: text/html named with a higher quality than JSON gets
 * (browsers send "text/html,…,*\/*;q=0.8"); curl's "*\/*" and a tie get JSON, the API's own type.
 * The most specific range sets a type's quality (RFC 9110 §12.5.1).
 */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const quality = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    quality.set(type, Math.max(quality.get(type) ?? 0, Number.isFinite(q) ? q : 0));
  }
  const html = quality.get('text/html') ?? 0;
  const json = quality.get('application/json') ?? quality.get('application/*') ?? quality.get('*/*') ?? 0;
  return html > json;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
