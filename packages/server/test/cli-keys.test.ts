// `gatehouse keys rotate`: adds a signing key to the key set file (mode 0600), published at once and
// signing after the activation delay, when the old one retires; refuses under HS256 and when the keys
// come from JWT_PRIVATE_KEY_FILE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY_ACTIVATION_DELAY_MS, parseKeySet } from '../src/core/tokens/key-set.js';

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
  const pem = runCli(['keys', 'rotate'], { DATA_DIR: dir, JWT_ALG: 'EdDSA', JWT_PRIVATE_KEY_FILE: join(dir, 'key.pem') });
  assert.equal(pem.status, 78);
  assert.match(pem.stderr, /JWT_PRIVATE_KEY_FILE: is set/);
});

