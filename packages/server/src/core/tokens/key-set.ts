// The asymmetric access-token key set (docs/architecture.md, "Tokens and keys") as stored: its keys,
// when each starts signing and when it stops, and rotation. A new key is published before it signs,
// for longer than verifiers may cache the JWKS; a retired key stays published until the last token
// it signed has expired. Framework-free; time comes in. The in-memory ring is key-ring.ts.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DEFAULT_JWKS_COOLDOWN_MS } from '@gatehouse-auth/verify/jwks-timing'; // not the entry point: it loads jose

export const ASYMMETRIC_ALGS = ['EdDSA', 'ES256', 'RS256'] as const;
export type AsymmetricAlg = (typeof ASYMMETRIC_ALGS)[number];

/** How long verifiers may cache the JWKS (its Cache-Control max-age). */
export const JWKS_MAX_AGE_SECONDS = 300;
/** How often a running server re-reads its key source (a rotation reaches it this late at most). */
export const KEY_RELOAD_INTERVAL_MS = 10_000;
/**
 * How long a rotated-in key is published before it signs: every instance has re-read the key set,
 * a JWKS fetched just before is past its max-age, and a verifier that saw the new kid inside its
 * refetch cooldown (@gatehouse-auth/verify: 30 s) may fetch again.
 */
export const KEY_ACTIVATION_DELAY_MS = KEY_RELOAD_INTERVAL_MS + JWKS_MAX_AGE_SECONDS * 1000 + DEFAULT_JWKS_COOLDOWN_MS;

/** One key as the key set file keeps it. Times are milliseconds since the epoch. */
export interface StoredKey {
  kid: string;
  alg: AsymmetricAlg;
  createdAt: number;
  /** When it starts signing; absent in files written before activation existed: `createdAt`. */
  activatesAt?: number;
  /** When it stops signing (its successor's activation, possibly still ahead); null while none is due. */
  retiredAt: number | null;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export interface KeySetDocument {
  version: 1;
  keys: StoredKey[];
}

export interface KeyWindows {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  clockToleranceSeconds: number;
}

/** A fresh key pair for `alg`, its kid the RFC 7638 thumbprint of its public JWK. */
export async function generateStoredKey(alg: AsymmetricAlg, nowMs: number, activatesAt = nowMs): Promise<StoredKey> {
  const { privateKey } = alg === 'EdDSA' ? generateKeyPairSync('ed25519')
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(await storedKeyFrom(privateKey, alg, nowMs)), activatesAt };
}

export async function storedKeyFrom(privateKey: KeyObject, alg: AsymmetricAlg, createdAt: number, retiredAt: number | null = null): Promise<StoredKey> {
  checkKeyType(privateKey, alg);
  const { calculateJwkThumbprint, exportJWK } = await import('jose'); // only with an asymmetric JWT_ALG
  const kid = await calculateJwkThumbprint(await exportJWK(createPublicKey(privateKey)), 'sha256');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { kid, alg, createdAt, retiredAt, privateKey: pem };
}

/** The key type must fit the algorithm: Ed25519 for EdDSA, P-256 for ES256, RSA ≥ 2048 bits for RS256. */
export function checkKeyType(key: KeyObject, alg: AsymmetricAlg): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  const fits = alg === 'EdDSA' ? type === 'ed25519'
    : alg === 'ES256' ? type === 'ec' && details?.namedCurve === 'prime256v1'
      : type === 'rsa' && (details?.modulusLength ?? 0) >= 2048;
  if (!fits) throw new TypeError(`a ${type ?? 'symmetric'} key cannot sign ${alg} (needs ${KEY_TYPE_NAMES[alg]})`);
}

const KEY_TYPE_NAMES: Record<AsymmetricAlg, string> = { EdDSA: 'Ed25519', ES256: 'EC P-256', RS256: 'RSA of 2048 bits or more' };

/** How long after its retirement a key still verifies normally (and stays in the JWKS): its last token's lifetime. */
export const verifyWindowMs = (w: KeyWindows) => (w.accessTokenTtlSeconds + w.clockToleranceSeconds) * 1000;
/** How long after its retirement the refresh path still accepts its (expired) access tokens. */
export const reissueWindowMs = (w: KeyWindows) => verifyWindowMs(w) + w.refreshTokenTtlSeconds * 1000;

export const activationOf = (key: StoredKey): number => key.activatesAt ?? key.createdAt;

/**
 * Adds a key for `alg` that signs KEY_ACTIVATION_DELAY_MS from now (at once in an empty set), retires
 * the current signer at that moment, and drops keys past the reissue window.
 */
export async function rotateKeySet(doc: KeySetDocument, alg: AsymmetricAlg, nowMs: number, windows: KeyWindows): Promise<KeySetDocument> {
  const activatesAt = doc.keys.some((key) => key.retiredAt === null) ? nowMs + KEY_ACTIVATION_DELAY_MS : nowMs;
  const kept = doc.keys
    .map((key) => (key.retiredAt === null ? { ...key, retiredAt: activatesAt } : key))
    .filter((key) => nowMs - key.retiredAt! < reissueWindowMs(windows));
  return { version: 1, keys: [...kept, await generateStoredKey(alg, nowMs, activatesAt)] };
}

/**
 * The index of the key that signs at `nowMs`: of the keys not retired by then, the one activated
 * last; when none is active yet (the signer was removed by hand), the first to come, at once.
 */
export function signerIndex(keys: readonly StoredKey[], nowMs: number): number {
  let signer = -1;
  keys.forEach((key, index) => {
    if (key.retiredAt !== null && key.retiredAt <= nowMs) return;
    const best = keys[signer];
    const active = activationOf(key) <= nowMs;
    const bestActive = best !== undefined && activationOf(best) <= nowMs;
    if (best === undefined
      || (active && (!bestActive || activationOf(key) >= activationOf(best)))
      || (!active && !bestActive && activationOf(key) < activationOf(best))) signer = index;
  });
  return signer;
}

/** Parses and checks a key set file's text. */
export function parseKeySet(text: string): KeySetDocument {
  const doc = JSON.parse(text) as KeySetDocument;
  if (doc?.version !== 1 || !Array.isArray(doc.keys)) throw new TypeError('not a Gatehouse key set (version 1)');
  for (const key of doc.keys) {
    if (typeof key.kid !== 'string' || !ASYMMETRIC_ALGS.includes(key.alg) || typeof key.privateKey !== 'string') {
      throw new TypeError('a key set entry lacks kid, alg or privateKey');
    }
    const times = [key.createdAt, key.activatesAt ?? 0, key.retiredAt ?? 0];
    if (!times.every((time) => typeof time === 'number' && Number.isFinite(time))) {
      throw new TypeError(`key ${key.kid}: createdAt, activatesAt and retiredAt must be milliseconds since the epoch`);
    }
  }
  return doc;
}
