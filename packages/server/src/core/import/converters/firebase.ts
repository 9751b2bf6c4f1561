// Firebase `auth:export` JSON as import lines (docs/migrating.md, "From Firebase"): each user's
// passwordHash and salt, with the project's hash parameters, become one `$firescrypt$` hash
// (core/passwords/imported-hashes.ts); provider links become identities.
import { providerId } from './providers.js';

/** The project's password hash parameters (Firebase console → Authentication → Users → ⋮ → Password hash parameters). */
export interface FirebaseHashConfig {
  signerKey: string;
  saltSeparator: string;
  rounds: number;
  memCost: number;
}

/**
 * Reads the parameters as the console shows them (`base64_signer_key: …,` one per line) or as
 * JSON with the same names; undefined names the first one missing.
 */
export function parseFirebaseHashConfig(text: string): FirebaseHashConfig | string {
  const read = (name: string, pattern: string) => new RegExp(`${name}["']?\\s*[:=]\\s*["']?(${pattern})`).exec(text)?.[1];
  const signerKey = read('base64_signer_key', '[A-Za-z0-9+/]+={0,2}');
  const saltSeparator = read('base64_salt_separator', '[A-Za-z0-9+/]+={0,2}');
  const rounds = read('rounds', '\\d+');
  const memCost = read('mem_cost', '\\d+');
  if (!signerKey) return 'base64_signer_key';
  if (!saltSeparator) return 'base64_salt_separator';
  if (!rounds) return 'rounds';
  if (!memCost) return 'mem_cost';
  return { signerKey, saltSeparator, rounds: Number(rounds), memCost: Number(memCost) };
}

export function firebaseHash(config: FirebaseHashConfig, passwordHash: string, salt: string): string {
  return `$firescrypt$ln=${config.memCost},r=${config.rounds},p=1$${salt}$${passwordHash}$${config.saltSeparator}$${config.signerKey}`;
}

/** Exports have used both base64 alphabets; the hash format takes the standard one. */
const standardBase64 = (value: unknown) => String(value).replace(/-/g, '+').replace(/_/g, '/');

/** The users of an export document, numbered from 1 as they come; the hash needs `config`. */
export function fromFirebase(document: unknown, config: FirebaseHashConfig | undefined): Array<{ line: number; value: unknown }> {
  const users = (document as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) throw new TypeError('a Firebase export is a JSON object with a "users" array (firebase auth:export users.json --format=json)');
  return users.map((value: unknown, index) => {
    const user = (value ?? {}) as Record<string, unknown>;
    const providers = Array.isArray(user.providerUserInfo) ? (user.providerUserInfo as Array<Record<string, unknown>>) : [];
    const linked = providers.filter((p) => typeof p.providerId === 'string' && p.providerId !== 'password' && typeof p.rawId === 'string');
    const hasHash = typeof user.passwordHash === 'string' && typeof user.salt === 'string';
    if (hasHash && !config) throw new TypeError('the export holds password hashes: give the project\'s hash parameters with --hash-config FILE');
    return {
      line: index + 1,
      value: {
        email: user.email,
        email_verified: user.emailVerified === true,
        ...(typeof user.displayName === 'string' && { full_name: user.displayName }),
        ...(user.disabled === true && { disabled: true }),
        ...(user.createdAt !== undefined && { created_at: Number(user.createdAt) }),
        ...(hasHash && { password_hash: firebaseHash(config!, standardBase64(user.passwordHash), standardBase64(user.salt)) }),
        ...(linked.length > 0 && { identities: linked.map((p) => ({ provider: providerId(String(p.providerId)), subject: p.rawId })) }),
      },
    };
  });
}
