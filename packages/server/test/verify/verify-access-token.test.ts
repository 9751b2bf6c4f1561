// verifyAccessToken with the shared secret (HS256, the server's default): tokens of the real app
// verify to their user; expired, forged, refresh, kid-carrying and foreign-issuer tokens are refused
// with the server's codes, as are tokens claiming a longer lifetime than maxTokenLifetimeSeconds or a
// future iat; the access key alone (accessKeySource) verifies like the secret; misuse is a
// TypeError; the Redis session check refuses logged-out sessions.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SignJWT, decodeJwt } from 'jose';
import { deriveKey } from '../../src/core/tokens/keys.js';
import {
  VerifyError, accessKeySource, cachedUser, redisSessionCheck, sharedSecretKeySource, verifyAccessToken, type VerifyAccessTokenOptions,
} from '@gatehouse-auth/verify';
import { TEST_SECRET, bearer, createTestApp, registerUser, type TestApp } from '../helpers.js';
import { deleteRedisKeys, unavailable } from '../storage/backends.js';

async function appFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<TestApp> {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  return ctx;
}

const options = (ctx: TestApp, extra: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions => ({
  keys: sharedSecretKeySource(TEST_SECRET), now: () => ctx.clock.now(), ...extra,
});

async function refuses(promise: Promise<unknown>, code: string, statusCode = 401): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof VerifyError, `expected a VerifyError, got ${String(error)}`);
    assert.deepEqual({ code: error.code, statusCode: error.statusCode }, { code, statusCode });
    return true;
  });
}

test('with the shared secret, an access token of the real server verifies to its user and claims', async (t) => {
  const ctx = await appFor(t);
  const { tokens, userId, username } = await registerUser(ctx.app);
  const user = await verifyAccessToken(tokens.access_token, options(ctx));
  const claims = decodeJwt(tokens.access_token);
  assert.deepEqual(user, { id: userId, name: username, role: 'user', sessionId: claims.sid, amr: ['pwd'], authTime: claims.auth_time, claims });
});

test('cachedUser answers a token that passed, while it is cached and valid, and only without a session check', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const opts = options(ctx);
  assert.equal(cachedUser(tokens.access_token, opts), undefined, 'not verified yet');
  const user = await verifyAccessToken(tokens.access_token, opts);
  assert.equal(cachedUser(tokens.access_token, opts), user, 'the very user verifyAccessToken gave');
  assert.equal(await verifyAccessToken(tokens.access_token, opts), user, 'built once per token');
  assert.ok(Object.isFrozen(user) && Object.isFrozen(user.claims), 'shared, so frozen');
  const uncached = await verifyAccessToken(tokens.access_token, options(ctx, { cache: false }));
  assert.ok(Object.isFrozen(uncached) && Object.isFrozen(uncached.claims));
  assert.equal(cachedUser(tokens.access_token, options(ctx)), undefined, 'another options object has its own cache');
  assert.equal(cachedUser(`${tokens.access_token}x`, opts), undefined);
  const checked = options(ctx, { sessionCheck: async () => false });
  await verifyAccessToken(tokens.access_token, checked);
  assert.equal(cachedUser(tokens.access_token, checked), undefined, 'a session check must run every time');
  ctx.clock.advance(16 * 60 * 1000);
  assert.equal(cachedUser(tokens.access_token, opts), undefined, 'past exp');
});

test('refuses an expired access token with token_expired, past the 5 s leeway', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  ctx.clock.advance((900 + 4) * 1000);
  await verifyAccessToken(tokens.access_token, options(ctx));
  ctx.clock.advance(1000);
  await refuses(verifyAccessToken(tokens.access_token, options(ctx)), 'token_expired');
});

test('refuses a token verified with another secret, a refresh token, and garbage with invalid_token', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const otherSecret = randomBytes(32).toString('hex');
  await refuses(verifyAccessToken(tokens.access_token, { ...options(ctx), keys: sharedSecretKeySource(otherSecret) }), 'invalid_token');
  await refuses(verifyAccessToken(tokens.refresh_token, options(ctx)), 'invalid_token');
  await refuses(verifyAccessToken('not.a.jwt', options(ctx)), 'invalid_token');
});

test('refuses a token signed with the raw master secret or carrying a kid, and one of alg none', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const claims = decodeJwt(tokens.access_token);
  const raw = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(Buffer.from(TEST_SECRET));
  await refuses(verifyAccessToken(raw, options(ctx)), 'invalid_token');
  const withKid = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k' }).sign(deriveKey(TEST_SECRET, 'access'));
  await refuses(verifyAccessToken(withKid, options(ctx)), 'invalid_token');
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  await refuses(verifyAccessToken(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`, options(ctx)), 'invalid_token');
});

test('accessKeySource with the derived access key verifies the server\'s tokens like the secret did, and refuses refresh tokens', async (t) => {
  const ctx = await appFor(t);
  const { tokens, userId } = await registerUser(ctx.app);
  for (const encoding of ['base64url', 'hex'] as const) {
    const opts = options(ctx, { keys: accessKeySource(deriveKey(TEST_SECRET, 'access').toString(encoding)) });
    assert.equal((await verifyAccessToken(tokens.access_token, opts)).id, userId, encoding);
    await refuses(verifyAccessToken(tokens.refresh_token, opts), 'invalid_token');
  }
});

test('a token claiming a longer lifetime (exp − iat) than maxTokenLifetimeSeconds is refused with invalid_token; the default is 900', async (t) => {
  const ctx = await appFor(t, { ACCESS_TOKEN_TTL: '30m' });
  const { tokens } = await registerUser(ctx.app);
  await refuses(verifyAccessToken(tokens.access_token, options(ctx)), 'invalid_token');
  assert.equal((await verifyAccessToken(tokens.access_token, options(ctx, { maxTokenLifetimeSeconds: 1800 }))).role, 'user');
  await refuses(verifyAccessToken(tokens.access_token, options(ctx, { maxTokenLifetimeSeconds: 1799 })), 'invalid_token');
  await assert.rejects(verifyAccessToken(tokens.access_token, options(ctx, { maxTokenLifetimeSeconds: 0 })), TypeError);
});

test('a token whose iat lies in the future beyond the clock tolerance is refused with invalid_token', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const claims = decodeJwt(tokens.access_token);
  const ahead = (seconds: number) => new SignJWT({ ...claims, iat: claims.iat! + seconds, exp: claims.exp! + seconds })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(deriveKey(TEST_SECRET, 'access'));
  assert.equal((await verifyAccessToken(await ahead(5), options(ctx))).role, 'user');
  await refuses(verifyAccessToken(await ahead(6), options(ctx)), 'invalid_token');
  await refuses(verifyAccessToken(await ahead(6), options(ctx, { clockToleranceSeconds: 0 })), 'invalid_token');
  assert.equal((await verifyAccessToken(await ahead(6), options(ctx, { clockToleranceSeconds: 10 }))).role, 'user');
});

test('checks the issuer and, when given, the audience', async (t) => {
  const ctx = await appFor(t, { JWT_AUDIENCE: 'https://blog.example' });
  const { tokens } = await registerUser(ctx.app);
  await verifyAccessToken(tokens.access_token, options(ctx, { audience: 'https://blog.example' }));
  await refuses(verifyAccessToken(tokens.access_token, options(ctx, { audience: 'https://other.example' })), 'invalid_token');
  await refuses(verifyAccessToken(tokens.access_token, options(ctx, { issuer: 'someone-else' })), 'invalid_token');
});

test('an empty token is missing_token; options without keys are a TypeError', async () => {
  await refuses(verifyAccessToken('', { keys: sharedSecretKeySource(TEST_SECRET) }), 'missing_token');
  await assert.rejects(verifyAccessToken('x', {} as VerifyAccessTokenOptions), TypeError);
  assert.throws(() => sharedSecretKeySource(''), TypeError);
});

test('a session check that cannot reach its store fails closed with 503 store_unavailable', async (t) => {
  const ctx = await appFor(t);
  const { tokens } = await registerUser(ctx.app);
  const unreachable = { hmget: async () => { throw new Error('connect ECONNREFUSED'); } };
  await refuses(verifyAccessToken(tokens.access_token, options(ctx, { sessionCheck: redisSessionCheck(unreachable) })), 'store_unavailable', 503);
});

describe('the Redis session check against the server\'s own Redis sessions', { skip: unavailable('REDIS_URL') }, () => {
  const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
  let ctx: TestApp;
  let redis: Redis;
  before(async () => {
    ctx = await createTestApp({ REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: prefix });
    ctx.clock.set(Date.now()); // Redis expires keys by its own clock
    redis = new Redis(process.env.REDIS_URL!);
  });
  after(async () => {
    await ctx?.close();
    await deleteRedisKeys(redis, prefix);
    await redis.quit();
  });

  test('a live session passes; after logout the same token is refused with session_revoked', async () => {
    const { tokens } = await registerUser(ctx.app);
    const check = options(ctx, { sessionCheck: redisSessionCheck(redis, { keyPrefix: prefix }) });
    assert.equal((await verifyAccessToken(tokens.access_token, check)).role, 'user');
    const logout = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
    assert.equal(logout.statusCode, 204);
    await refuses(verifyAccessToken(tokens.access_token, check), 'session_revoked');
  });

  test('a token whose session is not in Redis (another prefix, or expired) counts as revoked', async () => {
    const { tokens } = await registerUser(ctx.app);
    const wrongPrefix = options(ctx, { sessionCheck: redisSessionCheck(redis, { keyPrefix: 'nope:' }) });
    await refuses(verifyAccessToken(tokens.access_token, wrongPrefix), 'session_revoked');
  });
});
