// The verified-token cache: found by signature, but only the very same token is a hit; entries
// leave at their exp, past the bound oldest first, and once their kid leaves the key source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache, type KeyPresence } from '../src/token-cache.js';

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

const withKid = (kid: string | undefined, signature: string) =>
  `${Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', ...(kid ? { kid } : {}) })).toString('base64url')}.cGF5bG9hZA.${signature}`;

/** A key source's presence as the cache sees it, counting what a hit asks. */
function presenceOf(kids: string[]) {
  const state = { generation: 0, kids: new Set(kids), generationReads: 0, hasCalls: 0 };
  const presence: KeyPresence = {
    generation: () => { state.generationReads += 1; return state.generation; },
    has: (kid) => { state.hasCalls += 1; return state.kids.has(kid); },
  };
  return { state, presence };
}

test('with a key presence, an entry is dropped once the set changed without its kid; the others stay', () => {
  const { state, presence } = presenceOf(['k1', 'k2']);
  const cache = new VerifiedTokenCache<{ exp: number }>(10, presence);
  cache.set(withKid('k1', 'MQ'), { exp: 10 });
  cache.set(withKid('k2', 'Mg'), { exp: 10 });
  assert.deepEqual(cache.get(withKid('k1', 'MQ'), 0), { exp: 10 });
  state.kids.delete('k1');
  state.generation += 1;
  assert.equal(cache.get(withKid('k1', 'MQ'), 0), undefined, 'its kid left');
  state.kids.add('k1');
  assert.equal(cache.get(withKid('k1', 'MQ'), 0), undefined, 'gone, not just hidden');
  assert.deepEqual(cache.get(withKid('k2', 'Mg'), 0), { exp: 10 }, 'its kid is still there');
});

test('a hit costs one generation read; has() is asked only on the first hit and after the generation moved', () => {
  const { state, presence } = presenceOf(['k1']);
  const cache = new VerifiedTokenCache<{ exp: number }>(10, presence);
  cache.set(withKid('k1', 'MQ'), { exp: 10 });
  for (let i = 0; i < 5; i++) cache.get(withKid('k1', 'MQ'), 0);
  assert.deepEqual({ reads: state.generationReads, has: state.hasCalls }, { reads: 5, has: 1 });
  state.generation += 1;
  for (let i = 0; i < 5; i++) cache.get(withKid('k1', 'MQ'), 0);
  assert.deepEqual({ reads: state.generationReads, has: state.hasCalls }, { reads: 10, has: 2 });
});

test('a token whose kid left while it was being verified is not served: the first hit checks the set as it then is', () => {
  const { state, presence } = presenceOf([]); // k1 removed between the signature check and set()
  const cache = new VerifiedTokenCache<{ exp: number }>(10, presence);
  cache.set(withKid('k1', 'MQ'), { exp: 10 });
  assert.equal(cache.get(withKid('k1', 'MQ'), 0), undefined);
  assert.equal(state.hasCalls, 1);
});

test('with a key presence, a token without a kid is never served from the cache', () => {
  const { presence } = presenceOf(['k1']);
  const cache = new VerifiedTokenCache<{ exp: number }>(10, presence);
  cache.set(withKid(undefined, 'MQ'), { exp: 10 });
  assert.equal(cache.get(withKid(undefined, 'MQ'), 0), undefined);
});
