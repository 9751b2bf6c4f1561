// verifyAccessToken(token, options): checks a Gatehouse access token in another service without
// calling the server (docs/architecture.md, "Tokens and keys"): pinned algorithms, `typ` at+jwt,
// `iss`/`aud`, `exp`/`nbf` with a small leeway, `iat` not in the future and no further from `exp`
// than an access lifetime, unknown `crit` refused, required claims present; optionally a
// live-session check.
import { VerifiedTokenCache } from './token-cache.js';
import { decodeProtectedHeader, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { VerifyError } from './errors.js';
import type { KeySource } from './key-sources.js';
import type { SessionCheck } from './redis-session-check.js';

export interface VerifyAccessTokenOptions {
  /** accessKeySource(key), remoteJwksKeySource(url), or (discouraged) sharedSecretKeySource(secret). */
  keys: KeySource;
  /** Expected `iss`. Default "gatehouse" (the server's JWT_ISSUER default). */
  issuer?: string;
  /** Expected `aud`, when the server sets JWT_AUDIENCE. */
  audience?: string | string[];
  /** Leeway on `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * The longest lifetime (`exp` − `iat`) a token may claim: the server's ACCESS_TOKEN_TTL. A token
   * minted with a stolen key cannot then outlive it. Default 900 (the server's default, 15 min).
   */
  maxTokenLifetimeSeconds?: number;
  /** Milliseconds since the epoch; for tests. Default Date.now. */
  now?: () => number;
  /** Refuse tokens of logged-out sessions: redisSessionCheck(redis) or introspectionSessionCheck({ url, clientId, clientSecret }). */
  sessionCheck?: SessionCheck;
  /**
   * Tokens that passed are remembered until their `exp` (at most 10 000), or until their key
   * leaves the JWKS, so a client sending the same token again costs a map lookup, not a signature
   * check; the session check still runs every time. On by default, one cache per options object;
   * `false` turns it off.
   */
  cache?: boolean;
}

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  sid: string;
  name: string;
  role: string;
  jti: string;
  iat: number;
  exp: number;
  aud?: string | string[];
  /** RFC 8176 authentication methods: pwd, otp, mfa, email, fed, hwk, swk, user. */
  amr?: string[];
  /** When the user last authenticated, epoch seconds (OpenID Connect Core §2). */
  auth_time?: number;
  /** Whether the user's address was verified when the token was signed (OpenID Connect Core §5.1). */
  email_verified?: boolean;
}

/** Who the token speaks for. Frozen, and shared by the requests that send the same token. */
export interface GatehouseUser {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly sessionId: string;
  /** How the user authenticated (RFC 8176); empty for tokens minted before the server set it. */
  readonly amr: readonly string[];
  /** When the user last authenticated, epoch seconds; null for tokens minted before the server set it. */
  readonly authTime: number | null;
  readonly claims: Readonly<AccessTokenClaims>;
}

const ACCESS_TYP = 'at+jwt';
const DEFAULT_MAX_LIFETIME_SECONDS = 900;

export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<GatehouseUser> {
  if (!options?.keys || typeof options.keys.resolve !== 'function') {
    throw new TypeError('verifyAccessToken: options.keys must be accessKeySource(...), remoteJwksKeySource(...) or sharedSecretKeySource(...)');
  }
  if (typeof token !== 'string' || token === '') throw new VerifyError('missing_token', 'A bearer access token is required.');
  const user = await verifiedUser(token, options);
  if (options.sessionCheck && (await options.sessionCheck(user.id, user.sessionId, token))) {
    throw new VerifyError('session_revoked', 'This session has been logged out.');
  }
  return user;
}

/**
 * The user of a token that already passed and is still cached, at once, without a promise; undefined
 * when the answer needs work (not cached, expired, a session check to run, the cache off). For the
 * adapters' guards: the common request, a client sending its token again, costs a map lookup.
 */
export function cachedUser(token: string, options: VerifyAccessTokenOptions): GatehouseUser | undefined {
  if (options.sessionCheck || options.cache === false) return undefined;
  return caches.get(options)?.get(token, options.now ? options.now() : Date.now())?.user;
}

/** A verified token's user, frozen: one object serves every request that sends the same token. */
function toUser(claims: AccessTokenClaims): GatehouseUser {
  return Object.freeze({
    id: claims.sub, name: claims.name, role: claims.role, sessionId: claims.sid,
    amr: Object.freeze([...(claims.amr ?? [])]), authTime: claims.auth_time ?? null, claims: Object.freeze(claims),
  });
}

/** What the cache keeps per token: its exp, for the cache, and the user built once. */
interface Verified {
  exp: number;
  user: GatehouseUser;
}

const caches = new WeakMap<VerifyAccessTokenOptions, VerifiedTokenCache<Verified>>();

async function verifiedUser(token: string, options: VerifyAccessTokenOptions): Promise<GatehouseUser> {
  if (options.cache === false) return toUser(readClaims(await verifySignedToken(token, options), options));
  let cache = caches.get(options);
  if (!cache) caches.set(options, (cache = new VerifiedTokenCache<Verified>(undefined, options.keys.presence)));
  const nowMs = options.now ? options.now() : Date.now();
  let verified = cache.get(token, nowMs);
  if (!verified) {
    const user = toUser(readClaims(await verifySignedToken(token, options), options));
    verified = { exp: user.claims.exp, user };
    cache.set(token, verified);
  }
  return verified.user;
}

async function verifySignedToken(token: string, options: VerifyAccessTokenOptions): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, (header, input) => options.keys.resolve(header, input), {
      algorithms: [...options.keys.algorithms],
      typ: ACCESS_TYP,
      issuer: options.issuer ?? 'gatehouse',
      audience: options.audience,
      clockTolerance: options.clockToleranceSeconds ?? 5,
      currentDate: options.now ? new Date(options.now()) : undefined,
    });
    return payload;
  } catch (error) {
    if (error instanceof VerifyError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new VerifyError('token_expired', 'The token has expired.');
    if (error instanceof joseErrors.JOSEAlgNotAllowed && options.keys.explainAlgorithm) {
      const explained = await options.keys.explainAlgorithm(algorithmOf(token));
      if (explained) throw explained;
    }
    throw new VerifyError('invalid_token', 'The token is malformed, forged or not an access token of this issuer.');
  }
}

/** The `alg` a token's header names, unverified: only to explain a refusal. */
function algorithmOf(token: string): unknown {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

function readClaims(payload: JWTPayload, options: VerifyAccessTokenOptions): AccessTokenClaims {
  const { iss, sub, sid, name, role, jti, iat, exp, aud, amr, auth_time, email_verified } = payload as Record<string, unknown>;
  const texts = [iss, sub, sid, name, role, jti].every((v) => typeof v === 'string' && v.length > 0);
  const numbers = [iat, exp].every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!texts || !numbers) throw new VerifyError('invalid_token', 'The token lacks required claims.');
  checkIssuedAt(iat as number, exp as number, options);
  const claims = { iss, sub, sid, name, role, jti, iat, exp } as AccessTokenClaims;
  if (aud !== undefined) claims.aud = aud as string | string[];
  if (typeof email_verified === 'boolean') claims.email_verified = email_verified;
  if (amr !== undefined || auth_time !== undefined) {
    if (!Array.isArray(amr) || !amr.every((m) => typeof m === 'string') || typeof auth_time !== 'number' || !Number.isFinite(auth_time)) {
      throw new VerifyError('invalid_token', 'The token\'s amr or auth_time claim is malformed.');
    }
    Object.assign(claims, { amr, auth_time });
  }
  return claims;
}

/**
 * `iat` no later than now (with the leeway), and `exp` − `iat` no longer than the server issues: a
 * key that signed a far-future or years-long token (a stolen one) gets no more than one lifetime.
 */
function checkIssuedAt(iat: number, exp: number, options: VerifyAccessTokenOptions): void {
  const maxLifetime = options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
  if (typeof maxLifetime !== 'number' || !(maxLifetime > 0)) throw new TypeError('verifyAccessToken: maxTokenLifetimeSeconds must be a positive number');
  const nowSeconds = (options.now ? options.now() : Date.now()) / 1000;
  if (iat > nowSeconds + (options.clockToleranceSeconds ?? 5)) throw new VerifyError('invalid_token', 'The token was issued in the future.');
  if (exp - iat > maxLifetime) throw new VerifyError('invalid_token', 'The token claims a longer lifetime than maxTokenLifetimeSeconds allows.');
}
