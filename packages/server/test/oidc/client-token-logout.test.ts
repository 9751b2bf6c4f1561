// A relying party's tokens cannot log the user out of everything (docs/architecture.md, "OpenID
// Connect tokens and consent"): ending the other sessions is a remedy that also removes ways in, so
// POST /auth/logout?scope=others|global takes only Gatehouse's own tokens; "local" may still end the
// party's own session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, registerUser } from '../helpers.js';
import { clientSession, providerApp, WIKI } from './provider-harness.js';

for (const scope of ['others', 'global'] as const) {
  test(`refuses a relying party's access token and refresh token for logout scope=${scope}, and every session stays`, async (t) => {
    const ctx = await providerApp(t);
    const registered = await registerUser(ctx.app);
    const { user, tokens } = await clientSession(ctx, WIKI.id, ['openid', 'offline_access'], registered.userId);
    const own = registered.tokens;
    const live = async () => (await ctx.stores.sessions.listActiveForUser(user.id, new Date(ctx.clock.now()))).length;
    const before = await live();
    assertError(await ctx.app.inject({ method: 'POST', url: `/auth/logout?scope=${scope}`, headers: bearer(tokens.access_token) }), 401, 'invalid_token');
    assertError(await ctx.app.inject({
      method: 'POST', url: `/auth/logout?scope=${scope}`, payload: { refresh_token: tokens.refresh_token },
    }), 401, 'invalid_token');
    assert.equal(await live(), before);
    const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(own.access_token) });
    assert.equal(me.statusCode, 200);
  });
}

test('a relying party\'s access token may still end its own session (scope=local)', async (t) => {
  const ctx = await providerApp(t);
  const { user, tokens, sessionId } = await clientSession(ctx, WIKI.id, ['openid']);
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
  assert.equal(res.statusCode, 204);
  assert.ok((await ctx.stores.sessions.findById(user.id, sessionId))?.revokedAt);
});
