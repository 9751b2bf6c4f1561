// The auth core's use cases, each from its own factory (core/<capability>/), gathered into what the
// routes call: the AuthService and the account flows. compose.ts calls createAuthService.
import { createHmac } from 'node:crypto';
import type { MfaSettings } from '../config/mfa-settings.js';
import type { PasswordSettings, SessionSettings } from '../config/slices.js';
import type { ExportDeps } from '../core/accounts/export-account.js';
import { createRegistration } from '../core/accounts/register.js';
import { createCredentialAftermath, createOwnerNotice } from '../core/accounts/credential-aftermath.js';
import { createCredentialProof } from '../core/accounts/credential-proof.js';
import type { CredentialRule } from '../core/accounts/credential-rule.js';
import { createUnprovenWaysRemoval, type WaysInStores } from '../core/accounts/unproven-ways.js';
import type { AuthService } from '../core/auth-service.js';
import type { CoreDeps } from '../core/context.js';
import { createAccountService, type AccountService } from '../core/email/account-service.js';
import type { EmailDeps } from '../core/email/email-deps.js';
import { createLoginFinisher } from '../core/login/finish-login.js';
import { createLogin } from '../core/login/login.js';
import { createOutcomeIssuers } from '../core/login/outcomes.js';
import { createPasswordCheck } from '../core/login/password-check.js';
import { createReauthentication, type PasskeyProof } from '../core/login/reauthenticate.js';
import { createRecentAuthCheck } from '../core/login/recent-auth.js';
import { createSecondFactors } from '../core/login/second-factors.js';
import { createLoginThrottle } from '../core/login/throttle.js';
import { createSecondFactorVerification } from '../core/login/verify-second-factor.js';
import { createRecoveryCodeCheck, createTotpCheck, type MfaParts } from '../core/mfa/factor-checks.js';
import { createFactorManagement } from '../core/mfa/manage-factors.js';
import { createRecoveryCodeHasher } from '../core/mfa/recovery-codes.js';
import { createSecretBox } from '../core/mfa/secret-box.js';
import { createTotpEnrolment } from '../core/mfa/totp-enrolment.js';
import { createPasswordChange } from '../core/passwords/change-password.js';
import { createAuthenticator } from '../core/sessions/authenticate.js';
import { createLogout } from '../core/sessions/logout.js';
import { createRefresher } from '../core/sessions/refresh.js';
import { createSessionList } from '../core/sessions/session-list.js';
import { createSessionOpener, createSessionStarter } from '../core/sessions/start-session.js';
import { deriveKey } from '../core/tokens/keys.js';
import type { FactorStore } from '../storage/types/factors.js';

/** What the mail flows take beside the core's parts (core/email/email-deps.ts). */
export type EmailParts = Omit<EmailDeps, keyof CoreDeps>;

/** The secret-keyed parts of second factors: TOTP secrets sealed, recovery codes hashed, each under its own derived key. */
export function mfaParts(factors: FactorStore, secret: string): MfaParts {
  return {
    factors,
    secretBox: createSecretBox(deriveKey(secret, 'totp-secret')),
    hashRecoveryCode: createRecoveryCodeHasher(deriveKey(secret, 'recovery-code')),
  };
}

/** Each use case from its own factory (core/<capability>/), gathered into what the routes call. */
export function createAuthService(
  deps: CoreDeps, sessions: SessionSettings, passwords: Pick<PasswordSettings, 'loginDelay'>,
  { email, mfa, passkey, exportFrom, waysIn }: {
    email: EmailParts; mfa: MfaParts & { settings: MfaSettings }; passkey?: PasskeyProof; exportFrom: Pick<ExportDeps, 'passkeys' | 'federation'>;
    /** The ways in a remedy may remove (core/accounts/unproven-ways.ts). */
    waysIn: Omit<WaysInStores, 'factors'>;
  },
): { auth: AuthService; accounts: AccountService } {
  const startSession = createSessionStarter(deps, sessions);
  const throttle = createLoginThrottle(deps.limits, passwords.loginDelay);
  const checkPassword = createPasswordCheck(deps, throttle);
  const { authenticate, authenticateNow } = createAuthenticator(deps);
  const emailDeps: EmailDeps & Pick<CoreDeps, 'loginChallenges'> = { ...deps, ...email };
  const secondFactors = createSecondFactors([createTotpCheck(mfa), createRecoveryCodeCheck(mfa)]);
  const machine = { ...deps, secondFactors };
  const openSession = createSessionOpener(deps, sessions);
  const issuers = createOutcomeIssuers(deps, openSession);
  const finishLogin = createLoginFinisher(machine, issuers, { requireVerifiedEmail: email.settings.verification === 'required' });
  const requireRecentAuth = createRecentAuthCheck(deps.clock, mfa.settings.reauthMaxAgeSeconds);
  const credentials: CredentialRule = {
    proof: createCredentialProof({ ...deps, passkeys: exportFrom.passkeys, checkPassword }, mfa.settings.reauthMaxAgeSeconds),
    after: createCredentialAftermath(emailDeps, openSession),
    notify: createOwnerNotice(emailDeps),
    removeUnproven: createUnprovenWaysRemoval({ ...deps, ...waysIn }),
  };
  const { factorSummary, regenerateRecoveryCodes, removeTotp } = createFactorManagement({ ...deps, ...mfa }, credentials);
  const { login, signIn } = createLogin(deps, { checkPassword, finishLogin });
  const { register, registerFor } = createRegistration(emailDeps, issuers);
  const { verifyMfa, verifyMfaFor } = createSecondFactorVerification(machine, { finishLogin, throttle });
  const auth: AuthService = {
    register,
    registerFor,
    login,
    signIn,
    authenticate,
    authenticateNow,
    refresh: createRefresher(deps, sessions),
    logout: createLogout({
      ...deps, authenticate, refreshGraceSeconds: sessions.refreshGraceSeconds, oneTimeTokens: email.oneTimeTokens, removeUnproven: credentials.removeUnproven,
    }),
    ...createSessionList(deps),
    changePassword: createPasswordChange(deps, credentials),
    finishLogin,
    verifyMfa,
    verifyMfaFor,
    reauthenticate: createReauthentication(deps, { checkPassword, throttle, secondFactors, startSession, passkey, strongFactors: credentials.proof.strongFactors }),
    requireRecentAuth,
    credentials,
    mfa: { factorSummary, regenerateRecoveryCodes, removeTotp, ...createTotpEnrolment({ ...deps, ...mfa }, mfa.settings, credentials) },
  };
  const accounts = createAccountService(emailDeps, { checkPassword, finishLogin, requireRecentAuth, credentials, exportFrom: { ...deps, ...exportFrom } });
  return { auth, accounts };
}

/** HMAC-SHA-256 under `key`, hex: one-time codes and password fingerprints are never stored as they are. */
export function keyedHasher(key: Buffer) {
  return (text: string) => createHmac('sha256', key).update(text).digest('hex');
}

