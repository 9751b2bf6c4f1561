// Reading an id_token_hint (OpenID Connect RP-Initiated Logout 1.0 §2): an ID token this provider
// signed, by the ID-token key ring, for the issuer; its expiry does not matter (a hint is often an
// old token), its signature and issuer do.
import type { AccessKeyRing } from '../tokens/key-ring.js';
import type { Clock } from '../clock.js';
import type { IdTokenHint, ReadIdTokenHint } from './end-session.js';

export function createIdTokenHintReader(ring: AccessKeyRing, issuer: string, clock: Clock): ReadIdTokenHint {
  return async function readHint(token) {
    if (token.length > 8192) return null;
    const { compactVerify, decodeProtectedHeader } = await import('jose');
    try {
      const header = decodeProtectedHeader(token);
      if (typeof header.kid !== 'string' || typeof header.alg !== 'string') return null;
      const key = await ring.verificationKey(header.kid, header.alg, clock.now(), true);
      if (!key) return null;
      const { payload } = await compactVerify(token, key, { algorithms: [header.alg] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud;
      if (claims.iss !== issuer || typeof claims.sub !== 'string' || typeof aud !== 'string') return null;
      return { sub: claims.sub, aud } satisfies IdTokenHint;
    } catch {
      return null; // malformed or not ours: the caller answers that the hint is invalid
    }
  };
}
