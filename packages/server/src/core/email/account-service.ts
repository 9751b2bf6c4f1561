// The account flows as the HTTP layer sees them (docs/email.md): one function per endpoint,
// gathered from their factories. Email change, deletion and export are sensitive
// (docs/architecture.md, "Factors"): they need a recent sign-in (REAUTH_MAX_AGE, POST
// /auth/reauthenticate); email change and deletion take the current password instead too.
import type { RequestContext } from '../context.js';
import type { Authenticated } from '../sessions/authenticate.js';
import type { TokenPair } from '../tokens/token-pair.js';
import type { PasswordCheck } from '../login/password-check.js';
import type { RecentAuthCheck } from '../login/recent-auth.js';
import { confirmPasswordOrRecentAuth } from '../passwords/confirm-password.js';
import { createAccountDeletion } from '../accounts/delete-account.js';
import { createAccountExport, type AccountExport, type ExportDeps } from '../accounts/export-account.js';
import { createProfileUpdate, type ProfileChange } from '../accounts/update-profile.js';
import type { EmailDeps } from './email-deps.js';
import { createEmailChange } from './email-change.js';
import { createMagicLink, type FinishEmailLogin, type MagicLinkProof } from './magic-link.js';
import { createPasswordReset, type PasswordReset } from './password-reset.js';
import { createEmailVerification } from './verification.js';
import type { UserRecord } from '../../storage/types/stores.js';

export interface AccountService {
  sendVerification(user: UserRecord, ctx: RequestContext): Promise<void>;
  verifyEmail(token: string, ctx: RequestContext): Promise<UserRecord>;
  forgotPassword(email: string, ctx: RequestContext): Promise<void>;
  resetPassword(input: PasswordReset, ctx: RequestContext): Promise<void>;
  requestMagicLink(email: string, ctx: RequestContext): Promise<void>;
  magicLinkLogin(proof: MagicLinkProof, ctx: RequestContext): Promise<TokenPair>;
  requestEmailChange(auth: Authenticated, input: { newEmail: string; currentPassword?: string }, ctx: RequestContext): Promise<void>;
  confirmEmailChange(token: string, ctx: RequestContext): Promise<UserRecord>;
  updateProfile(auth: Authenticated, change: ProfileChange, ctx: RequestContext): Promise<UserRecord>;
  deleteAccount(auth: Authenticated, input: { currentPassword?: string }, ctx: RequestContext): Promise<void>;
  exportAccount(auth: Authenticated): Promise<AccountExport>;
}

export function createAccountService(
  deps: EmailDeps,
  steps: { checkPassword: PasswordCheck; finishEmailLogin: FinishEmailLogin; requireRecentAuth: RecentAuthCheck; exportFrom: ExportDeps },
): AccountService {
  const confirm = (auth: Authenticated, password: string | undefined, ctx: RequestContext) =>
    confirmPasswordOrRecentAuth(steps, auth, password, ctx);
  const verification = createEmailVerification(deps);
  const reset = createPasswordReset(deps);
  const magicLink = createMagicLink(deps, steps.finishEmailLogin);
  const emailChange = createEmailChange(deps);
  const updateProfile = createProfileUpdate(deps);
  const deleteAccount = createAccountDeletion(deps);
  const exportAccount = createAccountExport(steps.exportFrom);
  return {
    ...verification,
    ...reset,
    requestMagicLink: magicLink.requestMagicLink,
    magicLinkLogin: magicLink.logIn,
    async requestEmailChange(auth, input, ctx) {
      await confirm(auth, input.currentPassword, ctx);
      return emailChange.requestEmailChange(auth.user, input.newEmail, ctx);
    },
    confirmEmailChange: emailChange.confirmEmailChange,
    updateProfile: (auth, change, ctx) => updateProfile(auth.user, change, ctx),
    async deleteAccount(auth, input, ctx) {
      await confirm(auth, input.currentPassword, ctx);
      return deleteAccount(auth.user, ctx);
    },
    async exportAccount(auth) {
      steps.requireRecentAuth(auth);
      return exportAccount(auth.user);
    },
  };
}
