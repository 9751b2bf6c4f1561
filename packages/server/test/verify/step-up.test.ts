// The verify package's step-up guards against the real app: the verified user carries amr and
// auth_time; requireMfa wants a second factor, requireRecentAuth(seconds) a recent sign-in, in the
// Fastify plugin and the Express middleware alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Fastify from 'fastify';
import express from 'express';
import { gatehouseExpress, gatehouseVerify, sharedSecretKeySource, verifyAccessToken } from '@gatehouse-auth/verify';
import { TEST_SECRET, createTestApp, failure, registerUser, type TestApp } from '../helpers.js';
import { codeAt, enrolTotp, passwordLogin, verifyMfa } from '../http/routes/mfa/mfa-helpers.js';

/** A password-only pair and a pair of the same user after a TOTP second step. */
async function twoSignIns(ctx: TestApp) {
  const user = await registerUser(ctx.app);
  const { secret } = await enrolTotp(ctx.app, user.tokens.access_token, ctx.clock.now());
  ctx.clock.advance(30_000);
  const mfa = (await verifyMfa(ctx.app, (await passwordLogin(ctx.app, user)).json().mfa_token, codeAt(secret, ctx.clock.now()))).json();
  return { user, passwordOnly: user.tokens.access_token, withMfa: mfa.access_token as string };
}

test('verifyAccessToken exposes amr and auth_time on the verified user', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { passwordOnly, withMfa } = await twoSignIns(ctx);
  const options = { keys: sharedSecretKeySource(TEST_SECRET), now: () => ctx.clock.now() };
  const first = await verifyAccessToken(passwordOnly, options);
  assert.deepEqual([first.amr, first.authTime], [['pwd'], Math.floor(ctx.clock.now() / 1000) - 30]);
  const second = await verifyAccessToken(withMfa, options);
  assert.deepEqual([second.amr, second.authTime], [['pwd', 'otp', 'mfa'], Math.floor(ctx.clock.now() / 1000)]);
});

test('Fastify: requireMfa refuses a password-only token with 403 mfa_required; requireRecentAuth(300) an old sign-in', async (t) => {
  const ctx = await createTestApp();
  const api = Fastify();
  await api.register(gatehouseVerify, { keys: sharedSecretKeySource(TEST_SECRET), now: () => ctx.clock.now() });
  api.get('/payouts', { onRequest: api.gatehouse.requireMfa }, async (request) => ({ amr: request.user!.amr }));
  api.get('/delete', { onRequest: api.gatehouse.requireRecentAuth(300) }, async (request) => ({ id: request.user!.id }));
  t.after(async () => {
    await api.close();
    await ctx.close();
  });
  const { user, passwordOnly, withMfa } = await twoSignIns(ctx);
  const get = (url: string, token: string) => api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(failure(await get('/payouts', passwordOnly)), { status: 403, code: 'mfa_required' });
  assert.deepEqual((await get('/payouts', withMfa)).json(), { amr: ['pwd', 'otp', 'mfa'] });
  assert.deepEqual((await get('/delete', withMfa)).json(), { id: user.userId });
  ctx.clock.advance(301_000);
  assert.deepEqual(failure(await get('/delete', withMfa)), { status: 403, code: 'reauthentication_required' });
  assert.throws(() => api.gatehouse.requireRecentAuth(0), TypeError);
});

test('Express: requireMfa and requireRecentAuth(seconds) answer as the Fastify guards do', async (t) => {
  const ctx = await createTestApp();
  const auth = gatehouseExpress({ keys: sharedSecretKeySource(TEST_SECRET), now: () => ctx.clock.now() });
  const api = express();
  api.get('/payouts', auth.requireMfa, (req, res) => { res.json({ amr: req.user!.amr }); });
  api.get('/delete', auth.requireRecentAuth(300), (req, res) => { res.json({ id: req.user!.id }); });
  const server: Server = await new Promise((resolve) => { const s = api.listen(0, '127.0.0.1', () => resolve(s)); });
  t.after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, token: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() as { code?: string } };
  };
  const { user, passwordOnly, withMfa } = await twoSignIns(ctx);
  const refused = await get('/payouts', passwordOnly);
  assert.deepEqual([refused.status, refused.body.code], [403, 'mfa_required']);
  assert.deepEqual(await get('/payouts', withMfa), { status: 200, body: { amr: ['pwd', 'otp', 'mfa'] } });
  assert.deepEqual(await get('/delete', withMfa), { status: 200, body: { id: user.userId } });
  ctx.clock.advance(301_000);
  const old = await get('/delete', withMfa);
  assert.deepEqual([old.status, old.body.code], [403, 'reauthentication_required']);
});
