// The one place a session begins: after registration, a successful login, a step-up or a change of
// a way in (core/accounts/credential-aftermath.ts), a new session row with the hash of its first refresh token, and the pair
// that goes with it.
import { v7 as uuidv7 } from 'uuid';
import { auditOrigin } from '../audit.js';
import { nextTurn, type CoreDeps, type RequestContext } from '../context.js';
import { signTokenPair, type TokenLifetimes, type TokenPair } from '../tokens/token-pair.js';
import type { SessionAuth } from '../login/amr.js';
import type { SessionClient, UserRecord } from '../../storage/types/stores.js';

/** Why a session starts: the audit event it logs. */
export type SessionStartEvent = 'register' | 'login_succeeded' | 'session_renewed' | 'reauthenticated';

/**
 * `auth` is how the user proved who they are (amr.ts): the session keeps it, its tokens carry it.
 * `client`: the session is opened for a relying party (docs/architecture.md, "OpenID Connect tokens and consent"): only
 * it may refresh the session, and the access tokens carry its `client_id` and the granted `scope`.
 */
export type StartSession = (
  user: UserRecord, ctx: RequestContext, event: SessionStartEvent, auth: SessionAuth, client?: SessionClient,
) => Promise<TokenPair>;

/** startSession that also names the session it stored: a finished login may have to end it again (core/login/outcomes.ts). */
export type OpenSession = (...args: Parameters<StartSession>) => Promise<{ pair: TokenPair; sessionId: string }>;

type StarterDeps = Pick<CoreDeps, 'tokens' | 'sessions' | 'clock' | 'audit'>;

/** Opens a session and signs its pair. */
export function createSessionStarter(deps: StarterDeps, lifetimes: TokenLifetimes): StartSession {
  const open = createSessionOpener(deps, lifetimes);
  return async (user, ctx, event, auth, client) => (await open(user, ctx, event, auth, client)).pair;
}

/** Opens a session and signs its pair, each step in its own turn of the event loop (nextTurn). */
export function createSessionOpener({ tokens, sessions, clock, audit }: StarterDeps, lifetimes: TokenLifetimes): OpenSession {
  return async function openSession(user, ctx, event, auth, client) {
    const createdAt = new Date(clock.now());
    const base = {
      id: uuidv7(), generation: 0, rotatedAt: createdAt, createdAt, amr: [...auth.amr], authTime: auth.authTime,
      client: client ? { clientId: client.clientId, scopes: [...client.scopes] } : null,
    };
    const { pair, refreshHash, refreshExpiresAt } = await signTokenPair(tokens, lifetimes, user, base, clock.now());
    await nextTurn();
    await sessions.create({
      // no previous token yet, so no grace replay to bind to a client: the first rotation records one
      ...base, userId: user.id, currentHash: refreshHash, previousHash: null, rotationFingerprint: null, expiresAt: refreshExpiresAt,
      lastUsedAt: createdAt, revokedAt: null, ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    });
    audit({ type: event, userId: user.id, sessionId: base.id, amr: base.amr, ...(client ? { clientId: client.clientId } : {}), ...auditOrigin(ctx) });
    await nextTurn();
    return { pair, sessionId: base.id };
  };
}
