// The master secret (docs/architecture.md, "Tokens and keys", "Configuration"): short, repetitive,
// sequential and dictionary-word secrets are refused with a message naming GATEHOUSE_SECRET and
// `gatehouse secret`, while fresh random bytes in hex or base64 always pass;
// production needs one; development generates one into DATA_DIR/secret (mode 0600) with a warning,
// and reuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config.js';
import { generateSecret, resolveSecret, weakSecretReason } from '../../src/config/secret.js';

const GOOD = '9f2c1e7a4b8d3f6e0a5c2b9d8e7f6a1b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';
const POSIX = process.platform !== 'win32';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function refusedNamingTheVariable(run: () => unknown) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error.message.startsWith('GATEHOUSE_SECRET: '), error.message);
    assert.ok(error.message.includes('`gatehouse secret`'), error.message);
    return true;
  });
}

test('generateSecret gives 64 hex characters (32 random bytes), different each time', () => {
  const secret = generateSecret();
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.notEqual(generateSecret(), secret);
});

test('a strong secret is used as given, with no warning', (t) => {
  const dataDir = tempDir(t);
  for (const nodeEnv of ['development', 'production'] as const) {
    assert.deepEqual(resolveSecret({ secret: GOOD, nodeEnv, dataDir }), { secret: GOOD });
  }
  assert.equal(existsSync(join(dataDir, 'secret')), false);
});

test('a well-known placeholder secret is refused, naming GATEHOUSE_SECRET and `gatehouse secret`', (t) => {
  const dataDir = tempDir(t);
  const placeholders = ['changeme', 'super-secret-key', 'secret', 'secret'.repeat(6), 'SecretSECRETsecretSecretsecretSECRET', 'changeme'.repeat(5)];
  for (const secret of placeholders) {
    for (const nodeEnv of ['development', 'production'] as const) refusedNamingTheVariable(() => resolveSecret({ secret, nodeEnv, dataDir }));
  }
});

/** Placeholders as they are found in .env files, READMEs and tutorials, and other guessable secrets of 32 bytes or more. */
const GUESSABLE = [
  'your-secret-key-change-this-in-production', 'changeme-changeme-changeme-changeme', '0123456789abcdef0123456789abcdef',
  '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'please-change-me-to-a-long-random-string',
  'my-super-secret-jwt-signing-key-for-dev', 'this_is_a_very_long_secret_key_for_testing', 'ThisIsMySuperSecretKeyThatNobodyWillGuess',
  'insecure-default-secret-for-local-development-only', 'REPLACE_ME_WITH_A_REAL_SECRET_VALUE_NOW', 'supersecretpasswordsupersecretpassword',
  'correct horse battery staple correct horse', 'the quick brown fox jumps over the lazy dog', 'Password123!Password123!Password123!',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'abcdefghijklmnopqrstuvwxyz0123456789', 'zyxwvutsrqponmlkjihgfedcba9876543210',
  'qwertyuiopasdfghjklzxcvbnm1234567890', '12345678901234567890123456789012', 'abc123abc123abc123abc123abc123abc123',
  'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6', '!@#$%^&*()!@#$%^&*()!@#$%^&*()!@#$', 'Xk9#mQ2$vL7!Xk9#mQ2$vL7!Xk9#mQ2$vL7!',
  'gatehouse-secret-gatehouse-secret-1234', 'dev-secret-dev-secret-dev-secret-dev',
];

test('a placeholder, repetitive, sequential or dictionary-word secret of 32 bytes or more is refused, naming GATEHOUSE_SECRET', (t) => {
  const dataDir = tempDir(t);
  for (const secret of GUESSABLE) {
    assert.ok(Buffer.byteLength(secret) >= 32, secret);
    refusedNamingTheVariable(() => resolveSecret({ secret, nodeEnv: 'production', dataDir }));
  }
});

test('the reason says what is wrong and never repeats the secret', () => {
  assert.match(weakSecretReason('your-secret-key-change-this-in-production')!, /dictionary words/);
  assert.match(weakSecretReason('0123456789abcdef0123456789abcdef')!, /too predictable .*bits of entropy/);
  for (const secret of GUESSABLE) assert.equal(weakSecretReason(secret)!.includes(secret), false, secret);
});

test('fresh random secrets always pass: 32 bytes in hex (gatehouse secret), base64 and base64url, 16 bytes in hex', () => {
  const makers: Record<string, () => string> = {
    'gatehouse secret': generateSecret,
    'hex, upper case': () => randomBytes(32).toString('hex').toUpperCase(),
    base64: () => randomBytes(32).toString('base64'),
    base64url: () => randomBytes(32).toString('base64url'),
    '16 bytes in hex': () => randomBytes(16).toString('hex'),
  };
  for (const [kind, make] of Object.entries(makers)) {
    for (let i = 0; i < 2000; i++) {
      const secret = make();
      assert.equal(weakSecretReason(secret), undefined, `${kind}: ${secret}`);
    }
  }
});

test('the output of `openssl rand -hex 32` and `openssl rand -base64 32` passes', (t) => {
  const openssl = (...args: string[]) => execFileSync('openssl', ['rand', ...args], { encoding: 'utf8' }).trim();
  try {
    openssl('-hex', '1');
  } catch {
    t.skip('no openssl on this machine');
    return;
  }
  for (let i = 0; i < 20; i++) {
    for (const secret of [openssl('-hex', '32'), openssl('-base64', '32')]) assert.equal(weakSecretReason(secret), undefined, secret);
  }
});

test('a secret shorter than 32 bytes is refused, naming GATEHOUSE_SECRET and `gatehouse secret`', (t) => {
  const dataDir = tempDir(t);
  for (const secret of ['Xk9#mQ2$vL7!', GOOD.slice(0, 31)]) {
    for (const nodeEnv of ['development', 'production'] as const) refusedNamingTheVariable(() => resolveSecret({ secret, nodeEnv, dataDir }));
  }
  assert.deepEqual(resolveSecret({ secret: GOOD.slice(0, 32), nodeEnv: 'production', dataDir }), { secret: GOOD.slice(0, 32) });
});

test('a long secret of few distinct characters is refused', (t) => {
  const dataDir = tempDir(t);
  refusedNamingTheVariable(() => resolveSecret({ secret: 'ab'.repeat(32), nodeEnv: 'production', dataDir }));
});

test('production without a secret is refused, and no secret file is written', (t) => {
  const dataDir = tempDir(t);
  refusedNamingTheVariable(() => resolveSecret({ secret: undefined, nodeEnv: 'production', dataDir }));
  assert.equal(existsSync(join(dataDir, 'secret')), false);
});

test('development without a secret writes DATA_DIR/secret with mode 0600 and warns', (t) => {
  const dataDir = join(tempDir(t), 'nested', 'data'); // not there yet
  const resolved = resolveSecret({ secret: undefined, nodeEnv: 'development', dataDir });
  const path = join(dataDir, 'secret');
  assert.match(resolved.secret, /^[0-9a-f]{64}$/);
  assert.equal(readFileSync(path, 'utf8').trim(), resolved.secret);
  if (POSIX) assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(typeof resolved.warning, 'string');
  assert.match(resolved.warning!, /GATEHOUSE_SECRET/);
  assert.ok(resolved.warning!.includes(path), resolved.warning);
});

test('development returns the same secret on the second call', (t) => {
  const dataDir = tempDir(t);
  const first = resolveSecret({ secret: undefined, nodeEnv: 'development', dataDir });
  const second = resolveSecret({ secret: undefined, nodeEnv: 'development', dataDir });
  assert.equal(second.secret, first.secret);
  assert.equal(typeof second.warning, 'string');
});

test('an existing development secret file with loose permissions is tightened to 0600', { skip: !POSIX }, (t) => {
  const dataDir = tempDir(t);
  const path = join(dataDir, 'secret');
  writeFileSync(path, `${GOOD}\n`);
  chmodSync(path, 0o644);
  assert.equal(resolveSecret({ secret: undefined, nodeEnv: 'test', dataDir }).secret, GOOD);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('a weak development secret file is refused, naming GATEHOUSE_SECRET and `gatehouse secret`', (t) => {
  const dataDir = tempDir(t);
  writeFileSync(join(dataDir, 'secret'), 'changeme\n', { mode: 0o600 });
  refusedNamingTheVariable(() => resolveSecret({ secret: undefined, nodeEnv: 'development', dataDir }));
});
