// When the keys of JWT_PRIVATE_KEY_FILE were first seen, kept in DATA_DIR/jwt-keys-seen.json (mode
// 0600): a new key's activation and its predecessor's retirement count from it, so neither a
// restart nor a copy of the PEM file (which moves its mtime) can move them. Shared by the instances
// that share DATA_DIR.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_ACTIVATION_DELAY_MS } from '../core/tokens/key-set.js';
import type { Config } from './config.js';

interface SightingsDocument {
  version: 1;
  /** kid → milliseconds since the epoch. */
  firstSeen: Record<string, number>;
}

export const keySightingsPath = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'jwt-keys-seen.json');

/**
 * When each of `kids` was first seen, recording the new ones as seen now. On the first record of
 * all (no file yet: a first start, or an upgrade from a version that used the file's mtime) the
 * file is taken as it stands: its keys count as published long enough, so its first key signs at
 * once. Kids no longer in the PEM file are forgotten: a key put back later is new again.
 */
export function recordKeySightings(path: string, kids: readonly string[], nowMs: number): Record<string, number> {
  const existing = existsSync(path) ? readSightings(path) : undefined;
  const seenBefore = existing?.firstSeen ?? {};
  const newcomerTime = existing ? nowMs : nowMs - KEY_ACTIVATION_DELAY_MS;
  const firstSeen = Object.fromEntries(kids.map((kid) => [kid, seenBefore[kid] ?? newcomerTime]));
  if (!existing || JSON.stringify(firstSeen) !== JSON.stringify(seenBefore)) {
    writeSightings(path, { version: 1, firstSeen });
  }
  return firstSeen;
}

function readSightings(path: string): SightingsDocument {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as SightingsDocument;
  const valid = doc?.version === 1 && typeof doc.firstSeen === 'object' && doc.firstSeen !== null
    && Object.values(doc.firstSeen).every((time) => typeof time === 'number' && Number.isFinite(time));
  if (!valid) throw new TypeError(`${path} is not a Gatehouse key sightings file (version 1)`);
  return doc;
}

function writeSightings(path: string, doc: SightingsDocument): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    throw new TypeError(`cannot record when its keys were first seen in ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): `
      + 'DATA_DIR must be a writable folder that outlives restarts');
  }
}
