// TOTP secrets at rest (docs/architecture.md, "Factors"): AES-256-GCM under a key derived from the
// master secret with its own label (core/tokens/keys.ts, "totp-secret"), a random 96-bit nonce each
// time, and the user id as additional data, so a row copied onto another user does not decrypt.
// Format: v1.<iv>.<ciphertext>.<tag>.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plain: Buffer, userId: string): string;
  /** Undefined when the text was not sealed by this key for this user (or was altered). */
  open(sealed: string, userId: string): Buffer | undefined;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new TypeError('createSecretBox needs a 32-byte key');
  return {
    seal(plain, userId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(userId, 'utf8'));
      const data = Buffer.concat([cipher.update(plain), cipher.final()]);
      return ['v1', iv, data, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed, userId) {
      const [version, iv, data, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || data === undefined || !tag) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(userId, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
      } catch {
        return undefined;
      }
    },
  };
}
