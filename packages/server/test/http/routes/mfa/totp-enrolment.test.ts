// TOTP enrolment, removal and recovery codes through the HTTP API, with the test clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, refresh, registerUser } from '../../../helpers.js';
import { codeAt, enrolTotp } from './mfa-helpers.js';

test('enrolment answers a base32 secret, its otpauth URI and a QR code SVG; the factor counts only once confirmed', async (t) => {
  const h = await createTestApp({ TOTP_ISSUER: 'Acme Auth' });
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const res = await h.app.inject({ method: 'POST', url: '/users/me/mfa/totp', headers: bearer(user.tokens.access_token) });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['otpauth_uri', 'qr_svg', 'secret']);
  assert.match(body.secret, /^[A-Z2-7]{32}$/);
  assert.equal(body.otpauth_uri,
    `otpauth://totp/Acme%20Auth:${user.username}?secret=${body.secret}&issuer=Acme+Auth&algorithm=SHA1&digits=6&period=30`);
  assert.match(body.qr_svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n?$/);
  const stored = await h.stores.factors.findTotp(user.userId);
  assert.ok(stored && !stored.secret.includes(body.secret), 'the secret is stored sealed, not as given');
  const summary = await h.app.inject({ method: 'GET', url: '/users/me/mfa', headers: bearer(user.tokens.access_token) });
  assert.deepEqual(summary.json(), { totp: { confirmed: false, created_at: new Date(h.clock.now()).toISOString() }, recovery_codes_remaining: 0 });
  const login = await h.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
  assert.equal(login.statusCode, 200, 'an unconfirmed factor asks for nothing at login');
});

test('confirm refuses a wrong code (403 invalid_mfa_code), takes a code one step off, and answers 10 recovery codes once', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const auth = bearer(user.tokens.access_token);
  const { secret } = (await h.app.inject({ method: 'POST', url: '/users/me/mfa/totp', headers: auth })).json();
  const confirm = (code: string) => h.app.inject({ method: 'POST', url: '/users/me/mfa/totp/confirm', headers: auth, payload: { code } });
  assertError(await confirm(codeAt(secret, h.clock.now(), 2)), 403, 'invalid_mfa_code');
  const res = await confirm(codeAt(secret, h.clock.now(), -1));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().recovery_codes.length, 10);
  for (const code of res.json().recovery_codes) assert.match(code, /^[a-z2-7]{5}-[a-z2-7]{5}$/);
  const renewed = bearer(res.json().access_token); // enrolment ended every other session, this one included
  assertError(await h.app.inject({ method: 'POST', url: '/users/me/mfa/totp/confirm', headers: renewed, payload: { code: codeAt(secret, h.clock.now()) } }),
    409, 'totp_already_enrolled');
  assertError(await h.app.inject({ method: 'POST', url: '/users/me/mfa/totp', headers: renewed }), 409, 'totp_already_enrolled');
});

test('confirm without a started enrolment answers 404 totp_not_enrolled', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  assertError(await h.app.inject({ method: 'POST', url: '/users/me/mfa/totp/confirm', headers: bearer(user.tokens.access_token), payload: { code: '123456' } }),
    404, 'totp_not_enrolled');
});

test('removing TOTP and new recovery codes need a recent sign-in: 403 reauthentication_required after REAUTH_MAX_AGE', async (t) => {
  const h = await createTestApp({ REAUTH_MAX_AGE: '5m' });
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const first = await enrolTotp(h.app, user.tokens.access_token, h.clock.now());
  const auth = bearer(first.pair.access_token);
  const regenerated = await h.app.inject({ method: 'POST', url: '/users/me/mfa/recovery-codes', headers: auth });
  assert.equal(regenerated.statusCode, 200, regenerated.body);
  assert.equal(regenerated.json().recovery_codes.length, 10);
  assert.ok(!regenerated.json().recovery_codes.includes(first.recoveryCodes[0]), 'new codes, the old ones gone');
  h.clock.advance(5 * 60_000 + 1000);
  const refreshed = await refresh(h.app, regenerated.json());
  const late = bearer(refreshed.json().access_token);
  assertError(await h.app.inject({ method: 'DELETE', url: '/users/me/mfa/totp', headers: late }), 403, 'reauthentication_required');
  assertError(await h.app.inject({ method: 'POST', url: '/users/me/mfa/recovery-codes', headers: late }), 403, 'reauthentication_required');
  const reauth = await h.app.inject({ method: 'POST', url: '/auth/reauthenticate', headers: late, payload: { code: codeAt(first.secret, h.clock.now()) } });
  assert.equal(reauth.statusCode, 200, reauth.body);
  const removed = await h.app.inject({ method: 'DELETE', url: '/users/me/mfa/totp', headers: bearer(reauth.json().access_token) });
  assert.equal(removed.statusCode, 200, removed.body);
  assert.equal(await h.stores.factors.findTotp(user.userId), null);
  assert.equal(await h.stores.factors.countUnusedRecoveryCodes(user.userId), 0);
  assertError(await h.app.inject({ method: 'DELETE', url: '/users/me/mfa/totp', headers: bearer(removed.json().access_token) }), 404, 'totp_not_enrolled');
});
