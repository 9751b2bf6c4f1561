// How the settings report what is wrong (docs/configuration.md, "Mistakes the start catches"): every
// problem at once, misspelt names, durations without a unit, an access-token lifetime verifiers
// refuse, and PUBLIC_URL as the issuer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ConfigErrors, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>, options = {}): string[] {
  try {
    loadConfig(env, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error instanceof ConfigErrors ? error.problems.map((problem) => problem.message) : [error.message];
  }
  assert.fail('expected the settings to be refused');
}

test('every bad setting is reported in one pass, one line each, in the order read', () => {
  const problems = problemsOf({ PORT: 'abc', ACCESS_TOKEN_TTL: 'soon', LOG_LEVEL: 'verbose', ROLES: 'Admin' });
  assert.deepEqual(problems.map((line) => line.split(':')[0]), ['ACCESS_TOKEN_TTL', 'PORT', 'LOG_LEVEL', 'ROLES']);
  for (const line of problems) assert.doesNotMatch(line, /\n/);
});

test('the start checks join the same report: production without a secret and a mail feature without SMTP_URL', () => {
  const problems = problemsOf({ NODE_ENV: 'production', PORT: '99999', PASSWORD_RESET: 'on' }, { start: true });
  assert.deepEqual(problems.map((line) => line.split(':')[0]), ['PORT', 'SMTP_URL', 'GATEHOUSE_SECRET']);
  assert.match(problems[1]!, /PASSWORD_RESET=on/);
});

test('a duration without a unit is refused, saying which units there are', () => {
  const [line] = problemsOf({ ACCESS_TOKEN_TTL: '15' });
  assert.match(line!, /^ACCESS_TOKEN_TTL: must be a duration like 10s, 15m, 12h or 7d; got "15" \(a number needs its unit: 15s for seconds, 15m for minutes\)$/);
  assert.equal(loadConfig({ REFRESH_GRACE: '0' }).refreshGraceSeconds, 0);
});

test('a misspelt setting is named with the setting it is close to: a note outside production', () => {
  const config = loadConfig({ ACCES_TOKEN_TTL: '5m', REDIS_ULR: 'redis://x', HOME: '/home/x', PATH: '/bin', DATBASE_URL: 'sqlite:x' });
  assert.deepEqual(config.notes, [
    'ACCES_TOKEN_TTL is not a setting and is ignored: did you mean ACCESS_TOKEN_TTL?',
    'DATBASE_URL is not a setting and is ignored: did you mean DATABASE_URL?',
    'REDIS_ULR is not a setting and is ignored: did you mean REDIS_URL?',
  ]);
  assert.equal(config.accessTokenTtlSeconds, 900);
});

test('a misspelt setting stops a production start, naming it and the setting meant', () => {
  const problems = problemsOf({ NODE_ENV: 'production', GATEHOUSE_SECRET: 'x'.repeat(64), ACCES_TOKEN_TTL: '5m' });
  assert.deepEqual(problems, ['ACCES_TOKEN_TTL: is not a setting; did you mean ACCESS_TOKEN_TTL? (rename it, or unset it)']);
});

test('in production only a typo beyond doubt stops the start: other software\'s near names (API_URL, PROJECT_NAME) are noted', () => {
  const production = { NODE_ENV: 'production', GATEHOUSE_SECRET: 'x'.repeat(64) };
  const others = { API_URL: 'https://api.example.com', PROJECT_NAME: 'shop', AMQP_URL: 'amqp://mq', ROLE: 'web', REDIS_URI: 'redis://x' };
  const config = loadConfig({ ...production, ...others }); // starts: nothing refused
  assert.ok(config.notes.includes('API_URL is not a setting and is ignored: did you mean APP_URL?'), config.notes.join('\n'));
  assert.deepEqual(problemsOf({ ...production, DATABASE_URI: 'postgres://db/app' }),
    ['DATABASE_URI: is not a setting; did you mean DATABASE_URL? (rename it, or unset it)']);
});

test('an ACCESS_TOKEN_TTL over 15 minutes is noted, naming verify\'s maxTokenLifetimeSeconds', () => {
  assert.deepEqual(loadConfig({ ACCESS_TOKEN_TTL: '15m' }).notes, []);
  const [note] = loadConfig({ ACCESS_TOKEN_TTL: '1h' }).notes;
  assert.match(note!, /^ACCESS_TOKEN_TTL is 3600 s: .*@gatehouse-auth\/verify.* set their maxTokenLifetimeSeconds to 3600 or more/);
});

test('a HOST of digits and dots that is no IPv4 address is refused, naming HOST', () => {
  assert.deepEqual(problemsOf({ HOST: '999.1.1.1' }).map((line) => line.split(':')[0]), ['HOST']);
});

test('PUBLIC_URL, once set, is the issuer unless JWT_ISSUER says otherwise', () => {
  assert.equal(loadConfig({}).issuer, 'gatehouse');
  assert.equal(loadConfig({ PUBLIC_URL: 'https://auth.example.com/' }).issuer, 'https://auth.example.com');
  assert.equal(loadConfig({ PUBLIC_URL: 'https://auth.example.com', JWT_ISSUER: 'gatehouse' }).issuer, 'gatehouse');
});

test('production without SMTP_URL starts with the mail features off; turned on explicitly they need SMTP_URL', () => {
  const config = loadConfig({ NODE_ENV: 'production', GATEHOUSE_SECRET: 'x'.repeat(64) }, { start: true });
  assert.deepEqual([config.email.verification, config.email.passwordReset, config.email.magicLink], ['off', false, false]);
  const withSmtp = loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'a@example.com' });
  assert.deepEqual([withSmtp.email.verification, withSmtp.email.passwordReset, withSmtp.email.magicLink], ['optional', true, true]);
  for (const on of [{ PASSWORD_RESET: 'on' }, { MAGIC_LINK: 'on' }, { EMAIL_VERIFICATION: 'required' }] as Array<Record<string, string>>) {
    const problems = problemsOf({ NODE_ENV: 'production', GATEHOUSE_SECRET: 'x'.repeat(64), ...on }, { start: true });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^SMTP_URL: is required when NODE_ENV=production and /);
  }
});
