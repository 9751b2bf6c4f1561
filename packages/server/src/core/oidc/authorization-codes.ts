// The authorization_code grant (RFC 6749 §4.1.3, OpenID Connect Core §3.1.3): a code is single use,
// lives 60 s and is bound to its client, redirect_uri, PKCE challenge, nonce and the browser session
// that made it (docs/architecture.md, "OpenID Connect provider"). A code presented again revokes the
// session its first use opened (RFC 6749 §4.1.2, RFC 9700 §4.5.3).
// The code is sealed, not stored: AES-256-GCM under a key of its own holds what it names, so making
// one writes nothing and any instance with the master secret opens it. Its single use is the
// "spent" ticket its redemption stores once (a take-once insert in the SQL database, which every
// instance shares): one write per code instead of three.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';
import { auditOrigin } from '../audit.js';
import type { CoreDeps, RequestContext } from '../context.js';
import type { Ticket, Tickets } from '../federation/tickets.js';
import type { SessionAuth } from '../login/amr.js';
import { parseAmr } from '../login/amr.js';
import type { AuthorizeRequest } from './authorize-request.js';
import type { ClientCredentials } from './client-credentials-grant.js';
import type { ClientRegistry } from './client-registry.js';
import type { OAuthClientRecord } from '../../storage/types/oauth-clients.js';
import type { UserRecord } from '../../storage/types/stores.js';

export const CODE_TTL_SECONDS = 60;
/** How long a spent code is remembered, so that presenting it again revokes what it issued. */
const SPENT_TTL_SECONDS = 60 * 60;

/** What a redemption needs of the authorization request. */
export type CodeRequest = Pick<AuthorizeRequest, 'clientId' | 'redirectUri' | 'scopes' | 'nonce' | 'codeChallenge'>;

/** What a code names (sealed in it; no secret). */
export interface CodeData {
  request: CodeRequest;
  /** The browser session the person was signed in with: the ID token's `sid`. */
  sessionId: string;
  authTime: number;
  amr: string[];
}

/** Opens a session bound to a client (oidc-tokens' core/oidc/client-session.ts): its tokens, the refresh token only with offline_access. */
export type OpenClientSession = (user: UserRecord, auth: SessionAuth, client: { clientId: string; scopes: string[] }, ctx: RequestContext) =>
  Promise<{ tokens: CodeTokenAnswer; sessionId: string }>;

/** Signs an ID token (oidc-tokens: core/oidc/id-token.ts). */
export type SignIdTokenPort = (input: {
  user: UserRecord; clientId: string; nonce?: string; authTime: number; amr: readonly string[]; sid: string;
  scopes: readonly string[]; accessToken?: string;
}, nowMs: number) => Promise<string>;

export interface CodeRedemption {
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  /** The client's credentials as sent (none for a public client), and client_id from the form. */
  credentials: readonly ClientCredentials[];
  clientId?: string;
}

export interface CodeTokenAnswer {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  id_token?: string;
  scope: string;
}

/** The spent ticket of a redeemed code: the session its redemption opened. */
interface Spent {
  sessionId: string;
  clientId: string;
}

/** A code as it is sealed: who, what, and until when (epoch ms). */
interface SealedCode {
  userId: string;
  data: CodeData;
  expiresAt: number;
}

/** Longer than any code this seals (a nonce of 512, a redirect URI of 2000 characters and the scopes, in base64url). */
const MAX_CODE_LENGTH = 8192;
const CODE_AAD = Buffer.from('gatehouse authorization code v1');

export interface CodeSeal {
  /** A code for `userId` naming `data`, good for CODE_TTL_SECONDS from `nowMs`. */
  seal(userId: string, data: CodeData, nowMs: number): string;
  /** What a code names, when this key sealed it and nobody altered it (expiry not checked: a spent code is still recognised). */
  open(code: string): SealedCode | null;
}

/** Codes sealed with AES-256-GCM under `key` (core/tokens/keys.ts, "oidc-code"): iv ‖ ciphertext ‖ tag, base64url. */
export function createCodeSeal(key: Buffer): CodeSeal {
  if (key.length !== 32) throw new TypeError('createCodeSeal needs a 32-byte key');
  return {
    seal(userId, data, nowMs) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(CODE_AAD);
      const plain = JSON.stringify({ userId, data, expiresAt: nowMs + CODE_TTL_SECONDS * 1000 } satisfies SealedCode);
      return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64url');
    },
    open(code) {
      if (code.length > MAX_CODE_LENGTH || !/^[A-Za-z0-9_-]+$/.test(code)) return null;
      const bytes = Buffer.from(code, 'base64url');
      // one spelling per code: the decoder ignores a lone last character and unused low bits, and the
      // spent ticket is keyed by the code as sent, so another spelling would pass as a fresh code
      if (bytes.length < 12 + 16 + 2 || bytes.toString('base64url') !== code) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(CODE_AAD);
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
        return JSON.parse(plain) as SealedCode;
      } catch {
        return null;
      }
    },
  };
}

type Deps = Pick<CoreDeps, 'users' | 'sessions' | 'clock' | 'audit'> & {
  tickets: Tickets;
  codes: CodeSeal;
  clients: Pick<ClientRegistry, 'authenticate' | 'find'>;
  openSession: OpenClientSession;
  signIdToken: SignIdTokenPort;
};

const invalidGrant = (message: string) => new AuthError('invalid_grant', message);

export function createCodeGrant(deps: Deps) {
  const { tickets, codes, clients, users, sessions, clock, audit } = deps;

  /** The client by the method it registered (RFC 6749 §2.3): a secret for a confidential one, client_id alone for a public one. */
  async function clientOf(input: CodeRedemption): Promise<Pick<OAuthClientRecord, 'clientId' | 'grantTypes'>> {
    for (const candidate of input.credentials) {
      const client = await clients.authenticate(candidate.clientId, candidate.secret);
      if (client && client.tokenEndpointAuthMethod === candidate.method) return client;
    }
    if (input.credentials.length === 0 && input.clientId) {
      const client = await clients.find(input.clientId).catch(() => null);
      if (client && client.tokenEndpointAuthMethod === 'none') return client;
    }
    throw new AuthError('invalid_client', 'Client authentication failed: unknown client, wrong secret, or not the method it registered.');
  }

  /**
   * A code seen again: the session its first use opened ends (the code may have leaked). The spent
   * ticket stays until it expires: the code is refused every time it comes back.
   */
  async function spentAgain(spent: Ticket<Spent> | null, ctx: RequestContext): Promise<never> {
    if (spent?.userId) {
      await sessions.revoke(spent.userId, spent.data.sessionId, new Date(clock.now()));
      audit({ type: 'authorization_code_reused', userId: spent.userId, sessionId: spent.data.sessionId, clientId: spent.data.clientId, ...auditOrigin(ctx) });
    }
    throw invalidGrant('The authorization code is invalid, expired or used already.');
  }

  return async function redeemCode(input: CodeRedemption, ctx: RequestContext): Promise<CodeTokenAnswer> {
    const client = await clientOf(input);
    if (!client.grantTypes.includes('authorization_code')) throw new AuthError('unauthorized_client', 'This client is not registered for the authorization_code grant.');
    if (!input.code) throw new AuthError('validation_failed', 'The authorization_code grant needs code.');
    const sealed = codes.open(input.code);
    if (!sealed) throw invalidGrant('The authorization code is invalid, expired or used already.');
    const spent = spentKey(input.code);
    const earlier = await tickets.peek<Spent>(spent, spentKeyTicket);
    if (earlier) return spentAgain(earlier, ctx);
    if (sealed.expiresAt <= clock.now()) throw invalidGrant('The authorization code is invalid, expired or used already.');
    const { request, sessionId: browserSessionId, authTime, amr } = sealed.data;
    if (request.clientId !== client.clientId) throw invalidGrant('The authorization code was issued to another client.');
    if (input.redirectUri !== request.redirectUri) throw invalidGrant('redirect_uri is not the one of the authorization request.');
    checkVerifier(request.codeChallenge, input.codeVerifier);
    const user = await users.findById(sealed.userId);
    const browser = user && await sessions.findById(user.id, browserSessionId);
    if (!user || user.disabled || !browser || browser.revokedAt) throw invalidGrant('The person signed out, or the account is disabled, since the code was issued.');

    const auth = { amr: parseAmr(amr.join(' ')), authTime: new Date(authTime * 1000) };
    const { tokens, sessionId } = await deps.openSession(user, auth, { clientId: client.clientId, scopes: request.scopes }, ctx);
    // the code's one use: of two redemptions racing past the check above, the second finds this
    // stored and ends its own session as well as the first's
    if (!await tickets.issueOnce(spentKeyTicket, { userId: user.id, data: { sessionId, clientId: client.clientId } }, SPENT_TTL_SECONDS, spent)) {
      await sessions.revoke(user.id, sessionId, new Date(clock.now()));
      return spentAgain(await tickets.peek<Spent>(spent, spentKeyTicket), ctx);
    }
    const idToken = request.scopes.includes('openid')
      ? await deps.signIdToken({
        user, clientId: client.clientId, nonce: request.nonce, authTime, amr, sid: browserSessionId, scopes: request.scopes, accessToken: tokens.access_token,
      }, clock.now())
      : undefined;
    // a refresh token only for offline_access (the opener's rule) and only to a client that may use it
    const { refresh_token: refreshToken, refresh_expires_in: refreshExpiresIn, ...access } = tokens;
    const refresh = refreshToken !== undefined && client.grantTypes.includes('refresh_token');
    return { ...access, ...(refresh ? { refresh_token: refreshToken, refresh_expires_in: refreshExpiresIn } : {}), ...(idToken ? { id_token: idToken } : {}) };
  };
}

const spentKeyTicket = 'oidc_code_used' as const;
/** The spent ticket's value: a digest of the whole code (a ticket's value is at most 128 characters). */
const spentKey = (code: string) => `spent.${createHash('sha256').update(code).digest('base64url')}`;

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge; a verifier without a challenge is refused (RFC 9700 §2.1.1). */
function checkVerifier(challenge: string | undefined, verifier: string | undefined): void {
  if (challenge === undefined) {
    if (verifier !== undefined) throw invalidGrant('code_verifier was sent, but the authorization request had no code_challenge.');
    return;
  }
  if (verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) throw invalidGrant('code_verifier is missing or malformed (RFC 7636 §4.1).');
  if (createHash('sha256').update(verifier).digest('base64url') !== challenge) throw invalidGrant('code_verifier does not match the code_challenge.');
}
