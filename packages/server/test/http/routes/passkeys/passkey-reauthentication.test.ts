// A passkey in step-up: POST /auth/reauthenticate takes a passkey's answer to its own options
// (the caller's passkeys only), and deleting a passkey needs a recent sign-in.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, registerUser } from '../../../helpers.js';
import { addPasskey, loginOptions, newAuthenticator, passkeySignIn } from '../../../passkeys/passkey-flow.js';

async function setup(t: TestContext) {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app, { username: 'sam' });
  const authenticator = newAuthenticator();
  const passkey = await addPasskey(ctx.app, user.tokens.access_token, authenticator);
  ctx.clock.advance(1000);
  // a session signed in with the passkey: one signed in before it existed cannot be vouched for by it
  const token = await passkeySignIn(ctx.app, authenticator);
  return { ...ctx, user, authenticator, passkey, token };
}

const reauthOptions = async (app: FastifyInstance, token: string) =>
  (await app.inject({ method: 'POST', url: '/auth/reauthenticate/passkey/options', headers: bearer(token) })).json();

test('re-authenticates with a passkey: options list the caller\'s passkeys, the new session has auth_time now', async (t) => {
  const { app, clock, authenticator, token } = await setup(t);
  clock.advance(11 * 60_000); // older than REAUTH_MAX_AGE, the access token still live
  const options = await reauthOptions(app, token);
  assert.deepEqual(options.allowCredentials, [{ id: authenticator.credentials[0]!.id, type: 'public-key', transports: ['internal'] }]);
  const res = await app.inject({
    method: 'POST', url: '/auth/reauthenticate', headers: bearer(token), payload: { passkey: authenticator.get(options) },
  });
  assert.equal(res.statusCode, 200, res.body);
  const claims = decodeJwt(res.json().access_token);
  assert.deepEqual([claims.amr, claims.auth_time], [['hwk', 'user', 'mfa'], Math.floor(clock.now() / 1000)], 'only what was just proven');
  assertError(await app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) }), 401, 'session_revoked');
});

test('refuses another user\'s passkey, a login challenge of another account, and a reused answer', async (t) => {
  const { app, user, authenticator, token } = await setup(t);
  const other = await registerUser(app, { username: 'tess' });
  const reauth = (token: string, passkey: object) =>
    app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: bearer(token), payload: { passkey } });
  // Sam's key answering Tess's re-authentication options
  const forTess = await reauthOptions(app, other.tokens.access_token);
  assertError(await reauth(other.tokens.access_token, authenticator.get(forTess, { credential: authenticator.credentials[0] })), 401, 'passkey_unknown_credential');
  // Sam's key on a discoverable login challenge, sent as Tess's re-authentication
  assertError(await reauth(other.tokens.access_token, authenticator.get(await loginOptions(app))), 401, 'passkey_unknown_credential');
  const answer = authenticator.get(await reauthOptions(app, token));
  const first = await reauth(token, answer);
  assert.equal(first.statusCode, 200, first.body);
  assertError(await reauth(first.json().access_token, answer), 400, 'passkey_challenge_invalid');
  assertError(await app.inject({
    method: 'POST', url: '/auth/reauthenticate', headers: bearer(first.json().access_token), payload: { password: user.password, passkey: answer },
  }), 400, 'validation_failed');
});

test('deleting a passkey needs a recent sign-in; a passkey re-authentication gives one', async (t) => {
  const { app, clock, authenticator, passkey, token } = await setup(t);
  clock.advance(11 * 60_000);
  const del = (bearerToken: string) => app.inject({ method: 'DELETE', url: `/users/me/passkeys/${passkey.id}`, headers: bearer(bearerToken) });
  assertError(await del(token), 403, 'reauthentication_required');
  const res = await app.inject({
    method: 'POST', url: '/auth/reauthenticate', headers: bearer(token),
    payload: { passkey: authenticator.get(await reauthOptions(app, token)) },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((await del(res.json().access_token)).statusCode, 200);
});
