// The master secret (docs/architecture.md, "Tokens and keys"): GATEHOUSE_SECRET in production; in
// development, when unset, one generated into the data folder (the file 0600, the folder 0700 when
// made here) with a warning. Weak secrets are refused with a message naming the variable.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Config } from './config.js';
import { dictionaryWordShare, estimateSecretBits, MAX_WORD_SHARE, MIN_SECRET_BITS } from './secret-strength.js';

const MIN_SECRET_BYTES = 32;
export const SECRET_HINT = 'generate one with `gatehouse secret` (or `openssl rand -hex 32`)';

/**
 * Returns a reason the secret is unfit, or undefined. Judged by how guessable it is
 * (secret-strength.ts), not by matching known placeholders: repeats, runs and dictionary words
 * count for little, so `changeme-changeme-…`, `0123456789abcdef…` and
 * `your-secret-key-change-this-in-production` are refused while random bytes in hex or base64 pass.
 */
export function weakSecretReason(secret: string): string | undefined {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes`;
  if (dictionaryWordShare(secret) > MAX_WORD_SHARE) return 'is mostly dictionary words, like a placeholder or a passphrase';
  const bits = estimateSecretBits(secret);
  if (bits < MIN_SECRET_BITS) {
    return `is too predictable (repeats, runs or common words: about ${Math.floor(bits)} bits of entropy, at least ${MIN_SECRET_BITS} needed)`;
  }
  return undefined;
}

/**
 * weakSecretReason, in a short-lived child process (secret-check.ts): the server's heap never holds
 * the word lists, which would stay in its resident memory long after the check (≈ 20 MB idle).
 * The secret travels on stdin, never in arguments or the environment another process could read.
 */
export function weakSecretReasonApart(secret: string): string | undefined {
  const check = fileURLToPath(new URL('./secret-check.js', import.meta.url));
  const env = { PATH: process.env.PATH ?? '' }; // nothing of the server's environment, GATEHOUSE_SECRET included
  const result = spawnSync(process.execPath, [check], { input: secret, encoding: 'utf8', timeout: 60_000, env });
  if (result.status !== 0) throw new Error(`the check of GATEHOUSE_SECRET did not run: ${result.error?.message ?? result.stderr.split('\n')[0]}`);
  return result.stdout || undefined;
}

export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}

export interface ResolvedSecret {
  secret: string;
  /** Set when a development secret file was used or created: the caller warns with it. */
  warning?: string;
}

export function resolveSecret(config: Pick<Config, 'secret' | 'nodeEnv' | 'dataDir'>): ResolvedSecret {
  if (config.secret !== undefined) {
    const reason = weakSecretReasonApart(config.secret);
    if (reason) throw new ConfigError('GATEHOUSE_SECRET', `${reason}; ${SECRET_HINT}`);
    return { secret: config.secret };
  }
  if (config.nodeEnv === 'production') {
    throw new ConfigError('GATEHOUSE_SECRET', `is required when NODE_ENV=production; ${SECRET_HINT}`);
  }
  const path = join(config.dataDir, 'secret');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${generateSecret()}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  const secret = readFileSync(path, 'utf8').trim();
  const reason = weakSecretReasonApart(secret);
  if (reason) throw new ConfigError('GATEHOUSE_SECRET', `the development secret in ${path} ${reason}; delete it or ${SECRET_HINT}`);
  return { secret, warning: `GATEHOUSE_SECRET is not set: using the development secret in ${path}. Set GATEHOUSE_SECRET in production.` };
}
