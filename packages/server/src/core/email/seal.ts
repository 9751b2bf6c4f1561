// Sealing of outbox payloads (docs/email.md, "The outbox"): a payload may hold a one-time token
// until the mail is out, so the database keeps it as AES-256-GCM ciphertext under a key derived
// from the master secret (deriveKey 'mail-outbox'), bound to its row's id, kind and recipient.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: a 96-bit random IV per message
const TAG_BYTES = 16;

/** `v1.` + base64url(iv ‖ ciphertext ‖ tag); `context` is authenticated, not stored. */
export function seal(key: Buffer, context: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The plaintext of a sealed payload; throws when it was altered, moved to another row or sealed under another key. */
export function unseal(key: Buffer, context: string, sealed: string): string {
  const [version, data] = sealed.split('.');
  const bytes = Buffer.from(data ?? '', 'base64url');
  if (version !== VERSION || bytes.length < IV_BYTES + TAG_BYTES) throw new Error('not a sealed outbox payload');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
