// POST /oauth/revoke (RFC 7009): a refresh token or an access token ends its session; 200 for an
// invalid or unknown token too; token_type_hint is only a hint; no client authentication, so a
// public client revokes with the token alone; a store that is down is a 503, never a silent 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreUnavailableError } from '../../../../src/storage/errors.js';
import { assertError, bearer, createTestApp, registerUser, type TestApp } from '../../../helpers.js';
import { assertOAuthError, basic, postForm, revoke } from './oauth-helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

/** RFC 7009 §2.2: 200, and the body is nothing a client reads; tokens' answers are never cached. */
function assertRevoked(res: Awaited<ReturnType<typeof revoke>>): void {
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.body, '');
  assert.equal(res.headers['cache-control'], 'no-store');
}

async function assertSessionEnded(ctx: TestApp, tokens: { access_token: string; refresh_token: string }): Promise<void> {
  assertError(await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(tokens.access_token) }), 401, 'session_revoked');
  const refresh = await postForm(ctx.app, '/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  assertOAuthError(refresh, 400, 'invalid_grant');
}

async function assertSessionLive(ctx: TestApp, accessToken: string): Promise<void> {
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(accessToken) });
  assert.equal(me.statusCode, 200, me.body);
}

test('revoking a refresh token ends its session: its access token and refresh token stop working', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  assertRevoked(await revoke(ctx.app, { token: user.tokens.refresh_token, token_type_hint: 'refresh_token' }));
  await assertSessionEnded(ctx, user.tokens);
});

test('revoking an access token ends its session, with or without a hint', async (t) => {
  const ctx = await appFor(t);
  for (const hint of [{ token_type_hint: 'access_token' }, {}] as Array<Record<string, string>>) {
    const user = await registerUser(ctx.app);
    assertRevoked(await revoke(ctx.app, { token: user.tokens.access_token, ...hint }));
    await assertSessionEnded(ctx, user.tokens);
  }
});

test('token_type_hint is only a hint: a wrong or unknown hint still finds the token under its real kind', async (t) => {
  const ctx = await appFor(t);
  const cases = [
    { kind: 'access_token', hint: 'refresh_token' }, { kind: 'refresh_token', hint: 'access_token' },
    { kind: 'access_token', hint: 'id_token' }, { kind: 'refresh_token', hint: 'something-else' },
  ] as const;
  for (const { kind, hint } of cases) {
    const user = await registerUser(ctx.app);
    assertRevoked(await revoke(ctx.app, { token: user.tokens[kind], token_type_hint: hint }));
    await assertSessionEnded(ctx, user.tokens);
  }
});

test('an invalid, forged, expired or unknown token answers 200 and ends no session (RFC 7009 §2.2)', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const [header, payload] = user.tokens.refresh_token.split('.');
  const forged = `${header}.${payload}.${'A'.repeat(43)}`;
  for (const token of ['garbage', 'a.b.c', forged, `${user.tokens.access_token}x`]) assertRevoked(await revoke(ctx.app, { token }));
  await assertSessionLive(ctx, user.tokens.access_token);
  ctx.clock.advance(16 * 60 * 1000); // the access token has expired: nothing to revoke with it
  assertRevoked(await revoke(ctx.app, { token: user.tokens.access_token }));
  const refresh = await postForm(ctx.app, '/token', { grant_type: 'refresh_token', refresh_token: user.tokens.refresh_token });
  assert.equal(refresh.statusCode, 200, refresh.body);
});

test('revoking twice answers 200 twice', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  assertRevoked(await revoke(ctx.app, { token: user.tokens.refresh_token }));
  assertRevoked(await revoke(ctx.app, { token: user.tokens.refresh_token }));
  assertRevoked(await revoke(ctx.app, { token: user.tokens.access_token }));
});

test('no client authentication: a public client revokes with the token alone, and client_id or Basic credentials are ignored', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  assertRevoked(await revoke(ctx.app, { token: user.tokens.refresh_token, client_id: 'my-spa' }, basic('someone', 'whatever')));
  await assertSessionEnded(ctx, user.tokens);
});

test('revoking one session leaves the user\'s other sessions alive', async (t) => {
  const ctx = await appFor(t);
  const user = await registerUser(ctx.app);
  const other = await postForm(ctx.app, '/token', { grant_type: 'password', username: user.username, password: user.password });
  assertRevoked(await revoke(ctx.app, { token: user.tokens.refresh_token }));
  await assertSessionLive(ctx, other.json().access_token);
});

test('a request without a token answers 400 invalid_request; a body that is not a form, 415', async (t) => {
  const ctx = await appFor(t);
  assertOAuthError(await revoke(ctx.app, {}), 400, 'invalid_request');
  assertOAuthError(await revoke(ctx.app, { token: '' }), 400, 'invalid_request');
  assertOAuthError(await revoke(ctx.app, { token: 'x'.repeat(5000) }), 400, 'invalid_request');
  const json = await ctx.app.inject({ method: 'POST', url: '/oauth/revoke', payload: { token: 'x' } });
  assertOAuthError(json, 415, 'invalid_request');
});

test('a session store that is down answers 503 temporarily_unavailable, not a 200 that revoked nothing', async (t) => {
  const ctx = await createTestApp({}, {
    stores: (stores) => ({
      ...stores,
      sessions: { ...stores.sessions, revoke: async () => { throw new StoreUnavailableError(new Error('connection refused')); } },
    }),
  });
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app);
  const res = await revoke(ctx.app, { token: user.tokens.refresh_token });
  assertOAuthError(res, 503, 'temporarily_unavailable');
  assert.doesNotMatch(res.body, /connection refused/);
});
