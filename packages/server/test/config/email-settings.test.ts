// The mail settings (docs/email.md, "Settings"): defaults outside production, what production
// requires before it starts, SMTP_URL checked without echoing its credentials, link patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { assertMailDeliverable } from '../../src/config/email-settings.js';
import { buildMailLink } from '../../src/core/email/links.js';

function configError(run: () => unknown, variable: string): string {
  let message = '';
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error.message.startsWith(`${variable}: `), error.message);
    message = error.message;
    return true;
  });
  return message;
}

function startCheck(env: Record<string, string>): void {
  const config = loadConfig(env);
  assertMailDeliverable(config.email, config.nodeEnv);
}

const MAIL_OFF = { EMAIL_VERIFICATION: 'off', PASSWORD_RESET: 'off', MAGIC_LINK: 'off' };

test('outside production without SMTP_URL mail goes to the log, and links point to the demo pages', () => {
  const { email } = loadConfig({ PUBLIC_URL: 'https://auth.example.com' });
  assert.equal(email.delivery, 'log');
  assert.equal(email.mailEnabled, true);
  assert.equal(email.appUrl, 'https://auth.example.com/demo');
  assert.equal(email.links.reset_password, 'https://auth.example.com/demo/reset-password');
  assert.doesNotThrow(() => assertMailDeliverable(email, 'development'));
});

test('production without SMTP_URL and a mail feature turned on stops the start naming SMTP_URL, the features and how to turn them off', () => {
  const message = configError(() => startCheck({ NODE_ENV: 'production', EMAIL_VERIFICATION: 'optional', MAGIC_LINK: 'on' }), 'SMTP_URL');
  assert.match(message, /EMAIL_VERIFICATION=optional, MAGIC_LINK=on/);
  assert.match(message, /EMAIL_VERIFICATION=off MAGIC_LINK=off/);
  assert.doesNotMatch(message, /PASSWORD_RESET/);
  configError(() => startCheck({ NODE_ENV: 'production', ...MAIL_OFF, PASSWORD_RESET: 'on' }), 'SMTP_URL');
});

test('production with every mail feature off starts without SMTP_URL, and mail is off', () => {
  const config = loadConfig({ NODE_ENV: 'production', ...MAIL_OFF });
  assert.doesNotThrow(() => assertMailDeliverable(config.email, config.nodeEnv));
  assert.equal(config.email.delivery, 'none');
  assert.equal(config.email.mailEnabled, false);
});

test('production with SMTP_URL needs MAIL_FROM and APP_URL', () => {
  const smtp = { NODE_ENV: 'production', SMTP_URL: 'smtps://mailer:s3cret-pass@smtp.example.com' };
  configError(() => loadConfig(smtp), 'MAIL_FROM');
  configError(() => startCheck({ ...smtp, MAIL_FROM: 'Example <no-reply@example.com>' }), 'APP_URL');
  const config = loadConfig({ ...smtp, MAIL_FROM: 'no-reply@example.com', APP_URL: 'https://app.example.com/' });
  assert.doesNotThrow(() => assertMailDeliverable(config.email, config.nodeEnv));
  assert.equal(config.email.appUrl, 'https://app.example.com');
  assert.equal(config.email.links.magic_link, 'https://app.example.com/magic-link');
  assert.deepEqual({ ...config.email.smtp }, {
    host: 'smtp.example.com', port: 465, secure: true, requireTls: false, user: 'mailer', password: 's3cret-pass', display: 'smtps://mailer:***@smtp.example.com',
  });
});

test('a bad SMTP_URL is refused naming the variable, never echoing the credentials', () => {
  for (const url of ['http://user:hunter2-secret@mail.example.com', 'smtp://user:hunter2-secret@', 'not a url hunter2-secret',
    'smtp://user:hunter2-secret@mail.example.com/path?x=1', 'smtp://user:hunter2-secret%zz@mail.example.com']) {
    const message = configError(() => loadConfig({ SMTP_URL: url }), 'SMTP_URL');
    assert.doesNotMatch(message, /hunter2/, message);
  }
  const { smtp } = loadConfig({ SMTP_URL: 'smtp://a%40b:p%3Ass@127.0.0.1:2525' }).email;
  assert.deepEqual([smtp?.user, smtp?.password, smtp?.port, smtp?.secure], ['a@b', 'p:ss', 2525, false]);
});

test('bad mail settings are refused naming the variable', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
    [{ APP_URL: 'ftp://app.example.com' }, 'APP_URL'],
    [{ APP_URL: 'https://app.example.com/?x=1' }, 'APP_URL'],
    [{ LINK_RESET_PASSWORD: 'javascript:alert(1)' }, 'LINK_RESET_PASSWORD'],
    [{ EMAIL_VERIFICATION: 'sometimes' }, 'EMAIL_VERIFICATION'],
    [{ PASSWORD_RESET: 'true' }, 'PASSWORD_RESET'],
    [{ MAGIC_LINK: 'yes' }, 'MAGIC_LINK'],
    [{ RESET_PASSWORD_TTL: '30' }, 'RESET_PASSWORD_TTL'],
    [{ MAGIC_LINK_TTL: 'soon' }, 'MAGIC_LINK_TTL'],
    [{ MAIL_MAX_ATTEMPTS: '0' }, 'MAIL_MAX_ATTEMPTS'],
  ];
  for (const [env, variable] of cases) configError(() => loadConfig(env), variable);
});

test('settings are read as given', () => {
  const { email } = loadConfig({
    PRODUCT_NAME: 'Acme', MAIL_FROM: 'Acme <hello@acme.test>', EMAIL_VERIFICATION: 'required', MAGIC_LINK: 'off',
    VERIFY_EMAIL_TTL: '2d', CHANGE_EMAIL_TTL: '1h', MAIL_MAX_ATTEMPTS: '3', LINK_VERIFY_EMAIL: 'https://acme.test/#/verify?lang=en',
    MAIL_TEMPLATES_DIR: '/etc/gatehouse/mail',
  });
  assert.deepEqual(
    [email.productName, email.mailFrom, email.verification, email.magicLink, email.passwordReset, email.maxAttempts, email.templatesDir],
    ['Acme', 'Acme <hello@acme.test>', 'required', false, true, 3, '/etc/gatehouse/mail'],
  );
  assert.deepEqual({ ...email.ttlSeconds }, { verify_email: 172_800, reset_password: 1800, magic_link: 900, change_email: 3600, email_change_cancel: 3600 });
  assert.equal(email.links.verify_email, 'https://acme.test/#/verify?lang=en');
  assert.equal(buildMailLink(email.links.verify_email, 'T'), 'https://acme.test/?token=T#/verify?lang=en');
});

test('a mailed link is the pattern with the token as its `token` query parameter', () => {
  assert.equal(buildMailLink('https://app.example.com/reset-password', 'abc-_123'), 'https://app.example.com/reset-password?token=abc-_123');
  assert.equal(buildMailLink('https://app.example.com/verify?lang=en&token=old', 'T0k'), 'https://app.example.com/verify?lang=en&token=T0k');
});

test('production without APP_URL: every mailed link opens Gatehouse\'s own pages (PUBLIC_URL), never /demo; without PUBLIC_URL they are asked for by name', () => {
  const env = { NODE_ENV: 'production', SMTP_URL: 'smtps://mailer:s3cret-pass@smtp.example.com', MAIL_FROM: 'no-reply@example.com', PUBLIC_URL: 'https://auth.example.com' };
  const config = loadConfig(env);
  assert.deepEqual({ ...config.email.links }, {
    verify_email: 'https://auth.example.com/verify-email', reset_password: 'https://auth.example.com/reset',
    magic_link: 'https://auth.example.com/magic-link', change_email: 'https://auth.example.com/confirm-email-change',
    email_change_cancel: 'https://auth.example.com/cancel-email-change',
  });
  assert.doesNotThrow(() => assertMailDeliverable(config.email, config.nodeEnv));
  const { PUBLIC_URL: _, ...noPublicUrl } = env;
  const bare = loadConfig(noPublicUrl);
  assert.throws(() => assertMailDeliverable(bare.email, bare.nodeEnv), (error: unknown) =>
    error instanceof ConfigError && error.message.startsWith('APP_URL: ') && error.message.includes('LINK_VERIFY_EMAIL, LINK_RESET_PASSWORD, LINK_MAGIC_LINK, LINK_CHANGE_EMAIL, LINK_CANCEL_EMAIL_CHANGE'));
  const linked = loadConfig({
    ...env, LINK_MAGIC_LINK: 'https://app.example.com/m', LINK_CHANGE_EMAIL: 'https://app.example.com/c', LINK_CANCEL_EMAIL_CHANGE: 'https://app.example.com/x',
  });
  assert.doesNotThrow(() => assertMailDeliverable(linked.email, linked.nodeEnv));
  assert.equal(linked.email.links.reset_password, 'https://auth.example.com/reset');
  // APP_URL, when set, names every page, as before
  assert.equal(loadConfig({ ...env, APP_URL: 'https://app.example.com' }).email.links.reset_password, 'https://app.example.com/reset-password');
});
