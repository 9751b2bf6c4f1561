// Key derivation (docs/architecture.md, "Tokens and keys"): access key = HMAC-SHA256(secret,
// "access"), refresh key = HMAC-SHA256(secret, "refresh"), the secret taken as its UTF-8 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { deriveKey, deriveSigningKeys } from '../../../src/core/tokens/keys.js';

const SECRET = '9f2c1e7a4b8d3f6e0a5c2b9d8e7f6a1b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';

const hmac = (key: string, message: string) =>
  createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(message, 'utf8')).digest();

test('the access key is HMAC-SHA256 keyed with the UTF-8 secret over "access"', () => {
  assert.deepEqual(deriveKey(SECRET, 'access'), hmac(SECRET, 'access'));
});

test('the refresh key is HMAC-SHA256 keyed with the UTF-8 secret over "refresh"', () => {
  assert.deepEqual(deriveKey(SECRET, 'refresh'), hmac(SECRET, 'refresh'));
});

test('the derivation matches the RFC 4231 HMAC-SHA256 known answer', () => {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  assert.equal(
    hmac('Jefe', 'what do ya want for nothing?').toString('hex'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
});

test('a non-ASCII secret is taken as its UTF-8 bytes', () => {
  const secret = 'pässwörd-ключ-密钥-🔑-0123456789abcdef';
  assert.deepEqual(deriveKey(secret, 'access'), hmac(secret, 'access'));
  assert.notDeepEqual(deriveKey(secret, 'access'), createHmac('sha256', Buffer.from(secret, 'latin1')).update('access').digest());
});

test('the access and refresh keys differ', () => {
  assert.notDeepEqual(deriveKey(SECRET, 'access'), deriveKey(SECRET, 'refresh'));
  const keys = deriveSigningKeys(SECRET);
  assert.equal(keys.access.equals(keys.refresh), false);
});

test('the signing keys are 32-byte secret keys holding the derived bytes', () => {
  const keys = deriveSigningKeys(SECRET);
  assert.equal(keys.access.type, 'secret');
  assert.equal(keys.access.symmetricKeySize, 32);
  assert.deepEqual(keys.access.export(), hmac(SECRET, 'access'));
  assert.deepEqual(keys.refresh.export(), hmac(SECRET, 'refresh'));
});

test('different secrets give different keys', () => {
  assert.notDeepEqual(deriveKey(SECRET, 'access'), deriveKey(`${SECRET}0`, 'access'));
});
