// Which settings exist: the names the config readers ask for, recorded as they read, so the list
// is never written twice (docs/configuration.md). A set name close to one of them but not itself
// a setting is most likely misspelt ("ACCES_TOKEN_TTL"): the start says which name was meant.
import type { Env } from './env-reader.js';

/** `env`, with every name read from it added to `names`. */
export function recordingEnv(env: Env): { env: Env; names: Set<string> } {
  const names = new Set<string>();
  const recorded = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return target[name as string];
    },
  });
  return { env: recorded, names };
}

/** A setting-like name in `env` that no reader asked for, with the known name it is closest to. */
export interface MisspeltSetting {
  name: string;
  meant: string;
  /**
   * One edit from a long name (ten characters or more, ACCES_TOKEN_TTL): a typo beyond doubt. Nearer
   * misses of short names are often other software's settings (API_URL, PROJECT_NAME), so only noted.
   */
  certain: boolean;
}

/** Set names one or two edits away from a known setting (one for names of six characters or fewer). */
export function misspeltSettings(env: Env, known: ReadonlySet<string>): MisspeltSetting[] {
  const found: MisspeltSetting[] = [];
  for (const name of Object.keys(env)) {
    if (known.has(name) || !/^[A-Z][A-Z0-9_]{2,}$/.test(name) || env[name] === undefined) continue;
    const limit = name.length <= 6 ? 1 : 2;
    let best: MisspeltSetting | undefined;
    let bestDistance = limit + 1;
    for (const candidate of known) {
      const d = editDistance(name, candidate, limit);
      if (d < bestDistance) [best, bestDistance] = [{ name, meant: candidate, certain: d === 1 && name.length >= 10 }, d];
    }
    if (best) found.push(best);
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Levenshtein distance (a swap of two neighbours counts once), or limit + 1 when it is past limit. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
    }
    [before, previous] = [previous, current];
  }
  return Math.min(previous[b.length]!, limit + 1);
}
