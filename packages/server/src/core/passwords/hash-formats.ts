// The password hash formats Gatehouse accepts, as Ory Kratos encodes them (docs/migrating.md,
// "Password hashes"): which format a stored hash is in, whether it is well formed, and whether it is weak.
import { decodeImportedHash } from './imported-hashes.js';

export type HashFormat =
  | 'argon2id' | 'argon2i' | 'bcrypt' | 'pbkdf2' | 'django-pbkdf2' | 'scrypt' | 'firescrypt' | 'sha256' | 'sha512';

/** Salted single SHA-2 digests: they verify, but are rehashed at once and counted (gatehouse_password_weak_hash_verifications_total). */
export const WEAK_FORMATS: ReadonlySet<HashFormat> = new Set(['sha256', 'sha512']);

// parameters in either order: node-argon2 wrote m,p,t before hasher.ts put them in the PHC order
const ARGON2 = /^\$argon2(id|i)\$v=\d+\$m=\d{1,7},(?:t=\d{1,4},p=\d{1,3}|p=\d{1,3},t=\d{1,4})\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/;
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** Costs past these hold a hashing thread for seconds on every guess (imported-hashes.ts): such a hash is refused. */
const MAX_ARGON2_MEMORY_KIB = 1024 * 1024;
const MAX_ARGON2_PASSES = 16;
const MAX_BCRYPT_COST = 16;

function argon2CostOk(hash: string): boolean {
  const m = Number(/[$,]m=(\d+)/.exec(hash)?.[1]);
  const t = Number(/[$,]t=(\d+)/.exec(hash)?.[1]);
  return m <= MAX_ARGON2_MEMORY_KIB && t <= MAX_ARGON2_PASSES;
}

/** The format of a stored hash, or undefined when Gatehouse cannot read it (or its cost is past the caps). */
export function hashFormat(hash: string): HashFormat | undefined {
  const argon2 = ARGON2.exec(hash);
  if (argon2) return argon2CostOk(hash) ? (argon2[1] === 'id' ? 'argon2id' : 'argon2i') : undefined;
  if (BCRYPT.test(hash)) return Number(hash.slice(4, 6)) <= MAX_BCRYPT_COST ? 'bcrypt' : undefined;
  return decodeImportedHash(hash)?.format;
}

export function isWeakHash(hash: string): boolean {
  const format = hashFormat(hash);
  return format !== undefined && WEAK_FORMATS.has(format);
}
