// The federated exchange goes through the login state machine (core/login/finish-login.ts)
// with the first factor `fed`: tokens with amr ["fed"] and auth_time, or 403 mfa_required for an
// account with a second factor, finished at POST /auth/mfa/verify (amr then otp, fed and mfa).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClaims } from '@gatehouse-auth/client';
import { codeAt, enrolTotp, verifyMfa } from '../http/routes/mfa/mfa-helpers.js';
import { TestBrowser } from './browser.js';
import { account, APP_URL, exchange, signIn, startStand } from './harness.js';

test('a federated login is amr ["fed"]; with TOTP enrolled the exchange answers mfa_required, and the second step finishes it', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const { app, clock } = stand.gatehouse;
  const first = await exchange(stand, (await signIn(stand, new TestBrowser(), who, { redirectTo: APP_URL })).searchParams.get('code')!);
  assert.equal(first.statusCode, 200, first.body);
  const claims = decodeClaims(first.json().access_token)!;
  assert.deepEqual(claims.amr, ['fed']);
  assert.equal(claims.auth_time, Math.floor(clock.now() / 1000));

  const { secret } = await enrolTotp(app, first.json().access_token, clock.now());
  const pending = await exchange(stand, (await signIn(stand, new TestBrowser(), who, { redirectTo: APP_URL })).searchParams.get('code')!);
  const { mfa_token: mfaToken, ...rest } = pending.json();
  assert.deepEqual([pending.statusCode, rest.code, rest.factors], [403, 'mfa_required', ['totp', 'recovery_code']]);
  assert.match(mfaToken, /^[A-Za-z0-9_-]{43}$/);
  clock.advance(31_000); // the enrolment's code is used: the next step's
  const done = await verifyMfa(app, mfaToken, codeAt(secret, clock.now()));
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual(decodeClaims(done.json().access_token)!.amr, ['otp', 'fed', 'mfa']);
});
