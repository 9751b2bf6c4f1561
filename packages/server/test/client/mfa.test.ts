// @gatehouse-auth/client's second-factor calls against the real app over loopback HTTP: TOTP
// enrolment, a login that throws MfaRequiredError and its verifyMfa step, re-authentication,
// new recovery codes and removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthClient, memoryStorage, AuthClientError, MfaRequiredError, SECOND_FACTORS as CLIENT_SECOND_FACTORS } from '@gatehouse-auth/client';
import { SECOND_FACTORS } from '../../src/core/login/second-factors.js';
import { PASSWORD } from '../helpers.js';
import { codeAt } from '../http/routes/mfa/mfa-helpers.js';
import { startLiveApp } from './live-app.js';

test('enrol TOTP, then a login throws MfaRequiredError and verifyMfa stores the pair of a multi-factor session', async (t) => {
  const live = await startLiveApp(t, { REAUTH_MAX_AGE: '5m' });
  const client = createAuthClient({ baseUrl: live.baseUrl, storage: memoryStorage(), now: () => live.clock.now() });
  const reasons: string[] = [];
  client.on('tokens', (event) => reasons.push(event.reason));
  await client.register({ username: 'mallory', email: 'mallory@example.com', password: PASSWORD });

  const enrolment = await client.startTotpEnrolment();
  assert.match(enrolment.qr_svg, /^<svg/);
  const { recovery_codes } = await client.confirmTotp(codeAt(enrolment.secret, live.clock.now())); // ends the other sessions: this one gets a new pair
  assert.equal(recovery_codes.length, 10);
  assert.deepEqual(await client.factors(), { totp: { confirmed: true, created_at: new Date(live.clock.now()).toISOString() }, recovery_codes_remaining: 10 });

  live.clock.advance(30_000);
  await client.logout();
  const error = await client.login({ username: 'mallory', password: PASSWORD }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof MfaRequiredError && error instanceof AuthClientError);
  assert.deepEqual([error.code, error.status, error.factors], ['mfa_required', 403, ['totp', 'recovery_code']]);
  assert.equal(await client.session(), null, 'nothing stored before the second step');
  const session = await client.verifyMfa(error.mfaToken, 'totp', codeAt(enrolment.secret, live.clock.now()));
  assert.deepEqual(session.claims.amr, ['pwd', 'otp', 'mfa']);
  assert.equal((await client.user())?.username, 'mallory');

  live.clock.advance(6 * 60_000);
  await assert.rejects(client.regenerateRecoveryCodes(), { code: 'reauthentication_required', status: 403 });
  // on an account with TOTP the password is no step-up: the code is
  await assert.rejects(client.reauthenticate({ password: PASSWORD }), { code: 'stronger_reauthentication_required', status: 403 });
  await client.reauthenticate({ code: codeAt(enrolment.secret, live.clock.now()) });
  const regenerated = await client.regenerateRecoveryCodes();
  assert.deepEqual(Object.keys(regenerated), ['recovery_codes'], 'the new pair is stored, not answered');
  assert.equal(regenerated.recovery_codes.length, 10);
  await client.removeTotp();
  assert.deepEqual(await client.factors(), { totp: null, recovery_codes_remaining: 0 });
  assert.deepEqual(reasons, ['register', 'credential_changed', 'login', 'reauthenticated', 'credential_changed', 'credential_changed']);
});

test('the client names the second factors the server takes: its SECOND_FACTORS is the server\'s list', () => {
  assert.deepEqual([...CLIENT_SECOND_FACTORS], [...SECOND_FACTORS]);
});
