// Password hashing: argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1), run on libuv's
// thread pool so the event loop never blocks, behind a cap on concurrent hashes. Imported hashes
// (bcrypt, argon2i, PBKDF2, scrypt, Firebase scrypt, SHA-2: hash-formats.ts) verify on the same pool
// under the same cap and are flagged for rehashing (docs/architecture.md, "Users and passwords";
// docs/migrating.md, "Password hashes").
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { HashQueue, type HashQueueLimits } from './hash-queue.js';
import { verifyImportedHash } from './imported-hashes.js';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const BCRYPT_PREFIX = /^\$2[aby]\$/;
const ARGON2_PREFIX = /^\$argon2(id|i|d)\$/;

/**
 * The native bcrypt binding, loaded at the first imported hash (most servers never see one). Its
 * compare runs on libuv's thread pool like argon2, so HASH_CONCURRENCY and HASH_PRIORITY hold for
 * it too; bcryptjs, pure JavaScript, held the event loop for 100 ms at a time (security finding 5).
 */
let nativeBcrypt: Promise<typeof import('bcrypt')> | undefined;
const loadBcrypt = () => (nativeBcrypt ??= import('bcrypt'));

/**
 * $2y$ (crypt_blowfish, PHP) and $2b$ (OpenBSD) name one and the same correct algorithm, and the
 * binding reads only $2a$ and $2b$. For $2a$ it answers as bcryptjs did, past 72 bytes too
 * (test/core/passwords/hasher.test.ts checks both against published vectors).
 */
async function bcryptMatches(hash: string, password: string): Promise<boolean> {
  return (await loadBcrypt()).compare(password, hash.replace(/^\$2y\$/, '$2b$'));
}

export interface PasswordHasher {
  /**
   * Each call takes its turn in the hash queue; `source`, the client's IP address, caps its
   * address's share of it. A full queue throws `overloaded` at once (hash-queue.ts).
   */
  hash(password: string, source?: string): Promise<string>;
  /** `ok` says whether it matched; `needsRehash` that the stored hash is weaker than today's. */
  verify(hash: string, password: string, source?: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Spend the same time as a real verify, for unknown users (no enumeration by timing). */
  verifyDummy(password: string, source?: string): Promise<void>;
  /** Hashes waiting for a slot, for metrics. */
  queueDepth(): number;
}

/**
 * node-argon2 writes the parameters as m,p,t; the PHC format and libargon2 (which other
 * languages' bindings use) expect m,t,p. Writing the standard order keeps hashes portable.
 */
function toStandardOrder(hash: string): string {
  return hash.replace(/^(\$argon2id\$v=\d+\$)m=(\d+),p=(\d+),t=(\d+)\$/, '$1m=$2,t=$4,p=$3$');
}

export interface HasherOptions {
  /** Hashes at once (HASH_CONCURRENCY). */
  maxConcurrent: number;
  /** The queue's bounds (HASH_QUEUE_MAX, HASH_QUEUE_PER_ADDRESS); none for the CLI, which hashes one password. */
  queue?: Omit<HashQueueLimits, 'concurrency'>;
}

export async function createPasswordHasher(options: HasherOptions): Promise<PasswordHasher> {
  const queue = new HashQueue({
    concurrency: options.maxConcurrent,
    maxWaiting: options.queue?.maxWaiting ?? Number.POSITIVE_INFINITY,
    perAddress: options.queue?.perAddress ?? Number.POSITIVE_INFINITY,
  });
  const dummyHash = await argon2.hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);

  const verify = async (hash: string, password: string, source?: string): Promise<{ ok: boolean; needsRehash: boolean }> => {
    // an account without a password (no-password.ts): the time of a real check, and never a match
    if (hash.startsWith('!')) {
      await verify(dummyHash, password, source);
      return { ok: false, needsRehash: false };
    }
    const isArgon2 = ARGON2_PREFIX.test(hash);
    const ok = await queue.run(async () => {
      try {
        if (isArgon2) return await argon2.verify(hash, password);
        return BCRYPT_PREFIX.test(hash) ? await bcryptMatches(hash, password) : await verifyImportedHash(hash, password);
      } catch {
        return false; // an unreadable stored hash never logs anyone in
      }
    }, source);
    // argon2.needsRehash compares parameters only, so an argon2i/argon2d hash is caught here
    return { ok, needsRehash: ok && (!isArgon2 || !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, ARGON2_OPTIONS)) };
  };

  return {
    hash: async (password, source) => toStandardOrder(await queue.run(() => argon2.hash(password, ARGON2_OPTIONS), source)),
    verify,
    verifyDummy: async (password, source) => {
      await verify(dummyHash, password, source);
    },
    queueDepth: () => queue.waiting,
  };
}
