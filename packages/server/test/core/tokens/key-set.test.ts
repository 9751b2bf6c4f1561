// The asymmetric key set (docs/architecture.md, "Tokens and keys"): kids are thumbprints; rotation
// publishes the new key first and lets it sign only after KEY_ACTIVATION_DELAY_MS, when the old
// signer retires; retired keys verify (and stay published) until their last token expires (the
// refresh path longer); the JWKS holds public members only; a reloading ring picks up a rotation by
// its injected clock and moves its generation, so cached tokens of a removed kid are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint } from 'jose';
import { ManualClock } from '../../../src/core/clock.js';
import {
  ASYMMETRIC_ALGS, KEY_ACTIVATION_DELAY_MS, generateStoredKey, parseKeySet, rotateKeySet, storedKeyFrom,
  type KeySetDocument,
} from '../../../src/core/tokens/key-set.js';
import { createReloadingKeyRing, importKeySet } from '../../../src/core/tokens/key-ring.js';
import { generateKeyPairSync, createPrivateKey } from 'node:crypto';

const WINDOWS = { accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 7 * 86_400, clockToleranceSeconds: 5 };
const T0 = Date.UTC(2026, 0, 1, 12);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

async function freshSet(alg: (typeof ASYMMETRIC_ALGS)[number] = 'EdDSA'): Promise<KeySetDocument> {
  return { version: 1, keys: [await generateStoredKey(alg, T0)] };
}

for (const alg of ASYMMETRIC_ALGS) {
  test(`a generated ${alg} key publishes only public members, with kid = its RFC 7638 thumbprint, alg and use "sig"`, async () => {
    const ring = await importKeySet(await freshSet(alg), WINDOWS);
    const [jwk, ...rest] = await ring.publicJwks(T0);
    assert.equal(rest.length, 0);
    for (const member of PRIVATE_MEMBERS) assert.equal((jwk as Record<string, unknown>)[member], undefined, member);
    assert.equal(jwk!.alg, alg);
    assert.equal(jwk!.use, 'sig');
    const { kid, alg: _alg, use: _use, ...publicJwk } = jwk!;
    assert.equal(kid, await calculateJwkThumbprint(publicJwk, 'sha256'));
    assert.equal((await ring.signingKey(T0)).kid, kid);
  });
}

test('the activation delay covers a key set reload, the JWKS max-age and the verifier\'s refetch cooldown: 340 s', () => {
  assert.equal(KEY_ACTIVATION_DELAY_MS, (10 + 300 + 30) * 1000);
});

test('a rotated-in key is published at once but signs only after the activation delay; the old key signs until then', async () => {
  const first = await freshSet();
  const oldKid = first.keys[0]!.kid;
  const rotated = await rotateKeySet(first, 'EdDSA', T0, WINDOWS);
  const newKid = rotated.keys[1]!.kid;
  const ring = await importKeySet(rotated, WINDOWS);
  assert.deepEqual((await ring.publicJwks(T0)).map((k) => k.kid), [oldKid, newKid], 'published first');
  assert.ok(await ring.verificationKey(newKid, 'EdDSA', T0, false), 'verifies at once: another instance may switch first');
  assert.equal((await ring.signingKey(T0)).kid, oldKid);
  assert.equal((await ring.signingKey(T0 + KEY_ACTIVATION_DELAY_MS - 1)).kid, oldKid);
  assert.equal((await ring.signingKey(T0 + KEY_ACTIVATION_DELAY_MS)).kid, newKid);
});

test('a retired key stays verifying and published until the last token it signed has expired, then leaves', async () => {
  const first = await freshSet();
  const oldKid = first.keys[0]!.kid;
  const ring = await importKeySet(await rotateKeySet(first, 'EdDSA', T0, WINDOWS), WINDOWS);
  const lastSigned = T0 + KEY_ACTIVATION_DELAY_MS - 1;
  const lastExpiry = lastSigned + 900 * 1000;
  assert.ok(await ring.verificationKey(oldKid, 'EdDSA', lastExpiry + 5_000, false), 'its last token, within the leeway');
  assert.ok((await ring.publicJwks(lastExpiry + 5_000)).some((k) => k.kid === oldKid));
  const gone = T0 + KEY_ACTIVATION_DELAY_MS + (900 + 5) * 1000;
  assert.equal(await ring.verificationKey(oldKid, 'EdDSA', gone, false), undefined);
  assert.deepEqual((await ring.publicJwks(gone)).map((k) => k.kid), [(await ring.signingKey(gone)).kid]);
});

test('two rotations in a row: each key signs in turn, the last one for good', async () => {
  const first = await freshSet();
  const second = await rotateKeySet(first, 'EdDSA', T0, WINDOWS);
  const third = await rotateKeySet(second, 'EdDSA', T0 + 5_000, WINDOWS);
  const ring = await importKeySet(third, WINDOWS);
  const [k1, k2, k3] = third.keys.map((key) => key.kid);
  assert.equal((await ring.signingKey(T0 + KEY_ACTIVATION_DELAY_MS - 1)).kid, k1);
  assert.equal((await ring.signingKey(T0 + KEY_ACTIVATION_DELAY_MS)).kid, k2);
  assert.equal((await ring.signingKey(T0 + 5_000 + KEY_ACTIVATION_DELAY_MS)).kid, k3);
});

test('the first key of an empty set signs at once, and a set whose signer was removed by hand signs with the pending key', async () => {
  const created = await rotateKeySet({ version: 1, keys: [] }, 'EdDSA', T0, WINDOWS);
  assert.equal((await (await importKeySet(created, WINDOWS)).signingKey(T0)).kid, created.keys[0]!.kid);
  const rotated = await rotateKeySet(created, 'EdDSA', T0, WINDOWS);
  const withoutOld = { version: 1 as const, keys: rotated.keys.slice(1) };
  assert.equal((await (await importKeySet(withoutOld, WINDOWS)).signingKey(T0)).kid, rotated.keys[1]!.kid);
});

test('a key set file written before activation times (no activatesAt) reads as before: each key active since created', async () => {
  const { activatesAt: _omit, ...old } = (await freshSet()).keys[0]!;
  const doc = parseKeySet(JSON.stringify({ version: 1, keys: [old] }));
  assert.equal((await (await importKeySet(doc, WINDOWS)).signingKey(T0)).kid, old.kid);
});

test('a retired key still verifies on the refresh path (reissue) until the refresh lifetime has passed too', async () => {
  const first = await freshSet();
  const oldKid = first.keys[0]!.kid;
  const ring = await importKeySet(await rotateKeySet(first, 'EdDSA', T0, WINDOWS), WINDOWS);
  const reissueEnd = T0 + KEY_ACTIVATION_DELAY_MS + (900 + 5 + 7 * 86_400) * 1000;
  assert.ok(await ring.verificationKey(oldKid, 'EdDSA', reissueEnd - 1, true));
  assert.equal(await ring.verificationKey(oldKid, 'EdDSA', reissueEnd, true), undefined);
});

test('a kid is only accepted with its own algorithm, and unknown kids find nothing', async () => {
  const doc = await freshSet('ES256');
  const ring = await importKeySet(doc, WINDOWS);
  assert.ok(await ring.verificationKey(doc.keys[0]!.kid, 'ES256', T0, false));
  assert.equal(await ring.verificationKey(doc.keys[0]!.kid, 'RS256', T0, false), undefined);
  assert.equal(await ring.verificationKey('no-such-kid', 'ES256', T0, false), undefined);
});

test('rotation drops keys retired longer ago than the reissue window', async () => {
  const first = await freshSet();
  const second = await rotateKeySet(first, 'EdDSA', T0, WINDOWS);
  const later = T0 + KEY_ACTIVATION_DELAY_MS + (900 + 5 + 7 * 86_400) * 1000;
  const third = await rotateKeySet(second, 'EdDSA', later, WINDOWS);
  assert.equal(third.keys.length, 2);
  assert.ok(!third.keys.some((key) => key.kid === first.keys[0]!.kid));
});

test('a key of the wrong type for the algorithm is refused', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  await assert.rejects(storedKeyFrom(privateKey, 'ES256', T0), /cannot sign ES256/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  await assert.rejects(storedKeyFrom(rsa, 'RS256', T0), /cannot sign RS256/);
  const ed = createPrivateKey((await generateStoredKey('EdDSA', T0)).privateKey);
  await assert.rejects(storedKeyFrom(ed, 'ES256', T0), /cannot sign ES256/);
});

test('parseKeySet refuses text that is not a version 1 key set', () => {
  assert.throws(() => parseKeySet('{"keys": []}'), /version 1/);
  assert.throws(() => parseKeySet('{"version": 1, "keys": [{"kid": "a", "alg": "HS256", "privateKey": "x"}]}'), /lacks/);
  assert.throws(() => parseKeySet('{"version": 1, "keys": [{"kid": "a", "alg": "EdDSA", "privateKey": "x", "createdAt": 1, "activatesAt": "soon", "retiredAt": null}]}'), /milliseconds/);
});

test('a set whose every key is retired has no signer and is refused', async () => {
  const doc = await freshSet();
  doc.keys[0]!.retiredAt = T0;
  await assert.rejects(importKeySet(doc, WINDOWS), /no signing key/);
});

test('the reloading ring re-reads its source only after the reload interval, by the injected clock', async () => {
  const clock = new ManualClock(T0);
  let text = JSON.stringify(await freshSet());
  let loads = 0;
  const ring = await createReloadingKeyRing({
    load: async () => { loads += 1; return text; }, parse: async (t) => parseKeySet(t), windows: WINDOWS, clock, reloadIntervalMs: 10_000,
  });
  const rotated = await rotateKeySet(parseKeySet(text), 'EdDSA', clock.now(), WINDOWS);
  text = JSON.stringify(rotated);
  clock.advance(9_999);
  assert.equal((await ring.publicJwks(clock.now())).length, 1);
  assert.equal(loads, 1);
  clock.advance(1);
  assert.deepEqual((await ring.publicJwks(clock.now())).map((k) => k.kid), rotated.keys.map((k) => k.kid));
  assert.equal(loads, 2);
});

test('a reload that changes the set moves the generation, and has() answers for the set as reloaded', async () => {
  const clock = new ManualClock(T0);
  const first = await freshSet();
  let text = JSON.stringify(first);
  const ring = await createReloadingKeyRing({ load: async () => text, parse: async (t) => parseKeySet(t), windows: WINDOWS, clock });
  const oldKid = first.keys[0]!.kid;
  assert.equal(ring.has(oldKid), true);
  const before = ring.generation(clock.now());
  const replacement = await freshSet();
  text = JSON.stringify(replacement); // the old key removed by hand
  clock.advance(10_000);
  await ring.publicJwks(clock.now());
  assert.notEqual(ring.generation(clock.now()), before);
  assert.equal(ring.has(oldKid), false);
  assert.equal(ring.has(replacement.keys[0]!.kid), true);
});

test('asking for the generation when a reload is due starts it at once, in the background, without waiting for a signing or a verification', async () => {
  const clock = new ManualClock(T0);
  let text = JSON.stringify(await freshSet());
  let loads = 0;
  const ring = await createReloadingKeyRing({
    load: async () => { loads += 1; return text; }, parse: async (t) => parseKeySet(t), windows: WINDOWS, clock,
  });
  const before = ring.generation(clock.now());
  text = JSON.stringify(await freshSet());
  clock.advance(9_999);
  ring.generation(clock.now());
  assert.equal(loads, 1, 'not due yet');
  clock.advance(1);
  assert.equal(ring.generation(clock.now()), before, 'the answer does not wait');
  assert.equal(loads, 2, 'the reload started');
  ring.generation(clock.now());
  assert.equal(loads, 2, 'one reload at a time');
  await ring.publicJwks(clock.now()); // waits for the reload under way, starts none
  assert.equal(loads, 2);
  assert.notEqual(ring.generation(clock.now()), before);
});

test('the reloading ring keeps the last good set when the source becomes unreadable or broken', async () => {
  const clock = new ManualClock(T0);
  let text = JSON.stringify(await freshSet());
  const ring = await createReloadingKeyRing({ load: async () => text, parse: async (t) => parseKeySet(t), windows: WINDOWS, clock });
  const kid = (await ring.signingKey(T0)).kid;
  const generation = ring.generation(T0);
  text = '{ half a file';
  clock.advance(60_000);
  assert.equal((await ring.signingKey(clock.now())).kid, kid);
  assert.equal(ring.generation(clock.now()), generation);
});
