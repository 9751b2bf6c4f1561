// Password hashing (docs/architecture.md, "Users and passwords"): argon2id with the OWASP
// parameters in a PHC string, legacy bcrypt hashes verify and are flagged for rehashing, unreadable
// hashes never log anyone in, and a semaphore caps concurrent hashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import argon2 from 'argon2';
import * as bcrypt from 'bcrypt';
import { createPasswordHasher, type PasswordHasher } from '../../../src/core/passwords/hasher.js';
import { Semaphore } from '../../../src/core/passwords/semaphore.js';

const PASSWORD = 'correct horse battery staple';

let hasher: PasswordHasher | undefined;
async function getHasher(): Promise<PasswordHasher> {
  hasher ??= await createPasswordHasher({ maxConcurrent: 2 });
  return hasher;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

// argon2id

test('a new hash is an argon2id v19 PHC string with m=19456, t=2, p=1, a 16-byte salt and a 32-byte hash', async () => {
  const hash = await (await getHasher()).hash(PASSWORD);
  const match = /^\$argon2id\$v=19\$([a-z=0-9,]+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/.exec(hash);
  assert.ok(match, hash);
  const params = Object.fromEntries(match[1]!.split(',').map((pair) => pair.split('=')));
  assert.deepEqual(params, { m: '19456', t: '2', p: '1' });
});

test('a new hash writes its parameters in the PHC argon2 order m, t, p (readable by libargon2)', async () => {
  const hash = await (await getHasher()).hash(PASSWORD);
  assert.ok(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'), hash);
});

test('two hashes of one password differ (random salt)', async () => {
  const h = await getHasher();
  assert.notEqual(await h.hash(PASSWORD), await h.hash(PASSWORD));
});

test('the right password verifies and a current hash needs no rehash', async () => {
  const h = await getHasher();
  assert.deepEqual(await h.verify(await h.hash(PASSWORD), PASSWORD), { ok: true, needsRehash: false });
});

test('an argon2id hash written in libargon2 order (m, t, p) verifies and needs no rehash', async () => {
  const h = await getHasher();
  const canonical = (await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 }))
    .replace(/^(\$argon2id\$v=19\$)m=19456,p=1,t=2\$/, '$1m=19456,t=2,p=1$');
  assert.ok(canonical.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'), canonical);
  assert.deepEqual(await h.verify(canonical, PASSWORD), { ok: true, needsRehash: false });
});

test('a wrong password does not verify', async () => {
  const h = await getHasher();
  const hash = await h.hash(PASSWORD);
  assert.deepEqual(await h.verify(hash, 'correct horse battery stapler'), { ok: false, needsRehash: false });
  assert.deepEqual(await h.verify(hash, ''), { ok: false, needsRehash: false });
});

test('an argon2id hash with a lower time cost verifies and needs a rehash', async () => {
  const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 1, parallelism: 1 });
  assert.deepEqual(await (await getHasher()).verify(weak, PASSWORD), { ok: true, needsRehash: true });
});

test('an argon2id hash with less memory verifies and needs a rehash', async () => {
  const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 });
  assert.deepEqual(await (await getHasher()).verify(weak, PASSWORD), { ok: true, needsRehash: true });
});

test('a weaker argon2id hash with a wrong password does not verify and is not flagged', async () => {
  const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 1, parallelism: 1 });
  assert.deepEqual(await (await getHasher()).verify(weak, 'wrong password'), { ok: false, needsRehash: false });
});

test('an argon2i or argon2d hash with today\'s parameters verifies and needs a rehash to argon2id', async () => {
  const h = await getHasher();
  const legacyHashes = [
    await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
    await argon2.hash(PASSWORD, { type: argon2.argon2d, memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
  ];
  for (const legacy of legacyHashes) {
    assert.deepEqual(await h.verify(legacy, PASSWORD), { ok: true, needsRehash: true }, legacy.slice(0, 10));
  }
});

// bcrypt

const bcryptHash = (minor: 'a' | 'b' | 'y') =>
  bcrypt.hashSync(PASSWORD, bcrypt.genSaltSync(4)).replace(/^\$2b\$/, `$2${minor}$`);

for (const minor of ['a', 'b', 'y'] as const) {
  test(`a $2${minor}$ bcrypt hash verifies and needs a rehash`, async () => {
    const hash = bcryptHash(minor);
    assert.ok(hash.startsWith(`$2${minor}$04$`));
    assert.deepEqual(await (await getHasher()).verify(hash, PASSWORD), { ok: true, needsRehash: true });
  });

  test(`a $2${minor}$ bcrypt hash refuses a wrong password and is not flagged`, async () => {
    assert.deepEqual(await (await getHasher()).verify(bcryptHash(minor), 'wrong password'), { ok: false, needsRehash: false });
  });
}

test('a $2a$ hash made with a $2a$ salt verifies', async () => {
  const hash = bcrypt.hashSync(PASSWORD, bcrypt.genSaltSync(4, 'a'));
  assert.ok(hash.startsWith('$2a$04$'));
  assert.deepEqual(await (await getHasher()).verify(hash, PASSWORD), { ok: true, needsRehash: true });
});

/**
 * Hashes other systems made: Openwall crypt_blowfish's test vectors ($2a$, and $2y$ as PHP writes
 * it), and two bcryptjs made, the second of a 440-byte password (only the first 72 bytes count).
 */
const FOREIGN_BCRYPT: Array<[hash: string, password: string]> = [
  ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', 'U*U'],
  ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK', 'U*U*'],
  ['$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', 'U*U*U'],
  ['$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui', '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored'],
  ['$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', 'U*U'],
  ['$2a$04$4sk9hclYoLqJHszYV6eg/eTxHnOadqBX8wMf3VV/LLPWJg0HM8VV6', PASSWORD],
  ['$2a$04$Ltdm8nKusYMZW2XVc0PFE.Ha9n/u4RWvpU.T8MJEDstd/ZmkyX0te', 'pässwörd-'.repeat(40)],
];

test('bcrypt hashes made by other systems verify with their password and refuse another', async () => {
  const h = await getHasher();
  for (const [hash, password] of FOREIGN_BCRYPT) {
    assert.deepEqual(await h.verify(hash, password), { ok: true, needsRehash: true }, hash);
    assert.deepEqual(await h.verify(hash, `x${password}`), { ok: false, needsRehash: false }, hash);
  }
});

// Unreadable stored hashes

test('a garbage stored hash verifies false without throwing', async () => {
  const h = await getHasher();
  for (const garbage of ['', 'not-a-hash', PASSWORD, '$argon2id$v=19$m=19456,t=2,p=1$garbage', '$argon2id$', '$1$abc$def', '$scrypt$ln=15']) {
    assert.deepEqual(await h.verify(garbage, PASSWORD), { ok: false, needsRehash: false }, JSON.stringify(garbage));
  }
});

test('a garbage stored hash with a bcrypt prefix verifies false without throwing', async () => {
  const h = await getHasher();
  const valid = bcryptHash('b');
  for (const garbage of ['$2b$', '$2a$garbage', `$2b$${'x'.repeat(56)}`, `$2y$10$${'!'.repeat(53)}`, `$2b$99$${valid.slice(7)}`]) {
    assert.deepEqual(await h.verify(garbage, PASSWORD), { ok: false, needsRehash: false }, JSON.stringify(garbage));
  }
});

test('verifyDummy resolves without a result, whatever the password', async () => {
  const h = await getHasher();
  assert.equal(await h.verifyDummy(PASSWORD), undefined);
  assert.equal(await h.verifyDummy(''), undefined);
});

// The concurrency cap

test('with maxConcurrent 2, six concurrent hashes leave four waiting, then none', async () => {
  const h = await createPasswordHasher({ maxConcurrent: 2 });
  assert.equal(h.queueDepth(), 0);
  const running = Array.from({ length: 6 }, (_, i) => h.hash(`${PASSWORD} ${i}`));
  assert.equal(h.queueDepth(), 4);
  assert.ok(h.queueDepth() > 0);
  const hashes = await Promise.all(running);
  assert.equal(h.queueDepth(), 0);
  assert.equal(new Set(hashes).size, 6);
});

test('a semaphore never runs more than its limit at once', async () => {
  const limit = 3;
  const semaphore = new Semaphore(limit);
  let active = 0;
  let peak = 0;
  const task = async () => {
    active++;
    peak = Math.max(peak, active);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    active--;
  };
  await Promise.all(Array.from({ length: 20 }, () => semaphore.run(task)));
  assert.equal(peak, limit);
  assert.equal(active, 0);
  assert.equal(semaphore.waiting, 0);
});

test('a semaphore starts waiting tasks in arrival order', async () => {
  const semaphore = new Semaphore(1);
  const gate = deferred();
  const started: number[] = [];
  const first = semaphore.run(async () => {
    started.push(0);
    await gate.promise;
  });
  const rest = [1, 2, 3, 4, 5].map((id) => semaphore.run(async () => {
    started.push(id);
  }));
  assert.deepEqual(started, [0]);
  assert.equal(semaphore.waiting, 5);
  gate.resolve();
  await Promise.all([first, ...rest]);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
});

test('a semaphore hands back the result of its task', async () => {
  assert.equal(await new Semaphore(1).run(async () => 42), 42);
});

test('a failing task releases its slot and its error reaches the caller', async () => {
  const semaphore = new Semaphore(1);
  const failing = semaphore.run(async () => {
    throw new Error('boom');
  });
  const next = semaphore.run(async () => 'ran');
  await assert.rejects(failing, /boom/);
  assert.equal(await next, 'ran');
  assert.equal(semaphore.waiting, 0);
  assert.equal(await semaphore.run(async () => 'again'), 'again');
});

test('a semaphore limit must be a positive integer', () => {
  for (const limit of [0, -1, 1.5, Number.NaN]) assert.throws(() => new Semaphore(limit), TypeError);
});
