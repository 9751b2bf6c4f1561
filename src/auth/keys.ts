// Signing keys derived from the one master secret (design §4): access key = HMAC-SHA256(secret,
// "access"), refresh key = HMAC-SHA256(secret, "refresh"), the secret taken as its UTF-8 bytes.
// Distinct keys mean a refresh token can never verify as an access token, or the reverse.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export interface SigningKeys {
  access: KeyObject;
  refresh: KeyObject;
}

export function deriveKey(secret: string, purpose: 'access' | 'refresh'): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(purpose).digest();
}

export function deriveSigningKeys(secret: string): SigningKeys {
  return {
    access: createSecretKey(deriveKey(secret, 'access')),
    refresh: createSecretKey(deriveKey(secret, 'refresh')),
  };
}
