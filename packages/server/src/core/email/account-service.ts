// The account flows as the HTTP layer sees them (docs/email.md): one function per endpoint,
// gathered from their factories. Deletion and export are sensitive: they need a recent sign-in
// (REAUTH_MAX_AGE, POST /auth/reauthenticate); deletion takes the current password instead too. An
// email change is a change of a way in (docs/architecture.md, "Changing a way in"): its proof, then its aftermath.
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
import type { FinishLogin, LoginResult } from '../login/finish-login.js';
import type { LoginOutcome, OutcomeKind } from '../login/outcomes.js';
import { createMagicLink, type MagicLinkProof } from './magic-link.js';
import { createPasswordReset, type PasswordReset } from './password-reset.js';
import { createEmailVerification } from './verification.js';
import type { UserRecord } from '../../storage/types/stores.js';
import type { CredentialRule } from '../accounts/credential-rule.js';
import { authOfClaims } from '../login/amr.js';

export interface AccountService {
  sendVerification(user: UserRecord, ctx: RequestContext): Promise<void>;
  verifyEmail(token: string, ctx: RequestContext): Promise<UserRecord>;
  forgotPassword(email: string, ctx: RequestContext): Promise<void>;
  /** link_invalid or link_expired when the reset link would not work; spends nothing. */
  checkResetLink(token: string): Promise<void>;
  resetPassword(input: PasswordReset, ctx: RequestContext): Promise<void>;
  requestMagicLink(email: string, ctx: RequestContext): Promise<void>;
  magicLinkLogin(proof: MagicLinkProof, ctx: RequestContext): Promise<TokenPair>;
  /** The magic link for any outcome (the magic-link page asks for a browser session): its result, or {mfaRequired}. */
  magicLinkSignIn<K extends OutcomeKind>(proof: MagicLinkProof, ctx: RequestContext, outcome: LoginOutcome<K>): Promise<LoginResult<K>>;
  /** Answers the pair of the caller's new session: every other session has ended. */
  requestEmailChange(auth: Authenticated, input: { newEmail: string; currentPassword?: string }, ctx: RequestContext): Promise<TokenPair>;
  confirmEmailChange(token: string, ctx: RequestContext): Promise<UserRecord>;
  /** The old address's "this wasn't me" link: the pending change is cancelled and every session ends. */
  cancelEmailChange(token: string, ctx: RequestContext): Promise<UserRecord>;
  updateProfile(auth: Authenticated, change: ProfileChange, ctx: RequestContext): Promise<UserRecord>;
  deleteAccount(auth: Authenticated, input: { currentPassword?: string }, ctx: RequestContext): Promise<void>;
  exportAccount(auth: Authenticated): Promise<AccountExport>;
}

export function createAccountService(
  deps: EmailDeps,
  steps: {
    checkPassword: PasswordCheck; finishLogin: FinishLogin; requireRecentAuth: RecentAuthCheck; credentials: CredentialRule; exportFrom: ExportDeps;
  },
): AccountService {
  const confirm = (auth: Authenticated, password: string | undefined, ctx: RequestContext) =>
    confirmPasswordOrRecentAuth(steps, auth, password, ctx);
  const verification = createEmailVerification(deps);
  const reset = createPasswordReset(deps, steps.credentials.removeUnproven);
  const magicLink = createMagicLink(deps, steps.finishLogin, steps.credentials.removeUnproven);
  const emailChange = createEmailChange(deps);
  const updateProfile = createProfileUpdate(deps);
  const deleteAccount = createAccountDeletion(deps);
  const exportAccount = createAccountExport(steps.exportFrom);
  return {
    ...verification,
    ...reset,
    requestMagicLink: magicLink.requestMagicLink,
    magicLinkLogin: magicLink.logIn,
    magicLinkSignIn: magicLink.logInFor,
    async requestEmailChange(auth, input, ctx) {
      await steps.credentials.proof.requireOrPassword(auth, input.currentPassword, ctx);
      await emailChange.requestEmailChange(auth.user, input.newEmail, ctx);
      // the change just asked for stays pending (it superseded any older one); its notice went to the old address
      const rotate = { rotate: authOfClaims(auth.claims), sessionId: auth.claims.sid };
      const { pair } = await steps.credentials.after(auth.user, 'email_change_requested', rotate, ctx, { notify: false, spare: 'change_email' });
      return pair!;
    },
    confirmEmailChange: emailChange.confirmEmailChange,
    cancelEmailChange: emailChange.cancelEmailChange,
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
