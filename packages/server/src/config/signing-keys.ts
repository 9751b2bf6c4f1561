// Where the asymmetric access-token keys come from (JWT_ALG=EdDSA|ES256|RS256): JWT_PRIVATE_KEY_FILE
// (PEM; the first key signs once it has been published long enough, later ones only verify), or
// the key set file DATA_DIR/jwt-keys.json (mode 0600, in a folder made 0700), generated in
// development and rotated by `gatehouse keys rotate`.
import { createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { createReloadingKeyRing, type AccessKeyRing } from '../core/tokens/key-ring.js';
import {
  KEY_ACTIVATION_DELAY_MS, activationOf, generateStoredKey, parseKeySet, rotateKeySet, storedKeyFrom,
  type AsymmetricAlg, type KeySetDocument, type KeyWindows,
} from '../core/tokens/key-set.js';
import { ConfigError, type Config } from './config.js';
import { keySightingsPath, recordKeySightings } from './key-sightings.js';

type KeyConfig = Pick<Config, 'nodeEnv' | 'dataDir' | 'jwtAlg' | 'jwtPrivateKeyFile' | 'accessTokenTtlSeconds'
  | 'refreshTokenTtlSeconds' | 'clockToleranceSeconds'>;

export const keySetPath = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'jwt-keys.json');

const PEM_BLOCK = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/g;

/** The key ring for the configured algorithm; undefined under HS256. `warning` when a key set was generated. */
export async function loadAccessKeyRing(config: KeyConfig, clock: Clock): Promise<{ ring?: AccessKeyRing; warning?: string }> {
  if (config.jwtAlg === 'HS256') return {};
  const alg = config.jwtAlg;
  const windows: KeyWindows = config;
  if (config.jwtPrivateKeyFile) {
    const path = config.jwtPrivateKeyFile;
    const load = () => readFile(path, 'utf8');
    const sightings = keySightingsPath(config);
    const parse = (text: string) => keySetFromPem(text, alg, (kids) => recordKeySightings(sightings, kids, clock.now()));
    return { ring: await wrapConfigError('JWT_PRIVATE_KEY_FILE', () => createReloadingKeyRing({ load, parse, windows, clock })) };
  }
  const path = keySetPath(config);
  let warning: string | undefined;
  if (!existsSync(path)) {
    if (config.nodeEnv === 'production') {
      throw new ConfigError('JWT_PRIVATE_KEY_FILE', `is required when NODE_ENV=production and JWT_ALG=${alg} (or create ${path} with \`gatehouse keys rotate\`)`);
    }
    writeKeySet(path, { version: 1, keys: [await generateStoredKey(alg, clock.now())] }, { exclusive: true });
    warning = `JWT_PRIVATE_KEY_FILE is not set: generated a development ${alg} key set in ${path}.`;
  }
  const parse = async (text: string) => checkSigner(parseKeySet(text), alg, path);
  const ring = await wrapConfigError('JWT_ALG', () => createReloadingKeyRing({ load: () => readFile(path, 'utf8'), parse, windows, clock }));
  return { ring, warning };
}

/** `gatehouse keys rotate`: adds a signer to the key set file, active after KEY_ACTIVATION_DELAY_MS, which retires the current one then. */
export async function rotateKeySetFile(config: KeyConfig, nowMs: number): Promise<{ kid: string; activatesAt: number; retiredKid?: string; path: string }> {
  if (config.jwtAlg === 'HS256') throw new ConfigError('JWT_ALG', 'is HS256: there is no key set to rotate (set JWT_ALG=EdDSA, ES256 or RS256)');
  if (config.jwtPrivateKeyFile) {
    throw new ConfigError('JWT_PRIVATE_KEY_FILE', 'is set: rotate by putting the new PEM key first in that file and keeping the old one after it');
  }
  const path = keySetPath(config);
  const current: KeySetDocument = existsSync(path) ? parseKeySet(await readFile(path, 'utf8')) : { version: 1, keys: [] };
  const next = await rotateKeySet(current, config.jwtAlg, nowMs, config);
  writeKeySet(path, next);
  const added = next.keys.at(-1)!;
  return { kid: added.kid, activatesAt: activationOf(added), retiredKid: current.keys.find((key) => key.retiredAt === null)?.kid, path };
}

/**
 * PEM file → key set, newest key first in the file. The last (oldest) key signs from when it was
 * first seen; each newer one KEY_ACTIVATION_DELAY_MS after it was first seen (published first),
 * which retires the key after it. `firstSeen` records and returns the sightings (key-sightings.ts).
 */
async function keySetFromPem(
  text: string, alg: AsymmetricAlg, firstSeen: (kids: string[]) => Record<string, number>,
): Promise<KeySetDocument> {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new TypeError('holds no PEM private key');
  const keys = await Promise.all(blocks.map((pem) => storedKeyFrom(createPrivateKey(pem), alg, 0)));
  const seen = firstSeen(keys.map((key) => key.kid));
  const oldest = keys.length - 1;
  const activation = keys.map((key, index) => seen[key.kid]! + (index === oldest ? 0 : KEY_ACTIVATION_DELAY_MS));
  const stored = keys.map((key, index) => ({
    ...key, createdAt: seen[key.kid]!, activatesAt: activation[index]!, retiredAt: index === 0 ? null : activation[index - 1]!,
  }));
  return { version: 1, keys: stored.reverse() };
}

function checkSigner(doc: KeySetDocument, alg: AsymmetricAlg, path: string): KeySetDocument {
  const signer = doc.keys.filter((key) => key.retiredAt === null).at(-1);
  if (signer && signer.alg !== alg) {
    throw new TypeError(`the key set in ${path} signs with ${signer.alg}; run \`gatehouse keys rotate\` to add a ${alg} key`);
  }
  return doc;
}

/**
 * Writes through a temporary file, so a running server never reads half a file. `exclusive`
 * (first start) links instead of renaming: of two instances starting at once, the second keeps
 * the first one's key set instead of replacing it.
 */
function writeKeySet(path: string, doc: KeySetDocument, { exclusive = false } = {}): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  if (!exclusive) return renameSync(temporary, path);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

async function wrapConfigError<T>(variable: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(variable, (error as Error).message);
  }
}
