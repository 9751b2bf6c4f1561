// The HS256 key sources: accessKeySource takes the access key as `gatehouse secret --access-key`
// prints it (base64url, or hex) and nothing else; sharedSecretKeySource, which hands a service the
// master secret, still works but warns once per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { accessKeySource, sharedSecretKeySource } from '../src/key-sources.js';

const SECRET = '9f2c1e7a4b8d3f6e0a5c2b9d8e7f6a1b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';
const ACCESS_KEY = createHmac('sha256', SECRET).update('access').digest();

test('accessKeySource takes the 32-byte access key as base64url or hex, and resolves to exactly that key', async () => {
  for (const text of [ACCESS_KEY.toString('base64url'), ACCESS_KEY.toString('hex'), ACCESS_KEY.toString('hex').toUpperCase()]) {
    const source = accessKeySource(text);
    assert.deepEqual(source.algorithms, ['HS256']);
    const key = await source.resolve({ alg: 'HS256' }, { payload: '', signature: '' });
    assert.ok(ACCESS_KEY.equals((key as import('node:crypto').KeyObject).export()), text);
    assert.equal(source.presence, undefined, 'a fixed key never leaves: no cache check on a hit');
  }
});

test('accessKeySource refuses anything that is not a 32-byte key with a TypeError naming the command', () => {
  for (const bad of ['', 'short', ACCESS_KEY.toString('base64'), `${ACCESS_KEY.toString('base64url')}A`, ACCESS_KEY.toString('hex').slice(2), 42]) {
    assert.throws(() => accessKeySource(bad as string), { name: 'TypeError', message: /gatehouse secret --access-key/ }, String(bad));
  }
});

test('sharedSecretKeySource still works, and warns once per process that the service holds the master secret', async () => {
  const warnings: Error[] = [];
  const listen = (warning: Error) => warnings.push(warning);
  process.on('warning', listen);
  try {
    const first = sharedSecretKeySource(SECRET);
    sharedSecretKeySource(SECRET);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    const key = await first.resolve({ alg: 'HS256' }, { payload: '', signature: '' });
    assert.ok(ACCESS_KEY.equals((key as import('node:crypto').KeyObject).export()));
    assert.equal(warnings.length, 1);
    assert.equal((warnings[0] as Error & { code?: string }).code, 'GATEHOUSE_MASTER_SECRET');
    assert.match(warnings[0]!.message, /accessKeySource/);
    assert.ok(!warnings[0]!.message.includes(SECRET));
  } finally {
    process.off('warning', listen);
  }
});
