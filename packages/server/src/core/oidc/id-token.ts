// ID tokens of the OpenID Connect provider (OpenID Connect Core §2, §3.1.3.6): signed with RS256 by
// default whatever JWT_ALG the access tokens use (§15.1 makes RS256 the one every relying party
// supports), ES256 or EdDSA when OIDC_ID_TOKEN_ALG asks, by the ID-token key ring (id-token-keys.ts),
// whose public keys are in the JWKS (docs/architecture.md, "OpenID Connect tokens and consent").
import { createHash } from 'node:crypto';
import type { AccessKeyRing } from '../tokens/key-ring.js';
import type { UserRecord } from '../../storage/types/stores.js';
import { scopedClaims } from './user-claims.js';

/** How long an ID token is valid: it proves a sign-in to its client once, it is not kept. */
export const ID_TOKEN_TTL_SECONDS = 3600;

export interface IdTokenInput {
  user: UserRecord;
  clientId: string;
  nonce?: string;
  /** When the user authenticated, epoch seconds. */
  authTime: number;
  amr: readonly string[];
  /** The Gatehouse session behind the sign-in (the browser's), for RP-initiated logout. */
  sid: string;
  scopes: readonly string[];
  /** The access token issued with it: the ID token then carries its at_hash (§3.1.3.6). */
  accessToken?: string;
}

export type SignIdToken = (input: IdTokenInput, nowMs: number) => Promise<string>;

export interface IdTokenSettings {
  /** PUBLIC_URL. */
  issuer: string;
}

export function createIdTokenSigner(ring: AccessKeyRing, settings: IdTokenSettings): SignIdToken {
  return async function signIdToken(input, nowMs) {
    const iat = Math.floor(nowMs / 1000);
    const { kid, alg, privateKey } = await ring.signingKey(nowMs);
    const payload = {
      iss: settings.issuer, sub: input.user.id, aud: input.clientId, exp: iat + ID_TOKEN_TTL_SECONDS, iat,
      auth_time: input.authTime, ...(input.nonce !== undefined ? { nonce: input.nonce } : {}), amr: [...input.amr], sid: input.sid,
      ...(input.accessToken !== undefined ? { at_hash: tokenHash(input.accessToken, alg) } : {}),
      ...scopedClaims(input.user, input.scopes),
    };
    const { SignJWT } = await import('jose');
    return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(privateKey);
  };
}

/**
 * at_hash (§3.1.3.6): the left half of the token's hash, by the hash of the signing algorithm:
 * SHA-256 for RS256 and ES256; SHA-512 for EdDSA over Ed25519 (the hash Ed25519 itself uses, as
 * OpenID Connect Core's errata set and node-oidc-provider have it).
 */
export function tokenHash(token: string, alg: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
