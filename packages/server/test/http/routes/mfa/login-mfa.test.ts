// Every edge of the login state machine through the HTTP API: JSON /auth/login and the /token
// password grant answer mfa_required for a user with TOTP; POST /auth/mfa/verify finishes once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, me, registerUser, type TestApp } from '../../../helpers.js';
import { codeAt, enrolTotp, passwordLogin, verifyMfa } from './mfa-helpers.js';

const STEP_MS = 30_000;

async function userWithTotp(h: TestApp) {
  const user = await registerUser(h.app);
  const totp = await enrolTotp(h.app, user.tokens.access_token, h.clock.now());
  h.clock.advance(STEP_MS); // the confirming code's step is spent
  return { ...user, ...totp };
}

async function challenge(h: TestApp, user: { username: string; password: string }): Promise<string> {
  const res = await passwordLogin(h.app, user);
  assert.equal(res.statusCode, 403, res.body);
  return res.json().mfa_token;
}

test('a password login of a user with TOTP answers 403 mfa_required with mfa_token and factors, and starts no session', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const before = (await h.stores.sessions.listActiveForUser(user.userId, new Date(h.clock.now()))).length;
  const res = await passwordLogin(h.app, user);
  const body = res.json();
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.match(body.mfa_token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(body, {
    statusCode: 403, code: 'mfa_required', error: 'Forbidden', mfa_token: body.mfa_token, factors: ['totp', 'recovery_code'],
    message: 'A second factor is required: send it to POST /auth/mfa/verify with the mfa_token.',
  });
  assert.equal((await h.stores.sessions.listActiveForUser(user.userId, new Date(h.clock.now()))).length, before);
});

test('the /token password grant answers 403 {error: "mfa_required", mfa_token} as Auth0 does', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const res = await h.app.inject({ method: 'POST', url: '/token', payload: `grant_type=password&username=${user.username}&password=${encodeURIComponent(user.password)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.statusCode, 403);
  const body = res.json();
  assert.deepEqual(body, {
    error: 'mfa_required', error_description: 'A second factor is required: send it to POST /auth/mfa/verify with the mfa_token.',
    mfa_token: body.mfa_token, factors: ['totp', 'recovery_code'],
  });
  const done = await verifyMfa(h.app, body.mfa_token, codeAt(user.secret, h.clock.now()));
  assert.equal(done.statusCode, 200, done.body);
});

test('POST /auth/mfa/verify with the TOTP code answers a token pair whose amr is pwd, otp, mfa; the mfa_token then is spent', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const token = await challenge(h, user);
  const res = await verifyMfa(h.app, token, codeAt(user.secret, h.clock.now()));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(Object.keys(res.json()).sort(), ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type']);
  const claims = decodeJwt(res.json().access_token);
  assert.deepEqual([claims.amr, claims.auth_time], [['pwd', 'otp', 'mfa'], Math.floor(h.clock.now() / 1000)]);
  assert.equal((await me(h.app, res.json().access_token)).statusCode, 200);
  h.clock.advance(STEP_MS);
  assertError(await verifyMfa(h.app, token, codeAt(user.secret, h.clock.now())), 401, 'invalid_mfa_token');
});

test('a wrong code answers 403 invalid_mfa_code; after 5 attempts the mfa_token is dead, a right code included', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const token = await challenge(h, user);
  const right = codeAt(user.secret, h.clock.now());
  const wrong = right === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) assertError(await verifyMfa(h.app, token, wrong), 403, 'invalid_mfa_code');
  assertError(await verifyMfa(h.app, token, right), 401, 'mfa_attempts_exceeded');
  assertError(await verifyMfa(h.app, token, right), 401, 'invalid_mfa_token');
});

test('an mfa_token dies after 5 minutes: 401 mfa_token_expired', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const token = await challenge(h, user);
  h.clock.advance(5 * 60_000);
  assertError(await verifyMfa(h.app, token, codeAt(user.secret, h.clock.now())), 401, 'mfa_token_expired');
  assertError(await verifyMfa(h.app, 'not-a-token', '123456'), 401, 'invalid_mfa_token');
});

test('a user disabled between the two steps gets 403 user_disabled, and the mfa_token stays dead after re-enabling', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const token = await challenge(h, user);
  await h.stores.users.update(user.userId, { disabled: true }, new Date(h.clock.now()));
  assertError(await verifyMfa(h.app, token, codeAt(user.secret, h.clock.now())), 403, 'user_disabled');
  await h.stores.users.update(user.userId, { disabled: false }, new Date(h.clock.now()));
  assertError(await verifyMfa(h.app, token, codeAt(user.secret, h.clock.now())), 401, 'invalid_mfa_token');
});

test('a factor the account lacks answers 400 factor_not_enrolled and costs no attempt; an unknown one is a validation error', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const token = await challenge(h, user);
  await h.stores.factors.replaceRecoveryCodes(user.userId, [], new Date(h.clock.now()));
  for (let i = 0; i < 6; i++) assertError(await verifyMfa(h.app, token, 'aaaaa-bbbbb', 'recovery_code'), 400, 'factor_not_enrolled');
  assertError(await verifyMfa(h.app, token, '123456', 'sms'), 400, 'validation_failed');
  assert.equal((await verifyMfa(h.app, token, codeAt(user.secret, h.clock.now()))).statusCode, 200);
});

test('a TOTP code is accepted once: the same code on a second login is refused as totp_code_used, not as incorrect', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const code = codeAt(user.secret, h.clock.now());
  assert.equal((await verifyMfa(h.app, await challenge(h, user), code)).statusCode, 200);
  const again = await verifyMfa(h.app, await challenge(h, user), code);
  assertError(again, 403, 'totp_code_used');
  assert.match(again.json().message, /already used; wait for the next code/);
  h.clock.advance(STEP_MS);
  assert.equal((await verifyMfa(h.app, await challenge(h, user), codeAt(user.secret, h.clock.now()))).statusCode, 200);
});

test('each recovery code finishes one login, once', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await userWithTotp(h);
  assert.equal(user.recoveryCodes.length, 10);
  assert.equal(new Set(user.recoveryCodes).size, 10);
  const [code] = user.recoveryCodes;
  const res = await verifyMfa(h.app, await challenge(h, user), code!.toUpperCase(), 'recovery_code');
  assert.equal(res.statusCode, 200, res.body);
  assertError(await verifyMfa(h.app, await challenge(h, user), code!, 'recovery_code'), 403, 'invalid_mfa_code');
  const summary = await h.app.inject({ method: 'GET', url: '/users/me/mfa', headers: bearer(res.json().access_token) });
  assert.deepEqual(summary.json(), { totp: { confirmed: true, created_at: summary.json().totp.created_at }, recovery_codes_remaining: 9 });
});

test('failed codes count toward the per-account limit across mfa_tokens, and a right password does not reset it', async (t) => {
  const h = await createTestApp({ RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3/15m', LOGIN_DELAY_MAX: 'off' });
  t.after(() => h.close());
  const user = await userWithTotp(h);
  const right = codeAt(user.secret, h.clock.now());
  const wrong = right === '000000' ? '111111' : '000000';
  for (let i = 0; i < 3; i++) assertError(await verifyMfa(h.app, await challenge(h, user), wrong), 403, 'invalid_mfa_code');
  const res = await verifyMfa(h.app, await challenge(h, user), right);
  assertError(res, 429, 'rate_limited');
  assert.ok(Number(res.headers['retry-after']) > 0);
});
