// Password hashing: argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1), run on libuv's
// thread pool so the event loop never blocks, behind a cap on concurrent hashes. Legacy bcrypt
// hashes ($2a$/$2b$/$2y$) still verify and are flagged for rehashing (docs/architecture.md, "Users
// and passwords").
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { Semaphore } from './semaphore.js';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const BCRYPT_PREFIX = /^\$2[aby]\$/;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `ok` says whether it matched; `needsRehash` that the stored hash is weaker than today's. */
  verify(hash: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Spend the same time as a real verify, for unknown users (no enumeration by timing). */
  verifyDummy(password: string): Promise<void>;
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

export async function createPasswordHasher(options: { maxConcurrent: number }): Promise<PasswordHasher> {
  const slots = new Semaphore(options.maxConcurrent);
  const dummyHash = await argon2.hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);

  const verify = async (hash: string, password: string) => {
    try {
      if (BCRYPT_PREFIX.test(hash)) {
        const ok = await slots.run(() => bcrypt.compare(password, hash));
        return { ok, needsRehash: ok };
      }
      const ok = await slots.run(() => argon2.verify(hash, password));
      // argon2.needsRehash compares parameters only, so an argon2i/argon2d hash is caught here
      return { ok, needsRehash: ok && (!hash.startsWith('$argon2id$') || argon2.needsRehash(hash, ARGON2_OPTIONS)) };
    } catch {
      return { ok: false, needsRehash: false }; // an unreadable stored hash never logs anyone in
    }
  };

  return {
    hash: async (password) => toStandardOrder(await slots.run(() => argon2.hash(password, ARGON2_OPTIONS))),
    verify,
    verifyDummy: async (password) => {
      await verify(dummyHash, password);
    },
    queueDepth: () => slots.waiting,
  };
}
