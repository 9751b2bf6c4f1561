// GET /: the service index. JSON by default, with links only to what this deployment serves;
// an HTML page, with the document headers and a CSP that allows its one inline style, for a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { wantsHtml } from '../../../src/http/root-page.js';
import { createTestApp, type TestApp } from '../../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

const MAIN = [
  ['POST', '/auth/register'], ['POST', '/auth/login'], ['POST', '/auth/refresh'], ['POST', '/auth/logout'], ['POST', '/token'],
  ['GET', '/users/me'], ['GET', '/users/me/sessions'],
] as const;

/** The summary the OpenAPI document gives a route: the index must say the same. */
function openApiSummary(ctx: TestApp, method: string, path: string): string {
  const doc = ctx.app.swagger() as { paths: Record<string, Record<string, { summary?: string }>> };
  const summary = doc.paths[path]?.[method.toLowerCase()]?.summary;
  assert.ok(summary, `${method} ${path} has a summary in the OpenAPI document`);
  return summary;
}

test('GET / answers JSON: the service name, links to the docs, demo and health, and the main endpoints', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/', headers: { accept: '*/*' } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(res.headers.vary, 'accept');
  assert.deepEqual(res.json(), {
    service: 'Gatehouse',
    description: 'JWT authentication: register, login, rotating refresh tokens, logout, sessions.',
    links: { docs: '/docs', openapi: '/docs/json', demo: '/demo', health: '/healthz', readiness: '/readyz' },
    endpoints: MAIN.map(([method, path]) => ({ method, path, summary: openApiSummary(ctx, method, path) })),
  });
  for (const path of Object.values(res.json().links as Record<string, string>)) {
    assert.equal((await ctx.app.inject({ method: 'GET', url: path })).statusCode, 200, path);
  }
});

test('GET / links only to what is on: no docs or demo when off, the JWKS under asymmetric keys', async (t) => {
  const ctx = await appFor(t, { DOCS: 'false', DEMO: 'false', JWT_ALG: 'EdDSA' });
  const res = await ctx.app.inject({ method: 'GET', url: '/' });
  assert.deepEqual(res.json().links, { health: '/healthz', readiness: '/readyz', jwks: '/.well-known/jwks.json' });
});

test('GET / answers HTML to a browser, with the document headers and a CSP that allows only its own style', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers.vary, 'accept');
  for (const href of ['/docs', '/demo', '/healthz', '/readyz']) assert.match(res.body, new RegExp(`<a href="${href}">`));
  assert.match(res.body, /<code>POST \/auth\/login<\/code>/);
  const style = /<style>([^<]*)<\/style>/.exec(res.body)?.[1] ?? '';
  const hash = createHash('sha256').update(style).digest('base64');
  assert.equal(res.headers['content-security-policy'],
    `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  assert.doesNotMatch(res.body, /<script|style="/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
});

test('HTML only when asked for over JSON: curl, a tie and JSON first get JSON', () => {
  assert.equal(wantsHtml(BROWSER_ACCEPT), true);
  assert.equal(wantsHtml('text/html'), true);
  assert.equal(wantsHtml(undefined), false);
  assert.equal(wantsHtml('*/*'), false);
  assert.equal(wantsHtml('application/json, text/html'), false);
  assert.equal(wantsHtml('application/json;q=0.5, text/html;q=0.9'), true);
  assert.equal(wantsHtml('text/html;q=0, */*'), false);
  assert.equal(wantsHtml('text/html;q=0.5, application/json;q=0.1, */*;q=0.9'), true);
});
