// Registering and managing passkeys through app.inject with a software authenticator: the options,
// the stored credential (never its public key), list, rename, delete, and each refusal with its code.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createGatehouse } from '../../../../src/compose.js';
import { loadConfig } from '../../../../src/config/config.js';
import { assertError, bearer, createTestApp, MAIL_OFF, registerUser, TEST_SECRET } from '../../../helpers.js';
import {
  addPasskey, loginOptions, newAuthenticator, passkeySignIn, registrationOptions, submitRegistration, TEST_ORIGIN, verifyLogin,
} from '../../../passkeys/passkey-flow.js';
import { SoftAuthenticator } from '../../../passkeys/soft-authenticator.js';
import { NO_PASSWORD_HASH } from '../../../../src/core/passwords/no-password.js';

async function setup(t: TestContext, env: Record<string, string> = {}) {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app, { username: 'pia' });
  return { ...ctx, user, token: user.tokens.access_token };
}

test('registration options ask for a discoverable credential and user verification, with the user id as handle', async (t) => {
  const { app, user, token } = await setup(t);
  const options = await registrationOptions(app, token);
  assert.deepEqual(options.rp, { name: 'Gatehouse', id: 'localhost' });
  assert.deepEqual(options.user, { id: Buffer.from(user.userId).toString('base64url'), name: 'pia', displayName: 'pia' });
  assert.deepEqual(options.authenticatorSelection, { residentKey: 'required', requireResidentKey: true, userVerification: 'required' });
  assert.deepEqual(options.excludeCredentials, []);
  assert.equal(options.timeout, 300_000);
  assert.equal(options.attestation, 'none');
  assert.match(options.challenge, /^[A-Za-z0-9_-]{43}$/);
});

test('stores a registered passkey and answers it without its key; lists, renames and deletes it', async (t) => {
  const ctx = await setup(t);
  const { app, clock } = ctx;
  let token = ctx.token;
  const authenticator = newAuthenticator();
  const { token: _first, ...created } = await addPasskey(app, token, authenticator, 'Laptop');
  const expected = {
    id: created.id, name: 'Laptop', device_type: 'singleDevice', backed_up: false, transports: ['internal'],
    created_at: new Date(clock.now()).toISOString(), last_used_at: null,
  };
  assert.deepEqual(created, expected);
  // the account has a passkey now: the next change needs a sign-in with it
  const secondAuthenticator = newAuthenticator();
  const { token: afterSecond, ...second } = await addPasskey(app, await passkeySignIn(app, authenticator), secondAuthenticator);
  token = afterSecond;
  expected.last_used_at = new Date(clock.now()).toISOString() as never;
  assert.equal(second.name, 'Passkey 2');
  const list = await app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearer(token) });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json(), { passkeys: [expected, second] });
  assert.deepEqual((await registrationOptions(app, token)).excludeCredentials, [authenticator, secondAuthenticator]
    .map((a) => ({ id: a.credentials[0]!.id, type: 'public-key', transports: ['internal'] })));

  const renamed = await app.inject({ method: 'PATCH', url: `/users/me/passkeys/${created.id}`, headers: bearer(token), payload: { name: 'Work laptop' } });
  assert.equal(renamed.statusCode, 200);
  assert.deepEqual(renamed.json(), { ...expected, name: 'Work laptop' });
  const deleted = await app.inject({ method: 'DELETE', url: `/users/me/passkeys/${created.id}`, headers: bearer(token) });
  assert.equal(deleted.statusCode, 200, deleted.body);
  token = deleted.json().access_token;
  assertError(await app.inject({ method: 'DELETE', url: `/users/me/passkeys/${created.id}`, headers: bearer(token) }), 404, 'passkey_not_found');
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app))), 401, 'passkey_unknown_credential');
});

test('another user\'s passkey id is not found for rename or delete', async (t) => {
  const { app, token } = await setup(t);
  const created = await addPasskey(app, token, newAuthenticator());
  const other = (await registerUser(app)).tokens.access_token;
  assertError(await app.inject({ method: 'PATCH', url: `/users/me/passkeys/${created.id}`, headers: bearer(other), payload: { name: 'Mine' } }), 404, 'passkey_not_found');
  assertError(await app.inject({ method: 'DELETE', url: `/users/me/passkeys/${created.id}`, headers: bearer(other) }), 404, 'passkey_not_found');
  assert.deepEqual((await app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearer(other) })).json(), { passkeys: [] });
});

test('refuses an expired, reused, foreign or malformed registration challenge', async (t) => {
  const { app, clock, ...ctx } = await setup(t);
  let token = ctx.token;
  const authenticator = newAuthenticator();
  const expired = await registrationOptions(app, token);
  clock.advance(300_000);
  assertError(await submitRegistration(app, token, { response: authenticator.create(expired) }), 400, 'passkey_challenge_invalid');

  const options = await registrationOptions(app, token);
  const response = authenticator.create(options);
  assert.equal((await submitRegistration(app, token, { response })).statusCode, 201);
  token = await passkeySignIn(app, authenticator); // the account has a passkey now: changes need a sign-in with it
  assertError(await submitRegistration(app, token, { response }), 400, 'passkey_challenge_invalid');

  const other = (await registerUser(app)).tokens.access_token;
  const theirs = authenticator.create(await registrationOptions(app, other));
  assertError(await submitRegistration(app, token, { response: theirs }), 400, 'passkey_challenge_invalid');

  const forLogin = authenticator.create({ ...(await loginOptions(app)), user: { id: 'x' } });
  assertError(await submitRegistration(app, token, { response: forLogin }), 400, 'passkey_challenge_invalid');
  const garbled = { ...response, response: { ...response.response, clientDataJSON: 'bm90IGpzb24' } };
  assertError(await submitRegistration(app, token, { response: garbled }), 400, 'passkey_challenge_invalid');
});

test('refuses a registration from another origin or without user verification, and a credential registered already', async (t) => {
  const { app, ...ctx } = await setup(t);
  let token = ctx.token;
  const authenticator = newAuthenticator();
  const wrongOrigin = authenticator.create(await registrationOptions(app, token), { origin: 'http://localhost:3001' });
  assertError(await submitRegistration(app, token, { response: wrongOrigin }), 400, 'passkey_registration_failed');
  const unverified = authenticator.create(await registrationOptions(app, token), { userVerified: false });
  assertError(await submitRegistration(app, token, { response: unverified }), 400, 'passkey_registration_failed');
  const other = new SoftAuthenticator('https://evil.example', 'evil.example');
  const wrongRp = other.create(await registrationOptions(app, token), { origin: TEST_ORIGIN });
  assertError(await submitRegistration(app, token, { response: wrongRp }), 400, 'passkey_registration_failed');

  const first = authenticator.create(await registrationOptions(app, token));
  assert.equal((await submitRegistration(app, token, { response: first })).statusCode, 201);
  token = await passkeySignIn(app, authenticator);
  const again = authenticator.create(await registrationOptions(app, token), { credentialId: first.id });
  assertError(await submitRegistration(app, token, { response: again }), 409, 'passkey_already_registered');
});

test('validates bodies: a response is required, a name is 1 to 64 characters without control characters', async (t) => {
  const { app, token } = await setup(t);
  assertError(await submitRegistration(app, token, {}), 400, 'validation_failed');
  assertError(await submitRegistration(app, token, { response: { id: 'a' } }), 400, 'validation_failed');
  const created = await addPasskey(app, token, newAuthenticator());
  for (const name of ['', 'x'.repeat(65), 'a\u0000b']) {
    assertError(await app.inject({ method: 'PATCH', url: `/users/me/passkeys/${created.id}`, headers: bearer(created.token), payload: { name } }), 400, 'validation_failed');
  }
  assertError(await app.inject({ method: 'GET', url: '/users/me/passkeys' }), 401, 'missing_token');
  assertError(await app.inject({ method: 'POST', url: '/users/me/passkeys/options' }), 401, 'missing_token');
});

test('a user holds at most 20 passkeys, options asked for before the 20th included', async (t) => {
  const { app, ...ctx } = await setup(t);
  let token = ctx.token;
  // each passkey after the first needs a sign-in with one (docs/architecture.md, "Changing a way in")
  const key = newAuthenticator();
  await addPasskey(app, token, key);
  token = await passkeySignIn(app, key);
  for (let i = 1; i < 19; i++) await addPasskey(app, token, newAuthenticator()).then(async () => { token = await passkeySignIn(app, key); });
  const spare = await registrationOptions(app, token); // taken while there was room for one more
  await addPasskey(app, token, newAuthenticator());
  token = await passkeySignIn(app, key);
  assertError(await app.inject({ method: 'POST', url: '/users/me/passkeys/options', headers: bearer(token) }), 409, 'passkey_limit_reached');
  assertError(await submitRegistration(app, token, { response: newAuthenticator().create(spare) }), 409, 'passkey_limit_reached');
});

test('adding a passkey needs a recent sign-in: a stolen, older access token cannot add one to skip the second factor', async (t) => {
  const { app, clock, user, token } = await setup(t);
  clock.advance(11 * 60_000); // past REAUTH_MAX_AGE (10 min), the access token still valid (15 min)
  assertError(await app.inject({ method: 'POST', url: '/users/me/passkeys/options', headers: bearer(token) }), 403, 'reauthentication_required');
  const reauth = await app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: bearer(token), payload: { password: user.password } });
  assert.equal(reauth.statusCode, 200, reauth.body);
  await addPasskey(app, (reauth.json() as { access_token: string }).access_token, newAuthenticator());
});

test('in production without WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS the passkey routes are not served, and the start says so', async (t) => {
  const { app, token, dir, stores } = await setup(t, { NODE_ENV: 'production', GATEHOUSE_SECRET: 'x'.repeat(64), ...MAIL_OFF });
  assertError(await app.inject({ method: 'POST', url: '/users/me/passkeys/options', headers: bearer(token) }), 404, 'not_found');
  assertError(await app.inject({ method: 'POST', url: '/auth/passkey/options', payload: {} }), 404, 'not_found');
  const config = loadConfig({
    NODE_ENV: 'production', DATA_DIR: dir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://auth.example.com', METRICS: 'false', ...MAIL_OFF,
  });
  const started = await createGatehouse(config, { secret: TEST_SECRET, stores });
  await started.app.close();
  assert.deepEqual(started.warnings, ['WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are not set: passkeys are off (docs/configuration.md, "Passkeys").']);
});

test('the last passkey of an account without a password or a linked identity cannot be deleted: 409 last_login_method', async (t) => {
  const { app, stores, clock, user, ...ctx } = await setup(t);
  const firstKey = newAuthenticator();
  const first = await addPasskey(app, ctx.token, firstKey, 'First');
  const second = await addPasskey(app, await passkeySignIn(app, firstKey), newAuthenticator(), 'Second');
  let token = second.token;
  await stores.users.update(user.userId, { passwordHash: NO_PASSWORD_HASH }, new Date(clock.now()));
  const remove = (id: string) => app.inject({ method: 'DELETE', url: `/users/me/passkeys/${id}`, headers: bearer(token) });
  const removed = await remove(first.id);
  assert.equal(removed.statusCode, 200, 'another passkey is left');
  token = removed.json().access_token;
  assertError(await remove(second.id), 409, 'last_login_method');
  const list = await app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearer(token) });
  assert.deepEqual(list.json().passkeys.map((passkey: { id: string }) => passkey.id), [second.id]);
});
