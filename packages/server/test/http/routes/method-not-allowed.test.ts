// A known path asked with a method it lacks answers 405 method_not_allowed with an Allow header
// (RFC 9110 §15.5.6) built from the routes themselves; an unknown path stays 404 not_found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedMethods, toPattern } from '../../../src/http/not-found.js';
import { assertError, createTestApp, type TestApp } from '../../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

test('a known path asked with a method it lacks answers 405 method_not_allowed, Allow listing its methods', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/auth/login' });
  assert.equal(assertError(res, 405, 'method_not_allowed'), 'GET is not allowed on /auth/login; it takes POST.');
  assert.equal(res.headers.allow, 'POST');
});

test('Allow lists HEAD after GET, as Fastify answers HEAD on every GET route', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'POST', url: '/healthz', payload: {} });
  assert.equal(assertError(res, 405, 'method_not_allowed'), 'POST is not allowed on /healthz; it takes GET, HEAD.');
  assert.equal(res.headers.allow, 'GET, HEAD');
  assert.equal((await ctx.app.inject({ method: 'HEAD', url: '/healthz' })).statusCode, 200);
});

test('a path with a parameter answers the methods of the routes whose pattern it matches', async (t) => {
  const ctx = await appFor(t);
  const put = await ctx.app.inject({ method: 'PUT', url: '/admin/users/some-id', payload: {} });
  assertError(put, 405, 'method_not_allowed');
  assert.equal(put.headers.allow, 'GET, HEAD, PATCH, DELETE');
  const get = await ctx.app.inject({ method: 'GET', url: '/users/me/sessions/some-id' });
  assertError(get, 405, 'method_not_allowed');
  assert.equal(get.headers.allow, 'DELETE');
});

test('the query string plays no part: the 405 message names the path alone', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'PUT', url: '/users/me/sessions?x=1' });
  assert.equal(assertError(res, 405, 'method_not_allowed'), 'PUT is not allowed on /users/me/sessions; it takes GET, HEAD.');
  assert.equal(res.headers.allow, 'GET, HEAD');
});

test('HEAD on a POST-only path answers 405 with Allow and no body', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'HEAD', url: '/auth/register' });
  assert.equal(res.statusCode, 405);
  assert.equal(res.headers.allow, 'POST');
  assert.equal(res.body, '');
});

test('an unknown path stays 404 not_found, without an Allow header', async (t) => {
  const ctx = await appFor(t);
  for (const [method, url] of [['GET', '/no/such/route'], ['POST', '/auth/nothing'], ['GET', '/healthz/'], ['GET', '/users/me/sessions/a/b']] as const) {
    const res = await ctx.app.inject({ method, url });
    assertError(res, 404, 'not_found');
    assert.equal(res.headers.allow, undefined, `${method} ${url}`);
  }
});

test('a feature that is off leaves no path behind: with DOCS=false /docs is 404, with docs on POST /docs is 405', async (t) => {
  const off = await appFor(t, { DOCS: 'false' });
  assertError(await off.app.inject({ method: 'POST', url: '/docs' }), 404, 'not_found');
  const on = await appFor(t);
  const res = await on.app.inject({ method: 'POST', url: '/docs' });
  assertError(res, 405, 'method_not_allowed');
  assert.equal(res.headers.allow, 'GET, HEAD');
});

test('with CORS_ORIGINS, a preflight still answers 204, and a wrong method still 405 with Allow (the CORS catch-all is not a method)', async (t) => {
  const ctx = await appFor(t, { CORS_ORIGINS: 'https://app.example' });
  const preflight = await ctx.app.inject({
    method: 'OPTIONS', url: '/auth/login',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
  const get = await ctx.app.inject({ method: 'GET', url: '/auth/login', headers: { origin: 'https://app.example' } });
  assertError(get, 405, 'method_not_allowed');
  assert.equal(get.headers.allow, 'POST');
  assert.equal(get.headers['access-control-allow-origin'], 'https://app.example');
});

test('route patterns: a parameter is one segment, * the rest, and other characters are literal', () => {
  assert.ok(toPattern('/admin/users/:id').test('/admin/users/abc'));
  assert.ok(!toPattern('/admin/users/:id').test('/admin/users/abc/sessions'));
  assert.ok(toPattern('/demo/js/*').test('/demo/js/client/index.js'));
  assert.ok(toPattern('/.well-known/jwks.json').test('/.well-known/jwks.json'));
  assert.ok(!toPattern('/.well-known/jwks.json').test('/.well-known/jwksXjson'));
  const paths = [
    { pattern: toPattern('/x/:id'), methods: new Set(['DELETE', 'GET', 'HEAD']) },
    { pattern: toPattern('/x/*'), methods: new Set(['PROPFIND', 'POST']) },
  ];
  assert.deepEqual(allowedMethods(paths, '/x/1'), ['GET', 'HEAD', 'POST', 'DELETE', 'PROPFIND']);
  assert.deepEqual(allowedMethods(paths, '/y'), []);
});
