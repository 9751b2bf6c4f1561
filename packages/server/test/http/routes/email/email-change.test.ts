// Changing the account's address: confirmation at the new address, a notice to the old one.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, PASSWORD, registerUser } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';

describe('email change', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({ EMAIL_VERIFICATION: 'off' }, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });
  const change = (token: string, payload: object) =>
    t.app.inject({ method: 'POST', url: '/users/me/email', headers: bearer(token), payload });
  const confirm = (token: string) => t.app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token } });
  const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });

  test('the old address works until the new one is confirmed; then the new one is the verified address', async () => {
    const user = await registerUser(t.app);
    const res = await change(user.tokens.access_token, { new_email: 'New.Address@Example.com', current_password: user.password });
    assert.equal(res.statusCode, 202);
    const confirmation = await sink.nextMail('new.address@example.com');
    const notice = await sink.nextMail(user.email);
    assert.match(notice.text, /new\.address@example\.com/);
    assert.match(notice.link ?? '', /\/cancel-email-change\?token=/, 'the notice carries the "this wasn\'t me" link');
    assert.equal((await login(user.email, user.password)).statusCode, 200, 'not changed yet');
    const confirmed = await confirm(confirmation.token!);
    assert.equal(confirmed.statusCode, 200);
    assert.equal(confirmed.json().email, 'new.address@example.com');
    assert.equal(confirmed.json().email_verified, true);
    assertError(await login(user.email, user.password), 401, 'invalid_credentials');
    assert.equal((await login('new.address@example.com', user.password)).statusCode, 200);
    assertError(await confirm(confirmation.token!), 400, 'link_invalid');
  });

  test('needs the current password; refuses the same address and one another account has', async () => {
    const user = await registerUser(t.app);
    const other = await registerUser(t.app);
    assertError(await change(user.tokens.access_token, { new_email: 'x@example.com', current_password: 'not my password' }), 403,
      'invalid_current_password');
    assertError(await change(user.tokens.access_token, { new_email: user.email, current_password: user.password }), 400, 'email_unchanged');
    assertError(await change(user.tokens.access_token, { new_email: other.email, current_password: user.password }), 409, 'email_taken');
    assertError(await change(user.tokens.access_token, { new_email: 'not an address', current_password: user.password }), 400, 'invalid_email');
  });

  test('an address taken between the request and the confirmation answers 409, and the account keeps its address', async () => {
    const user = await registerUser(t.app);
    await change(user.tokens.access_token, { new_email: 'contested@example.com', current_password: user.password });
    const { token } = await sink.nextMail('contested@example.com');
    await registerUser(t.app, { email: 'contested@example.com' });
    assertError(await confirm(token!), 409, 'email_taken');
    assert.equal((await login(user.email, user.password)).statusCode, 200);
  });
});

describe('email change under EMAIL_VERIFICATION=required', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({ EMAIL_VERIFICATION: 'required' }, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });
  const post = (url: string, payload: object, token?: string) =>
    t.app.inject({ method: 'POST', url, payload, ...(token ? { headers: bearer(token) } : {}) });

  async function verifiedUser(username: string) {
    const email = `${username}@example.com`;
    assert.equal((await post('/auth/register', { username, email, password: PASSWORD })).statusCode, 202);
    const mail = await sink.nextMail(email);
    assert.equal((await post('/auth/email/verify', { token: mail.token })).statusCode, 200);
    const login = await post('/auth/login', { username, password: PASSWORD });
    assert.equal(login.statusCode, 200, login.body);
    return { email, token: (login.json() as { access_token: string }).access_token };
  }

  test('asking for a taken address looks as asking for a free one, the notice at the old address included', async () => {
    const asker = await verifiedUser('chg_free');
    const other = await verifiedUser('chg_taken');
    const free = await post('/users/me/email', { new_email: 'chg_new@example.com', current_password: PASSWORD }, asker.token);
    const taken = await post('/users/me/email', { new_email: asker.email, current_password: PASSWORD }, other.token);
    assert.equal(free.statusCode, 202);
    assert.equal(taken.statusCode, 202);
    const shape = (body: string) => Object.keys(JSON.parse(body)).sort();
    assert.deepEqual(shape(taken.body), shape(free.body), 'each answers the caller\'s new pair');
    assert.equal(taken.json().message, free.json().message);
    const freeNotice = await sink.nextMail(asker.email);
    const takenNotice = await sink.nextMail(other.email);
    assert.equal(takenNotice.subject, freeNotice.subject);
    assert.match(takenNotice.text, new RegExp(asker.email.replace('.', '\\.')));
    assert.match(takenNotice.link ?? '', /\/cancel-email-change\?token=/, 'the notice can cancel, as for a free address');
    assert.deepEqual(sink.mailsTo(asker.email).filter((mail) => mail.link?.includes('/confirm-email-change')), [],
      'no confirmation for the taken address');
  });
});
