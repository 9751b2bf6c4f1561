// Registration and deletion mails count against the mail limits (RATE_LIMIT_MAIL_PER_ADDRESS,
// RATE_LIMIT_MAIL_PER_IP) as every other mail does: nobody floods an inbox by registering and
// deleting an account over and over, nor mails many addresses from one client by registering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, PASSWORD, type TestApp } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';

const register = (t: TestApp, username: string, email: string, ip: string) =>
  t.app.inject({ method: 'POST', url: '/auth/register', payload: { username, email, password: PASSWORD }, remoteAddress: ip });

test('registrations that mail a verification link count against RATE_LIMIT_MAIL_PER_IP', async (t) => {
  const sink = await SmtpSink.start();
  const h = await createTestApp({ RATE_LIMIT_MAIL_PER_IP: '3/1h' }, { smtp: { url: sink.url }, mailWorker: false });
  t.after(async () => {
    await h.close();
    await sink.stop();
  });
  const answers: number[] = [];
  for (let i = 1; i <= 4; i++) answers.push((await register(h, `spray_${i}`, `spray${i}@example.com`, '10.2.0.1')).statusCode);
  assert.deepEqual(answers, [201, 201, 201, 429]);
  assert.equal((await h.stores.outbox.counts()).pending, 3);
  assert.equal((await register(h, 'spray_5', 'spray5@example.com', '10.2.0.2')).statusCode, 201, 'another client has its own allowance');
});

test('an account registered and deleted again and again mails its address at most RATE_LIMIT_MAIL_PER_ADDRESS times; the deletions still happen', async (t) => {
  const sink = await SmtpSink.start();
  const h = await createTestApp({ EMAIL_VERIFICATION: 'off', RATE_LIMIT_MAIL_PER_ADDRESS: '3/1h' }, { smtp: { url: sink.url }, mailWorker: false });
  t.after(async () => {
    await h.close();
    await sink.stop();
  });
  for (let i = 1; i <= 5; i++) {
    const ip = `10.3.0.${i}`;
    const reg = await register(h, `cycle_${i}`, 'cycled@example.com', ip);
    assert.equal(reg.statusCode, 201, reg.body);
    const del = await h.app.inject({
      method: 'DELETE', url: '/users/me', headers: bearer(reg.json().access_token), payload: { current_password: PASSWORD }, remoteAddress: ip,
    });
    assert.equal(del.statusCode, 204, del.body);
    assert.equal(await h.stores.users.findByLogin('cycled@example.com'), null);
    await h.mail.worker!.drain(); // the notice goes before the next account's deletion purges the address's mail
  }
  for (let i = 0; i < 3; i++) await sink.nextMail('cycled@example.com');
  assert.equal(sink.mailsTo('cycled@example.com').length, 3, 'three deletion notices, then none');
  const another = await register(h, 'cycle_6', 'cycled@example.com', '10.3.0.9');
  assert.equal(another.statusCode, 201);
  const limited = await h.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email: 'cycled@example.com' }, remoteAddress: '10.3.0.9' });
  assertError(limited, 429, 'rate_limited');
});
