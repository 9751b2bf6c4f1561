// Rotating a signed-in user's session id (OWASP Session Management Cheat Sheet, "Renew the Session ID
// After Any Privilege Level Change"): every session of the user ends, the caller's included, so every
// copy of its tokens dies, and the caller starts anew. For a password change, reset or factor enrolment.
import type { CoreDeps, RequestContext } from '../context.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { StartSession } from './start-session.js';
import type { SessionAuth } from '../login/amr.js';
import type { UserRecord } from '../../storage/types/stores.js';

/** `auth` is the new session's: how and when the user last proved who they are. */
export type RotateSessionId = (user: UserRecord, ctx: RequestContext, auth: SessionAuth) => Promise<{ pair: TokenPair; revokedSessions: number }>;

export function createSessionIdRotation({ sessions, clock }: Pick<CoreDeps, 'sessions' | 'clock'>, startSession: StartSession): RotateSessionId {
  return async function rotateSessionId(user, ctx, auth) {
    // ending first: should the new session fail to start, the user is logged out, never left with the old one
    const revokedSessions = await sessions.revokeAllForUser(user.id, new Date(clock.now()));
    const pair = await startSession(user, ctx, 'session_renewed', auth);
    return { pair, revokedSessions };
  };
}
