// Signing in with a passkey through app.inject with a software authenticator: with and without a
// username, options that do not tell whether an account exists, and every refusal with its code:
// expired or reused challenge, wrong origin, unknown credential, another user's credential, no
// user verification, a cloned authenticator, a disabled account.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, me, registerUser } from '../../../helpers.js';
import { addPasskey, loginOptions, newAuthenticator, verifyLogin } from '../../../passkeys/passkey-flow.js';

async function setup(t: TestContext, startCounter = 0, logLines?: string[]) {
  const logStream = logLines && { write: (line: string) => void logLines.push(line) };
  const ctx = await createTestApp(logLines ? { LOG_LEVEL: 'info' } : {}, { logStream });
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app, { username: 'quinn' });
  const authenticator = newAuthenticator(startCounter);
  await addPasskey(ctx.app, user.tokens.access_token, authenticator);
  return { ...ctx, user, authenticator };
}

test('signs in with a discoverable passkey (no username) and with a username, each a token pair of the owner', async (t) => {
  const { app, user, authenticator } = await setup(t);
  const discoverable = await loginOptions(app);
  assert.deepEqual(discoverable.allowCredentials, []);
  assert.equal(discoverable.userVerification, 'required');
  assert.equal(discoverable.rpId, 'localhost');
  for (const options of [discoverable, await loginOptions(app, 'Quinn'), await loginOptions(app, 'quinn@example.com')]) {
    const res = await verifyLogin(app, authenticator.get(options));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(Object.keys(res.json()).sort(), ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type']);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal((await me(app, res.json().access_token)).json().id, user.userId);
    const claims = decodeJwt(res.json().access_token);
    assert.deepEqual([claims.amr, claims.auth_time], [['hwk', 'user', 'mfa'], Math.floor(Date.UTC(2026, 0, 1, 12) / 1000)], 'a device-bound key, multi-factor');
  }
  const listed = (await app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearer(user.tokens.access_token) })).json();
  assert.equal(listed.passkeys[0].last_used_at, '2026-01-01T12:00:00.000Z');
});

test('a synced passkey signs in with amr ["swk", "user", "mfa"]', async (t) => {
  const { app, user } = await setup(t);
  const synced = newAuthenticator();
  const options = (await app.inject({ method: 'POST', url: '/users/me/passkeys/options', headers: bearer(user.tokens.access_token) })).json();
  const created = await app.inject({
    method: 'POST', url: '/users/me/passkeys', headers: bearer(user.tokens.access_token), payload: { response: synced.create(options, { synced: true }) },
  });
  assert.deepEqual([created.json().device_type, created.json().backed_up], ['multiDevice', true]);
  const res = await verifyLogin(app, synced.get(await loginOptions(app), { synced: true }));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(decodeJwt(res.json().access_token).amr, ['swk', 'user', 'mfa']);
});

test('with a username, options name that user\'s passkeys; an unknown name or one without passkeys gets a lookalike decoy', async (t) => {
  const { app, authenticator } = await setup(t);
  const known = await loginOptions(app, 'quinn');
  assert.deepEqual(known.allowCredentials, [{ id: authenticator.credentials[0]!.id, type: 'public-key', transports: ['internal'] }]);
  await registerUser(app, { username: 'nopasskey' });
  for (const name of ['nobody', 'nopasskey']) {
    const decoy = await loginOptions(app, name);
    assert.deepEqual(Object.keys(decoy).sort(), Object.keys(known).sort());
    assert.equal(decoy.allowCredentials.length, 1);
    assert.match(decoy.allowCredentials[0].id, /^[A-Za-z0-9_-]{22,86}$/);
    assert.deepEqual((await loginOptions(app, name)).allowCredentials, decoy.allowCredentials, 'the same decoy each time');
    assert.notEqual(decoy.challenge, known.challenge);
  }
});

test('decoys vary as real credentials do: transports and id lengths differ from name to name, each as some authenticator reports them', async (t) => {
  const { app } = await setup(t);
  const decoys = await Promise.all(Array.from({ length: 30 }, (_, i) => loginOptions(app, `ghost_${i}`)));
  const credentials = decoys.map((d) => d.allowCredentials[0] as { id: string; transports: string[] });
  const transportSets = new Set(credentials.map((c) => c.transports.join(',')));
  const idLengths = new Set(credentials.map((c) => Buffer.from(c.id, 'base64url').length));
  assert.ok(transportSets.size >= 3, `transports vary: ${[...transportSets].join(' | ')}`);
  assert.ok(idLengths.size >= 2, `id lengths vary: ${[...idLengths].join(', ')}`);
  const known = new Set(['usb', 'nfc', 'ble', 'internal', 'hybrid', 'smart-card', 'cable']);
  for (const c of credentials) {
    assert.ok(c.transports.length > 0 && c.transports.every((x) => known.has(x)), c.transports.join(','));
    assert.deepEqual([...c.transports].sort(), c.transports, 'sorted, as browsers report them');
  }
});

test('refuses an expired challenge, a reused one, and one made for registration', async (t) => {
  const { app, clock, user, authenticator } = await setup(t);
  const expired = authenticator.get(await loginOptions(app));
  clock.advance(300_000);
  assertError(await verifyLogin(app, expired), 400, 'passkey_challenge_invalid');

  const response = authenticator.get(await loginOptions(app));
  assert.equal((await verifyLogin(app, response)).statusCode, 200);
  assertError(await verifyLogin(app, response), 400, 'passkey_challenge_invalid');

  const registration = await app.inject({ method: 'POST', url: '/users/me/passkeys/options', headers: bearer(user.tokens.access_token) });
  assertError(await verifyLogin(app, authenticator.get(registration.json())), 400, 'passkey_challenge_invalid');
  assertError(await verifyLogin(app, authenticator.get({ challenge: 'never-issued' })), 400, 'passkey_challenge_invalid');
});

test('refuses a response from another origin, one without user verification, and a bad signature', async (t) => {
  const { app, authenticator } = await setup(t);
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app), { origin: 'https://evil.example' })), 401, 'passkey_authentication_failed');
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app), { userVerified: false })), 401, 'passkey_authentication_failed');
  const signed = authenticator.get(await loginOptions(app));
  const forged = { ...signed, response: { ...signed.response, signature: Buffer.alloc(70, 1).toString('base64url') } };
  assertError(await verifyLogin(app, forged), 401, 'passkey_authentication_failed');
});

test('refuses an unknown credential, and never signs one user in with another user\'s passkey', async (t) => {
  const { app, authenticator } = await setup(t);
  const stranger = newAuthenticator();
  stranger.create({ challenge: 'x', user: { id: 'x' } });
  assertError(await verifyLogin(app, stranger.get(await loginOptions(app))), 401, 'passkey_unknown_credential');

  const other = await registerUser(app, { username: 'rita' });
  const ritasKey = newAuthenticator();
  await addPasskey(app, other.tokens.access_token, ritasKey);
  // Quinn's credential answering options made for Rita's name
  const forRita = await loginOptions(app, 'rita');
  assertError(await verifyLogin(app, authenticator.get(forRita, { credential: authenticator.credentials[0] })), 401, 'passkey_unknown_credential');
  // Quinn's credential claiming Rita's user handle
  const quinns = authenticator.credentials[0]!;
  const claimed = authenticator.get(await loginOptions(app), { credential: { ...quinns, userHandle: Buffer.from(other.userId).toString('base64url') } });
  assertError(await verifyLogin(app, claimed), 401, 'passkey_unknown_credential');
  // an unknown username's options bind the challenge to nobody: even a real credential fails
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app, 'nobody'), { credential: quinns })), 401, 'passkey_unknown_credential');
});

test('refuses a cloned authenticator: a counter that does not grow, and audits it', async (t) => {
  const lines: string[] = [];
  const { app, user, authenticator } = await setup(t, 10, lines);
  assert.equal((await verifyLogin(app, authenticator.get(await loginOptions(app), { counter: 11 }))).statusCode, 200);
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app), { counter: 11 })), 401, 'passkey_cloned');
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app), { counter: 3 })), 401, 'passkey_cloned');
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app), { counter: 0 })), 401, 'passkey_cloned');
  assert.equal((await verifyLogin(app, authenticator.get(await loginOptions(app), { counter: 12 }))).statusCode, 200);
  const events = lines.map((line) => JSON.parse(line)).filter((line) => line.audit?.type.startsWith('passkey_'));
  const passkeyId = events[0].audit.passkeyId;
  const origin = { userId: user.userId, ip: '127.0.0.1', userAgent: 'lightMyRequest' };
  assert.deepEqual(events.map((line) => [line.level, line.audit]), [
    [30, { type: 'passkey_registered', passkeyId, ...origin }],
    [30, { type: 'passkey_used', purpose: 'login', passkeyId, ...origin }],
    [40, { type: 'passkey_clone_detected', passkeyId, storedCounter: 11, receivedCounter: 11, ...origin }],
    [30, { type: 'passkey_failed', purpose: 'login', reason: 'passkey_cloned', ip: '127.0.0.1', userAgent: 'lightMyRequest' }],
    [40, { type: 'passkey_clone_detected', passkeyId, storedCounter: 11, receivedCounter: 3, ...origin }],
    [30, { type: 'passkey_failed', purpose: 'login', reason: 'passkey_cloned', ip: '127.0.0.1', userAgent: 'lightMyRequest' }],
    [40, { type: 'passkey_clone_detected', passkeyId, storedCounter: 11, receivedCounter: 0, ...origin }],
    [30, { type: 'passkey_failed', purpose: 'login', reason: 'passkey_cloned', ip: '127.0.0.1', userAgent: 'lightMyRequest' }],
    [30, { type: 'passkey_used', purpose: 'login', passkeyId, ...origin }],
  ]);
});

test('an authenticator without a counter (always 0) signs in every time', async (t) => {
  const { app, authenticator } = await setup(t, 0);
  for (let i = 0; i < 3; i++) assert.equal((await verifyLogin(app, authenticator.get(await loginOptions(app), { counter: 0 }))).statusCode, 200);
});

test('refuses a disabled account\'s passkey', async (t) => {
  const { app, stores, clock, user, authenticator } = await setup(t);
  await stores.users.update(user.userId, { disabled: true }, new Date(clock.now()));
  assertError(await verifyLogin(app, authenticator.get(await loginOptions(app))), 403, 'user_disabled');
});

test('validates bodies: a response of the right shape is required', async (t) => {
  const { app } = await setup(t);
  assertError(await verifyLogin(app, {}), 400, 'validation_failed');
  assertError(await app.inject({ method: 'POST', url: '/auth/passkey/verify', payload: {} }), 400, 'validation_failed');
  assertError(await app.inject({ method: 'POST', url: '/auth/passkey/options', payload: { username: '' } }), 400, 'validation_failed');
  assertError(await app.inject({ method: 'POST', url: '/auth/passkey/options', payload: { other: 1 } }), 400, 'validation_failed');
  assertError(await app.inject({ method: 'POST', url: '/auth/passkey/options' }), 400, 'validation_failed');
});
