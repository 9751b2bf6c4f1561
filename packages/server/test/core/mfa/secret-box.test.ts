// TOTP secrets at rest: sealed with AES-256-GCM under their own derived key, bound to their user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../../src/core/mfa/secret-box.js';
import { deriveKey } from '../../../src/core/tokens/keys.js';
import { TEST_SECRET } from '../../helpers.js';

test('seals and opens a secret; the sealed text holds no copy of it, and differs each time', () => {
  const box = createSecretBox(deriveKey(TEST_SECRET, 'totp-secret'));
  const secret = randomBytes(20);
  const sealed = box.seal(secret, 'user-1');
  assert.deepEqual(box.open(sealed, 'user-1'), secret);
  assert.notEqual(box.seal(secret, 'user-1'), sealed);
  assert.ok(!sealed.includes(secret.toString('base64url')) && !sealed.includes(secret.toString('hex')));
});

test('refuses another user\'s row, another key, and any altered byte', () => {
  const box = createSecretBox(deriveKey(TEST_SECRET, 'totp-secret'));
  const sealed = box.seal(randomBytes(20), 'user-1');
  assert.equal(box.open(sealed, 'user-2'), undefined);
  assert.equal(createSecretBox(deriveKey(TEST_SECRET, 'recovery-code')).open(sealed, 'user-1'), undefined);
  const [v, iv, data, tag] = sealed.split('.');
  const flipped = Buffer.from(data!, 'base64url');
  flipped[0]! ^= 1;
  assert.equal(box.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'user-1'), undefined);
  assert.equal(box.open('v2.x.y.z', 'user-1'), undefined);
  assert.equal(box.open('garbage', 'user-1'), undefined);
});
