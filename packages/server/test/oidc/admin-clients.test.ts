// The admin API over the OpenID Connect provider's clients: registration answers a secret once and
// keeps only a digest; redirect URIs are exact, https or loopback http; public clients have no
// secret; declared clients (OIDC_CLIENTS) are listed but change only in the settings; every change
// is audited; only admins pass.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, bearer, failure, type TestApp } from '../helpers.js';

const DECLARED = JSON.stringify([{
  client_id: 'wiki', client_secret: 'w'.repeat(40), client_name: 'Wiki', redirect_uris: ['https://wiki.example.com/callback'], skip_consent: true,
}]);

async function setup(t: TestContext, env: Record<string, string> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const ctx: TestApp = await createTestApp({ OIDC_CLIENTS: DECLARED, LOG_LEVEL: 'info', ...env }, {
    logStream: { write: (line: string) => { lines.push(JSON.parse(line)); } },
  });
  t.after(() => ctx.close());
  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const token = admin.tokens.access_token;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const audits = () => lines.filter((line) => (line.audit as { type?: string } | undefined)?.type === 'admin_client_changed').map((line) => line.audit);
  return { ctx, call, admin, lines, audits };
}

const ISSUED_AT = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
const UPDATED_AT = new Date(ISSUED_AT * 1000).toISOString();

test('registering a confidential client answers its secret once; the list and reads never show it, nor does the log', async (t) => {
  const { call, lines, ctx } = await setup(t);
  const res = await call('POST', '/admin/clients', { client_id: 'grafana', client_name: 'Grafana', redirect_uris: ['https://grafana.example.com/login/generic_oauth'] });
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers['cache-control'], 'no-store', 'an answer with a secret is not cached');
  const { client_secret: secret, ...client } = res.json();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
  const expected = {
    client_id: 'grafana', client_name: 'Grafana', redirect_uris: ['https://grafana.example.com/login/generic_oauth'], post_logout_redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], scope: 'openid profile email', skip_consent: false,
    confidential: true, source: 'database', client_id_issued_at: ISSUED_AT, updated_at: UPDATED_AT,
  };
  assert.deepEqual(client, { ...expected, client_secret_expires_at: 0 });
  assert.deepEqual((await call('GET', '/admin/clients/grafana')).json(), expected);
  const listed = (await call('GET', '/admin/clients')).json().clients;
  assert.deepEqual(listed.map((c: { client_id: string; source: string }) => [c.client_id, c.source]), [['grafana', 'database'], ['wiki', 'settings']]);
  const stored = await ctx.stores.oauthClients.find('grafana');
  assert.match(stored!.secretDigest!, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(stored).includes(secret), 'the store keeps a digest, not the secret');
  assert.ok(!lines.some((line) => JSON.stringify(line).includes(secret)), 'no log line holds the secret');
});

test('a generated client id; a public client (none) gets no secret and may not use client_credentials', async (t) => {
  const { call } = await setup(t);
  const spa = await call('POST', '/admin/clients', { client_name: 'SPA', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:5173/cb'] });
  assert.equal(spa.statusCode, 201);
  assert.match(spa.json().client_id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(spa.json().client_secret, undefined);
  assert.equal(spa.json().confidential, false);
  const bad = await call('POST', '/admin/clients', { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] });
  assert.deepEqual(failure(bad), { status: 400, code: 'invalid_client_metadata' });
  const rotate = await call('POST', `/admin/clients/${spa.json().client_id}/secret`);
  assert.deepEqual(failure(rotate), { status: 400, code: 'invalid_client_metadata' });
});

test('redirect URIs: exact absolute https, plain http only on loopback; no fragment, wildcard or credentials', async (t) => {
  const { call } = await setup(t);
  const refused = ['http://wiki.example.com/cb', 'https://*.example.com/cb', 'https://app.example.com/cb#x', 'https://u:p@app.example.com/cb',
    '/relative/cb', 'javascript:alert(1)', 'ftp://example.com/cb'];
  for (const uri of refused) {
    const res = await call('POST', '/admin/clients', { redirect_uris: [uri] });
    assert.deepEqual(failure(res), { status: 400, code: 'invalid_redirect_uri' }, uri);
  }
  assert.deepEqual(failure(await call('POST', '/admin/clients', { redirect_uris: [] })), { status: 400, code: 'invalid_redirect_uri' });
  for (const uri of ['http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost:3001/cb?x=1', 'https://app.example.com/cb']) {
    assert.equal((await call('POST', '/admin/clients', { redirect_uris: [uri] })).statusCode, 201, uri);
  }
  const machine = await call('POST', '/admin/clients', { grant_types: ['client_credentials'], scope: 'reports:read' });
  assert.equal(machine.statusCode, 201, 'a machine client needs no redirect URI');
});

test('rotating a secret answers a new one and the old one stops matching; PATCH keeps the secret; DELETE removes', async (t) => {
  const { call, ctx } = await setup(t);
  const created = (await call('POST', '/admin/clients', { client_id: 'app', redirect_uris: ['https://app.example.com/cb'] })).json();
  const before = (await ctx.stores.oauthClients.find('app'))!.secretDigest;
  const rotated = await call('POST', '/admin/clients/app/secret');
  assert.equal(rotated.statusCode, 200);
  assert.equal(rotated.headers['cache-control'], 'no-store');
  assert.deepEqual(Object.keys(rotated.json()).sort(), ['client_id', 'client_secret', 'client_secret_expires_at']);
  assert.notEqual(rotated.json().client_secret, created.client_secret);
  const after = (await ctx.stores.oauthClients.find('app'))!.secretDigest;
  assert.notEqual(after, before);
  const patched = await call('PATCH', '/admin/clients/app', { redirect_uris: ['https://app.example.com/new'], skip_consent: true });
  assert.equal(patched.statusCode, 200);
  assert.deepEqual([patched.json().redirect_uris, patched.json().skip_consent], [['https://app.example.com/new'], true]);
  assert.equal((await ctx.stores.oauthClients.find('app'))!.secretDigest, after);
  assert.equal((await call('DELETE', '/admin/clients/app')).statusCode, 204);
  assert.deepEqual(failure(await call('GET', '/admin/clients/app')), { status: 404, code: 'client_not_found' });
  assert.deepEqual(failure(await call('DELETE', '/admin/clients/app')), { status: 404, code: 'client_not_found' });
});

test('declared clients are read-only here: 409 client_declared_in_settings; their id cannot be registered', async (t) => {
  const { call } = await setup(t);
  const wiki = (await call('GET', '/admin/clients/wiki')).json();
  assert.deepEqual([wiki.source, wiki.confidential, wiki.skip_consent], ['settings', true, true]);
  for (const [method, url, body] of [['PATCH', '/admin/clients/wiki', { client_name: 'x' }], ['POST', '/admin/clients/wiki/secret'], ['DELETE', '/admin/clients/wiki']] as const) {
    assert.deepEqual(failure(await call(method, url, body)), { status: 409, code: 'client_declared_in_settings' }, `${method} ${url}`);
  }
  assert.deepEqual(failure(await call('POST', '/admin/clients', { client_id: 'wiki', redirect_uris: ['https://x.example.com/cb'] })), { status: 409, code: 'client_id_taken' });
  await call('POST', '/admin/clients', { client_id: 'twice', redirect_uris: ['https://x.example.com/cb'] });
  assert.deepEqual(failure(await call('POST', '/admin/clients', { client_id: 'twice', redirect_uris: ['https://x.example.com/cb'] })), { status: 409, code: 'client_id_taken' });
});

test('every change is audited under the acting admin, naming the client and never its secret', async (t) => {
  const { call, audits, admin } = await setup(t);
  await call('POST', '/admin/clients', { client_id: 'app', redirect_uris: ['https://app.example.com/cb'] });
  await call('PATCH', '/admin/clients/app', { client_name: 'App' });
  await call('POST', '/admin/clients/app/secret');
  await call('DELETE', '/admin/clients/app');
  assert.deepEqual(audits().map((a) => { const { type, change, clientId, userId } = a as Record<string, unknown>; return { type, change, clientId, userId }; }), [
    { type: 'admin_client_changed', change: 'created', clientId: 'app', userId: admin.userId },
    { type: 'admin_client_changed', change: 'updated', clientId: 'app', userId: admin.userId },
    { type: 'admin_client_changed', change: 'secret_rotated', clientId: 'app', userId: admin.userId },
    { type: 'admin_client_changed', change: 'deleted', clientId: 'app', userId: admin.userId },
  ]);
});

test('only admins reach the client routes: 403 insufficient_role for a user, 401 without a token', async (t) => {
  const { ctx } = await setup(t);
  const user = await registerUser(ctx.app);
  const routes: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string]> = [
    ['GET', '/admin/clients'], ['POST', '/admin/clients'], ['GET', '/admin/clients/wiki'], ['PATCH', '/admin/clients/wiki'],
    ['POST', '/admin/clients/wiki/secret'], ['DELETE', '/admin/clients/wiki'],
  ];
  for (const [method, url] of routes) {
    const payload = method === 'POST' || method === 'PATCH' ? { client_name: 'x' } : undefined;
    const app: FastifyInstance = ctx.app;
    assert.deepEqual(failure(await app.inject({ method, url, headers: bearer(user.tokens.access_token), ...(payload ? { payload } : {}) })),
      { status: 403, code: 'insufficient_role' }, `${method} ${url}`);
    assert.deepEqual(failure(await app.inject({ method, url, ...(payload ? { payload } : {}) })), { status: 401, code: 'missing_token' }, `${method} ${url}`);
  }
});
