// `gatehouse keys rotate`: adds a signing key to the key set file (mode 0600), published at once and
// signing after the activation delay, when the old one retires; refuses under HS256 and when the keys
// come from JWT_PRIVATE_KEY_FILE. `gatehouse secret --access-key`: the HS256 access key for services.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessKeySource, verifyAccessToken, VerifyError } from '@gatehouse-auth/verify';
import { KEY_ACTIVATION_DELAY_MS, parseKeySet } from '../src/core/tokens/key-set.js';
import { deriveKey } from '../src/core/tokens/keys.js';
import { TEST_SECRET, createTestApp, registerUser } from './helpers.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

function runCli(args: string[], env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, [CLI, ...args], { env: { PATH, HOME, ...env }, encoding: 'utf8' });
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('gatehouse keys rotate creates the key set, then adds a key that signs after the activation delay, when the previous one retires', (t) => {
  const dir = tempDir(t);
  const env = { DATA_DIR: dir, JWT_ALG: 'ES256' };
  const first = runCli(['keys', 'rotate'], env);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^New ES256 signing key \S+ in .*jwt-keys\.json: it signs now\.\n$/);
  const second = runCli(['keys', 'rotate'], env);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /: it is published now and signs from \S+Z \(in 340 s\)\.\nKey \S+ signs until then, and stays published for 905 s more, until its last token has expired\.\n$/);
  const path = join(dir, 'jwt-keys.json');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const keys = parseKeySet(readFileSync(path, 'utf8')).keys;
  assert.equal(keys.length, 2);
  assert.equal(keys[1]!.activatesAt, keys[1]!.createdAt + KEY_ACTIVATION_DELAY_MS);
  assert.equal(keys[0]!.retiredAt, keys[1]!.activatesAt, 'the old key retires when the new one starts signing');
  assert.equal(keys[1]!.retiredAt, null);
  assert.ok(second.stdout.includes(keys[1]!.kid));
});

test('gatehouse keys rotate refuses under HS256 and with JWT_PRIVATE_KEY_FILE, naming the variable', (t) => {
  const dir = tempDir(t);
  const hs = runCli(['keys', 'rotate'], { DATA_DIR: dir });
  assert.equal(hs.status, 78);
  assert.match(hs.stderr, /JWT_ALG: is HS256/);
  writeFileSync(join(dir, 'key.pem'), 'a key file, whatever it holds'); // a missing file is refused earlier, naming it
  const pem = runCli(['keys', 'rotate'], { DATA_DIR: dir, JWT_ALG: 'EdDSA', JWT_PRIVATE_KEY_FILE: join(dir, 'key.pem') });
  assert.equal(pem.status, 78);
  assert.match(pem.stderr, /JWT_PRIVATE_KEY_FILE: is set/);
});

test('gatehouse secret --access-key prints the access key of GATEHOUSE_SECRET, which verifies the server\'s access tokens and nothing else', async (t) => {
  const printed = runCli(['secret', '--access-key'], { DATA_DIR: tempDir(t), GATEHOUSE_SECRET: TEST_SECRET });
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal(printed.stderr, '');
  const accessKey = printed.stdout.trim();
  assert.equal(printed.stdout, `${deriveKey(TEST_SECRET, 'access').toString('base64url')}\n`);
  assert.ok(!printed.stdout.includes(TEST_SECRET));

  const ctx = await createTestApp(); // signs with TEST_SECRET's keys
  t.after(() => ctx.close());
  const { tokens, userId } = await registerUser(ctx.app);
  const options = { keys: accessKeySource(accessKey), now: () => ctx.clock.now() };
  assert.equal((await verifyAccessToken(tokens.access_token, options)).id, userId);
  await assert.rejects(verifyAccessToken(tokens.refresh_token, options), (error) => error instanceof VerifyError && error.code === 'invalid_token');
});

test('gatehouse secret --access-key reads the development secret in DATA_DIR as the server does, with its warning on stderr', (t) => {
  const dir = tempDir(t);
  const printed = runCli(['secret', '--access-key'], { DATA_DIR: dir });
  assert.equal(printed.status, 0, printed.stderr);
  const secret = readFileSync(join(dir, 'secret'), 'utf8').trim();
  assert.equal(printed.stdout, `${deriveKey(secret, 'access').toString('base64url')}\n`);
  assert.match(printed.stderr, /^GATEHOUSE_SECRET is not set: using the development secret in /);
  assert.equal(runCli(['secret', '--access-key'], { DATA_DIR: dir }).stdout, printed.stdout, 'the same secret, the same key');
});

test('gatehouse secret --access-key refuses without a secret in production, and under an asymmetric JWT_ALG, naming the variable (78)', (t) => {
  const production = runCli(['secret', '--access-key'], { DATA_DIR: tempDir(t), NODE_ENV: 'production' });
  assert.equal(production.status, 78);
  assert.match(production.stderr, /^gatehouse: GATEHOUSE_SECRET: is required when NODE_ENV=production/);
  assert.equal(production.stdout, '');
  const asymmetric = runCli(['secret', '--access-key'], { DATA_DIR: tempDir(t), JWT_ALG: 'EdDSA' });
  assert.equal(asymmetric.status, 78);
  assert.equal(asymmetric.stderr, 'gatehouse: JWT_ALG: is EdDSA: access tokens are not signed with the access key; give services the JWKS URL\n');
});

test('gatehouse keys rotate --id-token adds an ID-token key in the database, published before it signs, after the one the first use made', (t) => {
  const dir = tempDir(t);
  const env = { DATA_DIR: dir, GATEHOUSE_SECRET: TEST_SECRET, OIDC_ID_TOKEN_ALG: 'ES256' };
  const first = runCli(['keys', 'rotate', '--id-token'], env);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^New ES256 ID-token signing key \S+ in the database: it signs now\.\n$/);
  const second = runCli(['keys', 'rotate', '--id-token'], env);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /: it is published now and signs from \S+Z \(in 340 s\)\.\n$/);
  assert.doesNotMatch(first.stdout + second.stdout + first.stderr + second.stderr, /PRIVATE KEY/);
});
