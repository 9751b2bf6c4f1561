// Forgot / reset password end to end: the mail reaches a real SMTP server, the test follows its link.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, me, refresh, registerUser, type TestApp } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';
import { outboxSettled } from './mail-flows.js';

const NEW_PASSWORD = 'a brand new passphrase 42';

describe('password reset', () => {
  let sink: SmtpSink;
  let t: TestApp;
  before(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ EMAIL_VERIFICATION: 'off' }, { smtp: { url: sink.url } });
  });
  after(async () => {
    await t.close();
    await sink.stop();
  });

  const forgot = (email: string, ip = '10.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email }, remoteAddress: ip });
  const reset = (token: string, password = NEW_PASSWORD) =>
    t.app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: password } });

  test('the mailed link sets a new password once; every session ends; a notice follows', async () => {
    const user = await registerUser(t.app);
    const res = await forgot(user.email);
    assert.equal(res.statusCode, 202);
    assert.deepEqual(res.json(), { message: 'If an account has this address, a mail is on its way.' });
    const mail = await sink.nextMail(user.email);
    assert.match(mail.link!, /^http:\/\/localhost:\d+\/demo\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    assert.equal((await reset(mail.token!)).statusCode, 204);
    assertError(await me(t.app, user.tokens.access_token), 401, 'session_revoked');
    assert.equal((await refresh(t.app, user.tokens)).statusCode, 401);
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: NEW_PASSWORD } });
    assert.equal(login.statusCode, 200);
    const notice = await sink.nextMail(user.email);
    assert.match(notice.subject, /password/i);
    assert.equal(notice.token, undefined, 'the notice carries no link token');
    assertError(await reset(mail.token!, 'yet another passphrase 7'), 400, 'link_invalid');
    const profile = await me(t.app, login.json().access_token);
    assert.equal(profile.json().email_verified, true, 'the link proved the address');
  });

  test('the check says whether a link still works and spends nothing: 204 before, link_invalid once used or unknown', async () => {
    const user = await registerUser(t.app);
    await forgot(user.email, '10.0.0.9');
    const { token } = await sink.nextMail(user.email);
    const check = (value: string) => t.app.inject({ method: 'POST', url: '/auth/password/reset/check', payload: { token: value } });
    assert.equal((await check(token!)).statusCode, 204);
    assert.equal((await check(token!)).statusCode, 204, 'checking spent nothing');
    assert.equal((await reset(token!)).statusCode, 204);
    assertError(await check(token!), 400, 'link_invalid');
    assertError(await check('A'.repeat(43)), 400, 'link_invalid');
    await sink.nextMail(user.email); // the reset's notice
  });

  test('answers an unknown address exactly as a known one, and mails nobody', async () => {
    const user = await registerUser(t.app);
    const known = await forgot(user.email, '10.0.0.2');
    const unknown = await forgot('nobody-here@example.com', '10.0.0.3');
    const headers = (res: typeof known) => Object.fromEntries(Object.entries(res.headers).filter(([name]) => !['date', 'x-request-id'].includes(name)));
    assert.equal(unknown.statusCode, known.statusCode);
    assert.equal(unknown.body, known.body);
    assert.deepEqual(headers(unknown), headers(known));
    await sink.nextMail(user.email);
    assert.deepEqual(await outboxSettled(t), { pending: 0, failed: 0 }, 'the pretended mail left no row');
    assert.deepEqual(sink.mailsTo('nobody-here@example.com'), []);
  });

  test('of two resets with one token, exactly one succeeds', async () => {
    const user = await registerUser(t.app);
    await forgot(user.email, '10.0.0.4');
    const { token } = await sink.nextMail(user.email);
    const results = await Promise.all([reset(token!, 'first racing passphrase'), reset(token!, 'second racing passphrase')]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 400]);
    assert.equal(results.find((r) => r.statusCode === 400)!.json().code, 'link_invalid');
  });

  test('a newer link supersedes the older one, and a password change kills a pending link', async () => {
    const user = await registerUser(t.app);
    await forgot(user.email, '10.0.0.5');
    const first = await sink.nextMail(user.email);
    await forgot(user.email, '10.0.0.5');
    const second = await sink.nextMail(user.email);
    assertError(await reset(first.token!), 400, 'link_invalid');
    const changed = await t.app.inject({
      method: 'POST', url: '/users/me/password', headers: bearer(user.tokens.access_token),
      payload: { current_password: user.password, new_password: 'changed the usual way 1' },
    });
    assert.equal(changed.statusCode, 200);
    assertError(await reset(second.token!), 400, 'link_invalid');
  });

  test('an expired link says so; a malformed token is link_invalid; a weak new password is refused and the link kept', async () => {
    const user = await registerUser(t.app);
    await forgot(user.email, '10.0.0.6');
    const { token } = await sink.nextMail(user.email);
    assertError(await reset(token!, 'short'), 400, 'password_too_short');
    assertError(await reset('not-a-token'), 400, 'link_invalid');
    t.clock.advance(30 * 60 * 1000);
    assertError(await reset(token!), 400, 'link_expired');
  });

  test('mails per address are limited: 429 with Retry-After, for unknown addresses alike', async () => {
    for (const email of ['limited@example.com', 'also-limited-unknown@example.com']) {
      for (let i = 0; i < 5; i++) assert.equal((await forgot(email, `10.0.1.${i}`)).statusCode, 202);
      const refused = await forgot(email, '10.0.1.9');
      assertError(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0);
    }
  });
});
