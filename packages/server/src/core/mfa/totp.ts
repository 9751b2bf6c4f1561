// HOTP (RFC 4226) and TOTP (RFC 6238) with node:crypto: HMAC-SHA-1, 6 digits, 30-second steps from
// the Unix epoch, and a window of ±1 step for clock drift (RFC 6238 §5.2). Which steps were already
// used is the store's business (no code twice); this file only computes and compares.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps before and after the current one a code may come from. */
export const TOTP_WINDOW = 1;

/** RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, the low `digits` decimal digits. */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 §4.2: T = floor(unix time / X), X = 30 s, T0 = 0. */
export const totpStep = (nowMs: number): number => Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);

export const totpCode = (key: Buffer, step: number): string => hotp(key, step);

/**
 * The step whose code `code` is, within ±TOTP_WINDOW of now, preferring the latest; undefined when
 * none. Every step of the window is computed and compared in constant time, match or not.
 */
export function matchTotp(key: Buffer, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const current = totpStep(nowMs);
  let found: number | undefined;
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (timingSafeEqual(Buffer.from(totpCode(key, step)), Buffer.from(code))) found = step;
  }
  return found;
}
