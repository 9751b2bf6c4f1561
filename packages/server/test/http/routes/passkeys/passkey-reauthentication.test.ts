// A passkey in step-up: POST /auth/reauthenticate takes a passkey's answer to its own options
// (the caller's passkeys only), and deleting a passkey needs a recent sign-in.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, registerUser } from '../../../helpers.js';
import { addPasskey, loginOptions, newAuthenticator } from '../../../passkeys/passkey-flow.js';

async function setup(t: TestContext) {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app, { username: 'sam' });
  const authenticator = newAuthenticator();
  const passkey = await addPasskey(ctx.app, user.tokens.access_token, authenticator);
  return { ...ctx, user, authenticator, passkey };
}

const reauthOptions = async (app: FastifyInstance, token: string) =>
  (await app.inject({ method: 'POST', url: '/auth/reauthenticate/passkey/options', headers: bearer(token) })).json();

test('re-authenticates with a passkey: options list the caller\'s passkeys, the new session has auth_time now', async (t) => {
  const { app, clock, user, authenticator } = await setup(t);
  clock.advance(11 * 60_000); // older than REAUTH_MAX_AGE, the access token still live
  const options = await reauthOptions(app, user.tokens.access_token);
  assert.deepEqual(options.allowCredentials, [{ id: authenticator.credentials[0]!.id, type: 'public-key', transports: ['internal'] }]);
  const res = await app.inject({
    method: 'POST', url: '/auth/reauthenticate', headers: bearer(user.tokens.access_token), payload: { passkey: authenticator.get(options) },
  });
  assert.equal(res.statusCode, 200, res.body);
  const claims = decodeJwt(res.json().access_token);
  assert.deepEqual([claims.amr, claims.auth_time], [['pwd', 'hwk', 'user', 'mfa'], Math.floor(clock.now() / 1000)]);
  assertError(await app.inject({ method: 'GET', url: '/users/me', headers: bearer(user.tokens.access_token) }), 401, 'session_revoked');
});

test('refuses another user\'s passkey, a login challenge of another account, and a reused answer', async (t) => {
  const { app, user, authenticator } = await setup(t);
  const other = await registerUser(app, { username: 'tess' });
  const reauth = (token: string, passkey: object) =>
    app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: bearer(token), payload: { passkey } });
  // Sam's key answering Tess's re-authentication options
  const forTess = await reauthOptions(app, other.tokens.access_token);
  assertError(await reauth(other.tokens.access_token, authenticator.get(forTess, { credential: authenticator.credentials[0] })), 401, 'passkey_unknown_credential');
  // Sam's key on a discoverable login challenge, sent as Tess's re-authentication
  assertError(await reauth(other.tokens.access_token, authenticator.get(await loginOptions(app))), 401, 'passkey_unknown_credential');
  const answer = authenticator.get(await reauthOptions(app, user.tokens.access_token));
  const first = await reauth(user.tokens.access_token, answer);
  assert.equal(first.statusCode, 200, first.body);
  assertError(await reauth(first.json().access_token, answer), 400, 'passkey_challenge_invalid');
  assertError(await app.inject({
    method: 'POST', url: '/auth/reauthenticate', headers: bearer(first.json().access_token), payload: { password: user.password, passkey: answer },
  }), 400, 'validation_failed');
});

test('deleting a passkey needs a recent sign-in; a passkey re-authentication gives one', async (t) => {
  const { app, clock, user, authenticator, passkey } = await setup(t);
  clock.advance(11 * 60_000);
  const del = (token: string) => app.inject({ method: 'DELETE', url: `/users/me/passkeys/${passkey.id}`, headers: bearer(token) });
  assertError(await del(user.tokens.access_token), 403, 'reauthentication_required');
  const res = await app.inject({
    method: 'POST', url: '/auth/reauthenticate', headers: bearer(user.tokens.access_token),
    payload: { passkey: authenticator.get(await reauthOptions(app, user.tokens.access_token)) },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((await del(res.json().access_token)).statusCode, 204);
});
