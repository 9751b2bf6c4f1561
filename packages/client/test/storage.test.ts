// Token storage adapters and the claims decoder: pure functions, no server needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customStorage, decodeClaims, localStorageAdapter, memoryStorage, type KeyValueStore } from '../src/index.js';

const tokens = { accessToken: 'a.b.c', refreshToken: 'd.e.f', serverOffsetMs: 250 };

function asyncMap(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: async (key) => data.get(key) ?? null,
    setItem: async (key, value) => void data.set(key, value),
    removeItem: async (key) => void data.delete(key),
  };
}

test('memory storage keeps the pair until cleared and is not shared between tabs', async () => {
  const storage = memoryStorage();
  assert.equal(storage.syncKey, undefined);
  assert.equal(await storage.load(), null);
  await storage.save(tokens);
  assert.deepEqual(await storage.load(), tokens);
  await storage.clear();
  assert.equal(await storage.load(), null);
});

test('custom storage keeps the pair as JSON under its key in any async key/value store', async () => {
  const store = asyncMap();
  const storage = customStorage(store, { key: 'my.tokens' });
  await storage.save(tokens);
  assert.deepEqual(JSON.parse(store.data.get('my.tokens')!), tokens);
  assert.deepEqual(await storage.load(), tokens);
  await storage.clear();
  assert.equal(store.data.size, 0);
});

test('a stored value that is not a token pair reads as logged out', async () => {
  const store = asyncMap();
  const storage = customStorage(store);
  for (const junk of ['not json', '{"accessToken":1}', 'null']) {
    store.data.set('gatehouse.tokens', junk);
    assert.equal(await storage.load(), null, junk);
  }
});

test('the localStorage adapter is shared between tabs under its key, and needs localStorage', () => {
  assert.equal(localStorageAdapter('k', asyncMap()).syncKey, 'k');
  assert.throws(() => localStorageAdapter('k', undefined as unknown as KeyValueStore), TypeError);
});

test('decodes the claims of a JWT without verifying it, UTF-8 included, and null for anything else', () => {
  const payload = Buffer.from(JSON.stringify({ sub: 'u1', name: 'Zoë 😀', exp: 10 })).toString('base64url');
  assert.deepEqual(decodeClaims(`e30.${payload}.sig`), { sub: 'u1', name: 'Zoë 😀', exp: 10 });
  assert.equal(decodeClaims('garbage'), null);
  assert.equal(decodeClaims('a.%%%.c'), null);
});
