// The asymmetric key set (docs/architecture.md, "Tokens and keys"): kids are thumbprints, rotation
// retires the signer, retired keys verify for one access-token lifetime (the refresh path longer),
// the JWKS holds public members only, and a reloading ring picks up a rotation by its injected
// clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint } from 'jose';
import { ManualClock } from '../../../src/core/clock.js';
import {
  ASYMMETRIC_ALGS, createReloadingKeyRing, generateStoredKey, importKeySet, parseKeySet, rotateKeySet, storedKeyFrom,
  type KeySetDocument,
} from '../../../src/core/tokens/key-set.js';
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
    assert.equal((await ring.signingKey()).kid, kid);
  });
}

test('rotation makes the new key the signer and keeps the old one verifying and published for the access lifetime plus leeway', async () => {
  const first = await freshSet();
  const oldKid = first.keys[0]!.kid;
  const rotated = await rotateKeySet(first, 'EdDSA', T0 + 1000, WINDOWS);
  const ring = await importKeySet(rotated, WINDOWS);
  const newKid = (await ring.signingKey()).kid;
  assert.notEqual(newKid, oldKid);
  const justInside = T0 + 1000 + (900 + 5) * 1000 - 1;
  assert.ok(await ring.verificationKey(oldKid, 'EdDSA', justInside, false));
  assert.deepEqual((await ring.publicJwks(justInside)).map((k) => k.kid), [oldKid, newKid]);
  const after = justInside + 1;
  assert.equal(await ring.verificationKey(oldKid, 'EdDSA', after, false), undefined);
  assert.deepEqual((await ring.publicJwks(after)).map((k) => k.kid), [newKid]);
});

test('a retired key still verifies on the refresh path (reissue) until the refresh lifetime has passed too', async () => {
  const first = await freshSet();
  const oldKid = first.keys[0]!.kid;
  const ring = await importKeySet(await rotateKeySet(first, 'EdDSA', T0, WINDOWS), WINDOWS);
  const reissueEnd = T0 + (900 + 5 + 7 * 86_400) * 1000;
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
  const later = T0 + (900 + 5 + 7 * 86_400) * 1000;
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
  const firstKid = (await ring.signingKey()).kid;
  text = JSON.stringify(await rotateKeySet(parseKeySet(text), 'EdDSA', clock.now(), WINDOWS));
  clock.advance(9_999);
  assert.equal((await ring.signingKey()).kid, firstKid);
  assert.equal(loads, 1);
  clock.advance(1);
  assert.notEqual((await ring.signingKey()).kid, firstKid);
  assert.equal(loads, 2);
});

test('the reloading ring keeps the last good set when the source becomes unreadable or broken', async () => {
  const clock = new ManualClock(T0);
  let text = JSON.stringify(await freshSet());
  const ring = await createReloadingKeyRing({ load: async () => text, parse: async (t) => parseKeySet(t), windows: WINDOWS, clock });
  const kid = (await ring.signingKey()).kid;
  text = '{ half a file';
  clock.advance(60_000);
  assert.equal((await ring.signingKey()).kid, kid);
});
