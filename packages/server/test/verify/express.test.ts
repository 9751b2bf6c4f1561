// The Express middleware on a loopback server: 401 missing_token / invalid_token / token_expired
// and 403 insufficient_role with the server's WWW-Authenticate challenges; req.user on success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { gatehouseExpress, sharedSecretKeySource } from '@gatehouse-auth/verify';
import { TEST_SECRET, createTestApp, registerUser, type TestApp } from '../helpers.js';
import { userWithRole } from './servers.js';

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<{ ctx: TestApp; get: (path: string, token?: string) => Promise<Response> }> {
  const ctx = await createTestApp();
  const auth = gatehouseExpress({ keys: sharedSecretKeySource(TEST_SECRET), now: () => ctx.clock.now() });
  const api = express();
  api.get('/profile', auth.requireUser, (req, res) => { res.json({ id: req.user!.id, role: req.user!.role }); });
  api.get('/admin', auth.requireRole('admin'), (req, res) => { res.json({ admin: req.user!.name }); });
  // another middleware that sets req.user first, as passport does
  const impostor: express.RequestHandler = (req, _res, next) => {
    req.user = { id: 'someone-else', name: 'someone-else', role: 'admin', sessionId: 'none', amr: [], authTime: null, claims: {} as never };
    next();
  };
  api.get('/preset/profile', impostor, auth.requireUser, (req, res) => { res.json({ id: req.user!.id }); });
  api.get('/preset/admin', impostor, auth.requireRole('admin'), (req, res) => { res.json({ admin: req.user!.name }); });
  api.get('/chained', auth.requireUser, auth.requireRole('user'), (req, res) => { res.json({ id: req.user!.id }); });
  const server: Server = await new Promise((resolve) => { const s = api.listen(0, '127.0.0.1', () => resolve(s)); });
  t.after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { ctx, get };
}

async function failure(res: Response) {
  return { status: res.status, code: ((await res.json()) as { code: string }).code };
}

test('Express middleware: a valid token reaches the handler with req.user', async (t) => {
  const { ctx, get } = await setup(t);
  const { tokens, userId } = await registerUser(ctx.app);
  const res = await get('/profile', tokens.access_token);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { id: userId, role: 'user' });
});

test('Express middleware: no token answers 401 missing_token with Bearer realm="gatehouse"', async (t) => {
  const { get } = await setup(t);
  const res = await get('/profile');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
  assert.deepEqual(await failure(res), { status: 401, code: 'missing_token' });
});

test('Express middleware: a bad token answers 401 invalid_token and an expired one 401 token_expired, both with error="invalid_token"', async (t) => {
  const { ctx, get } = await setup(t);
  const { tokens } = await registerUser(ctx.app);
  const bad = await get('/profile', 'not.a.jwt');
  assert.match(bad.headers.get('www-authenticate') ?? '', /^Bearer realm="gatehouse", error="invalid_token"/);
  assert.deepEqual(await failure(bad), { status: 401, code: 'invalid_token' });
  ctx.clock.advance(16 * 60 * 1000);
  const expired = await get('/profile', tokens.access_token);
  assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  assert.deepEqual(await failure(expired), { status: 401, code: 'token_expired' });
});

test('Express role check: the wrong role answers 403 insufficient_role with error="insufficient_scope"; an admin passes', async (t) => {
  const { ctx, get } = await setup(t);
  const { tokens } = await registerUser(ctx.app);
  const denied = await get('/admin', tokens.access_token);
  assert.equal(denied.headers.get('www-authenticate'), 'Bearer realm="gatehouse", error="insufficient_scope"');
  assert.deepEqual(await failure(denied), { status: 403, code: 'insufficient_role' });
  const admin = await userWithRole(ctx, 'admin');
  const ok = await get('/admin', admin.accessToken);
  assert.equal(ok.status, 200);
  assert.equal(typeof ((await ok.json()) as { admin: unknown }).admin, 'string');
});

test('Express middleware: a req.user set by other middleware is not trusted; the token decides', async (t) => {
  const { ctx, get } = await setup(t);
  const { tokens, userId } = await registerUser(ctx.app);
  assert.deepEqual(await failure(await get('/preset/profile')), { status: 401, code: 'missing_token' });
  assert.deepEqual(await failure(await get('/preset/admin', tokens.access_token)), { status: 403, code: 'insufficient_role' });
  assert.deepEqual(await (await get('/preset/profile', tokens.access_token)).json(), { id: userId });
  // guards of one instance chained on a route verify once and agree
  assert.deepEqual(await (await get('/chained', tokens.access_token)).json(), { id: userId });
});
