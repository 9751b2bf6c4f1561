// GET /demo: on by default except in production (DEMO), served with its own CSP (also on the
// mailed links' paths), and the compiled client modules served as JavaScript from /demo/js/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/config.js';
import { createTestApp } from '../../helpers.js';

test('DEMO is on by default, off by default in production, and can be set either way', () => {
  assert.equal(loadConfig({}).demo, true);
  assert.equal(loadConfig({ NODE_ENV: 'production' }).demo, false);
  assert.equal(loadConfig({ NODE_ENV: 'production', DEMO: 'true' }).demo, true);
  assert.equal(loadConfig({ DEMO: 'off' }).demo, false);
});

test('serves the demo page with a policy that allows its own scripts and nothing else', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const res = await ctx.app.inject({ method: 'GET', url: '/demo' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/html/);
  assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
  // an HTML page: helmet's document headers too, which JSON answers go without
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.match(res.body, /<script type="module" src="\/demo\/js\/demo\/demo-page.js">/);
});

test('serves the same page, with the same policy, on the path of every mailed link', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const page = await ctx.app.inject({ method: 'GET', url: '/demo' });
  const links = Object.values(ctx.config.email.links);
  assert.equal(links.length, 5);
  for (const link of links) {
    const url = new URL(link!);
    assert.match(url.pathname, /^\/demo\/[a-z-]+$/, link);
    const res = await ctx.app.inject({ method: 'GET', url: `${url.pathname}?token=abc` });
    assert.equal(res.statusCode, 200, link);
    assert.equal(res.body, page.body);
    assert.equal(res.headers['content-security-policy'], page.headers['content-security-policy']);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', 'the token never leaves in a Referer');
  }
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/demo/elsewhere' })).statusCode, 404);
});

test('serves the compiled client and page modules as JavaScript, and nothing else under /demo/js', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const modules = ['client/index.js', 'client/create-auth-client.js', 'demo/demo-page.js', 'demo/demo-mail.js', 'demo/demo-kit.js'];
  for (const url of modules.map((name) => `/demo/js/${name}`)) {
    const res = await ctx.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.match(res.headers['content-type'] as string, /^text\/javascript/);
    assert.doesNotMatch(res.body, /sourceMappingURL/);
  }
  const page = await ctx.app.inject({ method: 'GET', url: '/demo/js/demo/demo-page.js' });
  assert.match(page.body, /from '\.\.\/client\/index\.js'/, 'the page imports the client relative to /demo/js/demo/');
  for (const url of ['/demo/js/client/index.d.ts', '/demo/js/http/app.js', '/demo/js/../../package.json']) {
    const res = await ctx.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
  }
});

test('with DEMO=false there is no /demo', async (t) => {
  const ctx = await createTestApp({ DEMO: 'false' });
  t.after(() => ctx.close());
  const res = await ctx.app.inject({ method: 'GET', url: '/demo' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().code, 'not_found');
});

test('the demo is not part of the OpenAPI document', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
  assert.deepEqual(Object.keys(doc.paths).filter((path) => path.startsWith('/demo')), []);
});

test('/favicon.ico answers 204 with the demo on, not a 404 in every page\'s console', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const res = await ctx.app.inject({ method: 'GET', url: '/favicon.ico' });
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
});

test('the "Linked identities" heading starts hidden: the page shows it only with a provider or a linked identity', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const page = await ctx.app.inject({ method: 'GET', url: '/demo' });
  assert.match(page.body, /<h3 id="identities-heading" hidden>Linked identities<\/h3>/);
  const script = await ctx.app.inject({ method: 'GET', url: '/demo/js/demo/federation-panel.js' });
  assert.match(script.body, /identities-heading'\)\.hidden = providers\.length === 0 && identities\.length === 0/);
});
