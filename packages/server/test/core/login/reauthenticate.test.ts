// Re-authentication (core/login/reauthenticate.ts) through the core test kit: a right password
// starts a new session with auth_time now and ends the caller's; a wrong one changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreKit, CTX, registerThroughCore } from '../kit.js';

test('a right password gives the caller a new session with auth_time now; the old one ends; a wrong one changes nothing', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { tokens, password } = await registerThroughCore(kit);
  kit.clock.advance(600_000); // later, the access token still valid
  const caller = await kit.auth.authenticate(tokens.access_token);
  await assert.rejects(kit.auth.reauthenticate(caller, { password: 'not the password at all' }, CTX), { code: 'invalid_current_password' });
  assert.equal((await kit.auth.authenticate(tokens.access_token)).claims.sid, caller.claims.sid);

  const pair = await kit.auth.reauthenticate(caller, { password }, CTX);
  const claims = await kit.claimsOf(pair.access_token);
  assert.notEqual(claims.sid, caller.claims.sid);
  assert.equal(claims.auth_time, kit.clock.now() / 1000);
  assert.ok(claims.amr?.includes('pwd'));
  await assert.rejects(kit.auth.authenticate(tokens.access_token), { code: 'session_revoked' });
  assert.deepEqual(kit.eventsOf('reauthenticated').map((event) => event.sessionId), [claims.sid]);
});

test('a step-up checked while a credential change ran does not outlive it: credentials_changed, and its new session is ended', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user, tokens, password } = await registerThroughCore(kit);
  const caller = await kit.auth.authenticate(tokens.access_token); // read before the change
  // a reset or password change has moved the generation and is about to end the sessions
  await kit.stores.users.bumpCredentialGeneration(user.id, new Date(kit.clock.now()));
  await assert.rejects(kit.auth.reauthenticate(caller, { password }, CTX), { code: 'credentials_changed' });
  assert.deepEqual(await kit.stores.sessions.listActiveForUser(user.id, new Date(kit.clock.now())), []);
});
