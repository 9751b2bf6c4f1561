// The auth core as the HTTP layer sees it: one function per use case. compose.ts builds each from
// its own factory (core/<capability>/) and gathers them here; nothing in this file runs.
import type { Registration, RegistrationOutcome, RegistrationResult } from './accounts/register.js';
import type { RequestContext } from './context.js';
import type { LoginRequest } from './login/login.js';
import type { PasswordChange } from './passwords/change-password.js';
import type { Authenticated } from './sessions/authenticate.js';
import type { LogoutRequest } from './sessions/logout.js';
import type { RefreshRequest } from './sessions/refresh.js';
import type { TokenPair } from './tokens/token-pair.js';
import type { FinishLogin, LoginResult } from './login/finish-login.js';
import type { LoginOutcome, OutcomeKind, OutcomeResults } from './login/outcomes.js';
import type { MfaVerifyRequest } from './login/verify-second-factor.js';
import type { ReauthenticationProof } from './login/reauthenticate.js';
import type { RecentAuthCheck } from './login/recent-auth.js';
import type { TotpEnrolmentStart } from './mfa/totp-enrolment.js';
import type { FactorSummary } from './mfa/manage-factors.js';
import type { SessionRecord } from '../storage/types/stores.js';
import type { CredentialRule } from './accounts/credential-rule.js';

export interface AuthService {
  register(input: Registration, ctx: RequestContext): Promise<RegistrationResult>;
  /** Registration for any outcome (the register page asks for a browser session). */
  registerFor<K extends OutcomeKind>(input: Registration, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<RegistrationOutcome<K>>;
  login(input: LoginRequest, ctx: RequestContext): Promise<TokenPair>;
  /** The password login for any outcome (the sign-in page asks for a browser session): its result, or {mfaRequired}. */
  signIn<K extends OutcomeKind>(input: LoginRequest, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>>;
  authenticate(accessToken: string): Promise<Authenticated>;
  /** authenticate without a promise when everything is in memory; undefined otherwise. */
  authenticateNow(accessToken: string): Authenticated | undefined;
  refresh(input: RefreshRequest, ctx: RequestContext): Promise<TokenPair>;
  logout(input: LogoutRequest, ctx?: RequestContext): Promise<void>;
  listSessions(userId: string): Promise<SessionRecord[]>;
  revokeSession(userId: string, sessionId: string): Promise<void>;
  /** Answers the pair of the caller's new session: every session of the user, the caller's included, has ended. */
  changePassword(auth: Authenticated, input: PasswordChange, ctx: RequestContext): Promise<TokenPair>;
  /**
   * The one way a login finishes (docs/architecture.md, "Login"): the outcome asked for (a session
   * and its pair), or {mfaRequired} when a second factor is due. Every kind of login calls it.
   */
  finishLogin: FinishLogin;
  /** POST /auth/mfa/verify: the second step of a login. */
  verifyMfa(input: MfaVerifyRequest, ctx: RequestContext): Promise<TokenPair>;
  /** The second step for any outcome (the second-step page asks for a browser session). */
  verifyMfaFor<K extends OutcomeKind>(input: MfaVerifyRequest, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<OutcomeResults[K]>;
  /** POST /auth/reauthenticate: a new session for the caller, auth_time now. */
  reauthenticate(auth: Authenticated, proof: ReauthenticationProof, ctx: RequestContext): Promise<TokenPair>;
  /** Throws 403 reauthentication_required unless the caller's auth_time is within REAUTH_MAX_AGE. */
  requireRecentAuth: RecentAuthCheck;
  /** The proof a change of a way in needs, and its aftermath (docs/architecture.md, "Changing a way in"). */
  credentials: CredentialRule;
  mfa: {
    factorSummary(userId: string): Promise<FactorSummary>;
    startTotpEnrolment(auth: Authenticated, ctx: RequestContext): Promise<TotpEnrolmentStart>;
    /** The recovery codes, and the pair of the caller's new session (every other session has ended). */
    confirmTotpEnrolment(auth: Authenticated, code: string, ctx: RequestContext): Promise<{ recovery_codes: string[] } & TokenPair>;
    regenerateRecoveryCodes(auth: Authenticated, ctx: RequestContext): Promise<{ recovery_codes: string[] } & TokenPair>;
    removeTotp(auth: Authenticated, ctx: RequestContext): Promise<TokenPair>;
  };
}
