// POST /token grant_type=client_credentials (RFC 6749 §4.4): a machine client authenticates by the
// method it registered and gets an access token whose subject is itself, with the scope it may have,
// no refresh token; the token is no user's (refused where a user's is expected) and introspects with
// its client_id and scope.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser, bearer, type TestApp } from '../helpers.js';

const REPORTS = 'r'.repeat(40);
const CLIENTS = JSON.stringify([
  { client_id: 'reports', client_secret: REPORTS, grant_types: ['client_credentials'], scope: 'reports:read reports:write openid' },
  { client_id: 'poster', client_secret: 'p'.repeat(40), grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: 'jobs' },
  { client_id: 'web', client_secret: 'w'.repeat(40), redirect_uris: ['https://web.example.com/cb'] },
]);
const RS = { id: 'api', secret: 'a'.repeat(24) };

async function setup(t: TestContext): Promise<TestApp> {
  const ctx = await createTestApp({ OIDC_CLIENTS: CLIENTS, INTROSPECTION_CLIENTS: `${RS.id}:${RS.secret}` });
  t.after(() => ctx.close());
  return ctx;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = 'application/x-www-form-urlencoded';

function token(ctx: TestApp, body: Record<string, string>, authorization?: string) {
  return ctx.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': form, ...(authorization ? { authorization } : {}) },
    payload: new URLSearchParams({ grant_type: 'client_credentials', ...body }).toString(),
  });
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

test('a client registered for it gets an access token of its own: sub and client_id are the client, its machine scopes, no refresh token', async (t) => {
  const ctx = await setup(t);
  const res = await token(ctx, {}, basic('reports', REPORTS));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const { access_token: accessToken, ...rest } = res.json();
  assert.deepEqual(rest, { token_type: 'bearer', expires_in: 900, scope: 'reports:read reports:write' });
  const claims = claimsOf(accessToken);
  assert.deepEqual(Object.keys(claims).sort(), ['client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
  assert.deepEqual([claims.sub, claims.client_id, claims.exp - claims.iat], ['reports', 'reports', 900]);
  const narrower = await token(ctx, { scope: 'reports:read' }, basic('reports', REPORTS));
  assert.equal(narrower.json().scope, 'reports:read');
});

test('client_secret_post for a client that registered it; each client only by the method it registered, and one method at a time', async (t) => {
  const ctx = await setup(t);
  assert.equal((await token(ctx, { client_id: 'poster', client_secret: 'p'.repeat(40) })).statusCode, 200);
  const wrongMethod = [
    await token(ctx, {}, basic('poster', 'p'.repeat(40))),
    await token(ctx, { client_id: 'reports', client_secret: REPORTS }),
  ];
  for (const res of wrongMethod) {
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_client');
    assert.equal(res.headers['www-authenticate'], 'Basic realm="gatehouse", charset="UTF-8"');
  }
  const both = await token(ctx, { client_secret: REPORTS }, basic('reports', REPORTS));
  assert.deepEqual([both.statusCode, both.json().error], [400, 'invalid_request']);
});

test('a wrong secret, an unknown client and no credentials are 401 invalid_client alike', async (t) => {
  const ctx = await setup(t);
  for (const res of [await token(ctx, {}, basic('reports', 'x'.repeat(40))), await token(ctx, {}, basic('nobody', REPORTS)), await token(ctx, {})]) {
    assert.deepEqual([res.statusCode, res.json().error], [401, 'invalid_client']);
  }
});

test('a client not registered for the grant is 400 unauthorized_client; a scope it lacks, or one that needs a user, is 400 invalid_scope', async (t) => {
  const ctx = await setup(t);
  const web = await token(ctx, {}, basic('web', 'w'.repeat(40)));
  assert.deepEqual([web.statusCode, web.json().error], [400, 'unauthorized_client']);
  for (const scope of ['reports:admin', 'openid', 'reports:read email']) {
    const res = await token(ctx, { scope }, basic('reports', REPORTS));
    assert.deepEqual([res.statusCode, res.json().error], [400, 'invalid_scope'], scope);
  }
});

test('a client token is no user\'s: /users/me refuses it; introspection answers its client and scope until it expires', async (t) => {
  const ctx = await setup(t);
  const accessToken = (await token(ctx, { scope: 'reports:read' }, basic('reports', REPORTS))).json().access_token;
  const me = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(accessToken) });
  assert.deepEqual([me.statusCode, me.json().code], [401, 'invalid_token']);
  const introspect = () => ctx.app.inject({
    method: 'POST', url: '/oauth/introspect', headers: { 'content-type': form, authorization: basic(RS.id, RS.secret) },
    payload: new URLSearchParams({ token: accessToken }).toString(),
  });
  const iat = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
  assert.deepEqual((await introspect()).json(), {
    active: true, sub: 'reports', client_id: 'reports', scope: 'reports:read', exp: iat + 900, iat, iss: 'gatehouse', token_type: 'bearer',
  });
  ctx.clock.advance(906_000); // past exp and the 5 s CLOCK_TOLERANCE
  assert.deepEqual((await introspect()).json(), { active: false });
  // and a user's token does not read as a client's
  const user = await registerUser(ctx.app);
  const userAnswer = await ctx.app.inject({
    method: 'POST', url: '/oauth/introspect', headers: { 'content-type': form, authorization: basic(RS.id, RS.secret) },
    payload: new URLSearchParams({ token: user.tokens.access_token }).toString(),
  });
  assert.equal(userAnswer.json().client_id, undefined);
  assert.equal(userAnswer.json().sid !== undefined, true);
});
