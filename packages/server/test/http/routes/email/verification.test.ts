// Email verification under each EMAIL_VERIFICATION mode, end to end through a real SMTP server.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, me, PASSWORD, registerUser, type TestApp } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';

const register = (t: TestApp, username: string, email: string, ip = '10.1.0.1') =>
  t.app.inject({ method: 'POST', url: '/auth/register', payload: { username, email, password: PASSWORD }, remoteAddress: ip });
const verify = (t: TestApp, token: string) => t.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token } });
const login = (t: TestApp, email: string) => t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD } });

describe('EMAIL_VERIFICATION=optional (the default)', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({}, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });

  test('registration logs in and mails a link that verifies the address once', async () => {
    const user = await registerUser(t.app);
    assert.equal((await me(t.app, user.tokens.access_token)).json().email_verified, false);
    const mail = await sink.nextMail(user.email);
    assert.match(mail.link!, /\/demo\/verify-email\?token=/);
    const res = await verify(t, mail.token!);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().email_verified, true);
    assert.equal((await me(t.app, user.tokens.access_token)).json().email_verified, true);
    assert.equal(decodeJwt(user.tokens.access_token).email_verified, false, 'the claim as it was when signed');
    assert.equal(decodeJwt((await login(t, user.email)).json().access_token).email_verified, true);
    assertError(await verify(t, mail.token!), 400, 'link_invalid');
    const again = await t.app.inject({ method: 'POST', url: '/auth/email/verify/send', headers: bearer(user.tokens.access_token) });
    assertError(again, 409, 'email_already_verified');
  });

  test('a new link on request supersedes the first; a link for a former address proves nothing', async () => {
    const user = await registerUser(t.app);
    const first = await sink.nextMail(user.email);
    const send = await t.app.inject({ method: 'POST', url: '/auth/email/verify/send', headers: bearer(user.tokens.access_token) });
    assert.equal(send.statusCode, 202);
    const second = await sink.nextMail(user.email);
    assertError(await verify(t, first.token!), 400, 'link_invalid');
    await t.stores.users.update(user.userId, { email: `moved-${user.email}` }, new Date(t.clock.now()));
    assertError(await verify(t, second.token!), 400, 'link_invalid');
  });
});

describe('EMAIL_VERIFICATION=required', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({ EMAIL_VERIFICATION: 'required' }, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });

  test('registration answers 202 alike for a new and a taken address; the owner of the taken one is told', async () => {
    const fresh = await register(t, 'fresh_one', 'fresh@example.com', '10.1.0.2');
    const taken = await register(t, 'second_one', 'fresh@example.com', '10.1.0.3');
    assert.equal(fresh.statusCode, 202);
    assert.equal(taken.statusCode, fresh.statusCode);
    assert.equal(taken.body, fresh.body);
    const verifyMail = await sink.nextMail('fresh@example.com');
    const attempt = await sink.nextMail('fresh@example.com');
    const [link, notice] = verifyMail.token ? [verifyMail, attempt] : [attempt, verifyMail];
    assert.equal(notice.token, undefined);
    assert.match(notice.text, /fresh_one/, 'the notice names the existing account');
    assertError(await login(t, 'fresh@example.com'), 403, 'email_not_verified');
    assert.equal((await verify(t, link.token!)).statusCode, 200);
    assert.equal((await login(t, 'fresh@example.com')).statusCode, 200);
  });

  test('registrations naming one address, from many clients, mail it at most RATE_LIMIT_MAIL_PER_ADDRESS times (5/1h)', async () => {
    // the first creates the account (a verification link), the next four tell its owner; the limit
    // is taken before the address is looked up, so the answers are the same whether it is taken
    const answers: number[] = [];
    for (let i = 1; i <= 6; i++) answers.push((await register(t, `flood_${i}`, 'flooded@example.com', `10.1.1.${i}`)).statusCode);
    assert.deepEqual(answers, [202, 202, 202, 202, 202, 429]);
  });

  test('a wrong password on an unverified account is still invalid_credentials: only the owner learns it is unverified', async () => {
    await register(t, 'unverified_two', 'two@example.com', '10.1.0.4');
    const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'two@example.com', password: 'wrong password here' } });
    assertError(res, 401, 'invalid_credentials');
  });
});

describe('EMAIL_VERIFICATION=off', async () => {
  const t = await createTestApp({ EMAIL_VERIFICATION: 'off' });
  after(() => t.close());

  test('no link is offered', async () => {
    const user = await registerUser(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/auth/email/verify/send', headers: bearer(user.tokens.access_token) });
    assertError(res, 404, 'feature_disabled');
  });
});
