// SMTP without TLS (docs/email.md, "Sending"): credentials and reset links must not go in clear.
// smtp:// requires STARTTLS unless SMTP_URL names a loopback host or SMTP_ALLOW_PLAINTEXT=true;
// a server that offers no STARTTLS then gets no mail (the real smtp-server sink offers none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { smtpRequiresTls } from '../../src/config/smtp-tls.js';
import { createSmtpTransport } from '../../src/jobs/mail-transport.js';
import { SmtpSink } from '../mail/smtp-sink.js';

const smtpOf = (env: Record<string, string>) => loadConfig(env).email.smtp!;

test('TLS is required for smtp:// to any host but loopback, unless SMTP_ALLOW_PLAINTEXT=true', () => {
  assert.equal(smtpRequiresTls({ host: 'mail.example.com', secure: false }, false), true);
  assert.equal(smtpRequiresTls({ host: '10.0.0.5', secure: false }, false), true);
  assert.equal(smtpRequiresTls({ host: 'localhost.example.com', secure: false }, false), true);
  for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1']) assert.equal(smtpRequiresTls({ host, secure: false }, false), false, host);
  assert.equal(smtpRequiresTls({ host: 'mail.example.com', secure: false }, true), false);
  assert.equal(smtpRequiresTls({ host: 'mail.example.com', secure: true }, false), false, 'smtps:// is TLS from the first byte');
});

test('the settings carry the rule; SMTP_ALLOW_PLAINTEXT takes true or false, and a bad value names it', () => {
  assert.equal(smtpOf({ SMTP_URL: 'smtp://mail.example.com:587' }).requireTls, true);
  assert.equal(smtpOf({ SMTP_URL: 'smtp://mail.example.com:587', SMTP_ALLOW_PLAINTEXT: 'true' }).requireTls, false);
  assert.equal(smtpOf({ SMTP_URL: 'smtp://[::1]:2525' }).requireTls, false);
  assert.equal(smtpOf({ SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_ALLOW_PLAINTEXT: 'false' }).requireTls, false);
  assert.throws(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com', SMTP_ALLOW_PLAINTEXT: 'yes please' }),
    (error: unknown) => error instanceof ConfigError && /SMTP_ALLOW_PLAINTEXT/.test(error.message) && /true or false/.test(error.message));
});

test('a send that must use TLS is refused by a server offering no STARTTLS, and nothing is delivered; plaintext to loopback goes', async (t) => {
  const sink = await SmtpSink.start({ credentials: { user: 'mailer', pass: 'hunter2-secret' } });
  t.after(() => sink.stop());
  const settings = smtpOf({ SMTP_URL: sink.url });
  assert.equal(settings.requireTls, false, 'the sink is on loopback');
  const mail = { kind: 'verify_email', from: 'no-reply@example.com', to: 'tls@example.com', subject: 's', text: 't', html: '<p>t</p>' };
  const strict = createSmtpTransport({ ...settings, requireTls: true });
  t.after(() => strict.close());
  await assert.rejects(strict.send(mail), (error: Error) => /STARTTLS|TLS/i.test(error.message) && !error.message.includes('hunter2'));
  assert.deepEqual([sink.mailsTo('tls@example.com').length, sink.logins], [0, []], 'no mail and no credentials went in clear');
  const plain = createSmtpTransport(settings);
  t.after(() => plain.close());
  await plain.send(mail);
  assert.equal(sink.mailsTo('tls@example.com').length, 1);
});
