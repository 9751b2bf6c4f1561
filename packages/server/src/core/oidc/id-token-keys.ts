// The ID-token key ring (docs/architecture.md, "OpenID Connect tokens and consent"): kept in the SQL database, each private key sealed
// under a key derived from the master secret (deriveKey 'oidc-signing-keys'), so every instance and
// every restart sign with the same keys and publish the same JWKS, with no key file to hand out.
// The first start makes a key of OIDC_ID_TOKEN_ALG; a start under another algorithm adds one that
// is published before it signs. Rotation (`gatehouse keys rotate --id-token`) follows the access
// keys' timing (core/tokens/key-set.ts): the new key is published KEY_ACTIVATION_DELAY_MS before it
// signs, a retired one stays published until the last ID token it signed has expired.
import { seal, unseal } from '../email/seal.js';
import type { Clock } from '../clock.js';
import { createReloadingKeyRing, type AccessKeyRing } from '../tokens/key-ring.js';
import {
  ASYMMETRIC_ALGS, rotateKeySet, signerIndex, type AsymmetricAlg, type KeySetDocument, type KeyWindows, type StoredKey,
} from '../tokens/key-set.js';
import type { OidcKeyStore, SealedSigningKey } from '../../storage/types/oidc-keys.js';
import { ID_TOKEN_TTL_SECONDS } from './id-token.js';

export type IdTokenAlg = AsymmetricAlg;

export interface IdTokenKeyDeps {
  store: OidcKeyStore;
  /** deriveKey(secret, 'oidc-signing-keys'). */
  sealKey: Buffer;
  clock: Clock;
  clockToleranceSeconds: number;
}

const context = (kid: string) => `oidc-signing-key:${kid}`;

/** A key stays verifiable (and published) for an ID token's lifetime after it stops signing; no reissue path. */
const windowsOf = (clockToleranceSeconds: number): KeyWindows => ({
  accessTokenTtlSeconds: ID_TOKEN_TTL_SECONDS, refreshTokenTtlSeconds: 0, clockToleranceSeconds,
});

/** The ring for `alg`, making its first key when the store has none that signs with `alg`. */
export async function loadIdTokenKeyRing(deps: IdTokenKeyDeps, alg: IdTokenAlg): Promise<AccessKeyRing> {
  const { store, sealKey, clock } = deps;
  const windows = windowsOf(deps.clockToleranceSeconds);
  const stored = await readKeySet(store, sealKey);
  const signer = stored.keys[signerIndex(stored.keys, clock.now())];
  if (!signer || signer.alg !== alg) await applyRotation(store, sealKey, stored, await rotateKeySet(stored, alg, clock.now(), windows));
  // the source's text is the sealed rows: unchanged rows are not opened again
  const load = async () => JSON.stringify(await store.list());
  const parse = async (text: string) => openKeySet(JSON.parse(text) as SealedSigningKey[], sealKey);
  return createReloadingKeyRing({ load, parse, windows, clock });
}

/** `gatehouse keys rotate --id-token`: a new signer, published first; returns its kid and when it signs. */
export async function rotateIdTokenKeys(deps: IdTokenKeyDeps, alg: IdTokenAlg): Promise<{ kid: string; activatesAt: number }> {
  const current = await readKeySet(deps.store, deps.sealKey);
  const next = await rotateKeySet(current, alg, deps.clock.now(), windowsOf(deps.clockToleranceSeconds));
  await applyRotation(deps.store, deps.sealKey, current, next);
  const added = next.keys.at(-1)!;
  return { kid: added.kid, activatesAt: added.activatesAt ?? added.createdAt };
}

async function readKeySet(store: OidcKeyStore, sealKey: Buffer): Promise<KeySetDocument> {
  return openKeySet(await store.list(), sealKey);
}

function openKeySet(rows: readonly SealedSigningKey[], sealKey: Buffer): KeySetDocument {
  const keys: StoredKey[] = rows.map((row) => {
    if (!(ASYMMETRIC_ALGS as readonly string[]).includes(row.alg)) throw new TypeError(`ID-token key ${row.kid} has an unknown algorithm`);
    return {
      kid: row.kid, alg: row.alg as AsymmetricAlg, createdAt: row.createdAt, activatesAt: row.activatesAt, retiredAt: row.retiredAt,
      privateKey: unseal(sealKey, context(row.kid), row.sealedPrivateKey),
    };
  });
  return { version: 1, keys };
}

/** Writes the difference between two key sets: retirements, keys dropped, the key added. */
async function applyRotation(store: OidcKeyStore, sealKey: Buffer, before: KeySetDocument, after: KeySetDocument): Promise<void> {
  const kept = new Map(after.keys.map((key) => [key.kid, key]));
  for (const key of before.keys) {
    const next = kept.get(key.kid);
    if (!next) await store.delete(key.kid);
    else if (next.retiredAt !== key.retiredAt && next.retiredAt !== null) await store.retire(key.kid, next.retiredAt);
  }
  const known = new Set(before.keys.map((key) => key.kid));
  for (const key of after.keys.filter((k) => !known.has(k.kid))) {
    await store.add({
      kid: key.kid, alg: key.alg, sealedPrivateKey: seal(sealKey, context(key.kid), key.privateKey), createdAt: key.createdAt,
      activatesAt: key.activatesAt ?? key.createdAt, retiredAt: key.retiredAt,
    });
  }
}

/**
 * The ring, loaded (and its first key made) on first use rather than at start: an RSA key takes a
 * while to generate, and a deployment that never signs an ID token needs none. A failed load
 * (the database down) is tried again by the next caller.
 */
export function lazyIdTokenKeyRing(deps: IdTokenKeyDeps, alg: IdTokenAlg): AccessKeyRing {
  let loading: Promise<AccessKeyRing> | undefined;
  const ring = () => {
    loading ??= loadIdTokenKeyRing(deps, alg).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  let loaded: AccessKeyRing | undefined;
  return {
    signingKey: async (nowMs) => (loaded ??= await ring()).signingKey(nowMs),
    verificationKey: async (...args) => (loaded ??= await ring()).verificationKey(...args),
    publicJwks: async (nowMs) => (loaded ??= await ring()).publicJwks(nowMs),
    generation: (nowMs) => loaded?.generation(nowMs) ?? 0,
    has: (kid) => loaded?.has(kid) ?? false,
  };
}
