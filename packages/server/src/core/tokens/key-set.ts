// The asymmetric access-token key set (docs/architecture.md, "Tokens and keys"): which private key
// signs, which public keys still verify (selected by `kid`), and which are published in the JWKS.
// Rotation adds a key and retires the previous signer, which keeps verifying for one access-token
// lifetime. Framework-free; time comes in.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';

export const ASYMMETRIC_ALGS = ['EdDSA', 'ES256', 'RS256'] as const;
export type AsymmetricAlg = (typeof ASYMMETRIC_ALGS)[number];

/** One key as the key set file keeps it. Times are milliseconds since the epoch. */
export interface StoredKey {
  kid: string;
  alg: AsymmetricAlg;
  createdAt: number;
  /** When a newer key took over signing; null for the signer. */
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

export interface SigningKey {
  kid: string;
  alg: AsymmetricAlg;
  privateKey: KeyObject;
}

/** What the token code needs: a signer, verification by kid, and the published public keys. */
export interface AccessKeyRing {
  signingKey(): Promise<SigningKey>;
  /**
   * The public key of `kid` for `alg`, if it may still verify at `nowMs`. `reissue` widens the
   * window to the refresh path, which accepts access tokens expired up to the refresh lifetime.
   */
  verificationKey(kid: string, alg: string, nowMs: number, reissue: boolean): Promise<KeyObject | undefined>;
  publicJwks(nowMs: number): Promise<JWK[]>;
}

interface LoadedKey {
  stored: StoredKey;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

/** A fresh key pair for `alg`, its kid the RFC 7638 thumbprint of its public JWK. */
export async function generateStoredKey(alg: AsymmetricAlg, nowMs: number): Promise<StoredKey> {
  const { privateKey } = alg === 'EdDSA' ? generateKeyPairSync('ed25519')
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return storedKeyFrom(privateKey, alg, nowMs);
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

/** How long after its retirement a key still verifies normally (and stays in the JWKS). */
export const verifyWindowMs = (w: KeyWindows) => (w.accessTokenTtlSeconds + w.clockToleranceSeconds) * 1000;
/** How long after its retirement the refresh path still accepts its (expired) access tokens. */
export const reissueWindowMs = (w: KeyWindows) => verifyWindowMs(w) + w.refreshTokenTtlSeconds * 1000;

/** Adds a new signer for `alg`, retires the current one, and drops keys past the reissue window. */
export async function rotateKeySet(doc: KeySetDocument, alg: AsymmetricAlg, nowMs: number, windows: KeyWindows): Promise<KeySetDocument> {
  const kept = doc.keys
    .map((key) => (key.retiredAt === null ? { ...key, retiredAt: nowMs } : key))
    .filter((key) => nowMs - key.retiredAt! < reissueWindowMs(windows));
  return { version: 1, keys: [...kept, await generateStoredKey(alg, nowMs)] };
}

/** Parses and checks a key set file's text. */
export function parseKeySet(text: string): KeySetDocument {
  const doc = JSON.parse(text) as KeySetDocument;
  if (doc?.version !== 1 || !Array.isArray(doc.keys)) throw new TypeError('not a Gatehouse key set (version 1)');
  for (const key of doc.keys) {
    if (typeof key.kid !== 'string' || !ASYMMETRIC_ALGS.includes(key.alg) || typeof key.privateKey !== 'string') {
      throw new TypeError('a key set entry lacks kid, alg or privateKey');
    }
  }
  return doc;
}

/** A fixed key set in memory: the newest unretired key signs. */
export async function importKeySet(doc: KeySetDocument, windows: KeyWindows): Promise<AccessKeyRing> {
  const loaded: LoadedKey[] = await Promise.all(doc.keys.map(async (stored) => {
    const privateKey = createPrivateKey(stored.privateKey);
    checkKeyType(privateKey, stored.alg);
    const publicKey = createPublicKey(privateKey);
    const { exportJWK } = await import('jose'); // only with an asymmetric JWT_ALG
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: stored.kid, alg: stored.alg, use: 'sig' };
    return { stored, privateKey, publicKey, jwk };
  }));
  const signers = loaded.filter((key) => key.stored.retiredAt === null);
  const signer = signers.at(-1);
  if (!signer) throw new TypeError('the key set has no signing key (every key is retired)');
  const usable = (key: LoadedKey, nowMs: number, windowMs: number) =>
    key.stored.retiredAt === null || nowMs - key.stored.retiredAt < windowMs;
  return {
    signingKey: async () => ({ kid: signer.stored.kid, alg: signer.stored.alg, privateKey: signer.privateKey }),
    verificationKey: async (kid, alg, nowMs, reissue) => {
      const key = loaded.find((k) => k.stored.kid === kid && k.stored.alg === alg);
      const windowMs = reissue ? reissueWindowMs(windows) : verifyWindowMs(windows);
      return key && usable(key, nowMs, windowMs) ? key.publicKey : undefined;
    },
    publicJwks: async (nowMs) => loaded.filter((key) => usable(key, nowMs, verifyWindowMs(windows))).map((key) => ({ ...key.jwk })),
  };
}

/**
 * A key ring that re-reads its source at most every `reloadIntervalMs` (by the injected clock), so
 * a `gatehouse keys rotate` reaches running servers without a restart. `load` returns the source's
 * current text; it is parsed again only when the text changed.
 */
export async function createReloadingKeyRing(options: {
  load: () => Promise<string>;
  parse: (text: string) => Promise<KeySetDocument>;
  windows: KeyWindows;
  clock: Clock;
  reloadIntervalMs?: number;
}): Promise<AccessKeyRing> {
  const { load, parse, windows, clock, reloadIntervalMs = 10_000 } = options;
  let text = await load();
  let ring = await importKeySet(await parse(text), windows);
  let checkedAt = clock.now();
  const current = async (): Promise<AccessKeyRing> => {
    if (clock.now() - checkedAt < reloadIntervalMs) return ring;
    checkedAt = clock.now();
    const next = await load().catch(() => text); // a missing or unreadable file keeps the last good set
    if (next === text) return ring;
    try {
      ring = await importKeySet(await parse(next), windows);
      text = next;
    } catch {
      // a half-edited or broken file keeps the last good set; the next check tries again
    }
    return ring;
  };
  return {
    signingKey: async () => (await current()).signingKey(),
    verificationKey: async (...args) => (await current()).verificationKey(...args),
    publicJwks: async (nowMs) => (await current()).publicJwks(nowMs),
  };
}
