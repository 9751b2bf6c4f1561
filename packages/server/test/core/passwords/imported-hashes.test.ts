// Imported password hashes (docs/migrating.md, "Password hashes"): every format Gatehouse reads
// verifies its password and no other, is flagged for rehashing to argon2id, and malformed ones are
// refused. The vectors come from Python's hashlib (an implementation apart from node:crypto's use
// here) and, for Firebase, from the README of github.com/firebase/scrypt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPasswordHasher } from '../../../src/core/passwords/hasher.js';
import { hashFormat, isWeakHash } from '../../../src/core/passwords/hash-formats.js';

import { allVectors, FIREBASE_HASH, FIREBASE_SAMPLE as F, PASSWORD, VECTORS } from '../../import/hash-vectors.js';

test('the Firebase sample from the firebase/scrypt README verifies with user1password and no other', async () => {
  const hasher = await createPasswordHasher({ maxConcurrent: 2 });
  assert.deepEqual(await hasher.verify(FIREBASE_HASH, F.password), { ok: true, needsRehash: true });
  assert.deepEqual(await hasher.verify(FIREBASE_HASH, 'user1passwordX'), { ok: false, needsRehash: false });
  assert.equal(hashFormat(FIREBASE_HASH), 'firescrypt');
});

test('every imported format verifies its password, refuses another, and asks to be rehashed', async () => {
  const hasher = await createPasswordHasher({ maxConcurrent: 2 });
  for (const [name, hash] of Object.entries(await allVectors())) {
    assert.ok(hashFormat(hash), `${name} is a known format`);
    assert.deepEqual(await hasher.verify(hash, PASSWORD), { ok: true, needsRehash: true }, name);
    assert.deepEqual(await hasher.verify(hash, `${PASSWORD}!`), { ok: false, needsRehash: false }, name);
  }
});

test('only the salted SHA-2 digests count as weak', async () => {
  const weak = Object.entries(await allVectors()).filter(([, hash]) => isWeakHash(hash)).map(([name]) => name);
  assert.deepEqual(weak.sort(), ['sha256', 'sha512']);
});

test('hashes whose cost would hold a hashing thread for seconds on every guess are no format', () => {
  const salt = 'c2FsdHNhbHRzYWx0';
  const costly = [
    `$argon2id$v=19$m=${2 * 1024 * 1024},t=2,p=1$${salt}$${'A'.repeat(43)}`, `$argon2id$v=19$m=19456,t=99,p=1$${salt}$${'A'.repeat(43)}`,
    `$2b$20$${'a'.repeat(53)}`, VECTORS['pbkdf2-sha256']!.replace(/i=\d+/, 'i=9000000'), `pbkdf2_sha256$99999999$seasalt$${'A'.repeat(44)}`,
    FIREBASE_HASH.replace('ln=14', 'ln=20').replace('r=8', 'r=64'),
  ];
  for (const hash of costly) assert.equal(hashFormat(hash), undefined, hash);
  assert.equal(hashFormat(`$argon2id$v=19$m=19456,t=2,p=1$${salt}$${'A'.repeat(43)}`), 'argon2id', 'Gatehouse\'s own cost passes');
  assert.equal(hashFormat(`$2b$12$${'a'.repeat(53)}`), 'bcrypt');
});

test('malformed and unknown hashes are no format, and log nobody in', async () => {
  const hasher = await createPasswordHasher({ maxConcurrent: 2 });
  const bad = [
    'plaintext', '$md5$abc', '$pbkdf2-md5$i=1000,l=32$MDEy$Ejv3', VECTORS['pbkdf2-sha256']!.replace('l=32', 'l=16'),
    VECTORS.scrypt!.replace('ln=16384', 'ln=1000'), VECTORS.sha256!.replace('$sha256$', '$sha1$'),
    VECTORS.sha256!.slice(0, -8), FIREBASE_HASH.replace('ln=14', 'ln=99'), 'pbkdf2_sha256$1000$seasalt$not base64!',
  ];
  for (const hash of bad) {
    assert.equal(hashFormat(hash), undefined, hash);
    assert.equal((await hasher.verify(hash, PASSWORD)).ok, false, hash);
  }
});
