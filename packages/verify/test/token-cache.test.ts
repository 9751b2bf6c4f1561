// The verified-token cache: found by signature, but only the very same token is a hit; entries
// leave at their exp and, past the bound, oldest first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache } from '../src/token-cache.js';

const token = (payload: string, signature = 'c2lnbmF0dXJl') => `eyJhbGciOiJIUzI1NiJ9.${payload}.${signature}`;

test('only the very same token is a hit: another token with the same signature segment is not', () => {
  const cache = new VerifiedTokenCache<{ exp: number; sub: string }>();
  cache.set(token('cGF5bG9hZA'), { exp: 100, sub: 'alice' });
  assert.deepEqual(cache.get(token('cGF5bG9hZA'), 0), { exp: 100, sub: 'alice' });
  assert.equal(cache.get(token('b3RoZXI'), 0), undefined, 'same signature, other payload');
  assert.equal(cache.get(`x${token('cGF5bG9hZA')}`, 0), undefined, 'same signature, other header');
  assert.equal(cache.get(token('cGF5bG9hZA', 'b3RoZXI'), 0), undefined, 'other signature');
});

test('an entry leaves at its exp, and past the bound the oldest leaves first', () => {
  const cache = new VerifiedTokenCache<{ exp: number }>(2);
  cache.set(token('YQ', 'MQ'), { exp: 10 });
  assert.deepEqual(cache.get(token('YQ', 'MQ'), 9_999), { exp: 10 });
  assert.equal(cache.get(token('YQ', 'MQ'), 10_000), undefined, 'at exp');
  assert.equal(cache.get(token('YQ', 'MQ'), 0), undefined, 'gone, not just hidden');
  cache.set(token('Yg', 'Mg'), { exp: 10 });
  cache.set(token('Yw', 'Mw'), { exp: 10 });
  cache.set(token('ZA', 'NA'), { exp: 10 });
  assert.equal(cache.get(token('Yg', 'Mg'), 0), undefined, 'the oldest made room');
  assert.deepEqual([cache.get(token('Yw', 'Mw'), 0), cache.get(token('ZA', 'NA'), 0)], [{ exp: 10 }, { exp: 10 }]);
});
