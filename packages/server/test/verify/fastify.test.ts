// The Fastify adapter in front of a route: no token is 401 missing_token with a bare challenge,
// a bad or expired one 401 with error="invalid_token", the wrong role 403 insufficient_role with
// error="insufficient_scope" (RFC 6750 §3.1); a good token reaches the handler as request.user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { gatehouseVerify, sharedSecretKeySource } from '@gatehouse-auth/verify';
import { TEST_SECRET, createTestApp, failure, registerUser, type TestApp } from '../helpers.js';
import { userWithRole } from './servers.js';

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<{ ctx: TestApp; api: FastifyInstance }> {
  const ctx = await createTestApp();
  const api = Fastify();
  await api.register(gatehouseVerify, { keys: sharedSecretKeySource(TEST_SECRET), now: () => ctx.clock.now(), realm: 'api' });
  api.get('/profile', { onRequest: api.gatehouse.requireUser }, async (request) => ({ id: request.user!.id, role: request.user!.role }));
  api.get('/admin', { onRequest: api.gatehouse.requireRole('admin') }, async (request) => ({ admin: request.user!.name }));
  api.get('/open', async (request) => ({ user: request.user }));
  t.after(async () => {
    await api.close();
    await ctx.close();
  });
  return { ctx, api };
}

const get = (api: FastifyInstance, url: string, token?: string) =>
  api.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

test('Fastify guard: a valid token reaches the handler with request.user; unguarded routes see null', async (t) => {
  const { ctx, api } = await setup(t);
  const { tokens, userId } = await registerUser(ctx.app);
  const res = await get(api, '/profile', tokens.access_token);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { id: userId, role: 'user' });
  assert.deepEqual((await get(api, '/open', tokens.access_token)).json(), { user: null });
});

test('Fastify guard: no token answers 401 missing_token with a challenge without error', async (t) => {
  const { api } = await setup(t);
  const res = await get(api, '/profile');
  assert.deepEqual(failure(res), { status: 401, code: 'missing_token' });
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="api"');
  assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'error', 'message', 'statusCode']);
});

test('Fastify guard: a forged, malformed or refresh token answers 401 invalid_token with error="invalid_token"', async (t) => {
  const { ctx, api } = await setup(t);
  const { tokens } = await registerUser(ctx.app);
  for (const token of ['not.a.jwt', tokens.refresh_token, `${tokens.access_token}x`]) {
    const res = await get(api, '/profile', token);
    assert.deepEqual(failure(res), { status: 401, code: 'invalid_token' });
    assert.match(String(res.headers['www-authenticate']), /^Bearer realm="api", error="invalid_token", error_description="/);
  }
  const basic = await api.inject({ method: 'GET', url: '/profile', headers: { authorization: 'Basic abc' } });
  assert.deepEqual(failure(basic), { status: 401, code: 'invalid_token' });
});

test('Fastify guard: an expired token answers 401 token_expired with error="invalid_token"', async (t) => {
  const { ctx, api } = await setup(t);
  const { tokens } = await registerUser(ctx.app);
  ctx.clock.advance(16 * 60 * 1000);
  const res = await get(api, '/profile', tokens.access_token);
  assert.deepEqual(failure(res), { status: 401, code: 'token_expired' });
  assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
});

test('Fastify role check: a user without the role answers 403 insufficient_role with error="insufficient_scope"; an admin passes', async (t) => {
  const { ctx, api } = await setup(t);
  const { tokens } = await registerUser(ctx.app);
  const res = await get(api, '/admin', tokens.access_token);
  assert.deepEqual(failure(res), { status: 403, code: 'insufficient_role' });
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
  assert.deepEqual(failure(await get(api, '/admin')), { status: 401, code: 'missing_token' });
  const admin = await userWithRole(ctx, 'admin');
  const ok = await get(api, '/admin', admin.accessToken);
  assert.equal(ok.statusCode, 200);
});

test('Fastify guard: a token seen before (answered from the cache, without a promise) still gets its checks', async (t) => {
  const { ctx, api } = await setup(t);
  const { tokens, userId } = await registerUser(ctx.app);
  // the first request verifies and caches; the later ones take the guard's synchronous path
  for (let i = 0; i < 3; i++) assert.deepEqual((await get(api, '/profile', tokens.access_token)).json(), { id: userId, role: 'user' });
  for (let i = 0; i < 2; i++) assert.deepEqual(failure(await get(api, '/admin', tokens.access_token)), { status: 403, code: 'insufficient_role' });
  const admin = await userWithRole(ctx, 'admin');
  for (let i = 0; i < 2; i++) assert.equal((await get(api, '/admin', admin.accessToken)).statusCode, 200);
  // past its exp the cached token is verified again, and refused
  ctx.clock.advance(16 * 60 * 1000);
  assert.deepEqual(failure(await get(api, '/profile', tokens.access_token)), { status: 401, code: 'token_expired' });
});

test('Fastify guard: called by hand without done it returns a promise, as an async guard', async (t) => {
  const { ctx, api } = await setup(t);
  api.get('/by-hand', async (request, reply) => {
    const refused = await api.gatehouse.requireUser(request, reply);
    return refused ?? { id: request.user!.id };
  });
  const { tokens, userId } = await registerUser(ctx.app);
  for (let i = 0; i < 2; i++) assert.deepEqual((await get(api, '/by-hand', tokens.access_token)).json(), { id: userId });
  assert.deepEqual(failure(await get(api, '/by-hand')), { status: 401, code: 'missing_token' });
});

test('Fastify guard: a request.user set by another hook is not trusted; the token decides', async (t) => {
  const { ctx, api } = await setup(t);
  // as another auth plugin would: a user put on the request before the guard runs
  const impostor = async (request: { user: unknown }) => {
    request.user = { id: 'someone-else', name: 'someone-else', role: 'admin', sessionId: 'none', claims: {} };
  };
  api.get('/preset/profile', { onRequest: [impostor, api.gatehouse.requireUser] }, async (request) => ({ id: request.user!.id }));
  api.get('/preset/admin', { onRequest: [impostor, api.gatehouse.requireRole('admin')] }, async () => ({ ok: true }));
  api.get('/chained', { onRequest: [api.gatehouse.requireUser, api.gatehouse.requireRole('user')] }, async (request) => ({ id: request.user!.id }));
  const { tokens, userId } = await registerUser(ctx.app);
  assert.deepEqual(failure(await get(api, '/preset/profile')), { status: 401, code: 'missing_token' });
  for (let i = 0; i < 2; i++) { // the second time from the verified-token cache
    assert.deepEqual(failure(await get(api, '/preset/admin', tokens.access_token)), { status: 403, code: 'insufficient_role' });
    assert.deepEqual((await get(api, '/preset/profile', tokens.access_token)).json(), { id: userId });
    assert.deepEqual((await get(api, '/chained', tokens.access_token)).json(), { id: userId });
  }
});

test('Fastify guard: the header is read as RFC 6750 says, whether or not its token is cached', async (t) => {
  const { ctx, api } = await setup(t);
  const { tokens, userId } = await registerUser(ctx.app);
  const token = tokens.access_token;
  const send = (authorization: string) => api.inject({ method: 'GET', url: '/profile', headers: { authorization } });
  for (let i = 0; i < 2; i++) { // first verified, then from the cache (the exact "Bearer <token>" without parsing)
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `Bearer   ${token}  `]) {
      const res = await send(header);
      assert.equal(res.statusCode, 200, header);
      assert.deepEqual(res.json(), { id: userId, role: 'user' });
    }
    for (const header of [`Bearer ${token}x`, `Bearer ${token} extra`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, `Bearer${token}`]) {
      assert.deepEqual(failure(await send(header)), { status: 401, code: 'invalid_token' }, header);
    }
  }
});
