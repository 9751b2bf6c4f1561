// What a finished login produces, as data (docs/architecture.md, "Login"): today one outcome, a
// session and its token pair. An OAuth provider adds its own (issue an authorization code,
// continue a stored request) as one more entry here; finishLogin (finish-login.ts) stays as it is.
import type { RequestContext } from '../context.js';
import type { Clock } from '../clock.js';
import type { OpenSession } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { SessionAuth } from './amr.js';
import type { SessionStore, UserRecord } from '../../storage/types/stores.js';

/** What each outcome answers the caller, by its kind. */
export interface OutcomeResults {
  session: TokenPair;
}

export type OutcomeKind = keyof OutcomeResults;

/** The outcome a login asks for; an outcome with parameters (a stored request's id) carries them here. */
export interface LoginOutcome<K extends OutcomeKind = OutcomeKind> {
  kind: K;
}

/** Start a session and answer its pair: what every login of Gatehouse's own endpoints asks for. */
export const START_SESSION: LoginOutcome<'session'> = Object.freeze({ kind: 'session' });

/** An issued outcome, and how to take it back when the login turns out void (the credential generation moved). */
export interface Issued<R> {
  result: R;
  undo(): Promise<void>;
}

/** How each kind of outcome is issued for a user who proved who they are (`auth`). */
export type OutcomeIssuers = {
  [K in OutcomeKind]: (user: UserRecord, auth: SessionAuth, ctx: RequestContext, outcome: LoginOutcome<K>) => Promise<Issued<OutcomeResults[K]>>;
};

/** The outcomes Gatehouse issues: a session, undone by revoking it. */
export function createOutcomeIssuers(
  { sessions, clock }: { sessions: Pick<SessionStore, 'revoke'>; clock: Clock }, openSession: OpenSession,
): OutcomeIssuers {
  return {
    async session(user, auth, ctx) {
      const { pair, sessionId } = await openSession(user, ctx, 'login_succeeded', auth);
      return { result: pair, undo: () => sessions.revoke(user.id, sessionId, new Date(clock.now())) };
    },
  };
}
