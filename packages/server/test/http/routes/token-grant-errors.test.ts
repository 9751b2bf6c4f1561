// POST /token refresh-grant failures in RFC 6749 §5.2 terms: a grant that is malformed, forged,
// expired, reused, revoked or paired with another session's access token is 400 invalid_grant;
// a missing parameter (refresh_token, or the access token the pairing needs) is 400 invalid_request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, registerUser, type Pair, type TestApp } from '../../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

function refreshGrant(app: FastifyInstance, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST', url: '/token', payload: new URLSearchParams({ grant_type: 'refresh_token', ...fields }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** Exactly {error, error_description}, with the status and error given. */
function assertOAuthError(res: Awaited<ReturnType<typeof refreshGrant>>, status: number, error: string, label: string): void {
  assert.equal(res.statusCode, status, `${label}: ${res.body}`);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], label);
  assert.equal(body.error, error, `${label}: ${body.error_description}`);
}

/** The signature's first character changed: the same header and claims, a signature that does not match. */
function forgeSignature(token: string): string {
  const dot = token.lastIndexOf('.') + 1;
  return `${token.slice(0, dot)}${token[dot] === 'A' ? 'B' : 'A'}${token.slice(dot + 1)}`;
}

const refreshWith = (app: FastifyInstance, pair: Pair, refreshToken = pair.refresh_token) =>
  refreshGrant(app, { refresh_token: refreshToken, access_token: pair.access_token });

test('a garbage, forged or over-long refresh token answers 400 invalid_grant, with or without an access token', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const bad = { garbage: 'garbage', 'three garbage parts': 'a.b.c', forged: forgeSignature(tokens.refresh_token), 'over-long': `${tokens.refresh_token}${'A'.repeat(5000)}` };
  for (const [label, refreshToken] of Object.entries(bad)) {
    assertOAuthError(await refreshWith(ctx.app, tokens, refreshToken), 400, 'invalid_grant', `${label}, access token in a field`);
    assertOAuthError(await refreshGrant(ctx.app, { refresh_token: refreshToken }, { authorization: `Bearer ${tokens.access_token}` }),
      400, 'invalid_grant', `${label}, access token as a bearer`);
    assertOAuthError(await refreshGrant(ctx.app, { refresh_token: refreshToken }), 400, 'invalid_grant', `${label}, no access token`);
  }
});

test('an expired refresh token answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  ctx.clock.advance((7 * 24 * 3600 + 60) * 1000); // past the refresh token's 7 days; the access token may still be that late
  assertOAuthError(await refreshWith(ctx.app, tokens), 400, 'invalid_grant', 'expired');
});

test('a reused refresh token, and the session it revoked, answer 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const next = await refreshWith(ctx.app, tokens);
  assert.equal(next.statusCode, 200, next.body);
  ctx.clock.advance(11_000); // past the 10 s grace window: the old token is now a reuse
  assertOAuthError(await refreshWith(ctx.app, tokens), 400, 'invalid_grant', 'reused');
  assertOAuthError(await refreshWith(ctx.app, next.json() as Pair), 400, 'invalid_grant', 'successor of a revoked session');
});

test('a refresh token of a logged-out session, or of a disabled user, answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const alice = await registerUser(ctx.app);
  const out = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${alice.tokens.access_token}` } });
  assert.equal(out.statusCode, 204, out.body);
  assertOAuthError(await refreshWith(ctx.app, alice.tokens), 400, 'invalid_grant', 'logged out');
  const bob = await registerUser(ctx.app);
  await ctx.stores.users.update(bob.userId, { disabled: true }, new Date(ctx.clock.now()));
  assertOAuthError(await refreshWith(ctx.app, bob.tokens), 400, 'invalid_grant', 'disabled user');
});

test('another session\'s access token, or a garbage one, with a valid refresh token answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  assertOAuthError(await refreshGrant(ctx.app, { refresh_token: alice.tokens.refresh_token, access_token: bob.tokens.access_token }),
    400, 'invalid_grant', 'mismatched');
  assertOAuthError(await refreshGrant(ctx.app, { refresh_token: alice.tokens.refresh_token, access_token: 'garbage' }),
    400, 'invalid_grant', 'garbage access token');
});

test('a missing or empty refresh_token answers 400 invalid_request', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const bearer = { authorization: `Bearer ${tokens.access_token}` };
  assertOAuthError(await refreshGrant(ctx.app, {}, bearer), 400, 'invalid_request', 'missing refresh_token');
  assertOAuthError(await refreshGrant(ctx.app, { refresh_token: '' }, bearer), 400, 'invalid_request', 'empty refresh_token');
  assert.equal((await refreshWith(ctx.app, tokens)).statusCode, 200, 'the refresh token still works: nothing above spent it');
});

test('with TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN=true, a valid refresh token without the access token answers 400 invalid_request', async (t) => {
  const ctx = await appFor(t, { TOKEN_REFRESH_REQUIRES_ACCESS_TOKEN: 'true' });
  const { tokens } = await registerUser(ctx.app);
  assertOAuthError(await refreshGrant(ctx.app, { refresh_token: tokens.refresh_token }), 400, 'invalid_request', 'no access token');
  assertOAuthError(await refreshGrant(ctx.app, { refresh_token: tokens.refresh_token, access_token: '' }), 400, 'invalid_request', 'empty access_token');
  assert.equal((await refreshWith(ctx.app, tokens)).statusCode, 200, 'the refresh token still works: nothing above spent it');
});

test('with the refresh token alone (the default) a garbage refresh token answers 400 invalid_grant', async (t) => {
  const ctx = await appFor(t);
  assertOAuthError(await refreshGrant(ctx.app, { refresh_token: 'garbage' }), 400, 'invalid_grant', 'garbage');
});
