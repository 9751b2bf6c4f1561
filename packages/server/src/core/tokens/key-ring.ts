// The access-token key ring in memory: which private key signs at a given time, which public keys
// still verify (selected by `kid`), which are published in the JWKS, and a generation that moves
// when the set is reloaded, so cached tokens of a removed key stop passing (KeyPresence).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyPresence } from '@gatehouse-auth/verify';
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import {
  KEY_RELOAD_INTERVAL_MS, checkKeyType, reissueWindowMs, signerIndex, verifyWindowMs,
  type AsymmetricAlg, type KeySetDocument, type KeyWindows, type StoredKey,
} from './key-set.js';

export interface SigningKey {
  kid: string;
  alg: AsymmetricAlg;
  privateKey: KeyObject;
}

/** What the token code needs: a signer, verification by kid, the published public keys, and presence. */
export interface AccessKeyRing extends KeyPresence {
  /** The key that signs a token issued at `nowMs` (a rotated-in key only once it is active). */
  signingKey(nowMs: number): Promise<SigningKey>;
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

/** A fixed key set in memory; its generation never moves. */
export async function importKeySet(doc: KeySetDocument, windows: KeyWindows): Promise<AccessKeyRing> {
  const { exportJWK } = await import('jose'); // only with an asymmetric JWT_ALG
  const loaded: LoadedKey[] = await Promise.all(doc.keys.map(async (stored) => {
    const privateKey = createPrivateKey(stored.privateKey);
    checkKeyType(privateKey, stored.alg);
    const publicKey = createPublicKey(privateKey);
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: stored.kid, alg: stored.alg, use: 'sig' };
    return { stored, privateKey, publicKey, jwk };
  }));
  if (!loaded.some((key) => key.stored.retiredAt === null)) throw new TypeError('the key set has no signing key (every key is retired)');
  const stored = loaded.map((key) => key.stored);
  const kids = new Set(stored.map((key) => key.kid));
  // Not yet active keys verify already: they are published, and another instance may switch first.
  const usable = (key: LoadedKey, nowMs: number, windowMs: number) =>
    key.stored.retiredAt === null || nowMs - key.stored.retiredAt < windowMs;
  return {
    signingKey: async (nowMs) => {
      const signer = loaded[signerIndex(stored, nowMs)]!;
      return { kid: signer.stored.kid, alg: signer.stored.alg, privateKey: signer.privateKey };
    },
    verificationKey: async (kid, alg, nowMs, reissue) => {
      const key = loaded.find((k) => k.stored.kid === kid && k.stored.alg === alg);
      const windowMs = reissue ? reissueWindowMs(windows) : verifyWindowMs(windows);
      return key && usable(key, nowMs, windowMs) ? key.publicKey : undefined;
    },
    publicJwks: async (nowMs) => loaded.filter((key) => usable(key, nowMs, verifyWindowMs(windows))).map((key) => ({ ...key.jwk })),
    generation: () => 0,
    has: (kid) => kids.has(kid),
  };
}

export interface ReloadingKeyRingOptions {
  /** The source's current text; parsed again only when it changed. */
  load: () => Promise<string>;
  parse: (text: string) => Promise<KeySetDocument>;
  windows: KeyWindows;
  clock: Clock;
  reloadIntervalMs?: number;
}

/**
 * A key ring that re-reads its source at most every `reloadIntervalMs` (by the injected clock), so
 * a `gatehouse keys rotate` reaches running servers without a restart. `load` returns the source's
 * current text; it is parsed again only when the text changed, and then the generation moves.
 * A cache hit asking for the generation starts a due reload in the background, so a removed key
 * is noticed even when no token is signed or newly verified.
 */
export async function createReloadingKeyRing(options: ReloadingKeyRingOptions): Promise<AccessKeyRing> {
  const { load, parse, windows, clock, reloadIntervalMs = KEY_RELOAD_INTERVAL_MS } = options;
  let text = await load();
  let ring = await importKeySet(await parse(text), windows);
  let generation = 0;
  let checkedAt = clock.now();
  let pending: Promise<AccessKeyRing> | undefined;
  const reload = async (): Promise<AccessKeyRing> => {
    const next = await load().catch(() => text); // a missing or unreadable file keeps the last good set
    if (next === text) return ring;
    try {
      ring = await importKeySet(await parse(next), windows);
      text = next;
      generation += 1;
    } catch {
      // a half-edited or broken file keeps the last good set; the next check tries again
    }
    return ring;
  };
  const due = (nowMs: number) => pending === undefined && nowMs - checkedAt >= reloadIntervalMs;
  /** The ring as of now: callers during a reload wait for it. */
  const current = async (): Promise<AccessKeyRing> => {
    if (due(clock.now())) {
      checkedAt = clock.now();
      pending = reload().finally(() => { pending = undefined; });
    }
    return pending ?? ring;
  };
  return {
    signingKey: async (nowMs) => (await current()).signingKey(nowMs),
    verificationKey: async (...args) => (await current()).verificationKey(...args),
    publicJwks: async (nowMs) => (await current()).publicJwks(nowMs),
    generation: (nowMs) => {
      if (due(nowMs)) void current();
      return generation;
    },
    has: (kid) => ring.has(kid),
  };
}
