// The rule for changing a way into the account (docs/architecture.md, "Changing a way in"): each
// operation it covers refuses a bearer token whose sign-in is old and a fresh password-only sign-in
// on an account with a second factor, and its aftermath ends the other sessions, kills a pending
// email change and mails the owner (through a real SMTP server).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { assertError, bearer, createTestApp, refresh, registerUser, TEST_SECRET, type Pair } from '../helpers.js';
import { mfaParts } from '../../src/compose.js';
import { base32Encode } from '../../src/core/mfa/base32.js';
import { SmtpSink } from '../mail/smtp-sink.js';
import { codeAt, enrolTotp, passwordLogin, verifyMfa } from './routes/mfa/mfa-helpers.js';
import { loginOptions, newAuthenticator, verifyLogin } from '../passkeys/passkey-flow.js';

const STALE_MS = 10 * 60_000; // past REAUTH_MAX_AGE (5m), inside the access token's 15 minutes

describe('changing a way in', async () => {
  const sink = await SmtpSink.start();
  const h = await createTestApp({ REAUTH_MAX_AGE: '5m', EMAIL_VERIFICATION: 'off' }, { smtp: { url: sink.url } });
  after(async () => {
    await h.close();
    await sink.stop();
  });
  const post = (url: string, token: string, payload?: object) =>
    h.app.inject({ method: 'POST', url, headers: bearer(token), ...(payload ? { payload } : {}) });
  const del = (url: string, token: string) => h.app.inject({ method: 'DELETE', url, headers: bearer(token) });

  /** A user with TOTP, and a session of theirs signed in with the password and a code just now. */
  async function userWithTotp() {
    const user = await registerUser(h.app);
    const enrolled = await enrolTotp(h.app, user.tokens.access_token, h.clock.now());
    h.clock.advance(30_000);
    const login = await passwordLogin(h.app, user);
    assert.equal(login.statusCode, 403, login.body);
    const verified = await verifyMfa(h.app, login.json().mfa_token, codeAt(enrolled.secret, h.clock.now()));
    assert.equal(verified.statusCode, 200, verified.body);
    return { ...user, secret: enrolled.secret, pair: verified.json() as Pair };
  }

  test('finding 1: TOTP enrolment needs a recent sign-in: a bearer token alone cannot start or confirm it', async () => {
    const user = await registerUser(h.app);
    h.clock.advance(STALE_MS);
    assertError(await post('/users/me/mfa/totp', user.tokens.access_token), 403, 'reauthentication_required');
    const other = await registerUser(h.app);
    const { secret } = (await post('/users/me/mfa/totp', other.tokens.access_token)).json() as { secret: string };
    h.clock.advance(STALE_MS);
    assertError(await post('/users/me/mfa/totp/confirm', other.tokens.access_token, { code: codeAt(secret, h.clock.now()) }), 403,
      'reauthentication_required');
    assert.equal((await h.stores.factors.findTotp(other.userId))?.confirmedAt, null, 'nothing confirmed');
  });

  test('finding 1: a factor never vouches for itself: a TOTP younger than the session\'s sign-in is no step-up of it', async () => {
    const user = await registerUser(h.app);
    h.clock.advance(60_000);
    const secret = await enrolTotpBehindTheBack(user.userId); // set up after this session signed in
    h.clock.advance(30_000);
    assertError(await post('/auth/reauthenticate', user.tokens.access_token, { code: codeAt(secret, h.clock.now()) }), 403, 'factor_too_new');
  });

  test('finding 5: TOTP enrolment ends the sessions from before it; the caller gets a new pair with otp in amr', async () => {
    const user = await registerUser(h.app);
    const other = (await passwordLogin(h.app, user)).json() as Pair;
    const started = await post('/users/me/mfa/totp', user.tokens.access_token);
    const { secret } = started.json() as { secret: string };
    const confirmed = await post('/users/me/mfa/totp/confirm', user.tokens.access_token, { code: codeAt(secret, h.clock.now()) });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    const body = confirmed.json() as Pair & { recovery_codes: string[] };
    assert.equal(body.recovery_codes.length, 10);
    assert.ok(decodeJwt(body.access_token).amr?.toString().includes('otp'), 'the new session states the code just proven');
    assertError(await refresh(h.app, other), 401, 'session_revoked');
    assertError(await refresh(h.app, user.tokens), 401, 'session_revoked');
    assert.equal((await refresh(h.app, body)).statusCode, 200);
  });

  test('finding 6: step-up on an account with TOTP needs the code; amr states only what was just proven', async () => {
    const user = await userWithTotp();
    h.clock.advance(STALE_MS);
    assertError(await post('/auth/reauthenticate', user.pair.access_token, { password: user.password }), 403,
      'stronger_reauthentication_required');
    const res = await post('/auth/reauthenticate', user.pair.access_token, { code: codeAt(user.secret, h.clock.now()) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(decodeJwt(res.json().access_token).amr, ['otp']);
    assert.equal((await del('/users/me/mfa/totp', res.json().access_token)).statusCode, 200);
  });

  describe('every operation: a bearer token alone is refused, a fresh password-only sign-in on a TOTP account is refused', async () => {
    type Run = (token: string, password?: string) => ReturnType<typeof post>;
    const withPassword = (password?: string) => (password === undefined ? {} : { current_password: password });
    const operations: Array<[string, Run, { needsTotp?: boolean }]> = [
      ['TOTP enrolment start', (token) => post('/users/me/mfa/totp', token), {}],
      ['TOTP removal', (token) => del('/users/me/mfa/totp', token), { needsTotp: true }],
      ['new recovery codes', (token) => post('/users/me/mfa/recovery-codes', token), { needsTotp: true }],
      ['passkey options', (token) => post('/users/me/passkeys/options', token), {}],
      ['email change request', (token, password) => post('/users/me/email', token, { new_email: `n${h.clock.now()}@example.com`, ...withPassword(password) }), {}],
      ['password change', (token, password) => post('/users/me/password', token, { ...withPassword(password), new_password: 'another fine passphrase 42' }), {}],
    ];
    for (const [name, run, { needsTotp }] of operations) {
      test(`${name}: a bearer token whose sign-in is old → reauthentication_required`, async () => {
        const user = needsTotp ? await userWithTotp() : { ...(await registerUser(h.app)), pair: undefined };
        h.clock.advance(STALE_MS);
        assertError(await run((user.pair ?? user.tokens).access_token), 403, 'reauthentication_required');
      });
      test(`${name}: fresh password-only session on a TOTP account → stronger_reauthentication_required`, async () => {
        const user = await registerUser(h.app);
        const passwordOnly = (await passwordLogin(h.app, user)).json() as Pair;
        await enrolTotpBehindTheBack(user.userId);
        assertError(await run(passwordOnly.access_token, user.password), 403, 'stronger_reauthentication_required');
      });
    }
  });

  /** A confirmed TOTP factor written straight into the store, as if enrolled elsewhere: no session is touched. Answers its secret (base32). */
  async function enrolTotpBehindTheBack(userId: string): Promise<string> {
    const key = randomBytes(20);
    const { secretBox } = mfaParts(h.stores.factors, TEST_SECRET);
    const sealed = secretBox.seal(key, userId);
    const now = new Date(h.clock.now());
    await h.stores.factors.startTotp({ userId, secret: sealed, confirmedAt: null, lastUsedStep: null, createdAt: now });
    assert.ok(await h.stores.factors.confirmTotp(userId, sealed, 0, [], now));
    return base32Encode(key);
  }

  const reauthOptions = async (token: string) => (await post('/auth/reauthenticate/passkey/options', token)).json();

  describe('the aftermath of each operation', async () => {
    /** A user with a pending email change, a caller session signed in just now, and another session. */
    async function scene(withTotp: boolean) {
      const user = withTotp ? await userWithTotp() : { ...(await registerUser(h.app)), secret: '', pair: undefined as Pair | undefined };
      const first = user.pair ?? user.tokens;
      const requested = await post('/users/me/email', first.access_token, { new_email: `${user.username}.new@example.com`, current_password: user.password });
      assert.equal(requested.statusCode, 202, requested.body);
      const confirmLink = (await sink.nextMail(`${user.username}.new@example.com`)).token!;
      await sink.nextMail(user.email); // the notice
      h.clock.advance(30_000);
      const signIn = async () => {
        const login = await passwordLogin(h.app, user);
        if (!withTotp) return login.json() as Pair;
        h.clock.advance(30_000);
        return (await verifyMfa(h.app, login.json().mfa_token, codeAt(user.secret, h.clock.now()))).json() as Pair;
      };
      const other = await signIn();
      const caller = await signIn();
      return { user, other, caller, confirmLink };
    }

    async function expectAftermath(s: Awaited<ReturnType<typeof scene>>, res: { statusCode: number; body: string }, mailed = true) {
      assert.ok(res.statusCode >= 200 && res.statusCode < 300, res.body);
      const pair = JSON.parse(res.body) as Pair;
      assert.equal(typeof pair.access_token, 'string', 'the answer carries the caller\'s new pair');
      assertError(await refresh(h.app, s.other), 401, 'session_revoked');
      assert.equal((await refresh(h.app, pair)).statusCode, 200);
      assertError(await h.app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token: s.confirmLink } }), 400, 'link_invalid');
      if (mailed) assert.match((await sink.nextMail(s.user.email)).text, /\S/);
    }

    test('TOTP enrolment', async () => {
      const s = await scene(false);
      const { secret } = (await post('/users/me/mfa/totp', s.caller.access_token)).json() as { secret: string };
      await expectAftermath(s, await post('/users/me/mfa/totp/confirm', s.caller.access_token, { code: codeAt(secret, h.clock.now()) }));
    });
    test('TOTP removal', async () => {
      const s = await scene(true);
      await expectAftermath(s, await del('/users/me/mfa/totp', s.caller.access_token));
    });
    test('new recovery codes', async () => {
      const s = await scene(true);
      await expectAftermath(s, await post('/users/me/mfa/recovery-codes', s.caller.access_token));
    });
    test('password change', async () => {
      const s = await scene(false);
      await expectAftermath(s, await post('/users/me/password', s.caller.access_token, { current_password: s.user.password, new_password: 'another fine passphrase 42' }));
    });
    test('passkey added, then removed', async () => {
      const s = await scene(false);
      const authenticator = newAuthenticator();
      h.clock.advance(1000);
      const options = (await post('/users/me/passkeys/options', s.caller.access_token)).json();
      const added = await post('/users/me/passkeys', s.caller.access_token, { response: authenticator.create(options) });
      await expectAftermath(s, added);
      const after = JSON.parse(added.body) as Pair & { id: string };
      // the account has a passkey now: a password sign-in no longer covers it, and the passkey is younger than this one
      assertError(await del(`/users/me/passkeys/${after.id}`, after.access_token), 403, 'stronger_reauthentication_required');
      assertError(await post('/auth/reauthenticate', after.access_token, { passkey: authenticator.get(await reauthOptions(after.access_token)) }),
        403, 'factor_too_new');
      h.clock.advance(1000);
      const signedIn = await verifyLogin(h.app, authenticator.get(await loginOptions(h.app)));
      assert.equal(signedIn.statusCode, 200, signedIn.body);
      const removed = await del(`/users/me/passkeys/${after.id}`, signedIn.json().access_token);
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(typeof removed.json().refresh_token, 'string');
    });
    test('email change request', async () => {
      const s = await scene(false);
      const res = await post('/users/me/email', s.caller.access_token, { new_email: `${s.user.username}.other@example.com`, current_password: s.user.password });
      await expectAftermath(s, res, false);
      assert.ok((await sink.nextMail(`${s.user.username}.other@example.com`)).token);
    });
  });

  describe('finding 3: a pending email change dies with every remedy, and the notice can cancel it', async () => {
    /** A user whose address change to an intruder's is pending: the confirmation link and the owner's notice. */
    async function pending() {
      const user = await registerUser(h.app);
      const res = await post('/users/me/email', user.tokens.access_token, { new_email: `${user.username}.thief@example.com` });
      assert.equal(res.statusCode, 202, res.body);
      const confirm = (await sink.nextMail(`${user.username}.thief@example.com`)).token!;
      const notice = await sink.nextMail(user.email);
      return { user, pair: res.json() as Pair, confirm, notice };
    }
    const confirmChange = (token: string) => h.app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token } });

    test('a password reset cancels it', async () => {
      const { user, confirm } = await pending();
      assert.equal((await h.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })).statusCode, 202);
      const reset = await sink.nextMail(user.email);
      const done = await h.app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: reset.token, new_password: 'a brand new passphrase 7' } });
      assert.ok(done.statusCode < 300, done.body);
      assertError(await confirmChange(confirm), 400, 'link_invalid');
    });

    test('a password change cancels it', async () => {
      const { user, pair, confirm } = await pending();
      const res = await post('/users/me/password', pair.access_token, { current_password: user.password, new_password: 'a brand new passphrase 7' });
      assert.equal(res.statusCode, 200, res.body);
      assertError(await confirmChange(confirm), 400, 'link_invalid');
    });

    test('"log out everywhere" cancels it', async () => {
      const { pair, confirm } = await pending();
      const res = await h.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(pair.access_token), payload: { scope: 'global' } });
      assert.ok(res.statusCode < 300, res.body);
      assertError(await confirmChange(confirm), 400, 'link_invalid');
    });

    test('the notice\'s "this wasn\'t me" link cancels it and ends every session, once', async () => {
      const { user, pair, confirm, notice } = await pending();
      const other = (await passwordLogin(h.app, user)).json() as Pair;
      assert.match(notice.link ?? '', /\/cancel-email-change\?token=/);
      const cancel = () => h.app.inject({ method: 'POST', url: '/auth/email/change/cancel', payload: { token: notice.token } });
      const res = await cancel();
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().email, user.email);
      assertError(await confirmChange(confirm), 400, 'link_invalid');
      assertError(await refresh(h.app, pair), 401, 'session_revoked');
      assertError(await refresh(h.app, other), 401, 'session_revoked');
      assertError(await cancel(), 400, 'link_invalid');
    });
  });
});
