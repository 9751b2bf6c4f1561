// What a finished login produces, as data (docs/architecture.md, "Login"): a session and its token
// pair (the JSON API), or a browser session (the pages: a session whose pair is never handed out,
// named by a cookie; docs/architecture.md, "Pages"). Another outcome is one more entry here;
// finishLogin (finish-login.ts) stays as it is.
import type { RequestContext } from '../context.js';
import type { Clock } from '../clock.js';
import type { OpenSession, SessionStartEvent } from '../sessions/start-session.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { SessionAuth } from './amr.js';
import type { SessionStore, UserRecord } from '../../storage/types/stores.js';

/** What each outcome answers the caller, by its kind. */
export interface OutcomeResults {
  session: TokenPair;
  browser: BrowserSessionStart;
}

/** Whose a session is and how they signed in: what a browser session tells the pages and the OpenID Connect flow. */
export interface SignedIn {
  userId: string;
  sessionId: string;
  /** Epoch seconds. */
  authTime: number;
  amr: readonly string[];
}

/** A browser session just opened: the pages set its cookie (http/pages/browser-session.ts). */
export interface BrowserSessionStart extends SignedIn {
  /** When the session's row expires (REFRESH_TOKEN_TTL capped by SESSION_MAX_AGE): the cookie's too. */
  expiresAt: Date;
}

export type OutcomeKind = keyof OutcomeResults;

/** The outcome a login asks for; an outcome with parameters (a stored request's id) carries them here. */
export interface LoginOutcome<K extends OutcomeKind = OutcomeKind> {
  kind: K;
  /** The audit event of the session's start: `login_succeeded` unless a registration opens it (`register`). */
  startEvent?: Extract<SessionStartEvent, 'login_succeeded' | 'register'>;
}

/** Start a session and answer its pair: what every login of Gatehouse's own endpoints asks for. */
export const START_SESSION: LoginOutcome<'session'> = Object.freeze({ kind: 'session' });

/** Start a session for a browser: what the sign-in pages ask for. */
export const START_BROWSER_SESSION: LoginOutcome<'browser'> = Object.freeze({ kind: 'browser' });

/** An issued outcome, and how to take it back when the login turns out void (the credential generation moved). */
export interface Issued<R> {
  result: R;
  undo(): Promise<void>;
}

/** How each kind of outcome is issued for a user who proved who they are (`auth`). */
export type OutcomeIssuers = {
  [K in OutcomeKind]: (user: UserRecord, auth: SessionAuth, ctx: RequestContext, outcome: LoginOutcome<K>) => Promise<Issued<OutcomeResults[K]>>;
};

/** The outcomes Gatehouse issues: a session (for the API or a browser), undone by revoking it. */
export function createOutcomeIssuers(
  { sessions, clock }: { sessions: Pick<SessionStore, 'revoke' | 'findById'>; clock: Clock }, openSession: OpenSession,
): OutcomeIssuers {
  return {
    async session(user, auth, ctx, outcome) {
      const { pair, sessionId } = await openSession(user, ctx, outcome.startEvent ?? 'login_succeeded', auth);
      return { result: pair, undo: () => sessions.revoke(user.id, sessionId, new Date(clock.now())) };
    },
    async browser(user, auth, ctx, outcome) {
      // the pair is dropped: the browser holds a cookie naming the session, never a token
      const { sessionId } = await openSession(user, ctx, outcome.startEvent ?? 'login_succeeded', auth);
      const stored = await sessions.findById(user.id, sessionId);
      const result: BrowserSessionStart = {
        userId: user.id, sessionId, authTime: Math.floor(auth.authTime.getTime() / 1000), amr: [...auth.amr],
        expiresAt: stored?.expiresAt ?? new Date(clock.now()),
      };
      return { result, undo: () => sessions.revoke(user.id, sessionId, new Date(clock.now())) };
    },
  };
}
