// The auth core as the HTTP layer sees it: one function per use case. compose.ts builds each from
// its own factory (core/<capability>/) and gathers them here; nothing in this file runs.
import type { Registration, RegistrationResult } from './accounts/register.js';
import type { RequestContext } from './context.js';
import type { LoginRequest } from './login/login.js';
import type { PasswordChange } from './passwords/change-password.js';
import type { Authenticated } from './sessions/authenticate.js';
import type { LogoutRequest } from './sessions/logout.js';
import type { RefreshRequest } from './sessions/refresh.js';
import type { TokenPair } from './tokens/token-pair.js';
import type { SessionRecord } from '../storage/types/stores.js';

export interface AuthService {
  register(input: Registration, ctx: RequestContext): Promise<RegistrationResult>;
  login(input: LoginRequest, ctx: RequestContext): Promise<TokenPair>;
  authenticate(accessToken: string): Promise<Authenticated>;
  /** authenticate without a promise when everything is in memory; undefined otherwise. */
  authenticateNow(accessToken: string): Authenticated | undefined;
  refresh(input: RefreshRequest, ctx: RequestContext): Promise<TokenPair>;
  logout(input: LogoutRequest, ctx?: RequestContext): Promise<void>;
  listSessions(userId: string): Promise<SessionRecord[]>;
  revokeSession(userId: string, sessionId: string): Promise<void>;
  /** Answers the pair of the caller's new session: every session of the user, the caller's included, has ended. */
  changePassword(auth: Authenticated, input: PasswordChange, ctx: RequestContext): Promise<TokenPair>;
}
