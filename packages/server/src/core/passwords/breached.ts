// The optional breached-password check (OWASP ASVS 2.1.7) against a HIBP-style range API, by
// k-anonymity: only the first 5 hex characters of the password's SHA-1 leave the process. It
// fails open: an endpoint that is down or slow must not stop people registering, so it is logged
// through `onUnavailable` and the password is allowed (the shipped common list still applies).
import { createHash } from 'node:crypto';
import { AuthError } from '../errors.js';

/** A range answer is ~35 KB (padded to ~1 000 lines); anything far larger is not one. */
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;

export interface BreachedPasswordOptions {
  /** Base URL; `${url}/range/${prefix}` is fetched. */
  url: string;
  timeoutMs: number;
  onUnavailable?: (error: unknown) => void;
}

export interface BreachedPasswords {
  /** True when the range answer lists the password with a count above zero. */
  isBreached(password: string): Promise<boolean>;
  /** Throws `password_breached` when it is listed. */
  refuseIfBreached(password: string): Promise<void>;
}

export function createBreachedPasswords(options: BreachedPasswordOptions): BreachedPasswords {
  async function isBreached(password: string): Promise<boolean> {
    const hash = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    try {
      const answer = await fetchRange(options, hash.slice(0, 5));
      return listsSuffix(answer, hash.slice(5));
    } catch (error) {
      options.onUnavailable?.(error);
      return false; // fail open, by design (see the header)
    }
  }
  return {
    isBreached,
    async refuseIfBreached(password) {
      if (await isBreached(password)) {
        throw new AuthError('password_breached', 'This password has appeared in a data breach; choose another.');
      }
    },
  };
}

async function fetchRange(options: BreachedPasswordOptions, prefix: string): Promise<string> {
  const res = await fetch(`${options.url}/range/${prefix}`, {
    // Add-Padding: the answer size no longer hints at the prefix (HIBP API v3 docs).
    headers: { 'add-padding': 'true', accept: 'text/plain' },
    signal: AbortSignal.timeout(options.timeoutMs),
    redirect: 'error',
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`breached-password endpoint answered ${res.status}`);
  }
  return readCapped(res);
}

async function readCapped(res: Response): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw new Error('breached-password answer is too large');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Lines are `SUFFIX:COUNT`; padding lines have a count of 0 and do not count. */
export function listsSuffix(answer: string, suffix: string): boolean {
  for (const line of answer.split('\n')) {
    const [candidate, count] = line.trim().split(':');
    if (candidate?.toUpperCase() === suffix && Number(count) > 0) return true;
  }
  return false;
}
