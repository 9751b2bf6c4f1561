// Magic links and their 6-digit codes, end to end through a real SMTP server.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { assertError, bearer, createTestApp, registerUser } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';
import { outboxSettled } from './mail-flows.js';
import { setTimeout as sleep } from 'node:timers/promises';

describe('magic links', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({ EMAIL_VERIFICATION: 'off' }, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });
  const ask = (email: string, ip = '10.2.0.1') => t.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email }, remoteAddress: ip });
  const verify = (payload: object, ip = '10.2.0.1') =>
    t.app.inject({ method: 'POST', url: '/auth/magic-link/verify', payload, remoteAddress: ip });

  test('the link logs in once, with a new session, and proves the address', async () => {
    const user = await registerUser(t.app);
    assert.equal((await ask(user.email)).statusCode, 202);
    const mail = await sink.nextMail(user.email);
    assert.match(mail.link!, /\/demo\/magic-link\?token=/);
    assert.match(mail.code!, /^\d{6}$/);
    const res = await verify({ token: mail.token });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()).sort(), ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type']);
    const profile = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearer(res.json().access_token) });
    assert.equal(profile.json().id, user.userId);
    assert.equal(profile.json().email_verified, true);
    assert.deepEqual(decodeJwt(res.json().access_token).amr, ['email'], 'RFC 8176: a mailed link');
    assertError(await verify({ token: mail.token }), 400, 'link_invalid');
    assertError(await verify({ email: user.email, code: mail.code }), 400, 'invalid_code');
  });

  test('the code logs in with the address; five wrong codes kill it', async () => {
    const user = await registerUser(t.app);
    await ask(user.email, '10.2.0.2');
    const first = await sink.nextMail(user.email);
    const ok = await verify({ email: user.email.toUpperCase(), code: first.code }, '10.2.0.2');
    assert.equal(ok.statusCode, 200);

    await ask(user.email, '10.2.0.2');
    const second = await sink.nextMail(user.email);
    const wrong = second.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) assertError(await verify({ email: user.email, code: wrong }, '10.2.0.3'), 400, 'invalid_code');
    assertError(await verify({ email: user.email, code: second.code }, '10.2.0.3'), 400, 'invalid_code');
    assertError(await verify({ token: second.token }), 400, 'link_invalid');
  });

  test('an unknown or disabled address gets the same answer and no mail; a code for it is invalid_code', async () => {
    const user = await registerUser(t.app);
    await t.stores.users.update(user.userId, { disabled: true }, new Date(t.clock.now()));
    const known = await ask(user.email, '10.2.0.4');
    const unknown = await ask('no-account@example.com', '10.2.0.5');
    assert.equal(unknown.statusCode, 202);
    assert.equal(unknown.body, known.body);
    assert.deepEqual(await outboxSettled(t), { pending: 0, failed: 0 });
    assert.deepEqual(sink.mailsTo('no-account@example.com'), []);
    assert.deepEqual(sink.mailsTo(user.email), []);
    assertError(await verify({ email: 'no-account@example.com', code: '123456' }, '10.2.0.5'), 400, 'invalid_code');
  });

  test('a malformed code or body is refused by the schema', async () => {
    assertError(await verify({ email: 'a@example.com', code: '12345' }), 400, 'validation_failed');
    assertError(await verify({ token: 'x', email: 'a@example.com' }), 400, 'validation_failed');
  });
});

test('guesses sent at once spend the five tries too: the right code sent after ten wrong ones is refused', async (t) => {
  const sink = await SmtpSink.start();
  // Each try's write lags behind its read, as it may on a busy network database: every guess of
  // the moment then reads the count before any has written it.
  const ctx = await createTestApp({ EMAIL_VERIFICATION: 'off' }, {
    smtp: { url: sink.url },
    stores: (stores) => ({
      ...stores,
      oneTimeTokens: { ...stores.oneTimeTokens, addAttempt: async (hash) => { await sleep(50); return stores.oneTimeTokens.addAttempt(hash); } },
    }),
  });
  t.after(async () => {
    await ctx.close();
    await sink.stop();
  });
  const user = await registerUser(ctx.app);
  const post = (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, payload, remoteAddress: '10.2.1.1' });
  assert.equal((await post('/auth/magic-link', { email: user.email })).statusCode, 202);
  const mail = await sink.nextMail(user.email);
  const wrong = mail.code === '000000' ? '111111' : '000000';
  const answers = await Promise.all([
    ...Array.from({ length: 10 }, () => post('/auth/magic-link/verify', { email: user.email, code: wrong })),
    post('/auth/magic-link/verify', { email: user.email, code: mail.code }),
  ]);
  for (const answer of answers) assertError(answer, 400, 'invalid_code');
  assertError(await post('/auth/magic-link/verify', { token: mail.token }), 400, 'link_invalid');
});
