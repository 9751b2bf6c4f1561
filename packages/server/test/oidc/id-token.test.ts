// ID tokens (OpenID Connect Core §2, §3.1.3.6): RS256 by default whatever JWT_ALG is, verified here
// with jose against the JWKS the server publishes; ES256 on request; the claims by scope; the keys
// kept in the database, so another instance (or a restart) signs with the same key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestApp, registerUser } from '../helpers.js';
import { CLIENTS, ISSUER, providerApp } from './provider-harness.js';

async function jwksOf(app: { inject: (o: { method: 'GET'; url: string }) => Promise<{ statusCode: number; json: () => unknown }> }) {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  assert.equal(res.statusCode, 200);
  return createLocalJWKSet(res.json() as { keys: [] });
}

test('an ID token is RS256 under JWT_ALG=HS256, verifies against the published JWKS, and carries the claims of the contract', async (t) => {
  const ctx = await providerApp(t);
  const { userId } = await registerUser(ctx.app);
  const user = (await ctx.stores.users.findById(userId))!;
  const accessToken = 'an-access-token-value';
  const idToken = await ctx.oidc.signIdToken({
    user, clientId: 'wiki', nonce: 'n-0S6_WzA2Mj', authTime: 1767268800, amr: ['pwd', 'otp'], sid: 'sid-1', scopes: ['openid'], accessToken,
  }, ctx.clock.now());
  const header = decodeProtectedHeader(idToken);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.typ, 'JWT');
  const { payload } = await jwtVerify(idToken, await jwksOf(ctx.app), { issuer: ISSUER, audience: 'wiki', currentDate: new Date(ctx.clock.now()) });
  const now = Math.floor(ctx.clock.now() / 1000);
  assert.deepEqual(payload, {
    iss: ISSUER, sub: userId, aud: 'wiki', iat: now, exp: now + 3600, auth_time: 1767268800, nonce: 'n-0S6_WzA2Mj', amr: ['pwd', 'otp'],
    sid: 'sid-1', at_hash: createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'),
  });
});

test('email and email_verified come with the email scope, name and preferred_username with profile; no nonce or at_hash unless given', async (t) => {
  const ctx = await providerApp(t);
  const { userId, username, email } = await registerUser(ctx.app);
  const user = (await ctx.stores.users.findById(userId))!;
  const sign = (scopes: string[]) => ctx.oidc.signIdToken({ user, clientId: 'wiki', authTime: 1, amr: ['pwd'], sid: 's', scopes }, ctx.clock.now());
  const jwks = await jwksOf(ctx.app);
  const verify = async (token: string) => (await jwtVerify(token, jwks, { currentDate: new Date(ctx.clock.now()) })).payload;
  const both = await verify(await sign(['openid', 'email', 'profile']));
  assert.deepEqual([both.email, both.email_verified, both.name, both.preferred_username], [email, false, username, username]);
  const bare = await verify(await sign(['openid']));
  for (const claim of ['email', 'email_verified', 'name', 'preferred_username', 'nonce', 'at_hash']) assert.equal(bare[claim], undefined, claim);
});

test('OIDC_ID_TOKEN_ALG=ES256 signs ES256, with the access tokens\' JWT_ALG=EdDSA: the JWKS publishes both rings and each kid verifies its own', async (t) => {
  const ctx = await providerApp(t, { OIDC_ID_TOKEN_ALG: 'ES256', JWT_ALG: 'EdDSA' });
  const { userId } = await registerUser(ctx.app);
  const user = (await ctx.stores.users.findById(userId))!;
  const idToken = await ctx.oidc.signIdToken({ user, clientId: 'wiki', authTime: 1, amr: ['pwd'], sid: 's', scopes: ['openid'] }, ctx.clock.now());
  assert.equal(decodeProtectedHeader(idToken).alg, 'ES256');
  await jwtVerify(idToken, await jwksOf(ctx.app), { currentDate: new Date(ctx.clock.now()) });
  const keys = ((await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: Array<{ alg: string; d?: string }> }).keys;
  assert.deepEqual(keys.map((key) => key.alg).sort(), ['ES256', 'EdDSA']);
  assert.ok(keys.every((key) => key.d === undefined), 'no private member is published');
});

test('the ID-token key lives in the database: a second instance on it publishes and signs with the same kid, its private key sealed at rest', async (t) => {
  const first = await providerApp(t);
  const { userId } = await registerUser(first.app);
  const user = (await first.stores.users.findById(userId))!;
  const input = { user, clientId: 'wiki', authTime: 1, amr: ['pwd'], sid: 's', scopes: ['openid'] };
  const kid = decodeProtectedHeader(await first.oidc.signIdToken(input, first.clock.now())).kid;
  const second = await createTestApp({ PUBLIC_URL: ISSUER, OIDC_CLIENTS: CLIENTS, DATABASE_URL: first.config.databaseUrl });
  t.after(() => second.close());
  assert.equal(decodeProtectedHeader(await second.oidc!.signIdToken(input, second.clock.now())).kid, kid);
  const stored = await first.stores.oidcKeys.list();
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.kid, kid);
  assert.doesNotMatch(stored[0]!.sealedPrivateKey, /PRIVATE KEY/);
});

test('without PUBLIC_URL, or with a JWT_ISSUER other than it, the provider is off and the JWKS holds no ID-token key', async (t) => {
  for (const env of [{}, { PUBLIC_URL: ISSUER, JWT_ISSUER: 'gatehouse' }] as Array<Record<string, string>>) {
    const ctx = await createTestApp({ OIDC_CLIENTS: CLIENTS, ...env });
    t.after(() => ctx.close());
    assert.equal(ctx.oidc, undefined);
    assert.deepEqual((await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json(), { keys: [] });
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).statusCode, 404);
  }
});
