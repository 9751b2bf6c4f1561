// introspectionSessionCheck against the real server's POST /oauth/introspect: a logout is felt once
// the cached answer ages out (and may still pass before that), answers are shared per session and
// bounded in number and time, and a server that cannot answer fails closed with a 503 code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VerifyError, introspectionSessionCheck, sharedSecretKeySource, verifyAccessToken, type IntrospectionSessionCheckOptions,
} from '@gatehouse-auth/verify';
import type { TestContext } from 'node:test';
import { startLiveApp, type LiveApp } from '../client/live-app.js';
import { TEST_SECRET, bearer, registerUser } from '../helpers.js';
import { listenGatehouse } from './servers.js';

const CLIENT = { clientId: 'orders-api', clientSecret: 'orders+secret/0123456789' };

/** The real server on loopback, counting the introspection requests it answers. */
async function gatehouse(t: TestContext): Promise<LiveApp & { introspections(): number }> {
  const ctx = await startLiveApp(t, { INTROSPECTION_CLIENTS: `${CLIENT.clientId}:${CLIENT.clientSecret}` });
  return { ...ctx, introspections: () => ctx.count('POST /oauth/introspect') };
}

function checkFor(ctx: LiveApp, extra: Partial<IntrospectionSessionCheckOptions> = {}) {
  const now = () => ctx.clock.now();
  const sessionCheck = introspectionSessionCheck({ url: `${ctx.baseUrl}/oauth/introspect`, ...CLIENT, now, ...extra });
  return { keys: sharedSecretKeySource(TEST_SECRET), now, sessionCheck };
}

async function refuses(promise: Promise<unknown>, code: string, statusCode: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof VerifyError, `expected a VerifyError, got ${String(error)}`);
    assert.deepEqual({ code: error.code, statusCode: error.statusCode }, { code, statusCode });
    return true;
  });
}

test('after a logout the token may pass while the answer is cached, and is refused once it ages out', async (t) => {
  const ctx = await gatehouse(t);
  const { tokens, userId } = await registerUser(ctx.app);
  const options = checkFor(ctx, { cacheSeconds: 5 });
  assert.equal((await verifyAccessToken(tokens.access_token, options)).id, userId);
  const logout = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
  assert.equal(logout.statusCode, 204);
  ctx.clock.advance(4_000);
  assert.equal((await verifyAccessToken(tokens.access_token, options)).id, userId, 'inside cacheSeconds the live answer is reused');
  ctx.clock.advance(1_000);
  await refuses(verifyAccessToken(tokens.access_token, options), 'session_revoked', 401);
  assert.equal(ctx.introspections(), 2);
});

test('with cacheSeconds 0 a logout is felt at the very next check', async (t) => {
  const ctx = await gatehouse(t);
  const { tokens } = await registerUser(ctx.app);
  const options = checkFor(ctx, { cacheSeconds: 0 });
  await verifyAccessToken(tokens.access_token, options);
  await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
  await refuses(verifyAccessToken(tokens.access_token, options), 'session_revoked', 401);
});

test('answers are kept per session: concurrent checks share one request, a second session asks its own', async (t) => {
  const ctx = await gatehouse(t);
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  const options = checkFor(ctx);
  await Promise.all(Array.from({ length: 5 }, () => verifyAccessToken(alice.tokens.access_token, options)));
  assert.equal(ctx.introspections(), 1);
  await verifyAccessToken(bob.tokens.access_token, options);
  await verifyAccessToken(alice.tokens.access_token, options);
  assert.equal(ctx.introspections(), 2);
});

test('the cache holds at most maxEntries sessions, dropping the oldest answer first', async (t) => {
  const ctx = await gatehouse(t);
  const users = [await registerUser(ctx.app), await registerUser(ctx.app), await registerUser(ctx.app)];
  const options = checkFor(ctx, { maxEntries: 2 });
  for (const user of users) await verifyAccessToken(user.tokens.access_token, options);
  assert.equal(ctx.introspections(), 3);
  await verifyAccessToken(users[2]!.tokens.access_token, options);
  await verifyAccessToken(users[1]!.tokens.access_token, options);
  assert.equal(ctx.introspections(), 3, 'the two newest are still cached');
  await verifyAccessToken(users[0]!.tokens.access_token, options);
  assert.equal(ctx.introspections(), 4, 'the oldest was dropped');
});

test('a logged-out answer is cached too, and a disabled user is refused', async (t) => {
  const ctx = await gatehouse(t);
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { disabled: true }, new Date(ctx.clock.now()));
  const options = checkFor(ctx);
  await refuses(verifyAccessToken(user.tokens.access_token, options), 'session_revoked', 401);
  await refuses(verifyAccessToken(user.tokens.access_token, options), 'session_revoked', 401);
  assert.equal(ctx.introspections(), 1);
});

test('wrong credentials or an unreachable server fail closed with 503 introspection_unavailable, never cached', async (t) => {
  const ctx = await gatehouse(t);
  const { tokens } = await registerUser(ctx.app);
  const wrong = checkFor(ctx, { clientSecret: 'not-the-secret-0123456789' });
  await refuses(verifyAccessToken(tokens.access_token, wrong), 'introspection_unavailable', 503);
  await refuses(verifyAccessToken(tokens.access_token, wrong), 'introspection_unavailable', 503);
  assert.equal(ctx.introspections(), 2, 'a failure is asked again');
  const elsewhere = checkFor(ctx, { url: `${ctx.baseUrl}/nothing-here` });
  await refuses(verifyAccessToken(tokens.access_token, elsewhere), 'introspection_unavailable', 503);
  const closed = await listenGatehouse();
  const deadUrl = `${closed.baseUrl}/oauth/introspect`;
  await closed.close();
  await refuses(verifyAccessToken(tokens.access_token, checkFor(ctx, { url: deadUrl })), 'introspection_unavailable', 503);
});

test('misuse is a TypeError naming the option', () => {
  const base = { url: 'http://127.0.0.1:1/oauth/introspect', ...CLIENT };
  const bad: Array<[Partial<IntrospectionSessionCheckOptions>, RegExp]> = [
    [{ url: 'not a url' }, /url/], [{ url: 'ftp://x/y' }, /url/], [{ clientId: '' }, /clientId/], [{ clientSecret: '' }, /clientSecret/],
    [{ cacheSeconds: -1 }, /cacheSeconds/], [{ cacheSeconds: 301 }, /cacheSeconds/], [{ maxEntries: 0 }, /maxEntries/], [{ timeoutMs: 0 }, /timeoutMs/],
  ];
  for (const [change, message] of bad) {
    assert.throws(() => introspectionSessionCheck({ ...base, ...change } as IntrospectionSessionCheckOptions), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, message);
      return true;
    });
  }
});
