// The error surface (docs/architecture.md, "Errors"): Fastify's own failures (body size, media
// type, bad JSON, unknown route) answer stable codes in the one error shape, never a 500, with a
// message that says what to change; health probes; and the OpenAPI document and Swagger UI served
// from the package (docs/api.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, createTestApp, PASSWORD, type TestApp } from '../../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

const registration = (extra: Record<string, unknown> = {}) =>
  ({ username: 'erruser', email: 'erruser@example.com', password: PASSWORD, ...extra });

test('a body over BODY_LIMIT_BYTES (16384 by default) answers 413 payload_too_large naming the limit and the setting', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/register', payload: registration({ full_name: 'x'.repeat(17_000) }),
  });
  assert.equal(assertError(res, 413, 'payload_too_large'), 'The body is larger than the 16 KiB limit (BODY_LIMIT_BYTES).');
  assert.equal(await ctx.stores.users.findByLogin('erruser'), null);
});

test('BODY_LIMIT_BYTES sets the body limit, and the 413 message states the configured one', async (t) => {
  const ctx = await appFor(t, { BODY_LIMIT_BYTES: '2048' });
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/login', payload: { username: 'someone', password: 'p'.repeat(3000) },
  });
  assert.equal(assertError(res, 413, 'payload_too_large'), 'The body is larger than the 2 KiB limit (BODY_LIMIT_BYTES).');
});

test('a body limit that is no whole number of KiB is stated in bytes', async (t) => {
  const ctx = await appFor(t, { BODY_LIMIT_BYTES: '1500' });
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/login', payload: { username: 'someone', password: 'p'.repeat(2000) },
  });
  assert.equal(assertError(res, 413, 'payload_too_large'), 'The body is larger than the 1500 bytes limit (BODY_LIMIT_BYTES).');
});

test('a text/plain body to a JSON endpoint answers 415 unsupported_media_type naming the type it takes', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/register', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(registration()),
  });
  assert.equal(assertError(res, 415, 'unsupported_media_type'),
    'POST /auth/register takes application/json, not text/plain: send the body with content-type: application/json.');
});

test('a 415 on the form-encoded /token names the form type (OAuth2 error shape there)', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': 'text/plain' }, payload: 'grant_type=password',
  });
  assert.equal(res.statusCode, 415);
  assert.deepEqual(res.json(), {
    error: 'invalid_request',
    error_description: 'POST /token takes application/x-www-form-urlencoded, not text/plain: send the body with content-type: application/x-www-form-urlencoded.',
  });
});

test('a body without a content-type answers 415 unsupported_media_type telling to send content-type: application/json', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/register', payload: JSON.stringify(registration()) });
  assert.equal(assertError(res, 415, 'unsupported_media_type'),
    'The request has a body but no content-type header: send it with content-type: application/json.');
  assert.equal(await ctx.stores.users.findByLogin('erruser'), null);
});

test('JSON sent as a form (curl -d) answers 415 unsupported_media_type telling to send content-type: application/json', async (t) => {
  const ctx = await appFor(t);
  const form = 'application/x-www-form-urlencoded';
  for (const [type, payload] of [
    [form, JSON.stringify(registration())],
    [form, ` ${JSON.stringify([registration()])}`],
    [form, '{"username":"a&b=c","password":"x=y"}'],
    ['Application/X-WWW-Form-Urlencoded; charset=UTF-8', JSON.stringify(registration())],
  ] as const) {
    const res = await ctx.app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': type }, payload });
    assert.equal(assertError(res, 415, 'unsupported_media_type'),
      'The body looks like JSON but was sent as application/x-www-form-urlencoded (curl -d does that): send it with content-type: application/json.',
      payload);
  }
  assert.equal(await ctx.stores.users.findByLogin('erruser'), null);
});

test('JSON sent as a form to /token says the endpoint takes a form', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: '{"grant_type":"password","username":"a","password":"b"}',
  });
  assert.equal(res.statusCode, 415);
  assert.deepEqual(res.json(), {
    error: 'invalid_request',
    error_description: 'The body looks like JSON but was sent as application/x-www-form-urlencoded (curl -d does that): '
      + 'POST /token takes application/x-www-form-urlencoded: send name=value pairs joined by &.',
  });
});

test('a real form is not taken for JSON: a form login reaches the credentials check', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'username=nobody&password=%7Bnot-json',
  });
  assertError(res, 401, 'invalid_credentials');
});

test('a body of a media type no parser knows answers 415 unsupported_media_type', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<login/>',
  });
  assertError(res, 415, 'unsupported_media_type');
});

test('malformed JSON answers 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a", ',
  });
  assertError(res, 400, 'validation_failed');
});

test('an empty JSON body answers 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({
    method: 'POST', url: '/auth/register', headers: { 'content-type': 'application/json' }, payload: '',
  });
  assertError(res, 400, 'validation_failed');
});

test('a JSON body of the wrong type answers 400 validation_failed', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/register', payload: registration({ username: 42 }) });
  assertError(res, 400, 'validation_failed');
});

test('an unknown route answers 404 not_found (a known path with another method: method-not-allowed.test.ts)', async (t) => {
  const ctx = await appFor(t);
  assertError(await ctx.app.inject({ method: 'GET', url: '/no/such/route' }), 404, 'not_found');
  assertError(await ctx.app.inject({ method: 'POST', url: '/auth/nothing', payload: {} }), 404, 'not_found');
});

test('GET /healthz answers 200 {status: "ok"}', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('GET /readyz answers 200 {status: "ready"} when the store answers', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ready' });
});

test('GET /docs/json is an OpenAPI 3 document whose password flow points at /token', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  const scheme = doc.components?.securitySchemes?.OAuth2PasswordBearer;
  assert.equal(scheme?.type, 'oauth2');
  assert.equal(scheme?.flows?.password?.tokenUrl, '/token');
  for (const path of ['/auth/register', '/auth/login', '/token', '/users/me']) {
    assert.ok(doc.paths?.[path], `the document lists ${path}`);
  }
  assert.ok(doc.paths['/token'].post.requestBody.content['application/x-www-form-urlencoded'],
    '/token is documented as form-encoded, so "Try it out" sends a form');
  assert.deepEqual(doc.paths['/users/me'].get.security, [{ OAuth2PasswordBearer: [] }]);
});

test('every answer in the OpenAPI document has its own description: none is left as "Default Response"', async (t) => {
  const ctx = await appFor(t);
  const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
  assert.doesNotMatch(JSON.stringify(doc), /Default Response/);
  for (const [path, operations] of Object.entries<Record<string, { responses: Record<string, { description?: string }> }>>(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        assert.ok(answer.description && answer.description.length > 3, `${method} ${path} ${status}`);
      }
    }
  }
  const login = doc.paths['/auth/login'].post.responses;
  assert.equal(login['400'].description, 'Invalid request: the message names the property and what to change');
  assert.equal(login['401'].description, 'Wrong username, email or password');
  assert.equal(doc.paths['/users/me'].get.responses['401'].description, 'Missing, invalid or expired token');
  assert.equal(login['200'].description, 'A new access token and refresh token');
});

test('GET /docs answers the Swagger UI page, and every asset it references is served by this server', async (t) => {
  const ctx = await appFor(t);
  const page = await ctx.app.inject({ method: 'GET', url: '/docs' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.some((r) => r.endsWith('.js')), 'the page loads scripts');
  assert.ok(refs.some((r) => r.endsWith('.css')), 'the page loads styles');
  for (const ref of refs) {
    assert.doesNotMatch(ref, /^(https?:)?\/\//, `${ref} must not come from another host (no CDN)`);
    const url = new URL(ref, 'http://gatehouse.test/docs/').pathname;
    const asset = await ctx.app.inject({ method: 'GET', url });
    assert.equal(asset.statusCode, 200, `GET ${url}`);
    assert.ok(asset.rawPayload.length > 0, `GET ${url} has a body`);
  }
});

test('the Swagger UI initializer loads this server\'s OpenAPI document', async (t) => {
  const ctx = await appFor(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /['"](\.\/json|\/docs\/json)['"]/);
  assert.doesNotMatch(res.body, /petstore/i);
});
