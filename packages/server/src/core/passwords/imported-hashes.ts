// Reading and checking the imported hash formats node:crypto computes (docs/migrating.md, "Password
// hashes"): PBKDF2 and scrypt in Ory Kratos's encodings, Firebase's modified scrypt, Django's
// PBKDF2 and Kratos's salted SHA-2 digests. pbkdf2 and scrypt run on libuv's thread pool.
import { createCipheriv, createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { HashFormat } from './hash-formats.js';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: Buffer, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/** Upper bounds on a stored hash's cost, so no imported row can make one login take minutes. */
/**
 * Costs past these would let one imported row hold a hashing thread for seconds on every wrong
 * guess (and fill the hash queue): refused at import. Real exports sit far below (Django 1,000,000
 * PBKDF2 rounds, Firebase scrypt 16 MiB).
 */
const MAX_PBKDF2_ITERATIONS = 2_000_000;
const MAX_PBKDF2_KEY_BYTES = 64;
const MAX_SCRYPT_MEMORY_BYTES = 256 * 1024 * 1024;

export type DecodedHash =
  | { format: 'pbkdf2' | 'django-pbkdf2'; digest: 'sha1' | 'sha256' | 'sha512'; iterations: number; salt: Buffer; key: Buffer }
  | { format: 'scrypt'; n: number; r: number; p: number; salt: Buffer; key: Buffer }
  | { format: 'firescrypt'; n: number; r: number; p: number; salt: Buffer; key: Buffer; separator: Buffer; signerKey: Buffer }
  | { format: 'sha256' | 'sha512'; pattern: string; salt: Buffer; key: Buffer };

/** Standard base64, padded or not, strictly (a typo must not decode to other bytes). */
function base64(text: string | undefined): Buffer | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '') && bytes.length > 0 ? bytes : undefined;
}

function params(text: string | undefined, names: readonly string[]): number[] | undefined {
  const match = new RegExp(`^${names.map((n) => `${n}=(\\d{1,9})`).join(',')}$`).exec(text ?? '');
  return match ? match.slice(1).map(Number) : undefined;
}

function scryptCostOk(n: number, r: number, p: number): boolean {
  return n > 1 && (n & (n - 1)) === 0 && r >= 1 && p >= 1 && p <= 16 && 128 * n * r * p <= MAX_SCRYPT_MEMORY_BYTES;
}

/** `$pbkdf2-sha256$i=<iterations>,l=<key length>$<salt>$<key>`, base64 without padding (Kratos). */
function decodePbkdf2(parts: string[]): DecodedHash | undefined {
  const digest = /^pbkdf2-(sha1|sha256|sha512)$/.exec(parts[1]!)?.[1] as 'sha1' | 'sha256' | 'sha512' | undefined;
  const [iterations, length] = params(parts[2], ['i', 'l']) ?? [];
  const salt = base64(parts[3]);
  const key = base64(parts[4]);
  if (!digest || !iterations || iterations > MAX_PBKDF2_ITERATIONS || !salt || !key || key.length !== length || length > MAX_PBKDF2_KEY_BYTES) return undefined;
  return { format: 'pbkdf2', digest, iterations, salt, key };
}

/** `pbkdf2_sha256$<iterations>$<salt as text>$<base64 key>` (Django's PBKDF2PasswordHasher, and its SHA-1 sibling). */
function decodeDjango(hash: string): DecodedHash | undefined {
  const match = /^pbkdf2_(sha256|sha1)\$(\d{1,8})\$([^$]{1,128})\$([A-Za-z0-9+/]+={0,2})$/.exec(hash);
  const key = base64(match?.[4]);
  if (!match || !key || Number(match[2]) < 1 || Number(match[2]) > MAX_PBKDF2_ITERATIONS || key.length > MAX_PBKDF2_KEY_BYTES) return undefined;
  return { format: 'django-pbkdf2', digest: match[1] as 'sha256' | 'sha1', iterations: Number(match[2]), salt: Buffer.from(match[3]!, 'utf8'), key };
}

/** `$scrypt$ln=<N>,r=<r>,p=<p>$<salt>$<key>`: Kratos writes N itself under the name `ln`. */
function decodeScrypt(parts: string[]): DecodedHash | undefined {
  const [n = 0, r = 0, p = 0] = params(parts[2], ['ln', 'r', 'p']) ?? [];
  const salt = base64(parts[3]);
  const key = base64(parts[4]);
  if (!scryptCostOk(n, r, p) || !salt || !key) return undefined;
  return { format: 'scrypt', n, r, p, salt, key };
}

/** `$firescrypt$ln=<mem_cost>,r=<rounds>,p=<p>$<salt>$<hash>$<salt separator>$<signer key>`: here ln is log2 N. */
function decodeFirescrypt(parts: string[]): DecodedHash | undefined {
  const [ln = 0, r = 0, p = 0] = params(parts[2], ['ln', 'r', 'p']) ?? [];
  const [salt, key, separator, signerKey] = [base64(parts[3]), base64(parts[4]), base64(parts[5]), base64(parts[6])];
  if (ln < 1 || ln > 30 || !scryptCostOk(2 ** ln, r, p) || !salt || !key || !separator || !signerKey) return undefined;
  return { format: 'firescrypt', n: 2 ** ln, r, p, salt, key, separator, signerKey };
}

/**
 * `$sha256$pf=<base64 pattern>$<salt>$<digest>` (Kratos): the digest of the pattern with {SALT} and
 * {PASSWORD} replaced; `$sha256$<salt>$<digest>` is short for the pattern {SALT}{PASSWORD}.
 */
function decodeSha(parts: string[]): DecodedHash | undefined {
  const format = parts[1] as 'sha256' | 'sha512';
  const withPattern = parts.length === 5;
  const pattern = withPattern ? base64(/^pf=(.+)$/.exec(parts[2]!)?.[1])?.toString('utf8') : '{SALT}{PASSWORD}';
  const salt = base64(parts[withPattern ? 3 : 2]);
  const key = base64(parts[withPattern ? 4 : 3]);
  if (!pattern?.includes('{PASSWORD}') || !salt || key?.length !== (format === 'sha256' ? 32 : 64)) return undefined;
  return { format, pattern, salt, key };
}

/** The parts of an imported hash, or undefined when it is none of these formats or malformed. */
export function decodeImportedHash(hash: string): DecodedHash | undefined {
  if (hash.startsWith('pbkdf2_')) return decodeDjango(hash);
  const parts = hash.split('$');
  if (parts[0] !== '') return undefined;
  if (parts[1]?.startsWith('pbkdf2-') && parts.length === 5) return decodePbkdf2(parts);
  if (parts[1] === 'scrypt' && parts.length === 5) return decodeScrypt(parts);
  if (parts[1] === 'firescrypt' && parts.length === 7) return decodeFirescrypt(parts);
  if ((parts[1] === 'sha256' || parts[1] === 'sha512') && (parts.length === 4 || parts.length === 5)) return decodeSha(parts);
  return undefined;
}

async function derive(decoded: DecodedHash, password: Buffer): Promise<Buffer> {
  switch (decoded.format) {
    case 'pbkdf2':
    case 'django-pbkdf2':
      return pbkdf2Async(password, decoded.salt, decoded.iterations, decoded.key.length, decoded.digest);
    case 'scrypt':
      return scryptAsync(password, decoded.salt, decoded.key.length, scryptOptions(decoded));
    case 'firescrypt':
      return firebaseScrypt(decoded, password);
    default: {
      const text = decoded.pattern.replaceAll('{SALT}', decoded.salt.toString('latin1')).replaceAll('{PASSWORD}', password.toString('latin1'));
      return createHash(decoded.format).update(Buffer.from(text, 'latin1')).digest();
    }
  }
}

const scryptOptions = ({ n, r, p }: { n: number; r: number; p: number }) => ({ N: n, r, p, maxmem: 128 * n * r * p + 2 * 1024 * 1024 });

/**
 * Firebase's modified scrypt (github.com/firebase/scrypt): a key from scrypt(password, salt ‖
 * separator), whose first 32 bytes AES-256-CTR-encrypt the project's signer key under a zero IV.
 */
async function firebaseScrypt(decoded: Extract<DecodedHash, { format: 'firescrypt' }>, password: Buffer): Promise<Buffer> {
  const derived = await scryptAsync(password, Buffer.concat([decoded.salt, decoded.separator]), 32, scryptOptions(decoded));
  const cipher = createCipheriv('aes-256-ctr', derived, Buffer.alloc(16));
  return Buffer.concat([cipher.update(decoded.signerKey), cipher.final()]);
}

/** Whether `password` matches an imported hash; a malformed one matches nothing. */
export async function verifyImportedHash(hash: string, password: string): Promise<boolean> {
  const decoded = decodeImportedHash(hash);
  if (!decoded) return false;
  const derived = await derive(decoded, Buffer.from(password, 'utf8'));
  return derived.length === decoded.key.length && timingSafeEqual(derived, decoded.key);
}

export type ImportedFormat = Exclude<HashFormat, 'argon2id' | 'argon2i' | 'bcrypt'>;
