// Imported password hashes (docs/migrating.md, "Password hashes"): every format Gatehouse reads
// verifies its password and no other, is flagged for rehashing to argon2id, and malformed ones are
// refused. The vectors come from Python's hashlib (an implementation apart from node:crypto's use
// here) and, for Firebase, from the README of github.com/firebase/scrypt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bcrypt from 'bcrypt';
import argon2 from 'argon2';
import { createPasswordHasher } from '../../../src/core/passwords/hasher.js';
import { hashFormat, isWeakHash } from '../../../src/core/passwords/hash-formats.js';

const PASSWORD = 'hunter2 is a fine password';

/** Firebase's published sample: project parameters, one exported user, and the password. */
export const FIREBASE_SAMPLE = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==', rounds: 8, memCost: 14,
  salt: '42xEC+ixf3L2lw==',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
  password: 'user1password',
};
const F = FIREBASE_SAMPLE;
export const FIREBASE_HASH = `$firescrypt$ln=${F.memCost},r=${F.rounds},p=1$${F.salt}$${F.hash}$${F.saltSeparator}$${F.signerKey}`;

/** One hash per format, each of PASSWORD (Python's hashlib, bcrypt and argon2 made them). */
export const VECTORS: Record<string, string> = {
  'pbkdf2-sha1': '$pbkdf2-sha1$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$Ejv3WNbYj15GhObD2KvfJXE3oSh3VYJSyYWiBsDkvvE',
  'pbkdf2-sha256': '$pbkdf2-sha256$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$DPzdis7ocyUDShmeIZZrGaKpk0OkukkrG1SmI3/9lec',
  'pbkdf2-sha512': '$pbkdf2-sha512$i=1000,l=32$MDEyMzQ1Njc4OWFiY2RlZg$Qcw8JiQv+5CAoHgX40sj/f8s/DBEMR3Tyio9C/7EG/w',
  django: 'pbkdf2_sha256$1000$seasalt$Lrx5K/hA0YL/w8M5ydTbPbH1RPrLPxGWKB7HoQza5ro=',
  scrypt: '$scrypt$ln=16384,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$AozBoTKpWkZhJ8/UQ43qUEXyQpc6iQuymqMFyG7J+Zg=',
  sha256: '$sha256$MDEyMzQ1Njc4OWFiY2RlZg==$YwUTIPyXwZUjxDnp/0o52WfTVuiTVi8kQyaK4LW2VE0=',
  sha512: '$sha512$pf=e1BBU1NXT1JEfXtTQUxUfQ==$MDEyMzQ1Njc4OWFiY2RlZg==$0s96/9zW8/44EPjqqzdrMnbei2VaUQ0Bmnn8X+vntUzJAgUmZXFlpk/dE24owbXaf3BhmBkM5lqfZkMxlxzqpA==',
};

/** The same, plus bcrypt and argon2i, computed now by their native bindings. */
export async function allVectors(): Promise<Record<string, string>> {
  return {
    ...VECTORS,
    bcrypt: (await bcrypt.hash(PASSWORD, 4)).replace(/^\$2b\$/, '$2y$'),
    argon2i: await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 }),
  };
}

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
