// How guessable a master secret is: an entropy estimate in the manner of zxcvbn (the cheapest way
// to spell the secret out of random characters, dictionary words, repeats and runs) and the share
// of it made of dictionary words. Judges the secret itself, not a list of known spellings.
import { createRequire } from 'node:module';

/**
 * Below this estimate a secret is refused. 32 random bytes (`gatehouse secret`, `openssl rand
 * -hex 32`, or base64) estimate over 200 bits; 16 random bytes in hex ≈ 100 to 128 (the lowest
 * of 300 000 was 99), so they pass too; a 12-character string repeated three times does not.
 */
export const MIN_SECRET_BITS = 96;
/** Refused when dictionary words make up more than this share of the secret's characters. */
export const MAX_WORD_SHARE = 0.5;
const LONGEST_WORD = 20;
const LONGEST_REPEAT = 64; // a longer repeat is spelt as several
const ANALYSED_CHARS = 512; // a longer secret is judged on its start: the work stays bounded
/**
 * Words a secret's author reaches for that the two shipped lists leave out (they hold words of
 * three letters and more, and passwords): short function words and the vocabulary of keys.
 */
const VOCABULARY = ['a', 'an', 'is', 'it', 'in', 'of', 'on', 'to', 'me', 'my', 'be', 'do', 'no', 'so', 'we', 'key', 'jwt',
  'dev', 'app', 'api', 'auth', 'token', 'sign', 'signing', 'hmac', 'prod', 'env', 'demo'];

/** Held weakly: built for the start's check, then left to the garbage collector (≈ 5 MB). */
let cachedRanks: WeakRef<Map<string, number>> | undefined;

/**
 * Word → how many guesses it takes (its rank in the common-password list, which is ordered by
 * frequency; 7776 for a diceware word). The list modules are dropped from require's cache again
 * unless something else had loaded them, so a server that only reads tokens does not keep them.
 */
function wordRanks(): Map<string, number> {
  const cached = cachedRanks?.deref();
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const load = (name: string): string[] => {
    const path = require.resolve(`@zxcvbn-ts/language-common/dist/${name}.json.cjs`);
    const wasLoaded = path in require.cache;
    const list = require(path) as string[];
    if (!wasLoaded) delete require.cache[path];
    return list;
  };
  const ranks = new Map(VOCABULARY.map((word) => [word, 100]));
  load('passwords').forEach((word, index) => {
    const lowered = String(word).toLowerCase();
    if (!ranks.has(lowered)) ranks.set(lowered, index + 1);
  });
  for (const word of load('diceware')) if (!ranks.has(word)) ranks.set(word, 7776);
  cachedRanks = new WeakRef(ranks);
  return ranks;
}

/** Bits per random character, from the classes the secret uses (hex counts as 16). */
function characterBits(secret: string): number {
  if (/^[0-9a-f]+$/.test(secret) || /^[0-9A-F]+$/.test(secret)) return 4;
  const classes: Array<[RegExp, number]> = [[/[a-z]/, 26], [/[A-Z]/, 26], [/[0-9]/, 10], [/[^a-zA-Z0-9]/, 33]];
  return Math.log2(classes.reduce((size, [pattern, count]) => size + (pattern.test(secret) ? count : 0), 0));
}

/**
 * Estimated bits of entropy: the cheapest spelling of the secret, position by position, where a
 * character costs characterBits, a dictionary word log2 of its rank (+1 bit for capitals), a
 * repeat of an earlier part log2(length × position) and a run of constant step (aaaa, 1234,
 * abcdef, 9753) the cost of its first character plus log2(step × length).
 */
export function estimateSecretBits(text: string): number {
  const secret = text.slice(0, ANALYSED_CHARS);
  const n = secret.length;
  const lowered = secret.toLowerCase();
  const words = wordRanks();
  const perCharacter = characterBits(secret);
  const best = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  best[0] = 0;
  const relax = (end: number, bits: number) => {
    if (bits < best[end]!) best[end] = bits;
  };
  for (let i = 0; i < n; i++) {
    const here = best[i]!;
    relax(i + 1, here + perCharacter);
    for (let end = i + 1; end <= Math.min(n, i + LONGEST_WORD); end++) {
      const rank = words.get(lowered.slice(i, end));
      if (rank !== undefined) relax(end, here + Math.log2(rank) + (secret.slice(i, end) === lowered.slice(i, end) ? 0 : 1));
    }
    // an earlier occurrence (overlapping allowed) of secret[i, end)
    for (let end = i + 3; end <= Math.min(n, i + LONGEST_REPEAT) && secret.indexOf(secret.slice(i, end)) < i; end++) relax(end, here + Math.log2(n * (end - i)));
    const step = secret.charCodeAt(i + 1) - secret.charCodeAt(i);
    if (Math.abs(step) > 2) continue;
    for (let end = i + 2; end < n && secret.charCodeAt(end) - secret.charCodeAt(end - 1) === step; end++) {
      if (end + 1 - i >= 3) relax(end + 1, here + perCharacter + Math.log2(5 * (end + 1 - i)));
    }
  }
  return best[n]!;
}

/** The share of the secret's characters that the longest non-overlapping dictionary words of letters cover. */
export function dictionaryWordShare(text: string): number {
  const lowered = text.slice(0, ANALYSED_CHARS).toLowerCase();
  const words = wordRanks();
  const covered = new Array<number>(lowered.length + 1).fill(0);
  for (let i = 0; i < lowered.length; i++) {
    covered[i + 1] = Math.max(covered[i + 1]!, covered[i]!);
    for (let end = i + 2; end <= Math.min(lowered.length, i + LONGEST_WORD); end++) {
      const word = lowered.slice(i, end);
      if (/^[a-z]+$/.test(word) && words.has(word)) covered[end] = Math.max(covered[end]!, covered[i]! + word.length);
    }
  }
  return lowered.length === 0 ? 0 : covered[lowered.length]! / lowered.length;
}
